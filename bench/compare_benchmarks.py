"""Is a difference between two runs of bench/slide_benchmark.py more than the luck of the slides?

    python bench/slide_benchmark.py --json a.json
    python bench/slide_benchmark.py --model runs/NAME --json b.json
    python bench/compare_benchmarks.py a.json b.json

Both runs must have composed the same slides (same sources, singles left out and number of slides: the seeds 0 to N-1),
so that each slide is scored twice: the comparison is paired. The slides are resampled with replacement (a bootstrap,
10,000 draws by default) and recall, precision and F1 over all chromosomes, and the recall of each configuration, are
computed for both on each draw; printed is B - A with the 95% interval of those draws. An interval that holds 0 is a
difference these slides cannot tell from chance. The files need the `per_slide` counts the benchmark writes since this
script exists; an older file gets one line saying to run the benchmark again.
"""
import argparse, json, sys
from pathlib import Path
import numpy as np

def fail(message):
    print(f"compare_benchmarks: error: {message}", file=sys.stderr)
    raise SystemExit(2)

def read_figures(path):
    "The figures of one benchmark run, checked to hold per-slide counts."
    try: figures = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e: fail(f"{path}: {e}")
    if not isinstance(figures, dict) or "per_slide" not in figures:
        fail(f"{path} has no per-slide counts (written by an older bench/slide_benchmark.py, or not its --json): run the benchmark again with --json")
    return figures

def totals(slides, idx):
    "(matched, instances, chromosomes, {kind: (found, laid)}) summed over the slides `idx` (indices, repeats allowed)."
    pick = [slides[i] for i in idx]
    kinds = {k: tuple(sum(s["found"][k][j] for s in pick) for j in (0, 1)) for k in pick[0]["found"]}
    return sum(s["matched"] for s in pick), sum(s["instances"] for s in pick), sum(s["chromosomes"] for s in pick), kinds

def scores(slides, idx):
    "{recall, precision, f1, recall of each configuration} over the slides `idx`, as fractions (NaN where nothing was laid)."
    matched, instances, chromosomes, kinds = totals(slides, idx)
    recall, precision = matched / max(chromosomes, 1), matched / max(instances, 1)
    out = dict(recall=recall, precision=precision, f1=2 * recall * precision / max(recall + precision, 1e-9))
    out.update({k: found / laid if laid else np.nan for k, (found, laid) in kinds.items()})
    return out

def paired_bootstrap(a, b, *, draws=10_000, seed=0):
    "{measure: (B - A on all slides, low, high)}: the difference and its 95% interval over slides drawn with replacement."
    n, rng = len(a), np.random.default_rng(seed)
    every = np.arange(n)
    base_a, base_b = scores(a, every), scores(b, every)
    samples = {k: [] for k in base_a}
    for _ in range(draws):
        idx = rng.integers(0, n, n)
        sa, sb = scores(a, idx), scores(b, idx)
        for k in samples: samples[k].append(sb[k] - sa[k])
    return {k: (base_b[k] - base_a[k], *np.nanpercentile(samples[k], [2.5, 97.5])) for k in samples}

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a", help="the --json of the first run (the reference)"); p.add_argument("b", help="the --json of the run compared with it")
    p.add_argument("--draws", type=int, default=10_000, help="bootstrap draws (default 10,000)")
    args = p.parse_args()
    if args.draws < 100: fail(f"--draws {args.draws}: give at least 100")
    a, b = read_figures(args.a), read_figures(args.b)
    same = ("sources", "singles_left_out", "slides")
    differ = [k for k in same if a.get(k) != b.get(k)]
    if differ or [s["chromosomes"] for s in a["per_slide"]] != [s["chromosomes"] for s in b["per_slide"]]:
        fail(f"{args.a} and {args.b} were not measured on the same slides ({', '.join(differ) or 'chromosomes per slide'} differ); "
             "run both with the same --from, --n and --not-single")
    result = paired_bootstrap(a["per_slide"], b["per_slide"], draws=args.draws)
    print(f"A {a['model']}{' with TTA' if a.get('tta') else ''}; B {b['model']}{' with TTA' if b.get('tta') else ''}; "
          f"{a['slides']} slides of {', '.join(a['sources'])}, paired; B - A in points, 95% interval of {args.draws:,} bootstrap draws of the slides")
    base_a, base_b = scores(a["per_slide"], range(len(a["per_slide"]))), scores(b["per_slide"], range(len(b["per_slide"])))
    for k, (diff, low, high) in result.items():
        if np.isnan(diff): continue
        verdict = "B better" if low > 0 else "A better" if high < 0 else "no difference shown"
        print(f"{k:14} A {100 * base_a[k]:5.1f}%  B {100 * base_b[k]:5.1f}%  B - A {100 * diff:+5.1f} [{100 * low:+5.1f}, {100 * high:+5.1f}]  {verdict}")

if __name__ == "__main__":
    main()
