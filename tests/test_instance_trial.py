"""bench/instance_trial.py's chromosome bending (`--bend`): shapes bent across their axis with their widths kept, drawn from the batch's
generator; chromosomes laid with the light around them and cut as a slide's objects (`--skirt`); its dark maps found (`lit_shares`)
and relit (`--relight`)."""
import sys
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from instance_trial import ChainMembershipMaker, bend_view, lit_shares, relight, trial_model_file, trial_record  # noqa: E402
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
