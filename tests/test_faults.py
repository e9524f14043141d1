"""Bad input at the command line: each case must end with exit code 2, one line on stderr naming the problem, no
traceback, nothing written and nothing that existed changed. The table below is the reliability issue's list.

The command line runs in-process (`cli.main`, through conftest.run_cli_here), and so do the benchmark scripts
(conftest.run_script_here), so an exception they do not handle fails the test as a traceback would; one case also runs
the installed `segnet-chromosome` script, to see what a terminal sees.
"""
import hashlib, json, shutil, subprocess
from pathlib import Path
import h5py, numpy as np, pytest
from segnet_chromosome.data import RAW_KEY, save_pairs
from segnet_chromosome.sources import shipped_path
from conftest import run_cli_here as here, run_script_here as run_script

def snapshot(folder):
    "Every file under `folder` with the hash of its bytes: equal snapshots mean nothing was written or changed."
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(Path(folder).rglob("*"))}

@pytest.fixture(scope="module")
def work(tmp_path_factory):
    "A folder of bad inputs, and a small trained run (and copies of it with a corrupt model and a corrupt split)."
    d = tmp_path_factory.mktemp("faults")
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (12, 94, 93), np.uint8), rng.integers(0, 4, (12, 94, 93), np.uint8)
    save_pairs(d / "pairs.h5", images, labels)
    nan = np.stack([images / 255, labels], -1).astype(np.float32); nan[3, 0, 0, 0] = np.nan
    with h5py.File(d / "nan.h5", "w") as f: f.create_dataset(RAW_KEY, data=nan)
    for name, shape, written in [("huge.h5", (2, 100_000, 100_000, 2), 0), ("billion.h5", (10**9, 94, 93, 2), 0),
                                 ("short.h5", (1000, 94, 93, 2), 10)]:
        with h5py.File(d / name, "w") as f:
            ds = f.create_dataset(RAW_KEY, shape=shape, dtype=np.uint8, chunks=(1, 94, 93, 2), compression="gzip")
            if written: ds[:written] = 1
    (d / "cut.h5").write_bytes((d / "pairs.h5").read_bytes()[:4000])
    (d / "note.png").write_text("not an image")
    (d / "bad.json").write_text('{"preset": "small",')
    (d / "huge.json").write_text('{"preset": "huge"}')
    (d / "afile").write_text("a file, not a folder")
    (d / "folder").mkdir()
    (d / "likerun").mkdir()  # a run's files (empty), and instance trials: at zoom 0.5, from before --zoom, unreadable
    for name in ("config.json", "pairs.h5", "split.npz"): (d / "likerun" / name).write_text("")
    for name, trial in [("trial05", '{"args": {"zoom": 0.5, "size": [128, 128]}}'), ("trial35", '{"args": {}}'), ("trialbad", '{"args": '),
                        ("trialbank", '{"args": {"slide_crops": "bank.npz", "slide_share": 0.4}}')]:
        (d / name).mkdir(); (d / name / "last.keras").write_text(""); (d / name / "trial.json").write_text(trial)
    with h5py.File(d / "external.h5", "w") as f:  # its "pairs" are the bytes of /etc/passwd
        f.create_dataset(RAW_KEY, shape=(2, 94, 93, 2), dtype=np.uint8, external=[("/etc/passwd", 0, h5py.h5f.UNLIMITED)])
    with h5py.File(d / "group.h5", "w") as f: f.create_group(RAW_KEY)
    with h5py.File(d / "softlink.h5", "w") as f:
        f.create_dataset("elsewhere", data=np.zeros((2, 94, 93, 2), np.uint8)); f[RAW_KEY] = h5py.SoftLink("/elsewhere")
    with h5py.File(d / "shortids.h5", "w") as f:
        f.create_dataset(RAW_KEY, data=np.zeros((3, 94, 93, 2), np.uint8)); f.create_dataset("chromosome_ids", data=np.zeros((2, 2), np.int32))
    bad_labels = labels.copy(); bad_labels[0, 0, 0] = 7
    with h5py.File(d / "labels7.h5", "w") as f: f.create_dataset(RAW_KEY, data=np.stack([images, bad_labels], -1))
    with h5py.File(d / "empty.h5", "w") as f: f.create_dataset(RAW_KEY, shape=(0, 94, 93, 2), dtype=np.uint8)
    import tifffile
    tifffile.imwrite(d / "complex.tif", np.zeros((256, 256), np.complex64))
    tifffile.imwrite(d / "giant.tif", np.zeros((8000, 8000), np.uint8), compression="zlib")  # 64 M pixels, a small file
    (d / "history-run").mkdir()
    from skimage import io
    io.imsave(d / "flat.tif", np.full((256, 256), 300, np.uint16), check_contrast=False)
    tifffile.imwrite(d / "two.tif", np.full((2, 256, 256), 300, np.uint16))  # two channels in one file
    io.imsave(d / "noise.tif", rng.normal(300, 20, (256, 256)).astype(np.uint16), check_contrast=False)
    from segnet_chromosome.train import train
    from conftest import tiny_config
    train(tiny_config(synthetic=24, epochs=1), d / "run", verbose=0)
    shutil.copytree(d / "run", d / "run-resize")  # its config says its inputs were resized: what separate reads, and refuses
    config = json.loads((d / "run-resize" / "config.json").read_text())
    (d / "run-resize" / "config.json").write_text(json.dumps({**config, "geometry": "resize", "resize_to": 64}))
    assert here("evaluate", d / "run").returncode == 0
    (d / "trial").mkdir()  # a trial of bench/instance_trial.py: an instance model, known by its file, under no shipped name
    shutil.copy(d / "run" / "config.json", d / "trial" / "config.json"); shutil.copy(shipped_path("instances4"), d / "trial" / "model.keras")
    for name, broken in [("run-badmodel", "model.keras"), ("run-badsplit", "split.npz")]:
        shutil.copytree(d / "run", d / name)
        (d / name / broken).write_bytes((d / name / broken).read_bytes()[:200])
    return d

