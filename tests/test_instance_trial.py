"""bench/instance_trial.py's chromosome bending (`--bend`): shapes bent across their axis with their widths kept, drawn from the batch's
generator; chromosomes laid with the light around them and cut as a slide's objects (`--skirt`); its dark maps found (`lit_shares`)
and relit (`--relight`); objects cut out as `separate` sees them on composed slides (bench/slide_crops.py, `--slide-crops`)."""
import sys
from pathlib import Path
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from instance_trial import ChainMembershipMaker, WithSlideCrops, bend_view, lit_shares, read_slide_crops, relight, trial_model_file, trial_record  # noqa: E402
from segnet_chromosome.slide import Chromosome  # noqa: E402


def rod(length=60, width=9):
    "A horizontal rod: grey (width, length) float32 brighter along its middle, mask bool."
    mask = np.ones((width, length), bool)
    grey = (150 + 20 * np.sin(np.arange(length) / 4))[None, :] * np.ones((width, 1), np.float32)
    return grey.astype(np.float32), mask


def test_a_bent_rod_keeps_its_width_and_area_and_is_bent():
    grey, mask = rod()
    g, m = bend_view(grey, mask, np.random.default_rng(3), strength=0.12)
    assert g.dtype == np.float32 and m.dtype == bool and g.shape == m.shape
    assert not np.any(g[~m]) and np.all(g[m] > 0)
    assert abs(int(m.sum()) - mask.sum()) <= 0.03 * mask.sum()           # the area kept
    columns = m.sum(0)[2:-2]                                               # across the axis, column by column (ends aside)
    assert np.all(np.abs(columns - 9) <= 1), columns                       # the width kept
    middle = np.array([np.flatnonzero(c).mean() for c in m.T])
    assert middle.max() - middle.min() > 2                                 # its centre line no longer straight
    g2, m2 = bend_view(grey, mask, np.random.default_rng(3), strength=0.12)
    np.testing.assert_array_equal(m, m2); np.testing.assert_array_equal(g, g2)  # the same generator, the same bend
    flat, _ = bend_view(grey, mask, np.random.default_rng(3), strength=0.0)
    np.testing.assert_allclose(flat, grey, atol=1e-4)                      # no strength: the rod as it was


def test_the_maker_bends_only_when_asked_and_repeats_with_its_seed():
    rng = np.random.default_rng(0)
    bank = []
    for k in range(6):
        grey, mask = rod(length=int(rng.integers(20, 34)), width=7)
        bank.append(Chromosome(grey.astype(np.uint8), mask, k))
    from segnet_chromosome.generate import PairRecipe
    recipe = PairRecipe((96, 96), 20, "add", (1.0,))
    make = lambda bend, seed: ChainMembershipMaker(bank, recipe, clusters=0.4, singles=0.1, bend=bend, jitter=False).make(12, np.random.default_rng(seed))
    plain, again, bent, bent_again = make(0.0, 5), make(0.0, 5), make(1.0, 5), make(1.0, 5)
    for a, b in zip(plain, again): np.testing.assert_array_equal(a, b)
    for a, b in zip(bent, bent_again): np.testing.assert_array_equal(a, b)    # bends drawn from the batch's generator: repeatable
    assert not np.array_equal(plain[1], bent[1])
    assert bent[1].max() < 16 and (bent[1] > 0).sum() > 0                      # still a bit per chromosome, four at most


def skirted_rod(length=30, width=7, skirt=2, halo=40):
    "A rod with `skirt` pixels of light `halo` around it (as `segment_chromosomes(skirt=)` cuts them): grey uint8, mask bool, the mask inside."
    mask = np.zeros((width + 2 * skirt, length + 2 * skirt), bool); mask[skirt:-skirt, skirt:-skirt] = True
    grey = np.where(mask, 150, halo).astype(np.uint8)
    return grey, mask


def test_the_maker_lays_the_light_around_chromosomes_and_cuts_it_as_a_slide_does():
    from segnet_chromosome.generate import PairRecipe
    bank = [Chromosome(*skirted_rod(length=24 + 2 * k), k) for k in range(6)]
    recipe = PairRecipe((96, 96), 20, "add", (1.0,))
    make = lambda **kw: ChainMembershipMaker(bank, recipe, clusters=0.5, singles=0.1, jitter=False, **kw).make(40, np.random.default_rng(4))
    cliff, kept, cut = make(), make(skirt=True), make(skirt=True, cut_below=48.0)
    outside = lambda images, labels: images[labels == 0]
    assert outside(*cliff[:2]).max() == 0                                   # cut at the outline: no light off the chromosomes
    assert set(np.unique(outside(*kept[:2]))) >= {40}                       # with its skirt: the light around each one laid down
    off = outside(*cut[:2])
    assert 0 < (off > 0).sum() < (outside(*kept[:2]) > 0).sum() and off[off > 0].min() >= 48  # cut under 48 off the chromosomes: where two skirts add up, kept
    assert all(l.max() < 16 for l in cut[1])                                # a bit per chromosome, four at most
    for a, b in zip(cut, make(skirt=True, cut_below=48.0)): np.testing.assert_array_equal(a, b)  # repeatable with its seed


