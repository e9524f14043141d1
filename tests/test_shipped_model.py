"""The real-data model work (issue 22): touching pairs, fine-tuning from given weights, a time budget that stops and
resumes a run, and the preprocessing a model carries in its card (read by `separate`, never typed again)."""
import json, shutil
import numpy as np, pytest, keras
from scipy import ndimage
from segnet_chromosome.core import Preprocessing
from segnet_chromosome.config import TrainConfig
from segnet_chromosome.sources import model_source, pretrained_card, shipped_path
from segnet_chromosome.fresh import PairMaker
from segnet_chromosome.synthetic import synthetic_chromosome, synthetic_metaphase
from segnet_chromosome.runs import read_history
from segnet_chromosome.train import train
from conftest import TINY


def _bank(n=12):
    rng = np.random.default_rng(0)
    return [synthetic_chromosome(rng, k) for k in range(n)]

def test_touching_pairs_carry_no_overlap_and_touch():
    images, labels, _ = PairMaker(_bank(), touching=1.0).make(60, np.random.default_rng(1))
    assert not (labels == 3).any()
    for lab in labels:
        a, b = lab == 1, lab == 2
        assert a.any() and b.any()
        gap = ndimage.distance_transform_edt(~a)[b].min()  # pixels from B to the nearest pixel of A
        assert gap <= 2.0, gap                               # touching, not merely two chromosomes on one image
    _, labels, _ = PairMaker(_bank(), touching=0.0).make(30, np.random.default_rng(1))
    assert all((lab == 3).sum() >= 20 for lab in labels)   # the default recipe: every pair overlaps by min_overlap
    _, labels, _ = PairMaker(_bank(), touching=0.2).make(200, np.random.default_rng(2))
    share = 1 - np.mean([(lab == 3).any() for lab in labels])
    assert 0.12 < share < 0.28, share                       # about one pair in five touches
    with pytest.raises(ValueError, match="touching is a share"): PairMaker(_bank(), touching=1.5)

class FirstWeights(keras.callbacks.Callback):
    "Records the model's weights when training begins and the loss of the first batch."
    def on_train_begin(self, logs=None): self.weights = [w.copy() for w in self.model.get_weights()]
    def on_train_batch_end(self, batch, logs=None):
        if not hasattr(self, "first_loss"): self.first_loss = float(logs["loss"])

def test_fine_tuning_starts_from_the_given_weights(tmp_path, tiny_run):
    source = keras.models.load_model(tiny_run / "model.keras", compile=False)  # a run of one epoch
    tuned, fresh = FirstWeights(), FirstWeights()
    train(TrainConfig(**TINY, epochs=1, init_from=str(tiny_run)), tmp_path / "tuned", callbacks=[tuned], verbose=0)
    train(TrainConfig(**TINY, epochs=1), tmp_path / "fresh", callbacks=[fresh], verbose=0)
    for got, want in zip(tuned.weights, source.get_weights()): np.testing.assert_array_equal(got, want)
    assert abs(tuned.first_loss - fresh.first_loss) > 1e-3, (tuned.first_loss, fresh.first_loss)  # a changed first loss
    assert json.loads((tmp_path / "tuned" / "config.json").read_text())["init_from"] == str(tiny_run)

def test_fine_tuning_refuses_another_preprocessing_or_preset(tmp_path, tiny_run):
    with pytest.raises(ValueError, match="set zoom, grey_level and margin to match"):
        train(TrainConfig(**TINY, epochs=1, zoom=0.5, init_from=str(tiny_run)), tmp_path / "a", verbose=0)
    with pytest.raises(ValueError, match="set preset to match"):
        train(TrainConfig(**{**TINY, "preset": "small"}, epochs=1, init_from=str(tiny_run)), tmp_path / "b", verbose=0)
    with pytest.raises(ValueError, match="the package ships real, synthetic"):
        train(TrainConfig(**TINY, epochs=1, init_from="pretrained:huge"), tmp_path / "c", verbose=0)
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()  # refused before a run directory was made