CASES = [  # (what is wrong, command line with {d} for the folder, words the message must hold)
    ("NaN pixels in a pair file", "info {d}/nan.h5", "NaN or infinite pixels: pairs [3]"),
    ("header of 2 images of 100000x100000", "info {d}/huge.h5", "declares 2 pairs of 100000x100000"),
    ("header of a billion pairs", "info {d}/billion.h5", "declares 1,000,000,000 pairs"),
    ("header of more pairs than stored", "info {d}/short.h5", "truncated or corrupt"),
    ("truncated HDF5 file", "info {d}/cut.h5", "truncated or corrupt"),
    ("a folder for a pair file", "info {d}/folder", "is a folder"),
    ("--n-pairs 0", "make-dataset --n-pairs 0 --out {d}/x.h5", "--n-pairs: must be at least 1 and at most 1000000, got 0"),
    ("--synthetic 0", "make-dataset --synthetic 0 --out {d}/x.h5", "--synthetic: must be at least 1 and at most 1000000, got 0"),
    ("--synthetic negative", "make-dataset --synthetic -3 --out {d}/x.h5", "must be at least 1 and at most 1000000, got -3"),
    ("--zoom 0", "make-dataset --zoom 0 --out {d}/x.h5", "--zoom: must be above 0 and at most 4, got 0"),
    ("a flat field as a metaphase", "make-dataset --metaphase {d}/flat.tif --out {d}/x.h5", "no chromosomes found"),
    ("noise as a metaphase", "make-dataset --metaphase {d}/noise.tif --out {d}/x.h5", "is it a metaphase"),
    ("a text file as a metaphase", "make-dataset --metaphase {d}/note.png --out {d}/x.h5", "could not be read as an image"),
    ("--out inside a file", "make-dataset --synthetic 3 --out {d}/afile/x.h5", "afile"),
    ("--lr -1", "train --lr -1 --run-dir {d}/r", "--learning-rate/--lr: must be above 0, got -1"),
    ("--dropout 1.5", "train --dropout 1.5 --run-dir {d}/r", "--dropout: must be at least 0 and below 1, got 1.5"),
    ("unknown preset", "train --preset huge --run-dir {d}/r", "invalid choice: 'huge'"),
    ("unknown preset in a config file", "train --config {d}/huge.json --run-dir {d}/r", "preset must be one of"),
    ("a typo in --data", "train --data {d}/pairs.hd5 --run-dir {d}/r", "No such data file"),
    ("corrupt config file", "train --config {d}/bad.json --run-dir {d}/r", "bad.json is not valid JSON"),
    ("corrupt model.keras", "evaluate {d}/run-badmodel", "not a readable Keras model"),
    ("corrupt split.npz", "evaluate {d}/run-badsplit", "is not a readable split"),
    ("evaluation already there", "evaluate {d}/run", "--overwrite"),
    ("a text file to predict", "predict {d}/run {d}/note.png --out {d}/pred", "could not be read as an image"),
    ("--out naming a file", "predict {d}/run {d}/pairs.h5 --out {d}/afile", "is a file"),
    ("--max-png -1", "predict {d}/run {d}/pairs.h5 --out {d}/pred --max-png -1", "--max-png: must be at least 0, got -1"),
    ("plot --n 0", "plot {d}/run --n 0", "--n: must be at least 1, got 0"),
    ("plot --n -2", "plot {d}/run --n -2", "got -2"),
    # the third reliability pass (issue 26)
    ("HDF5 data stored in another file", "info {d}/external.h5", "keeps its data in other files"),
    ("HDF5 data stored in another file, to predict", "predict {d}/external.h5 --out {d}/pred", "keeps its data in other files"),
    ("a group where the pairs should be", "info {d}/group.h5", "is a group, not an array"),
    ("a soft link where the pairs should be", "info {d}/softlink.h5", "is a link (SoftLink)"),
    ("fewer chromosome ids than pairs", "info {d}/shortids.h5", "has shape (2, 2) for 3 pairs"),
    ("labels outside 0..3 to train on", "train --data {d}/labels7.h5 --run-dir {d}/r7", "label values [7] outside 0..3"),
    ("a file of no pairs to train on", "train --data {d}/empty.h5 --run-dir {d}/r0", "holds no pairs"),
    ("--synthetic 10**9 to make", "make-dataset --synthetic 1000000000 --out {d}/x.h5", "at most 1000000"),
    ("--synthetic 10**9 to train on", "train --synthetic 1000000000 --run-dir {d}/r", "at most 1000000"),
    ("--workers 10**6", "train --workers 1000000 --run-dir {d}/r", "--workers: must be at least 1 and at most 64"),
    ("--epochs 10**9", "train --epochs 1000000000 --run-dir {d}/r", "at most 100000"),
    ("a complex-valued TIFF to separate", "separate {d}/complex.tif --out {d}/sep", "complex64 values, not grey levels"),
    ("an 8000x8000 image to predict", "predict {d}/giant.tif --out {d}/pred", "declares 64,000,000 pixel values"),
    ("an 8000x8000 slide to separate", "separate {d}/giant.tif --out {d}/sep", "more than the limit of 50,000,000"),
    ("--out naming a file, to separate", "separate {d}/flat.tif --out {d}/afile", "is a file"),
    ("two channels in one file, none named", "separate {d}/two.tif --out {d}/sep", "holds 2 channels or pages of 256x256 pixels; give its DAPI channel (--channel 0 to 1)"),
    ("a channel the file does not have", "separate {d}/two.tif --channel 2 --out {d}/sep", "there is no channel 2 (--channel 0 to 1)"),
    ("--channel -1", "separate {d}/flat.tif --channel -1 --out {d}/sep", "--channel: must be at least 0, got -1"),
    ("a channel of a grey slide", "separate {d}/flat.tif --channel 1 --out {d}/sep", "is one grey channel: there is no channel 1 (give --channel 0 or leave it out)"),
    ("a slide that is not there, to separate", "separate {d}/nope.tif --out {d}/sep", "no such slide: "),
    ("a model that resizes its inputs, to separate", "separate {d}/flat.tif --model {d}/run-resize --out {d}/sep",
     "was trained with geometry 'resize'; separate needs a model trained with 'pad'"),
    ("--nuclei model with a model never shown a nucleus", "separate {d}/flat.tif --nuclei model --nuclei-model none --out {d}/sep",
     "pretrained was not trained on them: give a model trained with train --on-nuclei, or --nuclei rules"),
    ("--instances naming no model, to separate", "separate {d}/flat.tif --instances {d}/nope --out {d}/sep", "No such model:"),
    ("--instances naming a pair model, to separate", "separate {d}/flat.tif --instances pretrained --out {d}/sep", "pretrained is not an instance model"),
    ("the instance model as --model, to separate", "separate {d}/flat.tif --model pretrained:instances --out {d}/sep",
     "pretrained:instances is an instance model (a map per chromosome): give it as --instances"),
    ("the instance model to fine-tune from", "train --synthetic 8 --init-from pretrained:instances --run-dir {d}/r", "init_from 'pretrained:instances' is an instance model"),
    ("the four-map instance model to fine-tune from", "train --synthetic 8 --init-from pretrained:instances4 --run-dir {d}/r", "init_from 'pretrained:instances4' is an instance model"),
    ("an instance trial to fine-tune from", "train --synthetic 8 --init-from {d}/trial --run-dir {d}/r", "/trial' is an instance model"),
    ("an instance trial as --model, to separate", "separate {d}/flat.tif --model {d}/trial --out {d}/sep", "/trial holds an instance model (a map per chromosome), not a pair model"),
    ("a second instance model with no first", "separate {d}/flat.tif --instances none --second-instances pretrained:instances --out {d}/sep", "name --instances too"),
    ("--second-instances naming a pair model", "separate {d}/flat.tif --second-instances pretrained --out {d}/sep", "pretrained is not an instance model"),
    ("--nuclei-model naming a model not trained on nuclei", "separate {d}/flat.tif --nuclei-model pretrained --out {d}/sep", "pretrained is not a model trained on nuclei"),
    ("--nuclei-model with --nuclei rules", "separate {d}/flat.tif --nuclei rules --nuclei-model pretrained --out {d}/sep", "leave out --nuclei-model"),
    ("--nuclei-body without --on-nuclei", "train --synthetic 8 --nuclei-body 2.5 --run-dir {d}/r", "give on_nuclei too (--on-nuclei 0.2)"),
    ("--val-held-out without --split metaphase", "train --synthetic 8 --val-held-out 1 --run-dir {d}/r", "give split 'metaphase' (--split metaphase)"),
    ("--val-held-out a --held-out metaphase", "train --synthetic 8 --split metaphase --held-out 1 2 --val-held-out 2 --run-dir {d}/r",
     "metaphases [2] are in both held_out and val_held_out"),
    ("--init-from of another preprocessing", "train --synthetic 8 --zoom 0.5 --init-from pretrained:synthetic --run-dir {d}/r",
     "set zoom, grey_level and margin to match"),
]

