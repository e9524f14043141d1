"""bench/compare_benchmarks.py: a paired bootstrap over the slides of two benchmark runs (made-up per-slide counts; the
benchmark itself takes minutes)."""
import json, subprocess, sys
from conftest import ROOT

TOOL = ROOT / "bench" / "compare_benchmarks.py"

def figures(model, matched, instances=40):
    "A benchmark --json of 12 slides of 40 chromosomes each: `matched[i]` found on slide i."
    per_slide = [dict(seed=i, chromosomes=40, instances=instances, matched=m,
                      found={"isolated": [min(m, 16), 16], "crossing": [max(m - 16, 0), 24]})
                 for i, m in enumerate(matched)]
    return dict(model=model, tta=False, slides=len(matched), sources=["metaphase10-dapi.tif"], singles_left_out=3, per_slide=per_slide)

def compare(tmp_path, a, b, *extra):
    for name, f in (("a.json", a), ("b.json", b)): (tmp_path / name).write_text(json.dumps(f))
    return subprocess.run([sys.executable, str(TOOL), str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--draws", "500", *extra],
                          capture_output=True, text=True)

def line(out, measure): return next(l for l in out.splitlines() if l.startswith(measure))

def test_a_clear_gain_is_shown_and_chance_is_not(tmp_path):
    a = figures("pretrained", [30, 32, 31, 29, 33, 30, 31, 32, 30, 29, 31, 30])
    done = compare(tmp_path, a, figures("runs/better", [34, 36, 35, 33, 37, 34, 35, 36, 34, 33, 35, 34]))
    assert done.returncode == 0, done.stderr
    assert "B better" in line(done.stdout, "recall") and "+10.0" in line(done.stdout, "recall"), done.stdout  # 4 of 40 more on every slide
    noisy = figures("runs/noisy", [34, 28, 31, 33, 29, 30, 35, 28, 30, 31, 29, 30])       # as many up as down
    done = compare(tmp_path, a, noisy)
    assert "no difference shown" in line(done.stdout, "f1"), done.stdout
    same = compare(tmp_path, a, a)
    assert "+0.0 [ +0.0,  +0.0]" in line(same.stdout, "f1"), same.stdout
    by_policy = compare(tmp_path, a, dict(a, policy="mine_policy.json"))  # the same model, other rules: the header tells them apart
    assert by_policy.stdout.startswith("A pretrained; B pretrained policy mine_policy.json; "), by_policy.stdout

def test_runs_of_other_slides_or_without_counts_are_refused(tmp_path):
    a = figures("pretrained", [30] * 12)
    other = dict(figures("runs/x", [30] * 12), sources=["metaphase1-dapi.tif"])
    done = compare(tmp_path, a, other)
    assert done.returncode == 2 and "not measured on the same slides (sources differ)" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    old = {k: v for k, v in a.items() if k != "per_slide"}
    done = compare(tmp_path, old, a)
    assert done.returncode == 2 and "no per-slide counts" in done.stderr and "Traceback" not in done.stderr, done.stderr

def compare_recipes(tmp_path, runs_a, runs_b, *extra):
    names = []
    for side, runs in (("a", runs_a), ("b", runs_b)):
        for k, f in enumerate(runs):
            (tmp_path / f"{side}{k}.json").write_text(json.dumps(f)); names.append(str(tmp_path / f"{side}{k}.json"))
    return subprocess.run([sys.executable, str(TOOL), *names[:len(runs_a)], "--vs", *names[len(runs_a):], "--draws", "500", *extra],
                          capture_output=True, text=True)

def test_recipes_trained_more_than_once_are_compared_over_their_runs(tmp_path):
    steady = [30, 32, 31, 29, 33, 30, 31, 32, 30, 29, 31, 30]
    a = [figures("runs/a-seed3", steady), figures("runs/a-seed4", steady)]
    better = [figures("runs/b-seed3", [m + 4 for m in steady]), figures("runs/b-seed4", [m + 4 for m in steady])]
    done = compare_recipes(tmp_path, a, better)
    assert done.returncode == 0, done.stderr
    assert "B better" in line(done.stdout, "recall") and "+10.0" in line(done.stdout, "recall"), done.stdout
    assert "B's runs, F1: runs/b-seed3" in done.stdout and "of the slides and of each side's runs" in done.stdout, done.stdout
    # a lucky seed: B's second run alone looks like a gain; with its first run, as much worse, it is chance
    lucky = [figures("runs/c-seed3", [m - 3 for m in steady]), figures("runs/c-seed4", [m + 5 for m in steady])]
    assert "B better" in line(compare(tmp_path, a[0], lucky[1]).stdout, "recall")
    assert "no difference shown" in line(compare_recipes(tmp_path, a, lucky).stdout, "recall")

def test_recipes_of_other_slides_or_a_third_file_without_vs_are_refused(tmp_path):
    a = figures("pretrained", [30] * 12)
    other = dict(figures("runs/x", [30] * 12), slides=11, per_slide=figures("runs/x", [30] * 11)["per_slide"])
    done = compare_recipes(tmp_path, [a, a], [a, other])
    assert done.returncode == 2 and "b1.json were not measured on the same slides (slides differ)" in done.stderr, done.stderr
    for name, f in (("a.json", a), ("b.json", a), ("c.json", a)): (tmp_path / name).write_text(json.dumps(f))
    done = subprocess.run([sys.executable, str(TOOL), *(str(tmp_path / n) for n in ("a.json", "b.json", "c.json"))], capture_output=True, text=True)
    assert done.returncode == 2 and "3 files given: give two (A B), or A's runs and --vs B's runs" in done.stderr, done.stderr
