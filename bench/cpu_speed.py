"""Training images/s of a SegNet preset on this machine's CPU, with the Keras backend given by KERAS_BACKEND.

    KERAS_BACKEND=tensorflow python bench/cpu_speed.py --preset small --batch 32
    KERAS_BACKEND=jax python bench/cpu_speed.py --preset small --batch 32

Times `--steps` training steps of the model alone on 96x96 inputs (random images, fixed labels) after two
warm-up steps (which compile): the ceiling of end-to-end training, where the batches cost nothing. Prints one line:
backend, preset, batch, threads, images/s. Threads: TensorFlow and XLA use every core by default.
"""
import argparse, os, time

def main():
    from segnet_chromosome.config import OneLineParser, number_type  # a bad number is one line and exit status 2, not a traceback
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", default="small"); p.add_argument("--batch", type=number_type(int, 1), default=32)
    p.add_argument("--steps", type=number_type(int, 1), default=12); p.add_argument("--jit", choices=("auto", "on", "off"), default="auto")
    p.add_argument("--policy", default="float32", help="Keras dtype policy: float32, mixed_bfloat16 (bfloat16 units: AMX, AVX512-BF16), mixed_float16")
    args = p.parse_args()
    import numpy as np, keras
    from segnet_chromosome.model import SegNet
    keras.mixed_precision.set_dtype_policy(args.policy)
    model = SegNet((96, 96, 1), preset=args.preset, dropout=0.2)
    jit = {"on": True, "off": False}.get(args.jit, "auto")
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", jit_compile=jit)
    rng = np.random.default_rng(0)
    x = rng.random((args.batch, 96, 96, 1), dtype=np.float32); y = rng.integers(0, 4, (args.batch, 96, 96)).astype(np.int32)
    for _ in range(2): model.train_on_batch(x, y)
    t = time.perf_counter()
    for _ in range(args.steps): model.train_on_batch(x, y)
    per_s = args.steps * args.batch / (time.perf_counter() - t)
    print(f"{keras.backend.backend()} {args.preset} batch {args.batch} {args.policy} jit {args.jit} cores {os.cpu_count()}: {per_s:.1f} images/s")

if __name__ == "__main__":
    main()
