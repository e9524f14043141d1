"The console script, run as a user runs it: a subprocess."
import json, subprocess
import h5py, numpy as np, pytest
from conftest import run_cli as cli
from segnet_chromosome.data import save_pairs, RAW_KEY, CLEANED_KEY

@pytest.fixture
def pairs(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 94, 93), dtype=np.uint8)
    labels = rng.integers(0, 4, (6, 94, 93), dtype=np.uint8)
    return images, labels

def test_console_script_is_installed():
    r = subprocess.run(["segnet-chromosome", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "info" in r.stdout

@pytest.mark.parametrize("key", [RAW_KEY, CLEANED_KEY])
def test_info_both_layouts(tmp_path, pairs, key):
    images, labels = pairs
    with h5py.File(tmp_path / "p.h5", "w") as f: f[key] = np.stack([images, labels], -1)
    r = cli("info", tmp_path / "p.h5", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["count"] == 6 and (d["height"], d["width"]) == (94, 93) and d["key"] == key
    assert d["label_counts"] == {str(v): int((labels == v).sum()) for v in range(4)}

def test_info_table(tmp_path, pairs):
    save_pairs(tmp_path / "p.h5", *pairs)
    r = cli("info", tmp_path / "p.h5")
    assert r.returncode == 0 and "6 pairs of 94x93" in r.stdout and "overlap" in r.stdout

@pytest.mark.parametrize("make, message", [
    (lambda p: None, "No such data file"),
    (lambda p: p.write_text("hello"), "not an HDF5 file"),
    (lambda p: h5py.File(p, "w").create_dataset("x", data=[1]), "found ['x']"),
])
def test_info_bad_files(tmp_path, make, message):
    p = tmp_path / "bad.h5"; make(p)
    r = cli("info", p)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
