"""Two processes, one target (issue 26): exactly one proceeds and the other is told at once; a kill leaves nothing
that blocks the next run; temporary files cannot be planted; a folder of slides survives a bad one. Real subprocesses."""
import signal, subprocess, sys, time
from pathlib import Path
import pytest, tifffile
from conftest import TINY_FLAGS as TINY, run_cli
from segnet_chromosome.synthetic import synthetic_metaphase


def start_cli(*args):
    # Ctrl-C as at a terminal, even where this test runs in the background (a shell's `&` makes its children ignore SIGINT)
    return subprocess.Popen([sys.executable, "-c", "import sys; from segnet_chromosome.cli import main; sys.exit(main())", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

def wait_for(path, proc, seconds=120):
    "Wait until `path` exists (the first process holds its target), failing if `proc` ends first."
    end = time.time() + seconds
    while not Path(path).exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < end, f"{path} never appeared"
        time.sleep(0.05)

def test_two_trainings_into_one_run_directory(tmp_path):
    run = tmp_path / "run"
    first = start_cli("train", *TINY, "--epochs", 50, "--seed", 0, "--run-dir", run)
    wait_for(tmp_path / ".run.lock", first)
    t = time.time()
    second = run_cli("train", *TINY, "--epochs", 1, "--seed", 1, "--run-dir", run)
    assert second.returncode == 2 and f"is in use by process {first.pid}" in second.stderr, second.stderr
    assert time.time() - t < 30                                   # at once: no data made, no model built
    resumed = run_cli("train", "--run-dir", run, "--resume", "--quiet")
    assert resumed.returncode == 2 and "in use by process" in resumed.stderr  # --resume of a running run: refused too
    wait_for(run / "history.csv", first)
    first.send_signal(signal.SIGINT)                              # Ctrl-C: one line saying how to go on, exit 130
    out, err = first.communicate(timeout=120)
    assert first.returncode == 130 and f"--run-dir {run} --resume goes on" in err and "Traceback" not in err, err
    import json
    assert json.loads((run / "config.json").read_text())["seed"] == 0  # the second process wrote nothing into the run

def test_a_killed_training_blocks_nothing(tmp_path):
    run = tmp_path / "run"
    first = start_cli("train", *TINY, "--epochs", 50, "--run-dir", run)
    wait_for(run / "history.csv", first)
    first.kill(); first.wait()                                    # kill -9: no chance to clean up
    r = run_cli("train", "--run-dir", run, "--resume", "--epochs", 2, "--quiet")
    assert r.returncode == 0, r.stderr[-2000:]

def test_two_make_datasets_into_one_file(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from segnet_chromosome.core import claim\n"
                               f"with claim({str(tmp_path / 'pairs.h5')!r}): print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    r = run_cli("make-dataset", "--synthetic", 300, "--out", tmp_path / "pairs.h5")
    holder.kill(); holder.wait()
    assert r.returncode == 2 and f"pairs.h5 is in use by process {holder.pid}" in r.stderr and not (tmp_path / "pairs.h5").exists()
    assert run_cli("make-dataset", "--synthetic", 300, "--out", tmp_path / "pairs.h5").returncode == 0

def test_a_planted_symlink_is_never_written_through(tmp_path):
    (tmp_path / "victim.txt").write_text("keep me")
    out = tmp_path / "out"; out.mkdir()
    for name in ("pairs.h5", "a_objects.csv", "a_overlay.png"):  # the fixed temporary names of earlier versions
        (out / f".partial-{name}").symlink_to(tmp_path / "victim.txt")
    assert run_cli("make-dataset", "--synthetic", 20, "--out", out / "pairs.h5").returncode == 0
    tifffile.imwrite(tmp_path / "a.tif", synthetic_metaphase(seed=0, n_pairs=1, n_singles=6).image)
    r = run_cli("separate", tmp_path / "a.tif", "--out", out, "--model", "pretrained:synthetic")
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "victim.txt").read_text() == "keep me"
    assert not any(p.is_symlink() for p in out.iterdir() if not p.name.startswith(".partial-"))

@pytest.fixture(scope="module")
def slides(tmp_path_factory):
    d = tmp_path_factory.mktemp("slides")
    for k, name in enumerate(["a.tif", "b.TIFF"]): tifffile.imwrite(d / name, synthetic_metaphase(seed=k, n_pairs=1, n_singles=8).image)
    (d / "c.tif").write_text("not an image")
    return d

def test_a_folder_of_slides_survives_a_bad_one_and_a_killed_call(slides, tmp_path):
    out = tmp_path / "out"
    r = run_cli("separate", slides, "--out", out, "--model", "pretrained:synthetic")
    assert r.returncode == 2, r.stderr                            # some slides failed: the status says so
    assert "c.tif: skipped" in r.stderr and "1 of 3 slides failed" in r.stdout, (r.stdout, r.stderr)
    from segnet_chromosome.results import separation_paths
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for s in "ab" for p in separation_paths(out, s).values())
    # what a kill in the middle of writing leaves: an incomplete set and a staging folder; the rerun is not blocked
    (out / "a_overlay.png").unlink(); (out / ".partial-a-x1y2").mkdir()
    (slides / "c.tif").rename(slides / "c.txt")
    try: r = run_cli("separate", slides / "a.tif", "--out", out, "--model", "pretrained:synthetic")
    finally: (slides / "c.txt").rename(slides / "c.tif")
    assert r.returncode == 0, r.stderr
    assert (out / "a_overlay.png").exists() and not (out / ".partial-a-x1y2").exists()
    again = run_cli("separate", slides / "b.TIFF", "--out", out)  # a complete set is never replaced unasked
    assert again.returncode == 2 and "--overwrite" in again.stderr

def test_two_slides_of_one_name_are_refused_before_anything_is_written(slides, tmp_path):
    other = tmp_path / "other"; other.mkdir()
    tifffile.imwrite(other / "a.tif", synthetic_metaphase(seed=5, n_pairs=0, n_singles=4).image)
    r = run_cli("separate", slides / "a.tif", other / "a.tif", "--out", tmp_path / "out", "--overwrite")
    assert r.returncode == 2 and "have one name" in r.stderr and not (tmp_path / "out").exists()

def test_what_a_killed_predict_leaves_blocks_nothing(tmp_path):
    from segnet_chromosome.synthetic import synthetic_pairs
    from segnet_chromosome.data import save_pairs
    images, labels, _ = synthetic_pairs(3, seed=0)
    save_pairs(tmp_path / "pairs.h5", images, labels)
    (tmp_path / "pred" / ".partial-predict-abc123").mkdir(parents=True)  # a kill -9 in the middle of writing leaves this
    (tmp_path / "pred" / ".partial-predict-abc123" / "labels.h5").write_bytes(b"half")
    r = run_cli("predict", tmp_path / "pairs.h5", "--out", tmp_path / "pred", "--model", "pretrained:synthetic", "--max-png", 1)
    assert r.returncode == 0, r.stderr[-2000:]
    assert sorted(p.name for p in (tmp_path / "pred").iterdir()) == ["labels.h5", "labels_00000.png"]
