"""Training end to end: the CLI, a crash and its resumption, EarlyStopping, and run directories that are never overwritten.
The first test trains in a fresh interpreter as a user does (`cli`); the others run the command in this process (`here`,
conftest.run_cli_here), where TensorFlow has started already."""
import dataclasses, json, subprocess, sys
from pathlib import Path
import numpy as np, pytest, keras
from segnet_chromosome.config import TrainConfig
from segnet_chromosome.runs import read_history
from segnet_chromosome.train import train, load_run
from segnet_chromosome.data import load_pairs
from segnet_chromosome.evaluate import evaluate, predict_labels

from conftest import JAX_FAST_COMPILE, TINY_FLAGS as TINY, run_cli as cli, run_cli_here as here, tiny_config


def test_train_evaluate_predict_plot_through_the_cli(tmp_path):
    run = tmp_path / "run"
    r = cli("train", *TINY, "--epochs", 2, "--run-dir", run)
    assert r.returncode == 0, r.stderr[-3000:]
    for name in ["config.json", "history.csv", "model.keras", "report.json", "report.md", "run.json", "split.npz", "pairs.h5"]:
        assert (run / name).exists(), name
    assert not (run / "backup").exists()  # a finished run keeps no backup
    assert len(read_history(run / "history.csv")) == 2
    r = here("evaluate", run)
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads((run / "evaluation-test.json").read_text()) == json.loads((run / "report.json").read_text())
    r = here("predict", run, run / "pairs.h5", "--out", tmp_path / "pred", "--max-png", 3)
    assert r.returncode == 0, r.stderr[-3000:]
    assert len(list((tmp_path / "pred").glob("*.png"))) == 3
    pred_images, pred_labels = load_pairs(tmp_path / "pred" / "labels.h5")
    images, _ = load_pairs(run / "pairs.h5")
    np.testing.assert_array_equal(pred_images, images)  # the images as given, each beside what the run's model predicts for it
    np.testing.assert_array_equal(pred_labels, predict_labels(load_run(run)[1], images))
    r = here("plot", run)
    assert r.returncode == 0, r.stderr[-3000:]
    assert all((run / "figures" / f).stat().st_size > 1000 for f in ["curves.png", "confusion.png", "worst.png", "best.png"])

def test_finished_run_is_never_overwritten(tmp_path, tiny_run):
    "The CLI on a finished run: a new run beside it, --resume returns it, --overwrite replaces it, a folder not a run is refused."
    tiny = lambda *flags: here("train", *TINY, "--epochs", 1, *flags)
    run = tiny_run  # the run the CLI finds (TINY_FLAGS spell the same config)
    model_bytes = (run / "model.keras").read_bytes()
    r = tiny("--run-dir", run)
    assert r.returncode == 0 and (tmp_path / "run-2" / "model.keras").exists()
    assert (run / "model.keras").read_bytes() == model_bytes
    assert tiny("--run-dir", run, "--resume").returncode == 0
    assert not (tmp_path / "run-3").exists() and (run / "model.keras").read_bytes() == model_bytes
    assert tiny("--run-dir", run, "--overwrite", "--seed", 5).returncode == 0
    assert TrainConfig.from_json(run / "config.json").seed == 5 and (run / "model.keras").read_bytes() != model_bytes
    (tmp_path / "mine").mkdir(); (tmp_path / "mine" / "thesis.tex").write_text("x")
    r = tiny("--run-dir", tmp_path / "mine", "--overwrite")
    assert r.returncode == 2 and "not a run directory" in r.stderr and "\n" not in r.stderr.strip() and (tmp_path / "mine" / "thesis.tex").exists()

class Crash(keras.callbacks.Callback):
    "Kills training as epoch `epoch` (0-based) begins, after the ones before it were logged and backed up."
    def __init__(self, epoch=1): super().__init__(); self.epoch = epoch
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch: raise KeyboardInterrupt("simulated crash")