def test_time_budget_stops_after_an_epoch_and_resume_goes_on(tmp_path):
    run = tmp_path / "run"
    summary = train(TrainConfig(**TINY, epochs=3, time_budget=1e-4), run, verbose=0)
    assert (summary["epochs_run"], summary["stopped_by"], summary["stopped_early"]) == (1, "time_budget", False)
    assert (run / "report.json").exists() and (run / "last.keras").exists()
    summary = train(TrainConfig(**TINY, epochs=3, time_budget=1e-4), run, resume=True, verbose=0)
    assert (summary["epochs_run"], summary["stopped_by"], summary["resumed"]) == (2, "time_budget", True)
    summary = train(TrainConfig(**TINY, epochs=3), run, resume=True, verbose=0)  # no budget now: to its end
    assert (summary["epochs_run"], summary["stopped_by"]) == (3, "epoch_cap") and not (run / "last.keras").exists()
    assert [h["epoch"] for h in read_history(run / "history.csv")] == [0, 1, 2]

def test_the_preprocessing_is_read_from_the_models_card(tmp_path, monkeypatch):
    "A copy of the shipped model whose card says zoom 0.7 is shown every object at twice the size of zoom 0.35."
    from segnet_chromosome import separate
    seen = []
    real_predict = separate._predict_crops
    def spy(model, crops, tta=False, batch_size=32, symmetry=0):
        seen.append([c.shape for c in crops]); return real_predict(model, crops, tta, batch_size, symmetry)
    monkeypatch.setattr(separate, "_predict_crops", spy)
    card = pretrained_card("synthetic")
    first_round = []
    for zoom in (0.35, 0.7):
        shutil.copy(shipped_path("synthetic"), tmp_path / f"z{zoom}.keras")
        (tmp_path / f"z{zoom}.json").write_text(json.dumps({**card, "preprocessing": {**card["preprocessing"], "zoom": zoom}}))
        assert model_source(tmp_path / f"z{zoom}.keras").preprocessing == Preprocessing(zoom, 160, 2)
        seen.clear()
        separate.separate_metaphase(synthetic_metaphase(seed=4).image, tmp_path / f"z{zoom}.keras")
        first_round.append(seen[0])  # the whole objects (later rounds show the model parts of them)
    small, large = (np.array([s[0] for s in shapes], float) - 4 for shapes in first_round)  # the object without its 2-pixel margins
    assert len(small) == len(large) > 0
    np.testing.assert_allclose(large / small, 2.0, atol=0.1)

def test_ship_model_refuses_what_it_cannot_name(tmp_path):
    "tools/ship_model.py names the weight file segnet_small_NAME.keras: a run of another preset, or no run, gets one line and exit 2."
    import subprocess, sys
    from pathlib import Path
    tool = Path(__file__).resolve().parent.parent / "tools" / "ship_model.py"
    before = shipped_path("real").read_bytes()
    ship = lambda run, *more: subprocess.run([sys.executable, str(tool), str(run), "--name", "real", *more], capture_output=True, text=True)
    done = ship(tmp_path / "nothing")
    assert done.returncode == 2 and "is not a run directory" in done.stderr and "Traceback" not in done.stderr, done.stderr
    run = tmp_path / "wide"; run.mkdir()
    (run / "config.json").write_text(TrainConfig(preset="medium").to_json())
    done = ship(run)
    assert done.returncode == 2 and "'medium' model" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    small = tmp_path / "small"; small.mkdir()
    (small / "config.json").write_text(TrainConfig(preset="small").to_json())
    for more, words in ((["--notes", '{"a": 1}'], "--notes: give a JSON list"), (["--notes", "[unclosed"], "--scores or --notes unreadable"),
                        (["--scores", str(tmp_path / "none.json")], "--scores or --notes unreadable")):  # said before anything is written
        done = ship(small, *more)
        assert done.returncode == 2 and words in done.stderr and done.stderr.count("\n") == 1, done.stderr
    done = ship(small)                                          # a run with no model yet
    assert done.returncode == 2 and "No such model file" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    import shutil
    shutil.copy(shipped_path("instances4"), small / "model.keras")  # an instance model, to ship as the pair model
    done = ship(small)
    assert done.returncode == 2 and "holds an instance model and --name real ships a pair model" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert shipped_path("real").read_bytes() == before         # nothing replaced
