"""How well and how fast `separate_metaphase` separates whole slides with known truth.

Builds `--n` synthetic slides (`synthetic.synthetic_metaphase`, 1024x1536, 20 single chromosomes and 4 overlapping
pairs among 2 nuclei each) and scores the separation per chromosome (`evaluate.match_instances`: one to one, IoU):
the fraction of chromosomes recovered (IoU >= 0.5), the mean IoU over all chromosomes, and the same for the
chromosomes of the pairs alone; and the time per slide, split into finding the objects, the model, the rest of the
separation, and writing its five files (the model loaded once; TensorFlow's start-up not counted).
Slides are made from procedural chromosomes, and from the real single chromosomes of DAPI.tif when
../shared/data/DAPI.tif (or --dapi) is there. Its slides hold isolated chromosomes and overlapping pairs only: the
benchmark with every configuration a real slide has (touching pairs, chromosomes on nuclei, clusters), composed from the
real chromosomes of held-out metaphases or of `--from` slides of your own and scored as COCO AP too, is
bench/slide_benchmark.py.

    python bench/separate_quality.py [--n 20] [--model pretrained|pretrained:synthetic|RUN_DIR] [--tta] [--json figures.json]
"""
import argparse, json, os, shutil, tempfile, time
from pathlib import Path
import numpy as np

def main():
    from segnet_chromosome.config import OneLineParser, number_type
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=number_type(int, 1), default=20); p.add_argument("--model", default="pretrained"); p.add_argument("--tta", action="store_true")
    p.add_argument("--json", help="also write the figures to this JSON file")
    p.add_argument("--dapi", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "DAPI.tif"))
    args = p.parse_args()
    from segnet_chromosome.slide import segment_chromosomes, load_metaphase
    from segnet_chromosome.synthetic import synthetic_metaphase
    from segnet_chromosome.core import Preprocessing
    from segnet_chromosome.separate import separate_metaphase
    from segnet_chromosome.results import write_separation
    from segnet_chromosome.model import load_model_source
    from segnet_chromosome.evaluate import match_instances
    try: model, preprocessing = load_model_source(args.model)
    except (OSError, ValueError) as e: p.error(f"--model {args.model}: {e}")
    sources = {"procedural chromosomes": None}
    if Path(args.dapi).is_file(): sources["chromosomes of DAPI.tif"] = list(segment_chromosomes(load_metaphase(args.dapi), preprocessing=Preprocessing(zoom=1)))
    separate_metaphase(synthetic_metaphase(seed=10_000).image, model, preprocessing=preprocessing)  # warm up: the first prediction builds the network
    figures = {}
    for name, chromosomes in sources.items():
        iou, paired, times, steps = [], [], [], []
        out = Path(tempfile.mkdtemp())
        for seed in range(args.n):
            slide = synthetic_metaphase(chromosomes, seed=seed)
            t = time.perf_counter()
            sep = separate_metaphase(slide.image, model, preprocessing=preprocessing, tta=args.tta)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            write_separation(sep, out, f"slide{seed}")
            steps.append({**sep.seconds, "write": time.perf_counter() - t})
            m = match_instances(slide.instances, sep.instances)
            in_pairs = [k for pair in slide.pairs for k in pair]
            iou += list(m["iou"]); paired += list(m["iou"][in_pairs])
        iou, paired = np.array(iou), np.array(paired)
        print(f"{name}: {args.n} slides, {len(iou)} chromosomes ({len(paired)} in overlapping pairs)"
              f"{' with TTA' if args.tta else ''}")
        print(f"  recovered (IoU >= 0.5): {100 * (iou >= 0.5).mean():.1f}%, mean IoU {iou.mean():.3f}; "
              f"chromosomes of pairs: recovered {100 * (paired >= 0.5).mean():.1f}%, mean IoU {paired.mean():.3f}")
        median = {k: float(np.median([s[k] for s in steps])) for k in steps[0]}
        print(f"  time per 1024x1536 slide: median {np.median(times):.2f} s, max {max(times):.2f} s to separate "
              f"(find {median['find']:.2f} s, model {median['model']:.2f} s, rest {median['rest']:.2f} s), "
              f"then {median['write']:.2f} s to write its files; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        shutil.rmtree(out)
        figures[name] = dict(slides=args.n, chromosomes=len(iou), recovered=float((iou >= 0.5).mean()), mean_iou=float(iou.mean()),
                             pairs_recovered=float((paired >= 0.5).mean()), pairs_mean_iou=float(paired.mean()),
                             median_s=float(np.median(times)), max_s=float(max(times)), median_step_s=median)
    if args.json: Path(args.json).write_text(json.dumps(figures, indent=2))

if __name__ == "__main__":
    main()
