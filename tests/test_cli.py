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
    "The installed `segnet-chromosome` is this checkout's: its version and its commands are the package's."
    from segnet_chromosome import __version__
    r = subprocess.run(["segnet-chromosome", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.split() == ["segnet-chromosome", __version__], r.stdout + r.stderr
    from segnet_chromosome.cli import make_parser
    commands = list(make_parser()._subparsers._group_actions[0].choices)
    assert commands == ["info", "make-dataset", "train", "evaluate", "predict", "separate", "plot"]
    r = subprocess.run(["segnet-chromosome", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and all(f"\n    {c} " in r.stdout or f"\n    {c}\n" in r.stdout for c in commands), r.stdout

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

def test_general_flags_after_the_command_too(tmp_path):
    "--version, -V and --verbose work before the command and after it (issue 25)."
    for args in (["-V"], ["info", "-V"], ["--version"], ["separate", "--version"]):
        r = cli(*args)
        assert r.returncode == 0 and r.stdout.startswith("segnet-chromosome "), (args, r.stdout, r.stderr)
    for args in (["--verbose", "info", tmp_path / "none.h5"], ["info", "--verbose", tmp_path / "none.h5"]):
        r = cli(*args)
        assert r.returncode == 2 and "No such data file" in r.stderr and "unrecognized" not in r.stderr, (args, r.stderr)
    r = cli("info", "--verbosity", tmp_path / "none.h5")
    assert r.returncode == 2 and "unrecognized arguments: --verbosity" in r.stderr

def test_an_existing_output_is_refused_before_the_model_is_read(tmp_path):
    "The model named is broken: the error is still about the output folder, so the folder was checked first."
    (tmp_path / "out").mkdir(); (tmp_path / "out" / "mine.txt").write_text("a user's file")
    (tmp_path / "broken.keras").write_bytes(b"not a model"); (tmp_path / "broken.json").write_text('{"preprocessing": {"zoom": 0.35, "grey_level": 160, "margin": 2}}')
    (tmp_path / "slide.tif").write_bytes(b"")
    r = cli("predict", tmp_path / "slide.tif", "--model", tmp_path / "broken.keras", "--out", tmp_path / "out")
    assert r.returncode == 2 and "is not empty" in r.stderr and "--overwrite" in r.stderr, r.stderr
    from segnet_chromosome.results import separation_paths
    for path in separation_paths(tmp_path / "out", "slide").values(): path.write_text("an earlier result")
    r = cli("separate", tmp_path / "slide.tif", "--model", tmp_path / "broken.keras", "--out", tmp_path / "out")
    assert r.returncode == 2 and "slide_instances.tif exists" in r.stderr and "--overwrite" in r.stderr, r.stderr
    assert all(p.read_text() in ("a user's file", "an earlier result") for p in (tmp_path / "out").iterdir())
