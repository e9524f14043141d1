"""Is a difference between two runs of bench/slide_benchmark.py more than the luck of the slides?

    python bench/slide_benchmark.py --json a.json
    python bench/slide_benchmark.py --model runs/NAME --json b.json
    python bench/compare_benchmarks.py a.json b.json
    python bench/compare_benchmarks.py a_seed3.json a_seed4.json --vs b_seed3.json b_seed4.json   # recipes, seed against seed

Both runs must have composed the same slides (same sources, singles left out and number of slides: the seeds 0 to N-1),
so that each slide is scored twice: the comparison is paired. The slides are resampled with replacement (a bootstrap,
10,000 draws by default) and recall, precision and F1 over all chromosomes, and the recall of each configuration, are
computed for both on each draw; printed is B - A with the 95% interval of those draws. An interval that holds 0 is a
difference these slides cannot tell from chance. With `--vs`, each side is a recipe trained more than once
(`bench/quality.py --seeds N`): its figures are pooled over its runs (each slide's counts summed), and each draw also
draws that side's runs with replacement, so that the interval holds the luck of training too (crudely, with two or
three runs a side); each run's F1 is printed as well. The files need the `per_slide` counts the benchmark writes since this
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

def count_table(slides):
    """(kinds, table): the configurations, and each slide's counts as a row of `table` (n, 3 + 2 * len(kinds)): matched,
    instances, chromosomes, then found and laid of each configuration."""
    kinds = list(slides[0]["found"])
    return kinds, np.array([[s["matched"], s["instances"], s["chromosomes"], *(s["found"][k][j] for k in kinds for j in (0, 1))]
                            for s in slides], float)

def scores(kinds, totals):
    """{recall, precision, f1, recall of each configuration} as fractions (NaN where nothing was laid), from `count_table`'s
    counts summed over slides: `totals` (..., C), one set of slides or one per bootstrap draw."""
    matched, instances, chromosomes = totals[..., 0], totals[..., 1], totals[..., 2]
    recall, precision = matched / np.maximum(chromosomes, 1), matched / np.maximum(instances, 1)
    out = dict(recall=recall, precision=precision, f1=2 * recall * precision / np.maximum(recall + precision, 1e-9))
    for i, k in enumerate(kinds):
        found, laid = totals[..., 3 + 2 * i], totals[..., 4 + 2 * i]
        out[k] = np.where(laid > 0, found / np.maximum(laid, 1), np.nan)
    return out

def run_f1(slides):
    "The F1 of one run over all its slides, from its per-slide counts."
    kinds, table = count_table(slides)
    return float(scores(kinds, table.sum(0))["f1"])

def paired_bootstrap(runs_a, runs_b, *, draws=10_000, seed=0):
    """{measure: (A, B, low, high)}: each side's figure on all its slides, and the 95% interval of B - A when the slides
    are drawn with replacement (the same draws for both: the comparison is paired). `runs_a`, `runs_b`: each side's runs,
    a list of per-slide counts each (one run; or a recipe trained several times: pooled, and its runs drawn with replacement
    on each draw too)."""
    kinds = count_table(runs_a[0])[0]
    tables_a, tables_b = (np.stack([count_table(r)[1] for r in runs]) for runs in (runs_a, runs_b))  # (runs, slides, C)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, tables_a.shape[1], (draws, tables_a.shape[1]))
    def drawn(tables):
        per_run = tables[:, idx].sum(2)                                 # (runs, draws, C): each run on each draw of the slides
        if len(tables) == 1: return per_run[0]
        pick = rng.integers(0, len(tables), (draws, len(tables)))      # the runs drawn again, with replacement
        return per_run[pick, np.arange(draws)[:, None]].sum(1)
    all_a, all_b = scores(kinds, tables_a.sum((0, 1))), scores(kinds, tables_b.sum((0, 1)))
    drawn_a, drawn_b = scores(kinds, drawn(tables_a)), scores(kinds, drawn(tables_b))
    return {k: (float(all_a[k]), float(all_b[k]), *np.nanpercentile(drawn_b[k] - drawn_a[k], [2.5, 97.5])) for k in all_a}

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="the --json of the first run (the reference) and of the run compared with it; "
                   "with --vs, the runs of the reference recipe")
    p.add_argument("--vs", nargs="+", metavar="JSON", help="the runs of the recipe compared with the reference (one file a seed)")
    p.add_argument("--draws", type=int, default=10_000, help="bootstrap draws (default 10,000)")
    args = p.parse_args()
    if args.draws < 100: fail(f"--draws {args.draws}: give at least 100")
    if not args.vs and len(args.runs) != 2: fail(f"{len(args.runs)} files given: give two (A B), or A's runs and --vs B's runs")
    paths_a, paths_b = (args.runs, args.vs) if args.vs else (args.runs[:1], args.runs[1:])
    figs_a, figs_b = [read_figures(f) for f in paths_a], [read_figures(f) for f in paths_b]
    a = figs_a[0]
    same = ("sources", "singles_left_out", "slides")
    for path, other in zip(paths_a[1:] + paths_b, figs_a[1:] + figs_b):
        differ = [k for k in same if a.get(k) != other.get(k)]
        if differ or [s["chromosomes"] for s in a["per_slide"]] != [s["chromosomes"] for s in other["per_slide"]]:
            fail(f"{paths_a[0]} and {path} were not measured on the same slides ({', '.join(differ) or 'chromosomes per slide'} differ); "
                 "run both with the same --from, --n and --not-single")
    result = paired_bootstrap([f["per_slide"] for f in figs_a], [f["per_slide"] for f in figs_b], draws=args.draws)
    name = lambda figs: " + ".join(f"{f['model']}{' with TTA' if f.get('tta') else ''}{' policy ' + str(f['policy']) if f.get('policy') else ''}" for f in figs)
    drawn = "the slides and of each side's runs" if args.vs else "the slides"
    print(f"A {name(figs_a)}; B {name(figs_b)}; {a['slides']} slides of {', '.join(a['sources'])}, paired; B - A in points, "
          f"95% interval of {args.draws:,} bootstrap draws of {drawn}")
    if args.vs:
        for side, figs in (("A", figs_a), ("B", figs_b)):
            print(f"{side}'s runs, F1: " + ", ".join(f"{f['model']} {100 * run_f1(f['per_slide']):.1f}%" for f in figs))
    for k, (in_a, in_b, low, high) in result.items():
        if np.isnan(in_a): continue                                  # a configuration these slides do not have
        verdict = "B better" if low > 0 else "A better" if high < 0 else "no difference shown"
        print(f"{k:14} A {100 * in_a:5.1f}%  B {100 * in_b:5.1f}%  B - A {100 * (in_b - in_a):+5.1f} [{100 * low:+5.1f}, {100 * high:+5.1f}]  {verdict}")

if __name__ == "__main__":
    main()
