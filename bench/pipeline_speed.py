"""How fast the input pipeline makes batches, against how fast a model eats them.

Prints images/s of PairSequence (uint8 -> float32, seeded shuffle, random symmetries of the square) at batch
32 on 96x96 pairs, with 1 and with 2 worker threads, iterating one epoch the way Keras does. A GPU that trains
the vgg16 preset at N images/s is fed without stalling when the pipeline makes well over N.

    python bench/pipeline_speed.py [--n 2048] [--batch 32]
"""
import argparse, time
import numpy as np

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=2048); p.add_argument("--batch", type=int, default=32)
    args = p.parse_args()
    from keras.src.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter
    from segnet_chromosome.pipeline import PairSequence
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (args.n, 96, 96), dtype=np.uint8)
    labels = rng.integers(0, 4, (args.n, 96, 96), dtype=np.uint8)
    for workers in (1, 2):
        for augment in (False, True):
            seq = PairSequence(images, labels, args.batch, shuffle=True, augment=augment, workers=workers)
            adapter = PyDatasetAdapter(seq, shuffle=False)
            adapter.on_epoch_begin()
            t = time.perf_counter()
            n = sum(len(x) for x, y in adapter.get_numpy_iterator())
            dt = time.perf_counter() - t
            adapter.on_epoch_end()
            print(f"workers {workers}, augment {augment!s:5}: {n / dt:8.0f} images/s ({n} images, batch {args.batch})")

if __name__ == "__main__":
    main()
