"bench/compare_slides.py: two separations of real slides compared object by object, as a user runs it."
import json, subprocess, sys
from conftest import ROOT, load_script

def compare(*args):
    return subprocess.run([sys.executable, str(ROOT / "bench" / "compare_slides.py"), *map(str, args)], capture_output=True, text=True)

def test_a_policy_change_is_listed_and_drawn(shared_data, tmp_path):
    """Smaller ridges on a nucleus (the rules, asked in place of the nuclei model; CHANGES.md: measured, not kept) add one
    "chromosome" on metaphase 4's nucleus (object 27, a patch of chromatin): the one change the tool reports on that slide,
    listed, drawn and written."""
    policy = tmp_path / "smaller_ridges.json"
    policy.write_text(json.dumps({"attached_min_area": 0.25, "attached_outside_area": 0.12, "nuclei_model": "none"}))
    out = tmp_path / "cmp"
    r = compare(shared_data / "jpp21" / "metaphase4-dapi.tif", "--out", out, "--policy-b", policy)
    assert r.returncode == 0, r.stderr
    assert "metaphase4-dapi.tif: 47 -> 48 chromosomes; 1 object differs: 27 nucleus -> nucleus (0 -> 1)" in r.stdout, r.stdout
    report = json.loads((out / "changes.json").read_text())
    assert report["b"]["policy"] == str(policy) and report["a"]["policy"] is None
    assert report["slides"]["metaphase4-dapi.tif"] == dict(chromosomes=[47, 48], objects=[dict(object=27, kind=["nucleus", "nucleus"], chromosomes=[0, 1])])
    assert sorted(p.name for p in out.iterdir()) == ["changes.json", "metaphase4-dapi_changes.png"]

def test_bad_input_is_one_line_and_writes_nothing(shared_data, tmp_path):
    "A folder in use, the same A and B, a file that is no image, two slides of one name, a channel the slide lacks: one line each, exit 2, nothing written."
    used = tmp_path / "used"; used.mkdir(); (used / "mine.txt").write_text("keep")
    slide = shared_data / "DAPI.tif"
    cases = [((slide, "--out", used, "--policy-b", ROOT / "bench" / "not_single.json"), "exists and is not an empty folder"),
             ((slide, "--out", tmp_path / "new"), "A and B are the same"),
             ((ROOT / "README.md", "--out", tmp_path / "new", "--model-b", "pretrained:synthetic"), "could not be read as an image"),
             ((slide, slide, "--out", tmp_path / "new", "--model-b", "pretrained:synthetic"), "two slides named DAPI"),
             ((slide, "--out", tmp_path / "new", "--model-b", "pretrained:synthetic", "--channel", 1), "there is no channel 1 (give --channel 0 or leave it out)")]
    for args, message in cases:
        r = compare(*args)
        assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    assert [p.name for p in used.iterdir()] == ["mine.txt"] and not (tmp_path / "new").exists()

def test_different_objects_are_compared_by_counts_only():
    """No option of today's policy changes the objects `find_objects` labels (its contrast only gates, `faint` only names
    kinds), so the real slides never reach this: two separations whose objects differ are not compared object by object."""
    from types import SimpleNamespace
    import numpy as np
    changed_objects = load_script("bench/compare_slides.py").changed_objects
    labels = np.zeros((4, 4), int); labels[1:3, 1:3] = 1
    one = SimpleNamespace(objects=SimpleNamespace(labels=labels), table=[dict(object=1, kind="single", chromosomes="1")], instances=labels[None] > 0)
    assert changed_objects(one, one) == []
    other = SimpleNamespace(**{**vars(one), "objects": SimpleNamespace(labels=labels * 0)})
    assert changed_objects(one, other) is None
