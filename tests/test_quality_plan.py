"`bench/quality.py --seeds N`: each configuration of a GPU plan trained N times, seed after seed, each in its own run."
from pathlib import Path
from conftest import load_script

def test_a_plan_with_seeds():
    quality = load_script("bench/quality.py")
    plan = quality.load_plan("seam", Path("/data"), Path("/out"))
    assert quality.with_seeds(plan, 1) is plan                          # one seed: the plan as it was, names and all
    seeded = quality.with_seeds(plan, 3)
    assert len(seeded) == 3 * len(plan), sorted(seeded)
    for name, kw in plan.items():
        first = kw.get("seed", 0)
        for k in range(3):
            run = seeded[f"{name}-seed{first + k}"]                     # each seed its own run directory, named by its seed
            assert run["seed"] == first + k
            assert {**run, "seed": None} == {**kw, "seed": None}        # nothing else changes


def test_the_plan_validated_on_a_metaphase_of_its_own():
    "`--plan curated-val`: the curated recipe with metaphase 14's pairs validating, a TrainConfig as it stands."
    from segnet_chromosome.config import TrainConfig
    quality = load_script("bench/quality.py")
    (kw,) = quality.load_plan("curated-val", Path("/data"), Path("/out")).values()
    (curated,) = quality.load_plan("curated", Path("/data"), Path("/out")).values()
    assert kw["metaphase"][kw["val_held_out"][0]] == "/data/jpp21/metaphase14-dapi.tif" and not set(kw["val_held_out"]) & set(kw["held_out"])
    assert {**kw, "val_held_out": None} == {**curated, "val_held_out": None}
    assert TrainConfig(**kw).val_held_out == [10]
