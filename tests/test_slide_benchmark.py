"bench/slide_benchmark.py's scoring beyond its run (which takes minutes): where its false chromosomes lie."
import importlib.util
import numpy as np
from conftest import ROOT
from segnet_chromosome.evaluate import match_instances
from segnet_chromosome.synthetic import ComposedSlide

def load_benchmark():
    spec = importlib.util.spec_from_file_location("slide_benchmark", ROOT / "bench" / "slide_benchmark.py")
    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
    return module

def test_false_chromosomes_are_counted_by_where_they_lie():
    "One true chromosome found, a piece cut off it, a patch of a nucleus and a speck of debris: one false chromosome in each place."
    box = lambda r, c, h, w: np.pad(np.ones((h, w), bool), ((r, 60 - r - h), (c, 60 - c - w)))
    chromosome, nucleus = box(5, 5, 30, 8), box(30, 30, 25, 25)
    composed = ComposedSlide(np.zeros((60, 60), np.uint16), chromosome[None], ["isolated"], nucleus)
    found = np.array([box(5, 5, 26, 8), box(31, 5, 4, 8), box(40, 40, 6, 6), box(2, 50, 3, 3)])  # found, its tip, on the nucleus, a speck
    bench = load_benchmark()
    places = bench.false_places(composed, found, match_instances(composed.instances, found))
    assert places == dict(chromosomes=1, nucleus=1, haze_or_debris=1), places
    without_nuclei = ComposedSlide(composed.image, composed.instances, composed.configurations)  # an older ComposedSlide: no nuclei kept
    assert bench.false_places(without_nuclei, found, match_instances(composed.instances, found))["haze_or_debris"] == 2
