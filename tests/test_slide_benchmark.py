"bench/slide_benchmark.py's scoring beyond its run (which takes minutes): where its false chromosomes lie."
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