@pytest.mark.parametrize("what,command,words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(work, what, command, words):
    before = snapshot(work)
    r = here(*command.format(d=work).split())  # (argparse's refusals: its exit status)
    rc, err = r.returncode, r.stderr.strip()
    assert rc == 2, (what, rc, err)
    assert words in err, (what, err)
    assert "\n" not in err and "Traceback" not in err, err
    assert snapshot(work) == before, f"{what}: files were written or changed"

def test_a_mistyped_slide_is_refused_before_the_model_loads(work, monkeypatch):
    "One path of a batch not there: one line naming it, exit 2, before the model loads and before --out is made."
    import segnet_chromosome.commands as C
    monkeypatch.setattr(C, "_model_for", lambda args: pytest.fail("the model was loaded"))
    r = here("separate", work / "flat.tif", work / "nope.tif", "--out", work / "sep")
    rc, err = r.returncode, r.stderr.strip()
    assert rc == 2 and f"no such slide: {work / 'nope.tif'} (1 of the 2 named)" in err and "\n" not in err, err
    assert not (work / "sep").exists()

def test_unreachable_min_overlap_stops_with_a_count(shared_data, work):
    "A search that cannot succeed is bounded, says how many it found, and writes no file."
    r = here("make-dataset", "--metaphase", shared_data / "DAPI.tif", "--n-pairs", 5, "--min-overlap", 100000, "--out", work / "never.h5", "--quiet")
    rc, err = r.returncode, r.stderr
    assert rc == 2 and "only 0 of 5 pairs were found in 20,000 candidates" in err and not (work / "never.h5").exists()

def test_the_terminal_sees_one_line_and_no_traceback(work):
    r = subprocess.run(["segnet-chromosome", "info", str(work / "huge.h5")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr

def test_predict_overwrite_leaves_no_stale_maps(work):
    "A second predict with --overwrite and fewer maps: only the new maps are there."
    out = work.parent / "pred-stale"
    assert here("predict", work / "run", work / "pairs.h5", "--out", out, "--max-png", 5).returncode == 0
    assert here("predict", work / "run", work / "pairs.h5", "--out", out, "--max-png", 2, "--overwrite").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["labels.h5", "labels_00000.png", "labels_00001.png"]

@pytest.fixture
def small_disk(tmp_path):
    "A 300 KB file system (tmpfs; needs root), to fill up; skipped where it cannot be mounted."
    mnt = tmp_path / "small"; mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", str(mnt)], capture_output=True)

def test_a_full_disk_gives_one_line_naming_the_file_and_leaves_nothing(small_disk):
    "make-dataset onto a full disk: exit 2, the file named, no partial file, no crash (HDF5 writing there directly segfaulted)."
    r = subprocess.run(["segnet-chromosome", "make-dataset", "--synthetic", "3000", "--out", str(small_disk / "x.h5")],
                       capture_output=True, text=True)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "x.h5: No space left on device" in r.stderr and r.stderr.count("\n") == 1
    assert list(small_disk.iterdir()) == []

BENCH_CASES = [  # (script and arguments, with {d} for the folder of bad inputs; words the message must hold)
    ("slide_benchmark.py --model {d}/folder", "--model"),
    ("slide_benchmark.py --policy {d}/bad.json", "--policy"),
    ("slide_benchmark.py --from {d}/two.tif", "give its DAPI channel (--channel 0 to 1)"),
    ("slide_benchmark.py --from {d}/two.tif --channel 5", "there is no channel 5 (--channel 0 to 1)"),
    ("heldout_scores.py --out {d}/folder", "exists: give a new folder"),
    ("heldout_scores.py --slides {d}/two.tif --out {d}/new", "give its DAPI channel (--channel 0 to 1)"),
    ("heldout_scores.py --slides {d}/two.tif --channel 5 --out {d}/new", "there is no channel 5 (--channel 0 to 1)"),
    ("separate_quality.py --n 0", "--n: must be at least 1"),
    ("cpu_speed.py --steps 0", "--steps: must be at least 1"),
    ("quality.py --budget 0", "--budget: must be above 0"),
    ("quality.py --seeds 0", "--seeds: must be at least 1"),
    ("look_choices.py --out {d}/folder --report", "no slides in"),
    ("look_choices.py --out {d}/new --seeds 5 2", "--seeds 5 2: give FIRST and STOP"),
    ("look_choices.py --out {d}/new --seeds -1 3", "--seeds: must be at least 0"),
    ("look_choices.py --out {d}/new --from {d}/nothing.tif", "--from: no such slide"),
    ("instance_trial.py --like {d}/folder --out {d}/trial", "no config.json, pairs.h5, split.npz there"),
    ("instance_trial.py --like {d}/folder --out {d}/trial --clusters 2", "--clusters: must be at least 0 and at most 1"),
    ("instance_trial.py --like {d}/folder --out {d}/trial --bend 1.5", "--bend: must be at least 0 and at most 1"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial --skirt 3 --bend 0.5", "--skirt with --bend"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial --skirt -1", "--skirt: must be at least 0"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial --from-trial pretrained:real", "no readable trial record there"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial --from-trial pretrained:instances4 --val-metaphase 0", "was trained on that metaphase's chromosomes"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --skirt 3", "trial05 was trained with --skirt 0; leave --skirt out"),
    ("instance_trial.py --like {d}/folder --out {d}/trial --zoom 0", "--zoom: must be above 0"),
    ("instance_trial.py --like {d}/folder --out {d}/trial --size 8 96", "--size: must be at least 16"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --zoom 0.35", "trial05 was trained at 0.5; leave --zoom out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --size 96 96", "was trained at [128, 128]"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --bend 0.5", "trial05 was trained with --bend 0; leave --bend out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial35 --resume --zoom 0.5", "trial35 was trained at RUN's; leave --zoom out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --body frozen", "trial05 was trained with --body train"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --absent-dice off", "trial05 was trained with --absent-dice on"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --overlap add", "trial05 was trained with RUN's overlaps; leave it out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial --overlap sum", "--overlap: invalid choice"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --seed 3", "trial05 was trained with --seed 0; leave --seed out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --clusters 0.5", "trial05 was trained with --clusters 0.4; leave --clusters out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial --processes 0", "--processes: must be at least 1"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial --absent-dice no", "--absent-dice: invalid choice"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --relight", "give --from-trial DIR with it"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --slide-crops {d}/nothing.npz", "nothing.npz: no such file; make one with bench/slide_crops.py"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --slide-crops {d}/pairs.h5 --slide-share 2", "--slide-share: must be at least 0 and at most 1"),
    ("slide_crops.py --like {d}/folder --out {d}/crops.npz", "no config.json, pairs.h5 and split.npz there"),
    ("slide_crops.py --like {d}/likerun --out {d}/crops.npz", "is unreadable"),
    ("slide_crops.py --like {d}/likerun --out {d}/pairs.h5", "exists; give another file name"),
    ("slide_crops.py --like {d}/likerun --out {d}/crops.h5", "give a file name ending in .npz"),
    ("slide_crops.py --like {d}/likerun --out {d}/crops.npz --slides 0", "--slides: must be at least 1"),
    ("instance_trial.py --like {d}/likerun --out {d}/trialbad --resume", "trial.json: unreadable"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --slide-share 0.3", "give --slide-crops NPZ with it"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --slide-crops {d}/pairs.h5", "trial05 was trained without --slide-crops; leave --slide-crops out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --slide-share 0.3", "trial05 was trained without --slide-crops; leave --slide-share out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trialbank --resume --slide-crops {d}/pairs.h5", "trialbank was trained on bank.npz (--slide-share 0.4); leave --slide-crops out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trialbank --resume --slide-share 0.5", "trialbank was trained on bank.npz (--slide-share 0.4); leave --slide-share out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trialbank --resume", "trialbank was trained on the bank bank.npz, which is not there now"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --from-trial {d}/folder", "no readable trial record there"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --from-trial {d}/trialbad", "no readable trial record there"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --from-trial {d}/trial05", "no model.keras there"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --from-trial {d}/trial05 --size 96 96", "trial05 was trained at [128, 128]; leave --size out"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --from-trial {d}/trial35", "give one of them"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --init-from pretrained:synthetic", "--resume goes on from a trial's own model"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --from-trial {d}/trial05 --init-from pretrained", "--from-trial goes on from a trial's own model"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --val-metaphase 3", "its pairs.h5 or split.npz is unreadable"),
    ("instance_trial.py --like {d}/likerun --out {d}/trial05 --resume --val-metaphase 3", "trial05 was validated on its training chromosomes"),
    ("instance_trial.py --like {d}/likerun --out {d}/new --from-trial {d}/trial05 --val-metaphase 3", "was trained on that metaphase's chromosomes"),
]

@pytest.mark.parametrize("command, words", BENCH_CASES, ids=[c for c, _ in BENCH_CASES])
def test_benchmarks_refuse_bad_input_cleanly(work, command, words):
    """The benchmark scripts too: exit status 2, the problem named on stderr's last line (TensorFlow may log above it when a
    model is loaded), no traceback and no usage block, nothing written. Run as `__main__` in this process (an exception a
    script lets through fails the test as a traceback would)."""
    before = snapshot(work)
    script, *args = command.format(d=work).split()
    r = run_script(f"bench/{script}", *args)
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr and "usage:" not in r.stderr and words in r.stderr.strip().splitlines()[-1], r.stderr[-2000:]
    assert snapshot(work) == before
