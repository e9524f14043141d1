"""Whole slides through the command line, as a user runs them: `separate` on a synthetic slide with truth, on nothing, and
`predict` with the shipped model. The first `separate` runs in a fresh interpreter as a user's does (`cli`); the others run the
command in this process (`here`, conftest.run_cli_here), where TensorFlow has started already: the same `main`, the same
arguments, a quarter of a minute sooner each."""
import csv, json, os, subprocess, sys
import numpy as np, pytest, tifffile
from conftest import run_cli as cli, run_cli_here as here
from segnet_chromosome.synthetic import synthetic_metaphase
from segnet_chromosome.evaluate import match_instances

OFFLINE = {**os.environ, "NO_PROXY": "", "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}  # any download would fail

def test_pretrained_loads_and_predicts_offline():
    code = ("import numpy as np; from segnet_chromosome import pretrained; from segnet_chromosome.synthetic import synthetic_pairs; "
            "from segnet_chromosome.evaluate import evaluate; images, labels, _ = synthetic_pairs(32, seed=123); "
            "r = evaluate(pretrained(), images, labels); print(round(r['swap_aware']['mean_iou_no_background'], 3))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=OFFLINE)
    assert r.returncode == 0, r.stderr[-2000:]
    assert float(r.stdout.split()[-1]) > 0.5, r.stdout  # a model that separates, not one that answers background

@pytest.mark.parametrize("name", ["real", "synthetic", "nuclei"])
def test_a_changed_model_file_is_refused(tmp_path, name):
    from segnet_chromosome.sources import shipped_path
    from segnet_chromosome.model import pretrained
    data = bytearray(shipped_path(name).read_bytes()); data[-100] ^= 0xFF
    (tmp_path / "m.keras").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="not the shipped model's"): pretrained(name, tmp_path / "m.keras")

def test_separate_a_synthetic_slide(tmp_path):
    """A slide whose four overlapping pairs the synthetic shipped model all cuts apart (seed 4; over 20 slides it cuts 5 pairs in 6:
    bench/separate_quality.py). Procedural chromosomes: the model trained on them."""
    slide = synthetic_metaphase(seed=4)
    tifffile.imwrite(tmp_path / "slide.tif", slide.image)
    r = cli("separate", tmp_path / "slide.tif", "--out", tmp_path / "out", "--model", "pretrained:synthetic")
    assert r.returncode == 0, r.stderr[-3000:]
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["slide_chromosomes.csv", "slide_gallery.png", "slide_instances.tif", "slide_labels.tif", "slide_objects.csv",
                     "slide_overlay.png", "slide_policy.json", "slide_provenance.json", "slide_rois.zip"]
    made = json.loads((tmp_path / "out" / "slide_provenance.json").read_text())   # which model made them: the name given and its file
    assert made["model"]["source"] == "pretrained:synthetic" and made["model"]["file"].endswith("segnet_small_synthetic.keras"), made
    asked = json.loads((tmp_path / "out" / "slide_policy.json").read_text())  # beside another pair model no shipped second model is asked
    assert (asked["instances"], asked["second_instances"], asked["nuclei_model"]) == ("none", "none", "none"), asked
    instances = tifffile.imread(tmp_path / "out" / "slide_instances.tif").astype(bool)
    import roifile
    rois = roifile.roiread(tmp_path / "out" / "slide_rois.zip")                   # Fiji's ROI Manager reads them back: one a chromosome
    assert [r.name for r in rois] == [str(k) for k in range(1, len(instances) + 1)]
    for roi, mask in zip(rois, instances):                                      # each outline encloses its chromosome
        (c0, r0), (c1, r1) = roi.coordinates().min(0), roi.coordinates().max(0)
        rows, cols = np.nonzero(mask)
        assert (r0, c0, r1, c1) == (rows.min(), cols.min(), rows.max() + 1, cols.max() + 1)
    m = match_instances(slide.instances, instances)
    singles = [k for k in range(len(slide.instances)) if all(k not in p for p in slide.pairs)]
    assert m["iou"][singles].min() > 0.85, m["iou"][singles]              # every single chromosome found
    for pair in slide.pairs: assert m["iou"][list(pair)].min() > 0.7, (pair, m["iou"][list(pair)])  # each pair: two instances
    rows = list(csv.DictReader(open(tmp_path / "out" / "slide_objects.csv")))
    assert [r["kind"] for r in rows].count("nucleus") == 2 and [r["kind"] for r in rows].count("overlap") == 4
    from segnet_chromosome.slide import find_objects
    objects = find_objects(slide.image).labels
    chromosome_pixels = np.isin(objects, [int(r["object"]) for r in rows if r["kind"] in ("single", "overlap", "touching")])
    assert int((chromosome_pixels & ~instances.any(0)).sum()) == 0        # the instances cover the chromosomes' pixels
    assert int((instances.any(0) & (objects == 0)).sum()) == 0            # and nothing else
    pages = sorted(int(k) for r in rows for k in r["chromosomes"].split())
    assert pages == list(range(1, len(instances) + 1))                      # every page of the stack is in the table once
    measured = list(csv.DictReader(open(tmp_path / "out" / "slide_chromosomes.csv")))  # each chromosome names the object it came from
    made_of = {k: (r["object"], r["kind"]) for r in rows for k in r["chromosomes"].split()}
    assert [(m["object"], m["kind"]) for m in measured] == [made_of[str(k)] for k in range(1, len(instances) + 1)]
    for png in ("slide_gallery.png", "slide_overlay.png"): assert (tmp_path / "out" / png).stat().st_size > 10_000
    again = here("separate", tmp_path / "slide.tif", "--out", tmp_path / "out")
    assert again.returncode == 2 and "--overwrite" in again.stderr         # nothing a user made is replaced unasked
    assert made["pixel_size"] is None and "length_um" not in measured[0]       # a file that says no pixel size: sizes in pixels
    tifffile.imwrite(tmp_path / "two.tif", np.stack([np.zeros_like(slide.image), slide.image]),  # DAPI as the second of two channels,
                     imagej=True, resolution=(1 / 0.12, 1 / 0.12), metadata={"unit": "micron"})  # calibrated, as Fiji saves it
    r = here("separate", tmp_path / "two.tif", "--out", tmp_path / "out2", "--model", "pretrained:synthetic", "--channel", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "; 0.12 µm a pixel, as the file says" in r.stdout, r.stdout
    assert (tifffile.imread(tmp_path / "out2" / "two_instances.tif").astype(bool) == instances).all()  # the same slide, the same answer
    made = json.loads((tmp_path / "out2" / "two_provenance.json").read_text())
    assert made["channel"] == 1 and made["slide"]["file"].endswith("two.tif"), made
    assert (made["pixel_size"], made["pixel_size_from"]) == (0.12, "slide file"), made  # its pixel size read from it ...
    row = next(csv.DictReader(open(tmp_path / "out2" / "two_chromosomes.csv")))
    assert abs(float(row["length_um"]) - 0.12 * float(row["length_px"])) < 0.01, row   # ... the sizes in µm
    with tifffile.TiffFile(tmp_path / "out2" / "two_labels.tif") as tif:            # ... and the label image calibrated for Fiji and napari
        assert np.allclose(tif.pages[0].resolution, 1e4 / 0.12) and int(tif.pages[0].resolutionunit) == 3
    import hashlib
    assert made["slide"]["sha256"] == hashlib.sha256((tmp_path / "two.tif").read_bytes()).hexdigest()  # which bytes it was made from

def test_a_ctrl_c_lost_in_the_backend_still_stops_separate(tmp_path):
    """A Ctrl-C that arrives while Python runs a `__del__` (as it may inside JAX's garbage collector) is printed as "ignored"
    and lost with Python's own handler: `separate` would go on through the folder. It stops before the next slide instead,
    the slide done kept, with one line and exit 130."""
    for k in range(3): tifffile.imwrite(tmp_path / f"slide{k}.tif", synthetic_metaphase(seed=k).image)
    code = f"""
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)   # as at a terminal (pytest may run under `&`, SIGINT ignored)
import segnet_chromosome.separate as S
from segnet_chromosome.cli import main
class Dying:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)
        for _ in range(1000): pass                           # the handler runs here, inside __del__
original, calls = S.separate_metaphase, []
def pressed_during_the_first(*args, **kwargs):
    calls.append(1); sep = original(*args, **kwargs)
    if len(calls) == 1: Dying()
    return sep
S.separate_metaphase = pressed_during_the_first
sys.exit(main(["separate", *[r"{tmp_path}/slide" + str(k) + ".tif" for k in range(3)], "--out", r"{tmp_path / 'out'}",
               "--model", "pretrained:synthetic", "--quiet"]))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 130, (r.returncode, r.stdout, r.stderr[-2000:])
    assert r.stderr.strip().endswith(f"interrupted; the slides separated so far are written in {tmp_path / 'out'}"), r.stderr[-2000:]
    assert "Traceback" not in r.stderr and "ignored" not in r.stderr, r.stderr[-2000:]
    assert sorted({p.name.split("_")[0] for p in (tmp_path / "out").iterdir()}) == ["slide0"]   # the slide done, and no other

def test_separate_says_when_there_is_no_metaphase(tmp_path):
    tifffile.imwrite(tmp_path / "empty.tif", np.random.default_rng(0).normal(300, 10, (512, 512)).astype(np.uint16))
    r = here("separate", tmp_path / "empty.tif", "--out", tmp_path / "out")
    assert r.returncode == 2, r.stderr
    assert "empty.tif: skipped: no chromosomes found" in r.stderr and "is it a metaphase" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "wrote" not in r.stdout, (r.stdout, r.stderr)  # one line, no "wrote 0"
    tifffile.imwrite(tmp_path / "empty2.tif", np.zeros((512, 512), np.uint16))
    r = here("separate", tmp_path / "empty.tif", tmp_path / "empty2.tif", "--out", tmp_path / "out")
    assert r.returncode == 2 and "none of the 2 slides could be separated; nothing was written" in r.stderr, r.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    slide = synthetic_metaphase(seed=4).image                                  # a fluorescence slide inverted: as a brightfield picture looks
    tifffile.imwrite(tmp_path / "dark.tif", (slide.max() - slide).astype(np.uint16))
    r = here("separate", tmp_path / "dark.tif", "--out", tmp_path / "out")
    assert r.returncode == 2 and "its objects are darker than its background: a brightfield (Giemsa) picture?" in r.stderr, r.stderr

def test_predict_uses_the_shipped_model_without_a_run(tmp_path):
    from segnet_chromosome.synthetic import synthetic_pairs
    from segnet_chromosome.data import save_pairs
    images, labels, _ = synthetic_pairs(4, seed=1)
    save_pairs(tmp_path / "pairs.h5", images, labels)
    r = here("predict", tmp_path / "pairs.h5", "--out", tmp_path / "pred", "--max-png", 1)
    assert r.returncode == 0, r.stderr[-3000:]
    assert len(list((tmp_path / "pred").glob("*.png"))) == 1
    from segnet_chromosome.data import load_pairs
    from segnet_chromosome.evaluate import predict_labels
    from segnet_chromosome.model import pretrained
    _, predicted = load_pairs(tmp_path / "pred" / "labels.h5")
    np.testing.assert_array_equal(predicted, predict_labels(pretrained("real"), images))  # no flag: the model trained on real slides

def test_a_folder_separated_into_itself_again_takes_its_slides_only(tmp_path):
    "`separate DIR --out DIR --overwrite` a second time: the stack and label image it wrote there are no slides (they were taken for two)."
    tifffile.imwrite(tmp_path / "slide.tif", synthetic_metaphase(seed=2).image)
    first = here("separate", tmp_path, "--out", tmp_path, "--model", "pretrained:synthetic")
    assert first.returncode == 0, first.stderr[-2000:]
    again = here("separate", tmp_path, "--out", tmp_path, "--model", "pretrained:synthetic", "--overwrite")
    assert again.returncode == 0 and "wrote 1 x 9 files" in again.stdout and "skipped" not in again.stderr, (again.stdout, again.stderr[-2000:])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["slide.tif"] + [f"slide_{k}" for k in (
        "instances.tif", "labels.tif", "rois.zip", "objects.csv", "chromosomes.csv", "overlay.png", "gallery.png", "policy.json", "provenance.json")])

def test_a_policy_file_repeats_a_separation(tmp_path):
    "Thresholds given as flags are written beside the outputs; --policy with that file repeats the separation exactly."
    tifffile.imwrite(tmp_path / "slide.tif", synthetic_metaphase(seed=2).image)
    r = here("separate", tmp_path / "slide.tif", "--out", tmp_path / "first", "--quiet", "--min-overlap", "0.08", "--max-rounds", "2",
            "--attached-contrast", "0.6")
    assert r.returncode == 0, r.stderr[-3000:]
    import json
    policy = json.loads((tmp_path / "first" / "slide_policy.json").read_text())
    assert (policy["min_overlap"], policy["max_rounds"], policy["attached_contrast"], policy["suspect_area"]) == (0.08, 2, 0.6, 1.8)
    r = here("separate", tmp_path / "slide.tif", "--out", tmp_path / "again", "--quiet", "--policy", tmp_path / "first" / "slide_policy.json")
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / "again" / "slide_policy.json").read_text() == (tmp_path / "first" / "slide_policy.json").read_text()
    np.testing.assert_array_equal(tifffile.imread(tmp_path / "again" / "slide_labels.tif"), tifffile.imread(tmp_path / "first" / "slide_labels.tif"))
    (tmp_path / "bad.json").write_text('{"min_overlap": 0.05, "max_round": 3}')
    r = here("separate", tmp_path / "slide.tif", "--out", tmp_path / "third", "--policy", tmp_path / "bad.json")
    assert r.returncode == 2 and "unknown SeparationPolicy fields ['max_round']" in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = here("separate", tmp_path / "slide.tif", "--out", tmp_path / "third", "--max-rounds", "0")
    assert r.returncode == 2 and "--max-rounds: must be at least 1" in r.stderr, r.stderr

# The real slides' tests read two runs of `separate`, made once (a module's fixtures; conftest.py begins this file first, so
# that one worker runs them): every default, and the pair model alone (no second model), on the two metaphases where the
# shipped second models change what is found (the real-slides notebook pins all twelve, and checks each one's table as below).
REAL = (10, 15)

def _real_run(shared_data, out, slides, *flags):
    r = here("separate", *(shared_data / "jpp21" / f"metaphase{k}-dapi.tif" for k in slides), "--out", out, "--quiet", *flags)
    assert r.returncode == 0, r.stderr[-3000:]
    return out

@pytest.fixture(scope="module")
def real_default(shared_data, tmp_path_factory):
    "`separate` with every default (the shipped pair, instance and nuclei models) on metaphases `REAL` of jpp21: the output folder."
    return _real_run(shared_data, tmp_path_factory.mktemp("default"), REAL)

@pytest.fixture(scope="module")
def real_pair_model_alone(shared_data, tmp_path_factory):
    "`separate --instances none --nuclei-model none` (the shipped pair model and the rules) on metaphases 10 and 15: the output folder."
    return _real_run(shared_data, tmp_path_factory.mktemp("alone"), (10, 15), "--instances", "none", "--nuclei-model", "none")

def real_rows(out, k):
    "The object table of metaphase `k` in `out`: {object number (str): row}."
    with open(out / f"metaphase{k}-dapi_objects.csv") as f: return {r["object"]: r for r in csv.DictReader(f)}

def test_separate_real_metaphases_with_overlaps(real_default):
    "Metaphases 10 and 15 of jpp21 through the command line: every chromosome object becomes instances or a reported cluster in its table."
    for k in REAL:
        rows = list(real_rows(real_default, k).values())
        kinds = [r["kind"] for r in rows]
        assert kinds.count("single") + kinds.count("overlap") + kinds.count("touching") >= 20, kinds
        assert all(r["chromosomes"] for r in rows if r["kind"] in ("single", "overlap", "touching", "cluster_separated"))
        assert not any(r["chromosomes"] for r in rows if r["kind"] in ("debris", "border"))
        on_nuclei = sum(len(r["chromosomes"].split()) for r in rows if r["kind"] == "nucleus")
        assert on_nuclei <= 6, on_nuclei  # cut off a nucleus: a few, never its texture (separate_real_slides lists them)
        assert all(int(r["unresolved_area"]) > 0 for r in rows if r["kind"] == "cluster")   # a cluster keeps a rest no chromosome claims
        assert all(int(r["unresolved_area"]) == 0 for r in rows if r["kind"] != "cluster")
        numbers = [int(n) for r in rows for n in r["chromosomes"].split()]
        assert numbers == list(range(1, len(numbers) + 1))                                 # each chromosome listed once, in order

def test_the_shipped_instance_models_are_asked_beside_the_shipped_model(shared_data, real_default, real_pair_model_alone, tmp_path):
    """With no flag, `separate` asks the two shipped instance models beside the shipped pair model, the one with four lit
    maps first (`instances` and `second_instances` 'auto'): on held-out metaphase 10 they cut object 1, which the pair
    model answers as two (one of them two chromosomes kept as one), into three; the provenance names each with its SHA-256
    and the policy file names them, so that `--policy` repeats the separation. `--instances none` answers as the pair model
    alone (test_separate_a_synthetic_slide: beside another pair model none is asked)."""
    from segnet_chromosome.sources import SHIPPED_SHA256
    made = json.loads((real_default / "metaphase10-dapi_provenance.json").read_text())["model"]
    for use, name in (("instances", "instances4"), ("second_instances", "instances")):
        assert made[use]["source"] == f"pretrained:{name}" and made[use]["sha256"] == SHIPPED_SHA256[name], made
    policy = real_default / "metaphase10-dapi_policy.json"
    assert [json.loads(policy.read_text())[k] for k in ("instances", "second_instances")] == ["pretrained:instances4", "pretrained:instances"]
    first = real_rows(real_default, 10)["1"]
    assert (first["second_look"], len(first["chromosomes"].split())) == ("instances", 3), first
    alone = real_rows(real_pair_model_alone, 10)
    assert len(alone["1"]["chromosomes"].split()) == 2 and all(x["second_look"] != "instances" for x in alone.values())
    r = here("separate", shared_data / "jpp21" / "metaphase10-dapi.tif", "--policy", policy, "--out", tmp_path / "again", "--quiet")  # the policy file repeats it
    assert r.returncode == 0, r.stderr[-3000:]
    labels = lambda d: tifffile.imread(d / "metaphase10-dapi_labels.tif")
    np.testing.assert_array_equal(labels(tmp_path / "again"), labels(real_default))
    assert not np.array_equal(labels(real_pair_model_alone), labels(real_default))

def test_the_shipped_nuclei_model_is_asked_beside_the_shipped_model(real_default, real_pair_model_alone):
    """With no flag, `separate` asks the shipped nuclei model about each nucleus with a round body (`nuclei_model` 'auto'):
    the V-shaped chromosome against a nucleus of metaphase 15 (object 27), which the rules miss, is cut off it; the ring of
    chromatin of held-out metaphase 10 (object 45, no round body) gives no chromosome (its pieces, asked of the model, are
    not lit as chromosomes are). The provenance and the policy file name the model; `--nuclei-model none` is the rules alone."""
    from segnet_chromosome.sources import SHIPPED_SHA256
    made = json.loads((real_default / "metaphase15-dapi_provenance.json").read_text())["model"]
    assert made["nuclei"]["source"] == "pretrained:nuclei" and made["nuclei"]["sha256"] == SHIPPED_SHA256["nuclei"], made
    assert json.loads((real_default / "metaphase15-dapi_policy.json").read_text())["nuclei_model"] == "pretrained:nuclei"
    assert json.loads((real_pair_model_alone / "metaphase15-dapi_policy.json").read_text())["nuclei_model"] == "none"
    v, ring = real_rows(real_default, 15)["27"], real_rows(real_default, 10)["45"]
    assert (v["kind"], len(v["chromosomes"].split()), real_rows(real_pair_model_alone, 15)["27"]["chromosomes"]) == ("nucleus", 1, ""), v
    assert (ring["kind"], ring["chromosomes"]) == ("nucleus", ""), ring

def test_an_instance_model_is_asked_and_recorded(tmp_path):
    """`--instances RUN` (an instance model: `model.InstanceSegNet`, here untrained, tiny, its run's config.json beside it)
    is asked about the objects the pair model was; its name, file and SHA-256 go into the provenance beside the pair model's,
    and the policy file names it, so that `--policy` asks it again. Untrained, its maps light no chromosome: every answer
    stands, and the slide separates as without it."""
    from segnet_chromosome.config import TrainConfig
    from segnet_chromosome.model import InstanceSegNet
    from segnet_chromosome.sources import sha256_of
    run = tmp_path / "instances"; run.mkdir()
    TrainConfig(preset="tiny").to_json(run / "config.json")
    InstanceSegNet((96, 96, 1), preset="tiny").save(run / "model.keras")
    tifffile.imwrite(tmp_path / "slide.tif", synthetic_metaphase(seed=4).image)
    r = here("separate", tmp_path / "slide.tif", "--model", "pretrained:synthetic", "--instances", run, "--out", tmp_path / "with", "--quiet")
    assert r.returncode == 0, r.stderr[-3000:]
    made = json.loads((tmp_path / "with" / "slide_provenance.json").read_text())["model"]
    assert made["source"] == "pretrained:synthetic" and made["instances"]["sha256"] == sha256_of(run / "model.keras"), made
    assert json.loads((tmp_path / "with" / "slide_policy.json").read_text())["instances"] == str(run)
    r = here("separate", tmp_path / "slide.tif", "--model", "pretrained:synthetic", "--out", tmp_path / "without", "--quiet")
    assert r.returncode == 0, r.stderr[-3000:]
    labels = lambda d: tifffile.imread(tmp_path / d / "slide_labels.tif")
    np.testing.assert_array_equal(labels("with"), labels("without"))
    with open(tmp_path / "with" / "slide_objects.csv") as f: assert all(row["second_look"] != "instances" for row in csv.DictReader(f))


def test_a_nuclei_model_is_asked_about_nuclei_only(tmp_path):
    """`--nuclei-model RUN` (a pair model whose run says it was trained on nuclei: here a tiny one that labels every pixel
    chromosome A) is asked about the nuclei in place of the pair model, which goes on answering every other object: each
    whole nucleus of the slide then holds a chromosome (the model's piece, the whole nucleus, kept as one with --peel-area
    20) where --attached-contrast lets a piece with no light of its own above the nucleus' pass (and --nucleus-piece-outside 0
    one with nothing outside the nucleus' round body), and none at the default (0.4), while the other objects come out as without it. Its name, file and SHA-256 go into the provenance; the policy
    file names it."""
    import keras
    from segnet_chromosome.config import TrainConfig
    from segnet_chromosome.model import SegNet
    from segnet_chromosome.sources import sha256_of
    run = tmp_path / "nuclei"; run.mkdir()
    TrainConfig(preset="tiny", metaphase="slide.tif", online=True, on_nuclei=0.2).to_json(run / "config.json")
    model = SegNet((96, 96, 1), preset="tiny")
    kernel, _ = model.get_layer("classifier").get_weights()
    model.get_layer("classifier").set_weights([np.zeros_like(kernel), np.array([0, 10, 0, 0], np.float32)])  # A everywhere
    model.save(run / "model.keras"); keras.backend.clear_session()
    tifffile.imwrite(tmp_path / "slide.tif", synthetic_metaphase(seed=4).image)
    for out, extra in (("with", ["--nuclei-model", run, "--attached-contrast", "0.01", "--nucleus-piece-outside", "0"]), ("dim", ["--nuclei-model", run]), ("without", [])):
        r = here("separate", tmp_path / "slide.tif", "--model", "pretrained:synthetic", "--peel-area", "20", *extra, "--out", tmp_path / out, "--quiet")
        assert r.returncode == 0, r.stderr[-3000:]
    made = json.loads((tmp_path / "with" / "slide_provenance.json").read_text())["model"]
    assert made["source"] == "pretrained:synthetic" and made["nuclei"]["sha256"] == sha256_of(run / "model.keras"), made
    assert json.loads((tmp_path / "with" / "slide_policy.json").read_text())["nuclei_model"] == str(run)
    rows = {}
    for out in ("with", "dim", "without"):
        with open(tmp_path / out / "slide_objects.csv") as f: rows[out] = list(csv.DictReader(f))
    nuclei = [i for i, row in enumerate(rows["with"]) if row["kind"] == "nucleus"]
    assert nuclei and all(len(rows["with"][i]["chromosomes"].split()) == 1 for i in nuclei), rows["with"]
    labels = tifffile.imread(tmp_path / "with" / "slide_labels.tif")                # each one the whole nucleus
    for i in nuclei: assert (labels == int(rows["with"][i]["chromosomes"])).sum() > 0.9 * int(rows["with"][i]["area"]), rows["with"][i]
    others = lambda out: [(row["kind"], row["area"]) for i, row in enumerate(rows[out]) if i not in nuclei]
    assert others("with") == others("without") == others("dim")
    assert not any(rows["dim"][i]["chromosomes"] for i in nuclei), rows["dim"]  # the whole nucleus has no ridge of its own


def test_a_chromosome_found_wholly_inside_a_nucleus_body_is_not_kept(shared_data, monkeypatch):
    """`separate --nucleus-piece-outside 0.05` (the default): of the chromosomes the nuclei model finds on a nucleus, one lying
    wholly inside the nucleus' round body (where its own chromatin lies: the shipped nuclei model, and a second draw of its
    first recipe, took such patches of metaphases 2 and 15 for chromosomes) is not kept; one with part of it outside is; at 0 both are. The model's answer is replaced by two
    pieces of each nucleus, a disk at its middle and a cap of its rim, and the round body by the nucleus eroded by 12
    pixels, so the test holds whatever nuclei model is shipped."""
    from scipy import ndimage
    import segnet_chromosome.separate as S
    from segnet_chromosome.config import SeparationPolicy
    from segnet_chromosome.slide import load_metaphase
    body = lambda mask, **kw: ndimage.binary_erosion(mask, iterations=12)
    asked = []
    def two_pieces(probs, mask, **kw):
        ys, xs = np.nonzero(body(mask)); cy, cx = int(np.median(ys)), int(np.median(xs))
        yy, xx = np.mgrid[:mask.shape[0], :mask.shape[1]]
        disk = ((yy - cy) ** 2 + (xx - cx) ** 2 <= 36) & body(mask)          # wholly inside the body
        cap = mask & ~ndimage.binary_erosion(mask, iterations=6) & (yy < np.nonzero(mask)[0].min() + 8)  # on the rim, outside it
        asked.append(mask.shape)
        return [disk, cap]
    monkeypatch.setattr(S, "nucleus_round_body", body)
    monkeypatch.setattr(S, "nucleus_chromosomes", two_pieces)
    slide = load_metaphase(shared_data / "jpp21" / "metaphase2-dapi.tif")
    on_nuclei = lambda policy: sum(len(str(r["chromosomes"]).split()) for r in S.separate_metaphase(slide, policy=policy).table if r["kind"] == "nucleus")
    lenient = dict(attached_contrast=1e-9, nucleus_small_contrast=1e-9, instances="none")  # (both pieces small: any light will do;
    kept = on_nuclei(SeparationPolicy(**lenient))                                      # the instance models answer no nucleus)
    n = len(asked)
    every = on_nuclei(SeparationPolicy(**lenient, nucleus_piece_outside=0))
    assert n > 0 and len(asked) == 2 * n, asked
    assert every - kept == n, (every, kept, n)                                # the disk of each nucleus, and nothing else


def test_a_ring_of_chromatin_is_asked_of_the_nuclei_model_only_where_ring_contrast(shared_data, monkeypatch):
    """`separate --ring-contrast` (1.0, the default): a nucleus object with no round body (a ring or shred of chromatin) is
    asked of the nuclei model too, and a piece it finds there is kept only where its own light rises `ring_contrast` times
    the median single's grey (none at 1e9); at 0 such a nucleus is left to the rules, the model not asked about it. Every nucleus of
    metaphase 2 is made a ring (its round body empty) and the model's answer one cap of its rim, so the test holds whatever
    nuclei model is shipped."""
    from scipy import ndimage
    import segnet_chromosome.separate as S
    from segnet_chromosome.config import SeparationPolicy
    from segnet_chromosome.slide import load_metaphase
    asked = []
    def cap(probs, mask, **kw):
        asked.append(mask.shape)
        yy = np.mgrid[:mask.shape[0], :mask.shape[1]][0]
        return [mask & ~ndimage.binary_erosion(mask, iterations=6) & (yy < np.nonzero(mask)[0].min() + 8)]
    monkeypatch.setattr(S, "nucleus_round_body", lambda mask, **kw: np.zeros_like(mask))
    monkeypatch.setattr(S, "nucleus_chromosomes", cap)
    slide = load_metaphase(shared_data / "jpp21" / "metaphase2-dapi.tif")
    on_nuclei = lambda policy: sum(len(str(r["chromosomes"]).split()) for r in S.separate_metaphase(slide, policy=policy).table if r["kind"] == "nucleus" and r["chromosomes"])
    on_nuclei(SeparationPolicy(ring_contrast=0, instances="none"))           # (the instance models answer no nucleus)
    assert asked == []                                                        # left to the rules
    assert on_nuclei(SeparationPolicy(ring_contrast=1e9, instances="none")) == 0 and asked  # asked, and no cap rises so: none kept
    # (one that rises is kept and grown: the separate notebook's rod on a nucleus with no round body, and the nuclei notebook's ring_chromosomes)


def test_separate_finds_the_objects_with_its_policys_thresholds(monkeypatch):
    """`separate --dim-nucleus`, `--faint`, `--min-contrast` reach `find_objects` (a small dim nucleus is told from a cluster
    there; `nucleus_cutouts` keeps the benchmark's own nuclei with 0)."""
    import segnet_chromosome.separate as S
    from segnet_chromosome.config import SeparationPolicy
    seen = {}
    class Found(Exception): pass
    def find(image, min_contrast, **kw):
        seen.update(kw, min_contrast=min_contrast); raise Found
    monkeypatch.setattr(S, "find_objects", find)
    with pytest.raises(Found): S.separate_metaphase(np.zeros((128, 128), np.uint16), "pretrained:synthetic", policy=SeparationPolicy(dim_nucleus=0.5, faint=0.3, min_contrast=5))
    assert seen == dict(min_contrast=5, faint=0.3, dim_nucleus=0.5), seen
