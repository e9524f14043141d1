"Data generation from the real metaphase in ../shared/data, through the command line as a user runs it."
import json
import numpy as np, pytest
from segnet_chromosome.data import load_pairs, open_pairs
from segnet_chromosome.download import METAPHASE_FILES
from segnet_chromosome.data import split_by_chromosome
from segnet_chromosome.slide import load_metaphase, segment_chromosomes, Chromosome
from segnet_chromosome.generate import overlap_pair

from conftest import run_cli as cli

@pytest.fixture(scope="module")
def generated(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "pairs.h5"
    r = cli("make-dataset", "--metaphase", shared_data / "DAPI.tif", "--cy3", shared_data / "Cy3.tif",
            "--out", out, "--n-pairs", 300, "--seed", 7, "--quiet")
    assert r.returncode == 0, r.stderr
    return out, r.stdout

def test_segmentation_finds_a_human_metaphase(shared_data):
    chromosomes = segment_chromosomes(load_metaphase(shared_data / "DAPI.tif"))
    assert len(chromosomes) == 46 and chromosomes.counts["single"] == 46
    assert all(c.image.dtype == np.uint8 and c.mask.shape == c.image.shape and c.area >= 30 for c in chromosomes)

def test_generated_set_loads_and_every_pair_overlaps(generated, shared_data):
    out, stdout = generated
    assert "wrote 300 pairs" in stdout
    images, labels = load_pairs(out)
    assert images.shape == (300, 94, 93) and labels.dtype == np.uint8
    assert set(np.unique(labels)) == {0, 1, 2, 3}
    assert all((lab == 3).any() and (lab == 1).any() and (lab == 2).any() for lab in labels)
    attrs = json.loads(open_pairs(out).attrs["generation"])
    assert attrs["seed"] == 7 and attrs["source"]["sha256"] == [METAPHASE_FILES["dapi"][2].split(":")[1]]

def test_same_seed_same_bytes_other_seed_other_data(generated, shared_data, tmp_path):
    out, _ = generated
    for seed, same in [(7, True), (8, False)]:
        r = cli("make-dataset", "--metaphase", shared_data / "DAPI.tif", "--cy3", shared_data / "Cy3.tif", "--out", tmp_path / f"s{seed}.h5",
                "--n-pairs", 300, "--seed", seed, "--quiet")
        assert r.returncode == 0, r.stderr
        a, b = load_pairs(out, dtype="uint8"), load_pairs(tmp_path / f"s{seed}.h5", dtype="uint8")
        assert (a[0].tobytes() == b[0].tobytes() and a[1].tobytes() == b[1].tobytes()) == same

def test_a_metaphase_read_from_one_channel_of_its_file(generated, shared_data, tmp_path):
    "DAPI saved as the second of two channels (`--channel 1`): the same pairs as from DAPI.tif itself."
    import tifffile
    dapi = load_metaphase(shared_data / "DAPI.tif")
    tifffile.imwrite(tmp_path / "two.tif", np.stack([np.zeros_like(dapi), dapi]))
    r = cli("make-dataset", "--metaphase", tmp_path / "two.tif", "--channel", 1, "--cy3", shared_data / "Cy3.tif", "--out", tmp_path / "two.h5",
            "--n-pairs", 300, "--seed", 7, "--quiet")
    assert r.returncode == 0, r.stderr
    a, b = load_pairs(generated[0], dtype="uint8"), load_pairs(tmp_path / "two.h5", dtype="uint8")
    assert a[0].tobytes() == b[0].tobytes() and a[1].tobytes() == b[1].tobytes()
    source = json.loads(open_pairs(tmp_path / "two.h5").attrs["generation"])["source"]
    assert source["channel"] == 1 and "channel" not in json.loads(open_pairs(generated[0]).attrs["generation"])["source"]  # which channel, said

def test_chromosome_disjoint_split_shares_no_chromosome(generated):
    ids = open_pairs(generated[0]).chromosome_ids
    for seed in range(5):
        s = split_by_chromosome(ids, test=0.3, seed=seed)
        assert len(s.test) and len(s.train)
        assert not set(ids[np.r_[s.train, s.val]].ravel()) & set(ids[s.test].ravel())

def test_existing_file_is_not_overwritten(tmp_path):
    out = tmp_path / "syn.h5"
    assert cli("make-dataset", "--synthetic", 5, "--out", out).returncode == 0
    before = out.read_bytes()
    r = cli("make-dataset", "--synthetic", 6, "--out", out)
    assert r.returncode == 2 and "--overwrite" in r.stderr and out.read_bytes() == before
    assert cli("make-dataset", "--synthetic", 6, "--out", out, "--overwrite").returncode == 0
    assert len(open_pairs(out)) == 6

def test_bad_metaphase_gives_clear_error(tmp_path):
    bad = tmp_path / "rgb.png"
    from skimage import io
    io.imsave(bad, np.zeros((20, 20, 3), np.uint8), check_contrast=False)
    r = cli("make-dataset", "--metaphase", bad, "--out", tmp_path / "x.h5")
    assert r.returncode == 2 and "holds 3 channels or pages of 20x20 pixels; give its DAPI channel (--channel 0 to 2)" in r.stderr, r.stderr
    r = cli("train", "--metaphase", bad, "--channel", 3, "--run-dir", tmp_path / "run")
    assert r.returncode == 2 and "there is no channel 3 (--channel 0 to 2)" in r.stderr and not (tmp_path / "run").exists(), r.stderr
    r = cli("make-dataset", "--metaphase", tmp_path / "missing.tif", "--out", tmp_path / "x.h5")
    assert r.returncode == 2 and "No such metaphase image" in r.stderr

def test_labels_are_the_masks_for_unrotated_rectangles():
    "Hand-made chromosomes: the label map is computable by hand."
    a = Chromosome(np.full((4, 10), 100, np.uint8), np.ones((4, 10), bool), 0)   # 40 px: A (smaller)
    b = Chromosome(np.full((12, 4), 200, np.uint8), np.ones((12, 4), bool), 1)  # 48 px: B
    image, labels, ids = overlap_pair(b, a, 0, 0, shift=(0, 0), size=(20, 20))
    assert ids == (0, 1)
    expect = np.zeros((20, 20), np.uint8)
    expect[4:16, 8:12] = 2           # B: 12x4, centred
    expect[8:12, 5:15] += 1          # A: 4x10 centred on the same point
    assert (labels == expect).all()
    assert (image[labels == 3] == 255).all() and (image[labels == 1] == 100).all() and (image[labels == 2] == 200).all()

def test_pairs_from_two_metaphases_record_their_metaphase(shared_data, tmp_path):
    out = tmp_path / "two.h5"
    r = cli("make-dataset", "--metaphase", shared_data / "DAPI.tif", shared_data / "jpp21" / "metaphase4-dapi.tif",
            "--out", out, "--n-pairs", 200, "--quiet")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "46 single chromosomes" in r.stdout and "nucleus" in r.stdout  # metaphase 4 has nuclei, reported, not used
    pf = open_pairs(out)
    assert pf.metaphase_ids.shape == (200, 2) and set(np.unique(pf.metaphase_ids)) == {0, 1}

def test_public_recipe_through_the_cli(shared_data, tmp_path):
    out = tmp_path / "replica.h5"
    r = cli("make-dataset", "--metaphase", shared_data / "DAPI.tif", "--cy3", shared_data / "Cy3.tif",
            "--recipe", "deepfish-13434", "--out", out)
    assert r.returncode == 0, r.stderr[-3000:]
    pf = open_pairs(out)
    assert abs(len(pf) / 13434 - 1) < 0.03 and (pf.height, pf.width) == (94, 93)
    assert len({tuple(p) for p in pf.chromosome_ids}) == 66
    r = cli("make-dataset", "--metaphase", shared_data / "DAPI.tif", "--recipe", "deepfish-13434", "--out", tmp_path / "x.h5")
    assert r.returncode == 2 and "--cy3" in r.stderr

def test_a_slide_with_no_chromosomes_is_refused(tmp_path):
    from skimage import io
    flat = tmp_path / "flat.tif"
    io.imsave(flat, np.full((256, 256), 300, np.uint16), check_contrast=False)
    r = cli("make-dataset", "--metaphase", flat, "--out", tmp_path / "x.h5")
    assert r.returncode == 2 and "no chromosomes found" in r.stderr and not (tmp_path / "x.h5").exists()

def test_a_nucleus_sized_disk_or_a_bar_is_never_a_single_chromosome():
    "The only object of an image is its own 'typical' object: absolute bounds (from the image's side) still say what it is not."
    from segnet_chromosome.slide import find_objects
    yy, xx = np.mgrid[:1024, :1536]
    noise = np.random.default_rng(0).normal(200, 10, (1024, 1536))
    disk = noise + 2000 * ((yy - 500) ** 2 + (xx - 700) ** 2 < 400 ** 2)  # 502,655 pixels
    bar = noise.copy(); bar[500:520, 100:1400] += 2000
    assert find_objects(disk).kinds == ["nucleus"] and find_objects(bar).kinds == ["debris"]
    crop = np.random.default_rng(1).normal(200, 10, (200, 200))  # a small crop: its chromosomes are wider than 1/40 of its side
    for r0, c0 in [(30, 30), (120, 40), (60, 130)]: crop[r0:r0 + 18, c0:c0 + 55] += 1500
    assert find_objects(crop).kinds == ["single"] * 3  # among peers, an object must also stand out of them to be a nucleus