class CountEpochs(keras.callbacks.Callback):
    def __init__(self): super().__init__(); self.epochs = []
    def on_epoch_begin(self, epoch, logs=None): self.epochs.append(epoch)

def test_crashed_run_resumes_without_redoing_epochs(tmp_path):
    cfg = tiny_config(epochs=3, patience=10)
    with pytest.raises(KeyboardInterrupt):
        train(cfg, tmp_path / "run", callbacks=[Crash()], verbose=0)
    assert (tmp_path / "run" / "backup").exists() and len(read_history(tmp_path / "run" / "history.csv")) == 1
    counter = CountEpochs()
    summary = train(cfg, tmp_path / "run", callbacks=[counter], verbose=0)
    assert counter.epochs == [1, 2]                              # epoch 0 was not run again
    assert [r["epoch"] for r in read_history(tmp_path / "run" / "history.csv")] == [0, 1, 2]
    assert summary["resumed"] and summary["epochs_run"] == 3 and summary["run_dir"] == str(tmp_path / "run")
    assert not (tmp_path / "run" / "backup").exists()

def test_other_config_in_unfinished_run_is_refused(tmp_path):
    cfg = tiny_config(epochs=3)
    with pytest.raises(KeyboardInterrupt):
        train(cfg, tmp_path / "run", callbacks=[Crash()], verbose=0)
    with pytest.raises(ValueError, match="unfinished run with another config"):
        train(TrainConfig(**{**cfg.__dict__, "learning_rate": 0.1}), tmp_path / "run", verbose=0)

class ScriptedValLoss(keras.callbacks.Callback):
    "Replaces val_loss by a script (best at epoch 2 of 1-based numbering) and keeps each epoch's weights."
    script = [1.0, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]
    def __init__(self): super().__init__(); self.weights = []
    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.script[epoch]
        self.weights.append([np.array(w) for w in self.model.get_weights()])

def test_early_stopping_stops_and_restores_the_best_weights(tmp_path):
    cfg = tiny_config(epochs=8, patience=2, learning_rate=1e-2)
    scripted = ScriptedValLoss()
    summary = train(cfg, tmp_path / "run", callbacks=[scripted], verbose=0)
    assert summary["epochs_run"] == 4 and summary["stopped_early"] and summary["best_epoch"] == 2
    _, model, split, data = load_run(tmp_path / "run")
    for saved, best, last in zip(model.get_weights(), scripted.weights[1], scripted.weights[3]):
        np.testing.assert_array_equal(saved, best)
    assert any(not np.array_equal(b, l) for b, l in zip(scripted.weights[1], scripted.weights[3]))  # training moved on
    images, labels = load_pairs(data, split.test)
    assert evaluate(model, images, labels) == json.loads((tmp_path / "run" / "report.json").read_text())

def test_capped_run_continues_with_more_epochs(tmp_path, tiny_run):
    run = tiny_run  # a run capped at one epoch, as `train TINY_FLAGS --epochs 1` leaves it
    first = read_history(run / "history.csv")
    r = here("train", "--run-dir", run, "--resume", "--epochs", 2, "--quiet")  # the run's own config, more epochs
    assert r.returncode == 0 and f"continuing {run} after epoch 1" in r.stdout, r.stderr[-3000:]
    history = read_history(run / "history.csv")
    assert [h["epoch"] for h in history] == [0, 1] and history[0] == first[0]
    summary = json.loads((run / "run.json").read_text())
    assert (summary["epochs_run"], summary["resumed"]) == (2, True) and not (tmp_path / "run-2").exists()
    # cut off while continuing: run.json still holds the finished 2-epoch run, and --resume finishes it from its backup
    cfg = TrainConfig.from_json(run / "config.json")
    cfg.epochs = 5
    with pytest.raises(KeyboardInterrupt):
        train(cfg, run, resume=True, callbacks=[Crash(3)], verbose=0)
    assert json.loads((run / "run.json").read_text())["epochs_run"] == 2 and (run / "backup").exists()
    counter = CountEpochs()
    summary = train(cfg, run, resume=True, callbacks=[counter], verbose=0)
    assert counter.epochs == [3, 4] and summary["epochs_run"] == 5
    assert [h["epoch"] for h in read_history(run / "history.csv")] == [0, 1, 2, 3, 4]
    # asked with another config, the finished run is returned as it is
    cfg.learning_rate = 0.1
    assert train(cfg, run, resume=True, verbose=0) == summary

