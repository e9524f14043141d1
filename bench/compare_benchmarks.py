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

def paired_bootstrap(a, b, *, draws=10_000, seed=0):
    """{measure: (A, B, low, high)}: each run's figure on all its slides, and the 95% interval of B - A when the slides
    are drawn with replacement (the same draws for both: the comparison is paired)."""
    kinds, table_a = count_table(a)
    table_b = count_table(b)[1]
    idx = np.random.default_rng(seed).integers(0, len(table_a), (draws, len(table_a)))
    all_a, all_b = scores(kinds, table_a.sum(0)), scores(kinds, table_b.sum(0))
    drawn_a, drawn_b = scores(kinds, table_a[idx].sum(1)), scores(kinds, table_b[idx].sum(1))
    return {k: (float(all_a[k]), float(all_b[k]), *np.nanpercentile(drawn_b[k] - drawn_a[k], [2.5, 97.5])) for k in all_a}

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
    for k, (in_a, in_b, low, high) in result.items():
        if np.isnan(in_a): continue                                  # a configuration these slides do not have
        verdict = "B better" if low > 0 else "A better" if high < 0 else "no difference shown"
        print(f"{k:14} A {100 * in_a:5.1f}%  B {100 * in_b:5.1f}%  B - A {100 * (in_b - in_a):+5.1f} [{100 * low:+5.1f}, {100 * high:+5.1f}]  {verdict}")

if __name__ == "__main__":
    main()