def test_overlaps_add_their_light_or_show_the_brighter_as_the_recipe_says():
    "`--overlap add`: where chromosomes of a pair or cluster lie on each other their light adds (fluorescence); 'opaque': the brighter shows."
    from segnet_chromosome.generate import PairRecipe
    bank = [Chromosome(np.full((7, 26 + 2 * k), 100, np.uint8), np.ones((7, 26 + 2 * k), bool), k) for k in range(6)]
    make = lambda overlap: ChainMembershipMaker(bank, PairRecipe((96, 96), 20, overlap, (1.0,)), touching=0.0, clusters=0.5, singles=0.0,
                                                jitter=False).make(30, np.random.default_rng(2))
    for overlap, expected in (("add", 200), ("opaque", 100)):
        images, labels = make(overlap)[:2]
        many = np.unpackbits(labels[..., None], axis=-1).sum(-1) >= 2        # two chromosomes or more on the pixel
        single = (labels > 0) & ~many
        assert many.sum() > 100 and np.median(images[many]) == expected and np.median(images[single]) == 100


def test_the_trial_bank_holds_the_same_chromosomes_with_the_light_around_them(shared_data):
    "The trial's `--skirt` bank: `training_chromosomes` of RUN's config with its skirt (`segment_chromosomes(skirt=)` at RUN's zoom)."
    from segnet_chromosome.config import TrainConfig
    from segnet_chromosome.runs import run_chromosomes
    config = TrainConfig(metaphase=[str(shared_data / "DAPI.tif")], zoom=0.35, margin=2)
    bank, skirted = run_chromosomes(config)[::4], run_chromosomes(config, skirt=3)[::4]     # a few of them: every fourth
    assert [(c.metaphase, c.id) for c in skirted] == [(c.metaphase, c.id) for c in bank]
    for plain, sk in zip(bank, skirted):
        assert abs(int(sk.mask.sum()) - int(plain.mask.sum())) <= 0.1 * plain.mask.sum() + 3   # the same outline, cut again
        assert plain.image[~plain.mask].max() == 0 and sk.image[~sk.mask].max() > 0           # the light around it kept


def test_a_dark_map_is_found_and_relit_from_the_least_lit_one():
    from segnet_chromosome.core import load_keras
    load_keras()
    from segnet_chromosome.model import InstanceSegNet
    model = InstanceSegNet((32, 32, 1), preset="small")
    layer = model.get_layer("instances"); kernel, bias = layer.get_weights()
    kernel[:] = np.random.default_rng(2).normal(0, 1e-3, kernel.shape); bias[:] = [8.0, -30.0, 8.0, -30.0]  # maps 0 and 2 lit everywhere, 1 and 3 dark
    layer.set_weights([kernel, bias])
    x = np.random.default_rng(0).random((4, 32, 32, 1)).astype(np.float32)
    np.testing.assert_array_equal(lit_shares(model, x), [1, 0, 1, 0])
    dark, donor = relight(model, lit_shares(model, x), np.random.default_rng(1))
    assert dark == [1, 3] and donor == 0                                   # (lit as often as map 2: the first)
    k2, b2 = layer.get_weights()
    assert b2[1] == b2[3] == b2[donor] and not np.array_equal(k2[..., 1], k2[..., 3])   # the donor's bias, each its own noise
    np.testing.assert_array_equal(lit_shares(model, x), [1, 1, 1, 1])
    assert relight(model, lit_shares(model, x), np.random.default_rng(1)) == ([], None)   # none dark: nothing done


def test_a_trial_starts_from_the_shipped_instance_model_as_its_card_records_it(tmp_path):
    "--from-trial pretrained:instances4: the shipped weight file, and the record of the trial that made it (from its card)."
    from segnet_chromosome.sources import pretrained_card, shipped_path
    assert trial_model_file("pretrained:instances4") == shipped_path("instances4") and shipped_path("instances4").is_file()
    assert trial_record("pretrained:instances4") == pretrained_card("instances4")["trial"]
    assert trial_record("pretrained:instances4")["args"]["absent_dice"] == "off"   # its recipe: every map kept lit
    (tmp_path / "trial.json").write_text('{"args": {"zoom": 0.5}}')
    assert trial_record(tmp_path)["args"]["zoom"] == 0.5 and trial_model_file(tmp_path) == tmp_path / "model.keras"


def crop_bank(n=5, size=(96, 96)):
    "`n` crops of two crossing rods (grey uint8, membership bits 1 and 2) centred on canvases `size`, the k-th k pixels longer."
    images, labels = np.zeros((n,) + size, np.uint8), np.zeros((n,) + size, np.uint8)
    for k in range(n):
        a = np.zeros(size, bool); a[40:47, 20:50 + k] = True
        b = np.zeros(size, bool); b[25:60 + k, 30:36] = True
        images[k] = np.where(a & b, 220, np.where(a | b, 120, 0)); labels[k] = a * 1 + b * 2
    return images, labels