DATA_PARALLEL = '''
import contextlib, json, sys, numpy as np, keras, jax
from segnet_chromosome.model import SegNet
from segnet_chromosome.config import TrainConfig
from segnet_chromosome.train import train
assert len(jax.devices()) == 2, jax.devices()
x = np.random.default_rng(0).random((4, 32, 32, 1)).astype("float32"); y = (x[..., 0] * 4).astype("int32")
def losses(two_devices):
    keras.utils.set_random_seed(0)
    scope = keras.distribution.DataParallel(devices=jax.devices()).scope() if two_devices else contextlib.nullcontext()
    with scope:
        m = SegNet((32, 32, 1), preset="tiny", dropout=0.0)
        m.compile(keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
        return [float(m.train_on_batch(x, y)) for _ in range(3)] + [float(m.evaluate(x, y, batch_size=4, verbose=0))]
print(json.dumps(dict(one=losses(False), two=losses(True))))
s = train(TrainConfig(synthetic=40, preset="tiny", epochs=1, batch_size=8, devices="all", split="random", val=0.25, workers=1), sys.argv[1], verbose=0)
print(json.dumps(dict(devices=s["devices"])))
'''

def test_data_parallel_on_two_virtual_devices_matches_one(tmp_path):
    "JAX with two virtual CPU devices: the same steps give the same losses as on one device, and train() uses both."
    pytest.importorskip("jax")
    env = {**__import__("os").environ, **JAX_FAST_COMPILE, "XLA_FLAGS": JAX_FAST_COMPILE["XLA_FLAGS"] + " --xla_force_host_platform_device_count=2"}
    r = subprocess.run([sys.executable, "-c", DATA_PARALLEL, str(tmp_path / "run")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    np.testing.assert_allclose(lines[0]["two"], lines[0]["one"], rtol=1e-5)
    assert lines[0]["one"][2] < lines[0]["one"][0]  # the steps did train
    assert lines[1] == {"devices": 2}

def test_online_training_on_metaphase_chromosomes_through_the_cli(shared_data, tmp_path):
    "Fresh pairs every epoch from the training chromosomes; the file's held-out chromosomes stay out."
    run = tmp_path / "online"
    r = here("train", "--metaphase", shared_data / "DAPI.tif", "--n-pairs", 120, "--online", "--preset", "tiny", "--epochs", 2,
            "--batch-size", 16, "--loss", "swap_crossentropy", "--lr-schedule", "plateau", "--run-dir", run, "--quiet")
    assert r.returncode == 0, r.stderr[-3000:]
    config = json.loads((run / "config.json").read_text())
    assert config["online"] and config["metaphase"] == [str(shared_data / "DAPI.tif")]
    history = read_history(run / "history.csv")
    assert len(history) == 2 and all("chromosome_iou" in h and "val_chromosome_iou" in h and h["epoch_time_s"] > 0 for h in history)
    r = here("evaluate", run, "--tta")
    assert r.returncode == 0, r.stderr[-3000:]
    assert (run / "evaluation-test-tta.json").exists() and "test-time augmentation" in r.stdout


def test_clusters_train_with_the_peel_loss_and_are_refused_without_it(shared_data, tmp_path):
    """Clusters labelled by membership bits train with peel_crossentropy (validation holds them too); any other loss: one line,
    exit 2. Clusters laid as chains and labelled A, B, A, ... (--cluster-labels chain) train with any loss."""
    flags = ["--metaphase", shared_data / "DAPI.tif", "--n-pairs", 96, "--online", "--clusters", 0.4, "--singles", 0.1, "--preset", "tiny",
             "--epochs", 1, "--batch-size", 16, "--quiet"]
    r = here("train", *flags, "--loss", "swap_crossentropy", "--run-dir", tmp_path / "refused")
    assert r.returncode == 2 and "--loss peel_crossentropy" in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "refused").exists()
    run = tmp_path / "peel"
    r = here("train", *flags, "--loss", "peel_crossentropy", "--run-dir", run)
    assert r.returncode == 0, r.stderr[-3000:]
    (row,) = read_history(run / "history.csv")
    assert np.isfinite(row["val_loss"]) and 0 <= row["val_chromosome_iou"] <= 1, row
    run = tmp_path / "chain"                                      # laid as chains and labelled A, B, A, ...: labels 0..3, any loss
    r = here("train", *flags, "--cluster-labels", "chain", "--loss", "swap_crossentropy", "--run-dir", run)
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads((run / "config.json").read_text())["cluster_labels"] == "chain"


def test_training_on_nuclei_lays_images_on_the_training_metaphases_nuclei(shared_data, tmp_path, monkeypatch):
    "--on-nuclei: the fresh images lie on the nuclei of the training metaphases only (never a held-out one's); without --online it is refused."
    import segnet_chromosome.train as T
    from segnet_chromosome.runs import run_nuclei
    made = []
    class Recording(T.PairMaker):
        def __init__(self, *args, **kw): super().__init__(*args, **kw); made.append(self)
    monkeypatch.setattr(T, "PairMaker", Recording)
    slides = [shared_data / "jpp21" / "metaphase2-dapi.tif", shared_data / "jpp21" / "metaphase4-dapi.tif"]
    cfg = TrainConfig(metaphase=slides, split="metaphase", held_out=[1], online=True, on_nuclei=0.5, n_pairs=200, preset="tiny", epochs=1,
                      batch_size=16, loss="swap_crossentropy")
    train(cfg, tmp_path / "run", verbose=0)
    (maker,) = made
    own, held_out = run_nuclei(cfg, [0]), run_nuclei(cfg, [1])
    assert maker.on_nuclei == 0.5 and len(own) > 0 and len(held_out) > 0
    assert len(maker.nuclei) == len(own) and all(np.array_equal(a, b) for a, b in zip(maker.nuclei, own))
    with pytest.raises(ValueError, match="online"): TrainConfig(metaphase=slides, on_nuclei=0.5)
    bodies = run_nuclei(dataclasses.replace(cfg, nuclei_body=2.5), [0])  # cut to their round bodies: less light, none added
    assert len(bodies) == len(own) and all(b.shape == a.shape and (b <= a + 1e-4).all() for a, b in zip(own, bodies))
    lost = [float(a.sum() - b.sum()) / a.sum() for a, b in zip(own, bodies)]
    assert np.argmax(lost) == 1 and min(lost) < 0.01, lost               # metaphase 2's second nucleus loses most: the chromosome against it
    from segnet_chromosome.runs import check_inputs
    check_inputs(TrainConfig(metaphase=slides, online=True, on_nuclei=0.5, init_from="pretrained"))  # fine-tuned from a model never shown nuclei
    assert cfg.preprocessing.nuclei and not TrainConfig(metaphase=slides, online=True).preprocessing.nuclei  # what its model's card will say
    import segnet_chromosome.separate as S
    from segnet_chromosome.slide import load_metaphase
    asked = []
    monkeypatch.setattr(S, "nucleus_chromosomes", lambda probs, mask, **kw: asked.append(mask.shape) or [])
    S.separate_metaphase(load_metaphase(slides[0]), tmp_path / "run")  # the run's model, --nuclei auto: it is asked about each whole nucleus
    assert len(asked) == len(own)


def test_training_with_the_light_around_its_chromosomes(shared_data, tmp_path, monkeypatch):
    """--skirt 3: the fresh images are made of the training chromosomes cut with the light around them and cut as a slide's
    object (under --cut-below of the grey level), validated on fresh images made so; without --online: one line, exit 2."""
    import segnet_chromosome.train as T
    made = []
    class Recording(T.PairMaker):
        def __init__(self, *args, **kw): super().__init__(*args, **kw); made.append(self)
    monkeypatch.setattr(T, "PairMaker", Recording)
    cfg = TrainConfig(metaphase=[shared_data / "DAPI.tif"], online=True, skirt=3, n_pairs=96, preset="tiny", epochs=1, batch_size=16,
                      loss="swap_crossentropy")
    train(cfg, tmp_path / "run", verbose=0)
    (maker,) = made
    assert maker.skirt and maker.cut_below == 0.3 * cfg.grey_level
    assert all(c.image[~c.mask].max() > 0 for c in maker.chromosomes)             # each with its light
    maker.jitter = False                                                           # (its noise lights every pixel)
    images, labels, _ = maker.make(16, np.random.default_rng(0))
    off = images[labels == 0]
    assert off.max() > 0 and ((off > 0) & (off < maker.cut_below)).sum() == 0    # light off the chromosomes only where it adds up
    assert json.loads((tmp_path / "run" / "config.json").read_text())["skirt"] == 3
    r = here("train", "--metaphase", shared_data / "DAPI.tif", "--skirt", 3, "--run-dir", tmp_path / "refused", "--quiet")
    assert r.returncode == 2 and "give online=True (--online)" in r.stderr and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "refused").exists()


