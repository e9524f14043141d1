"""The inspector under ipywidgets 7.7: the version Colab ships, whose front end does not support 8 (upgrading
makes widgets vanish there), so the package must work with both. .ci/run installs ipywidgets 7.7 into
.ipywidgets7/, which this test puts first on the path of a fresh interpreter."""
import os, subprocess, sys
from pathlib import Path
import pytest

IPYWIDGETS7 = Path(__file__).resolve().parent.parent / ".ipywidgets7"

BUILD = """
import ipywidgets, numpy as np
from segnet_chromosome.synthetic import synthetic_pairs
from segnet_chromosome.inspector import MaskInspector
images, labels, _ = synthetic_pairs(5, seed=0)
pred = labels.copy(); pred[3] = np.where(labels[3] == 1, 0, labels[3])
insp = MaskInspector(images, labels, pred, split={"test": [2, 3, 4]})
insp.split.value = "test"; insp.sort.value = True; insp.view.value = "errors"; insp.classes[0].value = False
assert insp.order[0] == 3, insp.order            # worst first: the pair that lost chromosome A
assert insp.rgb.shape == (94, 93, 3) and insp.classes[0].icon == "eye-slash"
print(ipywidgets.__version__)
"""

def test_inspector_builds_and_reacts_under_ipywidgets_7():
    if not (IPYWIDGETS7 / "ipywidgets").exists():
        if os.environ.get("CI"): pytest.fail(f"{IPYWIDGETS7} is missing: .ci/run installs ipywidgets 7.7 there")
        pytest.skip(f"ipywidgets 7.7 is not in {IPYWIDGETS7} (.ci/run installs it)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(IPYWIDGETS7), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", BUILD], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split()[-1].startswith("7.7"), r.stdout
