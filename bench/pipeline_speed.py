"""How fast the input pipeline makes batches, against how fast a model eats them.

Prints images/s of PairSequence (uint8 -> float32, seeded shuffle, random symmetries of the square) at batch
32 on 96x96 pairs, with 1 and with 2 threads making batches at once (what Keras' `workers` do), one epoch each. A GPU that trains
the vgg16 preset at N images/s is fed without stalling when the pipeline makes well over N.

    python bench/pipeline_speed.py [--n 2048] [--batch 32]
"""
import argparse, time
import numpy as np

def main():
    from segnet_chromosome.config import OneLineParser, number_type  # a bad number is one line and exit status 2, not a traceback
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=number_type(int, 1), default=2048); p.add_argument("--batch", type=number_type(int, 1), default=32)
    args = p.parse_args()
    from concurrent.futures import ThreadPoolExecutor
    from segnet_chromosome.pipeline import PairSequence
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (args.n, 96, 96), dtype=np.uint8)
    labels = rng.integers(0, 4, (args.n, 96, 96), dtype=np.uint8)
    for workers in (1, 2):
        for augment in (False, True):
            seq = PairSequence(images, labels, args.batch, shuffle=True, augment=augment, workers=workers)
            t = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:  # the public PyDataset API: len() and [i], in threads
                n = sum(len(x) for x, y in pool.map(seq.__getitem__, range(len(seq))))
            dt = time.perf_counter() - t
            print(f"workers {workers}, augment {augment!s:5}: {n / dt:8.0f} images/s ({n} images, batch {args.batch})")

if __name__ == "__main__":
    main()