def test_validation_on_a_metaphase_of_its_own(shared_data, tmp_path, monkeypatch, capsys):
    """--val-held-out: the validation pairs are one metaphase's, whose chromosomes no training pair holds; fresh validation
    images (here laid on nuclei) are made of its chromosomes on its nuclei, the training images of the training metaphase's only."""
    import segnet_chromosome.train as T
    from segnet_chromosome.data import open_pairs
    from segnet_chromosome.runs import read_split, run_nuclei
    made = []
    class Recording(T.PairMaker):
        def __init__(self, *args, **kw): super().__init__(*args, **kw); made.append(self)
    monkeypatch.setattr(T, "PairMaker", Recording)
    slides = [shared_data / "jpp21" / f"metaphase{k}-dapi.tif" for k in (2, 4, 6)]
    cfg = TrainConfig(metaphase=slides, split="metaphase", held_out=[2], val_held_out=[1], online=True, on_nuclei=0.3, n_pairs=150,
                      preset="tiny", epochs=1, batch_size=16, loss="swap_crossentropy")
    train(cfg, tmp_path / "run", verbose=2)
    assert "validation (of metaphase4-dapi.tif: no chromosome of it trained on)" in capsys.readouterr().out
    split, metas = read_split(tmp_path / "run" / "split.npz"), open_pairs(tmp_path / "run" / "pairs.h5").metaphase_ids
    assert len(split.val) and len(split.train)
    assert (set(metas[split.train].ravel()), set(metas[split.val].ravel()), set(metas[split.test].ravel())) == ({0}, {1}, {2})
    training, validating = made
    assert {c.metaphase for c in training.chromosomes} == {0} and {c.metaphase for c in validating.chromosomes} == {1}
    theirs = run_nuclei(cfg, [1])
    assert len(validating.nuclei) == len(theirs) and all(np.array_equal(a, b) for a, b in zip(validating.nuclei, theirs))
    assert np.isfinite(read_history(tmp_path / "run" / "history.csv")[0]["val_loss"])
    n_fresh = max(len(split.val), round(0.05 * len(split.train)))                  # a --val share of the training pairs, or more
    assert json.loads((tmp_path / "run" / "run.json").read_text())["n_val"] == n_fresh


