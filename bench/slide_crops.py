"""Crops of objects as `separate` sees them, with their truth: a bank an instance trial can learn from (`bench/instance_trial.py --slide-crops`).

Every training image of `bench/instance_trial.py` is laid on an empty canvas by `PairMaker`; `separate` asks the instance
model about objects of a slide instead: found by `find_objects` (its outline where the slide's light falls under its
threshold), the slide's grey scaled to the grey level by its chromosomes' 99th percentile, cut out at the model's zoom. Those
two differ (the light around each chromosome alone was worth clusters of four, CHANGES.md), so this script composes slides
(`synthetic.compose_metaphase`, as `bench/slide_benchmark.py` does) of the chromosomes of RUN's *training* metaphases only
(never the held-out ones the benchmark lays), finds their objects as `separate` does, and keeps each object of two to four
chromosomes (and a share of single ones) cut out as `separate` cuts it, with its truth as membership bits (bit k: chromosome k
of the object). Written to OUT (.npz): `images` (N, H, W) uint8 and `labels` (N, H, W) uint8, each crop centred on the
canvas, `slides` (N,) the composed slide's number (a trial validates on the last slides' crops), `chromosomes` (N,).

    python bench/slide_crops.py --like runs/like --out runs/slide-crops.npz --slides 400 [--processes 2]
"""
import argparse, json, sys
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

# per composed slide: the configurations whose objects hold two chromosomes or more, more than a benchmark slide has, and a
# few isolated ones (single objects, `--single-share` of them kept); no nuclei (`separate` asks the instance model about none)
COUNTS = dict(isolated=4, crossing=4, end_to_end=3, side_by_side=3, on_nucleus=0, cluster_of_3=4, cluster_of_4=4)

def fail(message):
    "One line on stderr that names the problem and the fix, exit status 2 (bad input)."
    print(message, file=sys.stderr); sys.exit(2)

def object_crops(composed, *, preprocessing, policy, size, max_chromosomes=4, inside=0.5):
    """The objects of the `ComposedSlide` `composed` as `separate` asks about them: [(image (h, w) uint8, labels (h, w) uint8,
    n)] for each single or cluster object of `find_objects` that holds 1 to `max_chromosomes` true chromosomes (each with at
    least `inside` of its pixels in the object; an object with a chromosome mostly elsewhere is left out) and fits `size`
    (H, W) at the model's zoom. `image`: the object cut out as `separate._object_crop` cuts it; `labels`: bit k where true
    chromosome k of the object lies (its mask cut out the same way)."""
    from skimage import measure
    from segnet_chromosome.slide import cut_out, find_objects, grey_scale, NoChromosomesError
    try: found = find_objects(composed.image, policy.min_contrast, faint=policy.faint, dim_nucleus=policy.dim_nucleus)
    except NoChromosomesError: return []
    singles, clusters = found.ids("single"), found.ids("cluster")
    if not singles and not clusters: return []
    regions = {r.label: r for r in measure.regionprops(found.labels)}
    grey = found.grey * grey_scale(found.chromosome_pixels(), preprocessing.grey_level)  # as separate_metaphase scales it
    truth, area = composed.instances, composed.instances.sum((1, 2))
    out = []
    for i in singles + clusters:
        r = regions[i]; m = r.image
        held = truth[:, r.slice[0], r.slice[1]] & m
        share = held.sum((1, 2)) / np.maximum(area, 1)
        if ((share > 0.05) & (share < inside)).any(): continue      # a chromosome mostly outside it: its truth is not whole here
        ks = np.flatnonzero(share >= inside)
        if not 1 <= len(ks) <= max_chromosomes: continue
        im, _ = cut_out(grey[r.slice] * m, m, zoom=preprocessing.zoom, margin=preprocessing.margin)
        if im.shape[0] > size[0] or im.shape[1] > size[1]: continue
        labels = np.zeros(im.shape, np.uint8)
        for bit, k in enumerate(ks):
            t, _ = cut_out(held[k].astype(np.float32) * 255, m, zoom=preprocessing.zoom, margin=preprocessing.margin)
            labels |= (t > 127.5).astype(np.uint8) << bit
        out.append((np.clip(np.round(im), 0, 255).astype(np.uint8), labels, len(ks)))
    return out

def centred(items, size):
    "Crops [(image, labels, n)] centred on canvases `size` (H, W): (images (N, H, W) uint8, labels (N, H, W) uint8, n (N,))."
    H, W = size
    images, labels = np.zeros((len(items), H, W), np.uint8), np.zeros((len(items), H, W), np.uint8)
    for j, (im, lab, _) in enumerate(items):
        r, c = (H - im.shape[0]) // 2, (W - im.shape[1]) // 2
        images[j, r:r + im.shape[0], c:c + im.shape[1]] = im; labels[j, r:r + im.shape[0], c:c + im.shape[1]] = lab
    return images, labels, np.array([n for _, _, n in items], np.int16)

