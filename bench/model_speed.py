"""Speed of each SegNet preset and of the UpSampling2D baseline (UpSamplingSegNet) on the current device.

For each model: parameters, training images/s and inference images/s at a fixed batch size (default 32),
and the ratio of each to UpSamplingSegNet. SegNet presets run on 96x96 inputs (94x93 padded), UpSamplingSegNet on the
seed's 88x88. Runs on whatever Keras backend is set:

    python bench/model_speed.py --quick                       # CPU, a few minutes
    KERAS_BACKEND=jax python bench/model_speed.py             # GPU machine (JAX, no TensorFlow there)
"""
import argparse, os, time
import numpy as np

def measure(model, x, y, steps, warmup):
    "Images per second for training steps and for inference, after `warmup` untimed steps (compilation)."
    import keras
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    for _ in range(warmup): model.train_on_batch(x, y)
    t = time.perf_counter()
    for _ in range(steps): loss = model.train_on_batch(x, y)
    np.asarray(loss)  # wait for the device
    train = steps * len(x) / (time.perf_counter() - t)
    for _ in range(warmup): np.asarray(model.predict_on_batch(x))
    t = time.perf_counter()
    for _ in range(steps): out = model.predict_on_batch(x)
    np.asarray(out)
    infer = steps * len(x) / (time.perf_counter() - t)
    return train, infer

def main():
    from segnet_chromosome.config import OneLineParser, number_type  # a bad number is one line and exit status 2, not a traceback
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=number_type(int, 1), default=32)
    p.add_argument("--steps", type=number_type(int, 1), default=20, help="timed steps per measurement")
    p.add_argument("--warmup", type=number_type(int, 0), default=3)
    p.add_argument("--quick", action="store_true", help="3 timed steps, 1 warm-up: a few minutes on a CPU")
    p.add_argument("--presets", default="vgg16,small,tiny")
    p.add_argument("--mixed-precision", choices=["mixed_float16", "mixed_bfloat16"], help="dtype policy (GPU)")
    args = p.parse_args()
    if args.quick: args.steps, args.warmup = 3, 1
    import keras
    from segnet_chromosome.model import SegNet, UpSamplingSegNet
    if args.mixed_precision: keras.mixed_precision.set_dtype_policy(args.mixed_precision)
    try:
        import jax; device = str(jax.devices()[0]) if keras.backend.backend() == "jax" else None
    except ImportError: device = None
    if device is None:
        import tensorflow as tf
        gpus = tf.config.list_physical_devices("GPU"); device = gpus[0].name if gpus else "CPU"
    print(f"backend {keras.backend.backend()}, device {device}, batch {args.batch}, {args.steps} timed steps, "
          f"policy {keras.mixed_precision.global_policy().name}, {os.cpu_count()} CPU cores")
    rng = np.random.default_rng(0)
    def data(side):
        return rng.random((args.batch, side, side, 1), dtype=np.float32), rng.integers(0, 4, (args.batch, side, side)).astype("int32")
    builders = [("UpSamplingSegNet (88x88, UpSampling2D)", lambda: UpSamplingSegNet((88, 88, 1)), 88)]
    builders += [(f"SegNet {p} (96x96, indices)", lambda p=p: SegNet((96, 96, 1), preset=p), 96) for p in args.presets.split(",")]
    rows = []
    for name, build, side in builders:
        keras.utils.set_random_seed(0)
        model = build()
        train, infer = measure(model, *data(side), args.steps, args.warmup)
        rows.append((name, model.count_params(), train, infer))
        print(f"  measured {name}: train {train:.1f} img/s, inference {infer:.1f} img/s", flush=True)
        del model; keras.backend.clear_session()
    base = rows[0]
    print("\n| model | parameters | train img/s | inference img/s | train vs seed | inference vs seed |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, train, infer in rows:
        print(f"| {name} | {n:,} | {train:.1f} | {infer:.1f} | {train / base[2]:.2f}x | {infer / base[3]:.2f}x |")

if __name__ == "__main__":
    main()
