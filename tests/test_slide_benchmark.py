"bench/slide_benchmark.py's scoring beyond its run (which takes minutes): where its false chromosomes lie, why its missed ones were missed."
import numpy as np
from conftest import load_script
from segnet_chromosome.evaluate import match_instances
from segnet_chromosome.synthetic import ComposedSlide

def test_false_chromosomes_are_counted_by_where_they_lie():
    """One true chromosome found, a piece cut off it, two touching ones kept as one, a patch of a nucleus and a speck of debris:
    one false chromosome in each place."""
    box = lambda r, c, h, w: np.pad(np.ones((h, w), bool), ((r, 60 - r - h), (c, 60 - c - w)))
    chromosomes, nucleus = np.array([box(5, 5, 30, 8), box(5, 20, 20, 6), box(25, 20, 20, 6)]), box(30, 30, 25, 25)
    composed = ComposedSlide(np.zeros((60, 60), np.uint16), chromosomes, ["isolated", "end_to_end", "end_to_end"], nucleus)
    found = np.array([box(5, 5, 26, 8), box(31, 5, 4, 8), box(4, 20, 42, 6), box(46, 46, 6, 6), box(2, 50, 3, 3)])  # the two kept as one: IoU 0.48 with each
    bench = load_script("bench/slide_benchmark.py")
    places = bench.false_places(composed, found, match_instances(composed.instances, found))
    assert places == dict(merged=1, piece=1, nucleus=1, haze_or_debris=1), places
    without_nuclei = ComposedSlide(composed.image, composed.instances, composed.configurations)  # an older ComposedSlide: no nuclei kept
    assert bench.false_places(without_nuclei, found, match_instances(composed.instances, found))["haze_or_debris"] == 2

def test_missed_chromosomes_are_counted_by_why():
    """Four true chromosomes missed, one for each reason: two kept as one (both missed, "merged"), one cut in two halves
    ("pieces"), one found by nothing ("lost"), one outlined twice too large ("outline"); a fifth found is no miss."""
    box = lambda r, c, h, w: np.pad(np.ones((h, w), bool), ((r, 80 - r - h), (c, 80 - c - w)))
    truth = np.array([box(2, 2, 20, 6), box(22, 2, 20, 6), box(2, 20, 30, 6), box(2, 40, 20, 6), box(40, 40, 20, 6), box(60, 2, 10, 6)])
    kinds = ["end_to_end", "end_to_end", "isolated", "on_nucleus", "isolated", "isolated"]
    composed = ComposedSlide(np.zeros((80, 80), np.uint16), truth, kinds)
    found = np.array([box(2, 2, 41, 6), box(2, 20, 14, 6), box(18, 20, 14, 6), box(40, 40, 20, 6), box(58, 0, 14, 12)])
    bench = load_script("bench/slide_benchmark.py")
    reasons = bench.miss_reasons(composed, found, match_instances(composed.instances, found))
    assert sorted(reasons) == sorted([("end_to_end", "merged"), ("end_to_end", "merged"), ("isolated", "pieces"), ("on_nucleus", "lost"),
                                      ("isolated", "outline")]), reasons
    assert bench.miss_reasons(composed, truth, match_instances(truth, truth)) == []   # all found: nothing missed

def test_the_material_of_a_slide_saved_with_two_channels(shared_data, tmp_path):
    "`--from SLIDE --channel K`: a slide whose DAPI is the second of two channels gives the chromosomes and nuclei the slide itself gives."
    import tifffile
    from segnet_chromosome.slide import load_metaphase
    bench = load_script("bench/slide_benchmark.py")
    dapi = shared_data / "jpp21" / "metaphase10-dapi.tif"
    tifffile.imwrite(tmp_path / "metaphase10-dapi.tif", np.stack([np.zeros_like(load_metaphase(dapi)), load_metaphase(dapi)]))
    grey, two = bench.composed_material([dapi], {}), bench.composed_material([tmp_path / "metaphase10-dapi.tif"], {}, channel=1)
    assert [c.area for c in grey[0]] == [c.area for c in two[0]] and len(grey[0]) > 30
    assert [m.sum() for _, m in grey[1]] == [m.sum() for _, m in two[1]] and grey[2] == two[2] == 0

def test_intensity_errors_hold_each_chromosome_to_its_own_light():
    """A crossing whose light adds where the two overlap, found as it lies: each chromosome's integrated intensity is its own light
    (the overlap shared as `results.chromosome_light` shares it), error 0; found as one with the overlap counted whole for the
    first (a wrong outline of the second left out), the first's error is the second's light on the overlap."""
    from segnet_chromosome.separate import Separation
    from segnet_chromosome.slide import SlideObjects
    a, b = np.zeros((2, 30, 40), bool); a[10:14, 2:38] = True; b[2:28, 18:22] = True
    image = (10 + 100 * a + 50 * b).astype(np.uint16)
    composed = ComposedSlide(image, np.stack([a, b]), ["crossing", "crossing"], lights=np.array([100.0 * a.sum(), 50.0 * b.sum()]))
    bench = load_script("bench/slide_benchmark.py")
    sep = Separation(image, SlideObjects((a | b).astype(np.int32), ["cluster"], None, 2, 100), np.stack([a, b]), [dict(object=1, kind="overlap", chromosomes="1 2")])
    errors = bench.intensity_errors(composed, sep, match_instances(composed.instances, sep.instances))
    assert [k for k, _ in errors] == ["crossing", "crossing"] and np.allclose([e for _, e in errors], 0), errors
    alone = Separation(image, sep.objects, a[None], [dict(object=1, kind="single", chromosomes="1")])
    errors = bench.intensity_errors(composed, alone, match_instances(composed.instances, alone.instances))
    assert len(errors) == 1 and np.isclose(errors[0][1], 50 * (a & b).sum() / (100 * a.sum())), errors
    assert bench.intensity_errors(ComposedSlide(image, composed.instances, composed.configurations), sep, match_instances(composed.instances, sep.instances)) == []

