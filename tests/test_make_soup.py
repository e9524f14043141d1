"""tools/make_soup.py: the mean of models' weights, written as a run that `--model` and tools/ship_model.py read (`--instances`
for instance models); what cannot be averaged (other layers, another preprocessing, one model, a pair model with an
instance model) and an existing OUT get one line and exit 2."""
import json, subprocess, sys
from pathlib import Path
import numpy as np
from segnet_chromosome.config import TrainConfig

TOOL = Path(__file__).resolve().parent.parent / "tools" / "make_soup.py"

def soup(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True)

def save_with_card(model, path, zoom=0.35):
    "A .keras file with the card `--model` reads: its preprocessing, and a config."
    model.save(path)
    path.with_suffix(".json").write_text(json.dumps(dict(preprocessing=dict(zoom=zoom, grey_level=160, margin=2),
                                                         config=json.loads(TrainConfig(preset="tiny").to_json()))))
    return path

def test_a_soup_is_the_mean_of_its_ingredients(tmp_path):
    from segnet_chromosome.model import SegNet, load_model_source
    a = save_with_card(SegNet((32, 32, 1), preset="tiny"), tmp_path / "a.keras")
    b = save_with_card(SegNet((32, 32, 1), preset="tiny"), tmp_path / "b.keras")
    done = soup(tmp_path / "soup", a, b)
    assert done.returncode == 0, done.stderr
    wa, wb = (load_model_source(p)[0].get_weights() for p in (a, b))
    mean, prep = load_model_source(tmp_path / "soup")                       # read as a run, as --model reads one
    assert not all(np.array_equal(x, y) for x, y in zip(wa, wb))           # two different models
    for x, y, m in zip(wa, wb, mean.get_weights()): np.testing.assert_allclose(m, (x + y) / 2, rtol=1e-6, atol=1e-7)
    assert prep.zoom == 0.35
    record = json.loads((tmp_path / "soup" / "soup.json").read_text())
    assert [i["model"] for i in record["ingredients"]] == [str(a), str(b)] and all(len(i["sha256"]) == 64 for i in record["ingredients"])
    assert json.loads((tmp_path / "soup" / "run.json").read_text())["finished"]  # train never trains into it

    again = soup(tmp_path / "soup", a, b)                                   # an existing OUT is never replaced
    assert again.returncode == 2 and "exists" in again.stderr and again.stderr.count("\n") == 1, again.stderr
    other_zoom = save_with_card(SegNet((32, 32, 1), preset="tiny"), tmp_path / "c.keras", zoom=0.45)
    refused = soup(tmp_path / "soup2", a, other_zoom)
    assert refused.returncode == 2 and "cut chromosomes out differently" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    wider = save_with_card(SegNet((32, 32, 1), preset="small"), tmp_path / "d.keras")
    refused = soup(tmp_path / "soup3", a, wider)
    assert refused.returncode == 2 and "other layers or weight shapes" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    alone = soup(tmp_path / "soup4", a)
    assert alone.returncode == 2 and "two ingredients or more" in alone.stderr, alone.stderr
    assert not any((tmp_path / f"soup{k}").exists() for k in (2, 3, 4))    # nothing written by a refusal

def test_instance_models_make_a_soup_of_their_own_kind(tmp_path):
    """Two instance models (bench/instance_trial.py's) average as pair models do, into a run `--instances` reads; a pair model
    with an instance model is refused in one line, nothing written."""
    from segnet_chromosome.model import InstanceSegNet, SegNet, load_model_source
    a = save_with_card(InstanceSegNet((32, 32, 1), preset="tiny"), tmp_path / "a.keras")
    b = save_with_card(InstanceSegNet((32, 32, 1), preset="tiny"), tmp_path / "b.keras")
    done = soup(tmp_path / "soup", a, b)
    assert done.returncode == 0, done.stderr
    wa, wb = (load_model_source(p, instances=True)[0].get_weights() for p in (a, b))
    mean, _ = load_model_source(tmp_path / "soup", instances=True)           # read as `--instances` reads a trial
    for x, y, m in zip(wa, wb, mean.get_weights()): np.testing.assert_allclose(m, (x + y) / 2, rtol=1e-6, atol=1e-7)
    pair = save_with_card(SegNet((32, 32, 1), preset="tiny"), tmp_path / "pair.keras")
    mixed = soup(tmp_path / "soup2", pair, a)
    assert mixed.returncode == 2 and "mix pair models and instance models" in mixed.stderr and mixed.stderr.count("\n") == 1, mixed.stderr
    assert not (tmp_path / "soup2").exists()
    (tmp_path / "cut.keras").write_bytes(a.read_bytes()[:300]); (tmp_path / "cut.json").write_text(a.with_suffix(".json").read_text())
    cut = soup(tmp_path / "soup3", a, tmp_path / "cut.keras")                  # a truncated ingredient is named as such, not as another kind
    assert cut.returncode == 2 and "is not a readable Keras model" in cut.stderr and cut.stderr.count("\n") == 1, cut.stderr
    assert not (tmp_path / "soup3").exists()
