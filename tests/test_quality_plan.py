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