def test_a_share_of_the_images_are_the_banks_crops_turned_and_laid_anywhere():
    "`--slide-crops`: with share 1 every image is a crop of the bank (its pixels and bits, turned and moved); 0: the plain maker's images."
    from segnet_chromosome.generate import PairRecipe
    rng = np.random.default_rng(0)
    chromosomes = [Chromosome(*rod(length=int(rng.integers(20, 30)), width=7), k) for k in range(6)]
    chromosomes = [Chromosome(c.image.astype(np.uint8), c.mask, c.id) for c in chromosomes]
    plain = ChainMembershipMaker(chromosomes, PairRecipe((94, 93), 20, "add", (1.0,)), clusters=0.4, jitter=False)
    images, labels = crop_bank()
    every = WithSlideCrops(plain, images, labels, 1.0).make(16, np.random.default_rng(3))
    for im, lab in zip(*every[:2]):
        assert im.shape == (94, 93) and set(np.unique(lab)) == {0, 1, 2, 3}            # a crop's bits, on the trial's canvas
        k = [int((b > 0).sum()) for b in labels].index(int((lab > 0).sum()))        # which crop: by its area (each its own)
        assert np.array_equal(np.sort(im[lab > 0]), np.sort(images[k][labels[k] > 0]))  # crop k's own pixels, moved
    again = WithSlideCrops(plain, images, labels, 1.0).make(16, np.random.default_rng(3))
    for a, b in zip(every, again): np.testing.assert_array_equal(a, b)                  # repeatable with its generator
    corners = {tuple(np.argwhere(lab)[0]) for lab in every[1]}
    assert len(corners) > 8                                                             # laid at many places, turned
    none = WithSlideCrops(plain, images, labels, 0.0).make(8, np.random.default_rng(5))
    for a, b in zip(none, plain.make(8, np.random.default_rng(5))): np.testing.assert_array_equal(a, b)
    placed, bits = WithSlideCrops(plain, images, labels, 1.0).every(np.random.default_rng(1))
    assert placed.shape == (5, 94, 93) and [int((b > 0).sum()) for b in bits] == [int((b > 0).sum()) for b in labels]
    big = np.zeros((1, 128, 128), np.uint8); big[0, 10:120, 60:66] = 200                # taller than the trial's canvas: left out
    tall = np.zeros((1, 96, 96), np.uint8); tall[0, :, 60:66] = 200                     # 96 rows: no room on a 94-row canvas
    assert len(WithSlideCrops(plain, np.concatenate([images, tall]), np.concatenate([labels, (tall > 0).astype(np.uint8)]), 1.0).images) == 5
    with pytest.raises(ValueError, match="none of its crops fits"): WithSlideCrops(plain, big, (big > 0).astype(np.uint8), 1.0)


def test_the_banks_last_slides_validate(tmp_path):
    "`read_slide_crops`: the crops of its last tenth of slides are the validation ones, never the training ones."
    images, labels = crop_bank(20)
    np.savez(tmp_path / "crops.npz", images=images, labels=labels, slides=np.repeat(np.arange(10), 2), chromosomes=np.full(20, 2))
    (ti, tl), (vi, vl) = read_slide_crops(tmp_path / "crops.npz")
    assert len(ti) == 18 and len(vi) == 2 and np.array_equal(vi, images[18:]) and np.array_equal(tl, labels[:18])


def test_a_composed_slides_objects_are_cut_out_as_separate_sees_them(shared_data):
    """bench/slide_crops.py: each object of a slide composed of real chromosomes (two crossings, a cluster of three, two
    isolated), found and cut out as `separate` cuts it, its true chromosomes a bit each, inside the object's own light."""
    from conftest import load_script
    from segnet_chromosome.config import SeparationPolicy
    from segnet_chromosome.core import Preprocessing
    from segnet_chromosome.synthetic import compose_metaphase
    crops = load_script("bench/slide_crops.py")
    bench = load_script("bench/slide_benchmark.py")
    chromosomes, _, _ = bench.composed_material([shared_data / "DAPI.tif"], {})
    counts = dict(isolated=2, crossing=2, end_to_end=0, side_by_side=0, on_nucleus=0, cluster_of_3=1, cluster_of_4=0)
    composed = compose_metaphase(chromosomes, (), counts=counts, seed=3)
    found = crops.object_crops(composed, preprocessing=Preprocessing(), policy=SeparationPolicy(), size=(94, 93))
    assert sorted(n for _, _, n in found) == [1, 1, 2, 2, 3], [n for _, _, n in found]
    for image, labels, n in found:
        assert image.dtype == labels.dtype == np.uint8 and image.shape == labels.shape and max(image.shape) <= 94
        bits = [(labels >> k) & 1 for k in range(n)]
        assert all(b.sum() > 20 for b in bits) and labels.max() < 2 ** n       # each of its n chromosomes, no other bit
        assert (image[labels > 0] > 0).mean() > 0.97 and image[labels == 0].max() <= image.max()  # on the object's light
    images, labels, n = crops.centred(found, (94, 93))
    assert images.shape == (5, 94, 93) and sorted(n.tolist()) == [1, 1, 2, 2, 3]