_MATERIAL = None  # (chromosomes, preprocessing, policy, size, single_share) for the worker processes, set before they fork

def _slide_crops(seed):
    chromosomes, preprocessing, policy, size, single_share = _MATERIAL
    from segnet_chromosome.synthetic import compose_metaphase
    composed = compose_metaphase(chromosomes, (), counts=COUNTS, seed=seed)
    rng = np.random.default_rng([seed, 1])
    return [c for c in object_crops(composed, preprocessing=preprocessing, policy=policy, size=size) if c[2] > 1 or rng.random() < single_share]

def main(argv=None):
    from segnet_chromosome.config import OneLineParser, number_type
    ap = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--like", required=True, help="a run of `segnet-chromosome train` (with --online): its config's metaphases, less its split's held-out ones, give the chromosomes")
    ap.add_argument("--out", required=True, help="the .npz file to write (never overwritten)")
    ap.add_argument("--slides", type=number_type(int, 1), default=400, help="slides to compose (seeds 10000 on, apart from the benchmark's 0 to N-1)")
    ap.add_argument("--single-share", type=number_type(float, 0, 1, high_open=False), default=0.15, help="share of the single chromosomes' objects kept")
    ap.add_argument("--processes", type=number_type(int, 1), default=2)
    a = ap.parse_args(argv)
    like, out = Path(a.like), Path(a.out)
    if out.exists(): fail(f"--out {out} exists; give another file name (a bank is never overwritten)")
    if out.suffix != ".npz": fail(f"--out {out}: give a file name ending in .npz")
    if not (like / "config.json").is_file() or not (like / "pairs.h5").is_file() or not (like / "split.npz").is_file():
        fail(f"--like {like}: no config.json, pairs.h5 and split.npz there; name a run of `segnet-chromosome train` (e.g. runs/like)")
    from segnet_chromosome.config import SeparationPolicy, TrainConfig
    from segnet_chromosome.core import Preprocessing
    from segnet_chromosome.data import open_pairs
    from segnet_chromosome.runs import read_not_single, read_split
    from slide_benchmark import composed_material
    try:
        config = TrainConfig.from_json(like / "config.json")
        pairs, split = open_pairs(like / "pairs.h5"), read_split(like / "split.npz")
    except (OSError, ValueError, TypeError) as e: fail(f"--like {like}: its config.json, pairs.h5 or split.npz is unreadable ({e.__class__.__name__}); name a finished run of `segnet-chromosome train`")
    if not config.metaphase or pairs.metaphase_ids is None: fail(f"--like {like}: not a run made of metaphases (--metaphase); name one such as runs/like")
    trained = sorted(set(pairs.metaphase_ids[split.train].ravel().tolist()))
    sources = [Path(config.metaphase[k]) for k in trained]
    missing = [str(s) for s in sources if not s.is_file()]
    if missing: fail(f"--like {like}: its metaphases {', '.join(missing)} are not there; run this where the run was made")
    try: not_single = read_not_single(config.not_single) if config.not_single else {}
    except (OSError, ValueError) as e: fail(f"--like {like}: its --not-single file {config.not_single}: {e}")
    chromosomes, _, dropped = composed_material(sources, not_single)
    prep = Preprocessing(config.zoom, config.grey_level, config.margin)
    size = (pairs.height, pairs.width)                              # the canvas of RUN's pairs, and of a trial's images
    global _MATERIAL
    _MATERIAL = (chromosomes, prep, SeparationPolicy(), size, a.single_share)
    import multiprocessing
    seeds = list(range(10000, 10000 + a.slides))
    with multiprocessing.get_context("fork").Pool(a.processes) as pool:
        per_slide = pool.map(_slide_crops, seeds, chunksize=4)
    items = [(c, s) for s, crops in zip(seeds, per_slide) for c in crops]
    images, labels, n = centred([c for c, _ in items], size)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".part.npz")
    np.savez_compressed(tmp, images=images, labels=labels, chromosomes=n, slides=np.array([s for _, s in items], np.int32),
                        facts=json.dumps(dict(like=str(like), sources=[s.name for s in sources], singles_left_out=dropped,
                                              counts=COUNTS, slides=a.slides, single_share=a.single_share, size=size, zoom=prep.zoom)))
    tmp.rename(out)
    print(f"{out}: {len(images)} crops of {a.slides} slides composed from {len(chromosomes)} chromosomes of {', '.join(s.name for s in sources)}; "
          f"by chromosomes: {', '.join(f'{k}: {int((n == k).sum())}' for k in range(1, 5))}")

if __name__ == "__main__":
    main()