def test_length_errors_hold_each_chromosome_to_its_true_outline():
    "A rod found as laid: no length error; found with a bump on its side (a ragged outline): still none; found shorter by a fifth: -0.2."
    from segnet_chromosome.separate import Separation
    rod = np.zeros((1, 40, 80), bool); rod[0, 15:25, 10:60] = True
    composed = ComposedSlide(np.zeros((40, 80), np.uint16), rod, ["isolated"])
    bench = load_script("bench/slide_benchmark.py")
    def errors(found):
        sep = Separation(composed.image, None, found[None], [])
        return bench.length_errors(composed, sep, match_instances(composed.instances, sep.instances))
    bumped = rod[0].copy(); bumped[25:29, 30:34] = True
    short = np.zeros((40, 80), bool); short[15:25, 10:50] = True
    assert [k for k, _ in errors(rod[0])] == ["isolated"] and abs(errors(rod[0])[0][1]) < 1e-9
    assert abs(errors(bumped)[0][1]) < 0.02, errors(bumped)
    assert abs(errors(short)[0][1] + 0.2) < 0.02, errors(short)

def test_chromosomes_laid_with_others_are_counted_by_how_hidden_and_how_small():
    """A crossing of a long bar and a short one, the short one found, the long one not; an isolated bar (the slide's typical size,
    left out of the count): the short one is half covered and a third of the typical size, the long one a tenth covered and
    its size; the tallies list every bin."""
    a, b, c = np.zeros((3, 40, 60), bool); a[10:14, 5:55] = True; b[4:24, 28:32] = True; c[30:34, 5:55] = True  # a: 200 px, b: 80, c: 200
    composed = ComposedSlide(np.zeros((40, 60), np.uint16), np.stack([a, b, c]), ["crossing", "crossing", "isolated"])
    found = np.stack([b, c])
    bench = load_script("bench/slide_benchmark.py")
    rows = bench.found_by_hiding(composed, match_instances(composed.instances, found))
    assert rows == [("0-0.2", "1-1.5", False), ("0.2-0.4", "0-0.6", True)], rows   # a: 16 of 200 shared, b: 16 of 80 (0.2)
    assert bench.tally(rows, 0, bench.SHARED_BINS) == {"0-0.2": [0, 1], "0.2-0.4": [1, 1], "0.4-0.6": [0, 0], "0.6+": [0, 0]}
    assert bench.tally(rows, 1, bench.SIZE_BINS) == {"0-0.6": [1, 1], "0.6-1": [0, 0], "1-1.5": [0, 1], "1.5+": [0, 0]}
    assert bench.bin_of(0.6, bench.SHARED_BINS) == "0.6+" and bench.bin_of(0.59, bench.SHARED_BINS) == "0.4-0.6"

def test_the_iou_lost_is_told_apart_neighbours_from_outlines():
    """A crossing whose first chromosome's instance takes the second's upper arm (24 px) and gives its own right arm (60 px) to
    the second's instance, and an isolated bar outlined a row too thick: each loss where it lies, summing to 1 - IoU."""
    a, b, c = np.zeros((3, 40, 60), bool); a[10:14, 5:55] = True; b[4:24, 28:32] = True; c[30:34, 5:55] = True
    composed = ComposedSlide(np.zeros((40, 60), np.uint16), np.stack([a, b, c]), ["crossing", "crossing", "isolated"])
    found_a, found_b, found_c = a.copy(), b.copy(), c.copy()
    found_a[:, 40:55] = False; found_a[4:10, 28:32] = True; found_b[10:14, 40:55] = True; found_c[34, 5:55] = True
    found = np.stack([found_a, found_b, found_c])
    bench = load_script("bench/slide_benchmark.py")
    match = match_instances(composed.instances, found)
    losses = dict(enumerate(bench.iou_losses(composed, found, match)))
    assert [k for k, _ in losses.values()] == ["crossing", "crossing", "isolated"]
    assert np.allclose(losses[0][1], (24 / 224, 60 / 224, 0)) and np.allclose(losses[1][1], (60 / 140, 0, 0)) and np.allclose(losses[2][1], (0, 0, 50 / 250))
    assert np.allclose([sum(lost) for _, lost in losses.values()], 1 - match["iou"])