def test_killed_after_fitting_resumes_to_the_report_not_to_epoch_0(tmp_path, monkeypatch):
    "A kill during the final evaluation: --resume writes the report and keeps history and model as they were."
    import segnet_chromosome.train as T
    cfg, run = tiny_config(epochs=2), tmp_path / "run"
    def killed(*args, **kw): raise KeyboardInterrupt  # the process dies while scoring the test split
    monkeypatch.setattr(T, "evaluate", killed)
    with pytest.raises(KeyboardInterrupt): train(cfg, run, verbose=0)
    assert (run / "fit.json").exists() and not (run / "run.json").exists() and not (run / "backup").exists()
    history, model = (run / "history.csv").read_bytes(), (run / "model.keras").read_bytes()
    monkeypatch.undo()
    summary = train(cfg, run, resume=True, verbose=0)
    assert summary["finished"] and summary["epochs_run"] == 2 and (run / "report.json").exists()
    assert (run / "history.csv").read_bytes() == history and (run / "model.keras").read_bytes() == model

def test_a_failing_checkpoint_keeps_the_previous_best_model(tmp_path, monkeypatch):
    "A full disk while saving a better model: the old best model stays whole, no temporary file is left."
    from segnet_chromosome.train import AtomicCheckpoint
    model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(4, 1, activation="softmax")])
    saver = AtomicCheckpoint(tmp_path / "model.keras", "val_loss"); saver.set_model(model)
    saver.on_epoch_end(0, {"val_loss": 1.0})
    good = (tmp_path / "model.keras").read_bytes()
    def disk_full(path, *args, **kw):
        Path(path).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device", str(path))
    monkeypatch.setattr(model, "save", disk_full)
    with pytest.raises(OSError): saver.on_epoch_end(1, {"val_loss": 0.5})
    assert (tmp_path / "model.keras").read_bytes() == good and sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]
    assert saver.best == 1.0  # the failed save did not count as the new best

