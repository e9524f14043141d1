"""Time and peak memory of generating overlapping pairs from the real metaphase, streamed to HDF5.

    python bench/generate_speed.py [--metaphase ../shared/data/DAPI.tif] [--n-pairs 10000]
"""
import argparse, resource, tempfile, time
from pathlib import Path

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--metaphase", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "DAPI.tif"))
    p.add_argument("--n-pairs", type=int, default=10_000); p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    from segnet_chromosome.generate import load_metaphase, segment_chromosomes, make_overlap_dataset
    t = time.perf_counter()
    chromosomes = segment_chromosomes(load_metaphase(args.metaphase))
    t_seg = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        stats = make_overlap_dataset(chromosomes, Path(d) / "pairs.h5", n_pairs=args.n_pairs, seed=args.seed, progress=False)
        t_gen = time.perf_counter() - t
        size = (Path(d) / "pairs.h5").stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"segmentation: {len(chromosomes)} chromosomes in {t_seg:.2f} s")
    print(f"generation: {stats['kept']} pairs ({stats['tried']} candidates) in {t_gen:.1f} s = {stats['kept'] / t_gen:.0f} pairs/s; "
          f"file {size / 2**20:.1f} MiB; peak RSS of the process {peak:.0f} MiB")

if __name__ == "__main__":
    main()
