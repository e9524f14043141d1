"""What a model scores on metaphases it never saw: the figures of a shipped model's card.

For each held-out slide (default: metaphases 10, 11 and 13 of ../shared/data/jpp21, never trained on in the
shipped model's protocol) it cuts out the single chromosomes as the model's preprocessing says, overlaps
`--pairs` pairs of them (`make_overlap_dataset`, the training files' recipe, seed 8; the "singles" that are two
chromosomes, `bench/not_single.json`, left out: `--keep-pairs` keeps them), and scores the model on
them: IoU per class, pooled over the pairs, with fixed labels and swap-aware, without and with test-time
augmentation; per slide and over the three together. It also separates each whole slide (`separate_metaphase`)
and writes its files into OUT (`write_separation`), so the overlays can be looked at. The figures go to OUT/scores.json (the
`--scores` of tools/ship_model.py) and are printed as a table.

    python bench/heldout_scores.py --model runs/real --out runs/heldout
    python bench/heldout_scores.py --model pretrained --out runs/heldout-shipped

Slides saved with several channels in one file are read at `--channel K` (their DAPI channel, 0-based), as `separate
--channel` reads them; a file it cannot read, or a wrong channel, is said in one line before the model loads.
"""
import argparse, json, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SLIDES = [f"jpp21/metaphase{k}-dapi.tif" for k in (10, 11, 13)]

def class_ious(report):
    "{'A', 'B', 'overlap'} IoU in % of a report: fixed labels and swap-aware."
    pick = lambda classes: {short: round(100 * classes[name]["iou"], 1) for short, name in
                            (("A", "chromosome A"), ("B", "chromosome B"), ("overlap", "overlap"))}
    return dict(fixed=pick(report["classes"]), swap_aware=pick(report["swap_aware"]["classes"]))

def main():
    from segnet_chromosome.config import OneLineParser, number_type
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="pretrained", help="'pretrained', 'pretrained:synthetic', a run directory or a .keras file with its card")
    p.add_argument("--slides", nargs="+", help="held-out slides (default: metaphases 10, 11, 13 of the shared data)")
    p.add_argument("--pairs", type=number_type(int, 1), default=500, help="pairs per slide"); p.add_argument("--out", required=True)
    p.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    p.add_argument("--not-single", default=str(ROOT / "bench" / "not_single.json"),
                   help="JSON file {slide: {number: area}} of the singles that are two chromosomes, left out of the pairs (default: the shared slides')")
    p.add_argument("--keep-pairs", action="store_true", help="keep those singles (the pairs as this script made them before the list)")
    p.add_argument("--channel", type=number_type(int, 0), metavar="K", help="the DAPI channel (0-based) of slides saved with several channels in one file")
    args = p.parse_args()
    out = Path(args.out)
    taken = lambda: p.error(f"--out {out} exists: give a new folder (a measurement never mixes with an earlier one)")
    if out.exists(): taken()                            # said at once, before the slides and the model load
    from segnet_chromosome.cli import for_the_terminal  # the library's argument names as this script's flags
    from segnet_chromosome.slide import load_metaphase
    from segnet_chromosome.sources import model_source
    try: model_source(args.model)                       # (no Keras yet: a model not there is said at once)
    except (OSError, ValueError) as e: p.error(f"--model {args.model}: {e}")
    slides = [Path(s) for s in args.slides] if args.slides else [Path(args.data_dir) / s for s in SLIDES]
    images = {}
    for path in slides:  # each one grey image (or the channel named), said before Keras starts and before --out is made
        try: images[path] = load_metaphase(path, channel=args.channel)
        except (OSError, ValueError) as e: p.error(f"--slides {path}: {for_the_terminal(str(e))}")
    from segnet_chromosome.data import load_pairs
    from segnet_chromosome.slide import segment_chromosomes
    from segnet_chromosome.generate import make_overlap_dataset
    from segnet_chromosome.model import load_model_source
    from segnet_chromosome.evaluate import evaluate
    from segnet_chromosome.separate import separate_metaphase
    from segnet_chromosome.results import write_separation
    from segnet_chromosome.runs import read_not_single, without_pairs
    try: not_single = {} if args.keep_pairs else read_not_single(args.not_single)
    except (OSError, ValueError) as e: p.error(f"--not-single {args.not_single}: {e}")  # one line, exit status 2
    try: model, prep = load_model_source(args.model)
    except (OSError, ValueError) as e: p.error(f"--model {args.model}: {e}")
    try: out.mkdir(parents=True)                        # (made meanwhile by another call: refused as well)
    except FileExistsError: taken()
    scores, every = dict(model=str(args.model), preprocessing=prep.__dict__, channel=args.channel, pairs_per_slide=args.pairs, singles_that_are_pairs_kept=args.keep_pairs,
                           slides={}), ([], [])
    for path, slide in images.items():
        try: chromosomes = without_pairs(segment_chromosomes(slide, preprocessing=prep), not_single.get(path.name, {}), slide=path.name,
                                         zoom=prep.zoom, source=args.not_single)
        except ValueError as e: p.error(str(e))
        make_overlap_dataset(chromosomes, out / f"{path.stem}_pairs.h5", n_pairs=args.pairs, seed=8, progress=False)
        images, labels = load_pairs(out / f"{path.stem}_pairs.h5", dtype="uint8")
        every[0].append(images); every[1].append(labels)
        t = time.perf_counter()
        sep = separate_metaphase(slide, model, preprocessing=prep)
        seconds = time.perf_counter() - t
        write_separation(sep, out, path.stem, channel=args.channel, slide=path)
        scores["slides"][path.name] = dict(chromosomes_cut_out=len(chromosomes), pairs=len(images),
                                           plain=class_ious(evaluate(model, images, labels)), tta=class_ious(evaluate(model, images, labels, tta=True)),
                                           separate=dict(chromosomes=len(sep.instances), **sep.counts, seconds=round(seconds, 2)))
    images, labels = np.concatenate(every[0]), np.concatenate(every[1])
    scores["all"] = dict(pairs=len(images), plain=class_ious(evaluate(model, images, labels)), tta=class_ious(evaluate(model, images, labels, tta=True)))
    (out / "scores.json").write_text(json.dumps(scores, indent=2) + "\n")
    print(f"model {args.model}; IoU in %, pooled over the pairs; swap-aware (fixed labels in brackets)")
    print(f"{'slide':28} {'pairs':>5}  {'A':>12} {'B':>12} {'overlap':>8}  |  TTA: {'A':>5} {'B':>5} {'overlap':>7}  | separate")
    for name, s in list(scores["slides"].items()) + [("all three", scores["all"])]:
        pl, tt = s["plain"], s["tta"]
        sep = s.get("separate")
        print(f"{name:28} {s['pairs']:>5}  {pl['swap_aware']['A']:5.1f} ({pl['fixed']['A']:4.1f}) {pl['swap_aware']['B']:5.1f} ({pl['fixed']['B']:4.1f}) "
              f"{pl['swap_aware']['overlap']:8.1f}  |       {tt['swap_aware']['A']:5.1f} {tt['swap_aware']['B']:5.1f} {tt['swap_aware']['overlap']:7.1f}  | "
              + (f"{sep['chromosomes']} chromosomes, {sep['overlap']} overlaps cut, {sep['cluster']} clusters" if sep else ""))
    print(f"wrote {out / 'scores.json'} and each slide's overlay, gallery, instances and objects to {out}")

if __name__ == "__main__":
    main()