def test_a_run_that_failed_before_its_first_epoch_is_reused(tmp_path):
    "A config.json left by a run that never trained does not block the corrected config."
    from segnet_chromosome.runs import prepare_run_dir
    run = tmp_path / "run"; run.mkdir()
    tiny_config(epochs=2, seed=1).to_json(run / "config.json")
    d, state = prepare_run_dir(run, tiny_config(epochs=2))
    assert (d, state) == (run, "new") and TrainConfig.from_json(run / "config.json") == tiny_config(epochs=2)

def test_predict_an_image_of_any_size_without_the_runs_pair_file(tmp_path, tiny_run):
    "A grey PNG larger than the training pairs: labels at its own size, a PNG with the image and a legend; pairs.h5 not needed."
    from skimage import io
    from segnet_chromosome.synthetic import synthetic_pairs
    run = tiny_run
    (run / "pairs.h5").unlink()                       # a run copied without its data still predicts
    images, _, _ = synthetic_pairs(2, seed=3)
    big = np.zeros((150, 200), np.uint8); big[:94, :93] = images[0]; big[50:144, 100:193] = images[1]
    io.imsave(tmp_path / "slide.png", big, check_contrast=False)
    r = here("predict", run, tmp_path / "slide.png", "--out", tmp_path / "pred")
    assert r.returncode == 0, r.stderr[-3000:]
    _, labels = load_pairs(tmp_path / "pred" / "labels.h5")
    assert labels.shape == (1, 150, 200)
    panel = io.imread(tmp_path / "pred" / "labels_00000.png")
    assert panel.shape[1] > 2 * 150  # image and labels side by side, not the bare map
    r = here("predict", run, tmp_path / "slide.png", "--out", tmp_path / "bare", "--png", "map")
    assert r.returncode == 0 and io.imread(tmp_path / "bare" / "labels_00000.png").shape[:2] == (150, 200)
