"""Speed and memory of data generation from the real metaphase: the pair file, and fresh pairs on the fly.

    python bench/generate_speed.py [--data-dir ../shared/data] [--n-pairs 10000] [--online-seconds 10]

Prints: the segmentation time; the time, rate and peak memory of writing `--n-pairs` pairs of the default
recipe to HDF5 (target: 10,000 in under 60 s and 1 GiB); and the pairs per second of `PairMaker` on one core,
once every view is cached (target: 5,000) and from a cold cache (the first epoch of a run).
"""
import argparse, os, resource, tempfile, time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says

def main():
    from segnet_chromosome.config import OneLineParser, number_type  # a bad number is one line and exit status 2, not a traceback
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    p.add_argument("--n-pairs", type=number_type(int, 1), default=10_000); p.add_argument("--seed", type=number_type(int, 0), default=0)
    p.add_argument("--online-seconds", type=number_type(float, 0, low_open=True), default=10.0)
    args = p.parse_args()
    import numpy as np
    from segnet_chromosome.slide import load_metaphase, segment_chromosomes
    from segnet_chromosome.generate import make_overlap_dataset
    from segnet_chromosome.fresh import PairMaker
    data = Path(args.data_dir)
    t = time.perf_counter()
    chromosomes = segment_chromosomes(load_metaphase(data / "DAPI.tif"), load_metaphase(data / "Cy3.tif"))
    t_seg = time.perf_counter() - t
    print(f"segmentation: {len(chromosomes)} chromosomes in {t_seg:.2f} s", flush=True)
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        stats = make_overlap_dataset(chromosomes, Path(d) / "pairs.h5", n_pairs=args.n_pairs, seed=args.seed, progress=False)
        t_gen = time.perf_counter() - t
        size = (Path(d) / "pairs.h5").stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {stats['kept']} pairs ({stats['tried']} candidates) in {t_gen:.1f} s = {stats['kept'] / t_gen:.0f} pairs/s "
          f"(with segmentation {t_gen + t_seg:.1f} s); file {size / 2**20:.1f} MiB; peak RSS of the process {peak:.0f} MiB", flush=True)

    maker = PairMaker(chromosomes)
    def rate(seconds, batch=256):
        n, t = 0, time.perf_counter()
        while time.perf_counter() - t < seconds:
            maker.make(batch, np.random.default_rng([args.seed, n])); n += batch
        return n / (time.perf_counter() - t)
    cold = rate(args.online_seconds)
    print(f"online, cold cache: {cold:.0f} pairs/s over the first {args.online_seconds:.0f} s ({len(maker._views)} views cached)", flush=True)
    t = time.perf_counter()
    for c in range(len(chromosomes)):
        for a in range(maker.n_angles):
            for s in range(len(maker.recipe.scales)): maker.view(c, a, s)
    print(f"caching every view ({len(maker._views)}) took {time.perf_counter() - t:.1f} s")
    print(f"online, warm cache: {rate(args.online_seconds):.0f} pairs/s on one core (batches of 256, jitter on)")

if __name__ == "__main__":
    main()
