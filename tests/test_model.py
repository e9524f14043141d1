"The SegNet model beyond the notebook: the JAX backend in a subprocess, and a whole model that learns."
import os, subprocess, sys, time
import pytest
from conftest import JAX_FAST_COMPILE, ROOT, run_notebook_tests

JAX_ENV = {**os.environ, **JAX_FAST_COMPILE}

def test_segnet_runs_on_jax():
    "The package's own layers (pooling with switches, unpooling) build and predict on JAX: the outputs are JAX arrays, the switches int32."
    code = ("import numpy as np, jax, keras; from segnet_chromosome.model import SegNet, MaxPoolingWithArgmax2D; "
            "m = SegNet((32, 32, 1), preset='tiny', dropout=0); x = np.random.default_rng(0).random((2, 32, 32, 1), np.float32); "
            "p = m(x); _, s = MaxPoolingWithArgmax2D()(x); "
            "print(type(p).__module__.split('.')[0], p.shape, str(s.dtype), round(float(np.asarray(p).sum()), 3))")
    r = subprocess.run([sys.executable, "-c", code], env=JAX_ENV, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "jaxlib (2, 32, 32, 4) int32 2048.0"

@pytest.mark.parametrize("notebook", ["06_model.ipynb", "05b_losses.ipynb", "04_pipeline.ipynb"])
def test_notebook_tests_pass_on_jax(notebook):
    "Pooling/unpooling against numpy with ties, parameter counts, gradient, save/load, mixed precision, the losses: all on JAX."
    r = run_notebook_tests(ROOT / "nbs" / notebook, env=JAX_ENV)
    assert r.returncode == 0, (r.stdout + r.stderr)[-5000:]

def test_tiny_segnet_overfits_8_synthetic_pairs():
    """The whole model learns, not just runs: 8 synthetic pairs fitted to >95% pixel accuracy, in rounds of 20 epochs
    until it is reached, 160 at most. At Adam 1e-2 the path there is not smooth and moves with the library's version:
    with Keras 3.15 the chromosome pixels of seed 0 stood at 0.33 after 60 epochs, 0.72 after 80 and 0.96 after 100
    (the test asked for 80 epochs alone before and failed there); another seed had 0.96 after 80.
    Each pair is cut to its central 64x64 pixels, which hold every chromosome pixel of these eight: under half the pixels
    a step, and sooner there (seeds 0 to 4: 0.97 at 60 epochs, 0.91, 0.97, 0.99 and 0.95 at 40 to 80; 20 s on this 2-core
    machine beside a training, where the whole 96x96 pairs took 28 s and 80 epochs).

    Background is 92% of those pixels, so pixel accuracy alone would pass for a model that predicts only
    background; the chromosome pixels (labels 1-3) must be right too (>90%)."""
    import keras
    from segnet_chromosome.synthetic import synthetic_pairs
    from segnet_chromosome.data import pad_to_multiple
    from segnet_chromosome.model import SegNet
    from segnet_chromosome.train import build_for_fit
    images, labels, _ = synthetic_pairs(8, seed=0)
    images, labels = pad_to_multiple(images, labels, multiple=8)
    assert (labels[:, 16:80, 16:80] > 0).sum() == (labels > 0).sum()   # the centre holds the chromosomes whole
    images, labels = images[:, 16:80, 16:80], labels[:, 16:80, 16:80]
    x, y = images[..., None].astype("float32") / 255, labels.astype("int32")
    keras.utils.set_random_seed(0)
    model = SegNet(x.shape[1:], preset="tiny", dropout=0)
    model.compile(keras.optimizers.Adam(1e-2), "sparse_categorical_crossentropy")
    build_for_fit(model, (x[:4], y[:4]))  # as `train` does: its step traced once
    t = time.time()
    for epochs in range(20, 161, 20):
        model.fit(x, y, batch_size=4, epochs=20, verbose=0)
        pred = model.predict(x, verbose=0).argmax(-1)
        pixel, chromosome = (pred == y).mean(), (pred[y > 0] == y[y > 0]).mean()
        if pixel > 0.95 and chromosome > 0.90: break
    print(f"tiny SegNet, 8 pairs, {epochs} epochs: {time.time() - t:.0f} s, pixel accuracy {pixel:.4f}, chromosome pixels {chromosome:.4f}")
    assert pixel > 0.95 and chromosome > 0.90
