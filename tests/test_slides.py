"""Whole slides with truth (issue 24): each configuration a real slide has, composed from the real chromosomes and nuclei
of a held-out metaphase (10, never trained on), separated by the shipped model, and scored chromosome by chromosome.
The "singles" of metaphase 10 that are two chromosomes (bench/not_single.json, as the benchmark) are left out: laid down
as one chromosome, a pair would make the truth wrong."""
from pathlib import Path
import numpy as np, pytest
from segnet_chromosome.core import Preprocessing
from segnet_chromosome.config import SeparationPolicy
from segnet_chromosome.slide import load_metaphase, nucleus_cutouts, segment_chromosomes
from segnet_chromosome.synthetic import COMPOSE_SKIRT, CONFIGURATIONS, compose_metaphase
from segnet_chromosome.separate import separate_metaphase
from segnet_chromosome.evaluate import match_instances
from segnet_chromosome.runs import read_not_single, without_pairs

NOT_SINGLE = Path(__file__).resolve().parent.parent / "bench" / "not_single.json"

@pytest.fixture(scope="module")
def held_out(shared_data):
    """The single chromosomes (at the slide's scale, with the light around them as the benchmark lays them down; the pairs among
    them left out) and nuclei of metaphase 10, and the shipped model with its preprocessing."""
    from segnet_chromosome.model import load_model_source
    slide = load_metaphase(shared_data / "jpp21" / "metaphase10-dapi.tif")
    singles = without_pairs(list(segment_chromosomes(slide, preprocessing=Preprocessing(zoom=1), skirt=COMPOSE_SKIRT)), read_not_single(NOT_SINGLE)["metaphase10-dapi.tif"],
                            slide="metaphase10-dapi.tif", zoom=1, source=str(NOT_SINGLE))
    return singles, nucleus_cutouts(slide, skirt=COMPOSE_SKIRT), load_model_source("pretrained")

def separated(held_out, seed, tta=False, policy=SeparationPolicy(), **counts):
    """A 768x1024 slide of six isolated chromosomes and `counts` of other configurations, separated (with test-time augmentation
    when `tta`, by `policy`): (IoU of each true chromosome, its configurations, the separation)."""
    chromosomes, nuclei, (model, preprocessing) = held_out
    composed = compose_metaphase(chromosomes, nuclei, counts={**{k: 0 for k in CONFIGURATIONS}, "isolated": 6, **counts}, size=(768, 1024), seed=seed)
    sep = separate_metaphase(composed.image, model, preprocessing=preprocessing, policy=policy, tta=tta)
    return match_instances(composed.instances, sep.instances)["iou"], np.array(composed.configurations), sep

def test_touching_pairs_become_two_chromosomes(held_out):
    """A pair touching end to end and one side by side, each cut into its two chromosomes. Laid down with the light around
    them, as on a slide, both pairs are one object each; of 30 such slides (seeds 0 to 29) 18 have both pairs cut and every
    chromosome found (this is one; as many without second looks; 2 before every single was asked about; the benchmark's recall on touching pairs,
    about 89% end to end and 96% side by side, is the figure that counts)."""
    iou, kinds, sep = separated(held_out, 8, end_to_end=1, side_by_side=1)
    assert (iou[kinds == "end_to_end"] >= 0.5).all() and (iou[kinds == "side_by_side"] >= 0.5).all(), iou
    assert (iou[kinds == "isolated"] >= 0.8).all(), iou
    assert len(iou) <= len(sep.instances) <= len(iou) + 1, (len(iou), len(sep.instances))

def test_a_touching_pair_the_size_of_one_chromosome_is_asked_about(held_out):
    """Two chromosomes touching end to end in an object of a single's size and light: the model is asked about it only
    because every single is (`SeparationPolicy.single_confidence`), and cuts it apart surely enough for the split to be
    kept; with singles not asked (`single_confidence=1`) the same slide keeps the pair as one. Of 20 such slides (seeds 0
    to 19) the pair is found on 11 by default and on 7 with singles not asked; this is one of the four the rule gains."""
    iou, kinds, sep = separated(held_out, 1, end_to_end=1)
    assert (iou[kinds == "end_to_end"] >= 0.5).all() and len(sep.instances) == len(iou), (iou, len(sep.instances))
    iou, kinds, sep = separated(held_out, 1, policy=SeparationPolicy(single_confidence=1), end_to_end=1)
    assert (iou[kinds == "end_to_end"] < 0.5).any() and len(sep.instances) == len(iou) - 1, (iou, len(sep.instances))

def test_a_chromosome_against_a_nucleus_is_kept(held_out):
    """Two chromosomes lying against a nucleus, each cut off it and kept; the nucleus stays a nucleus. Rare: of 30 such
    slides (seeds 0 to 29) 6 have both found (this is one; the benchmark's recall on nuclei, about 38%, is the figure that counts)."""
    iou, kinds, sep = separated(held_out, 4, on_nucleus=2)
    assert (iou[kinds == "on_nucleus"] >= 0.5).all(), iou
    nucleus_rows = [r for r in sep.table if r["kind"] == "nucleus" and r["chromosomes"]]
    assert nucleus_rows, sep.table                             # cut off the nucleus, which stays a nucleus
    assert (iou[kinds == "isolated"] >= 0.8).all(), iou

def test_a_cluster_is_peeled_into_more_than_two(held_out):
    """A cluster of four, laid as a chain: the model's answer (A, B, A, ...: each piece a chromosome) and the parts that go back to
    it resolve three or more (of 30 such slides, seeds 0 to 29, 5 recover three of the four, 4 without second looks; this
    is one)."""
    iou, kinds, sep = separated(held_out, 16, cluster_of_4=1)
    peeled = [r for r in sep.table if r["kind"] == "cluster_separated"]
    assert len(peeled) == 1 and len(peeled[0]["chromosomes"].split()) >= 3, sep.table
    assert (iou[kinds == "cluster_of_4"] >= 0.5).sum() >= 3, iou

def test_a_cluster_of_three_becomes_three(held_out):
    """A chain of three, each lying across the next, becomes three chromosomes. Rare with the shipped model: of 30 such slides
    (seeds 0 to 29) 2 without test-time augmentation (this one; 1 before second looks; most often the model cuts the chain
    into one chromosome and the other two, which pass for one); the README's limits."""
    iou, kinds, sep = separated(held_out, 24, cluster_of_3=1)
    assert (iou[kinds == "cluster_of_3"] >= 0.5).all(), iou
    assert [r["kind"] for r in sep.table].count("cluster_separated") == 1, sep.table
    assert (iou[kinds == "isolated"] >= 0.8).all(), iou

def test_two_kept_as_one_in_a_cluster_of_four_are_cut_apart(held_out):
    """A chain of four that the instance model answers with three chromosomes (it lights three maps at most), one of them two
    kept as one: that one is asked about again alone (`instances.instance_peel`), and the instance model cuts it as its other
    looks and the pair model do: four. Of 30 such
    slides (seeds 0 to 29) the peel changes 4: this one (two chromosomes more found), and on seeds 7, 25 and 27 a piece more
    (a whole chromosome of the answer cut in two); the benchmark's sixty slides are the figure that counts (CHANGES.md)."""
    only_peel = SeparationPolicy(consensus_area=0)                       # (the looks' agreement, asked after the peel, undoes it here: below)
    iou, kinds, sep = separated(held_out, 21, policy=only_peel, cluster_of_4=1)
    assert (iou[kinds == "cluster_of_4"] >= 0.5).all(), iou
    (cluster,) = [r for r in sep.table if r["kind"] == "cluster_separated"]
    assert len(cluster["chromosomes"].split()) == 4 and cluster["second_look"] == "instances", cluster
    iou, kinds, sep = separated(held_out, 21, cluster_of_4=1)            # the default: the looks, holding two of the four as one, undo the peel
    assert (iou[kinds == "cluster_of_4"] >= 0.5).sum() == 2, iou         # (CHANGES.md: a peel undone; asked before the peel, no better on sixty slides)
    iou, kinds, sep = separated(held_out, 21, policy=SeparationPolicy(instance_peel_area=0, consensus_area=0), cluster_of_4=1)
    assert (iou[kinds == "cluster_of_4"] >= 0.5).sum() == 2, iou         # not asked again: two of the four

def test_a_second_look_cuts_apart_what_the_first_kept_as_one(held_out):
    """A chain of three that the model, asked as it lies, leaves whole: the answer is in doubt, so the object is asked again
    turned and flipped (`separate.look_again`), and a look that cuts all three apart is kept. Without second looks
    (`min_solidity=0`) and without the instance model (which cuts it apart as well) it stays one unresolved cluster. Of 30 such slides (seeds 0 to 29) second looks gain 1 (this one);
    2 when every chromosome less solid than `min_solidity` was in doubt (`min_line_ends=0`): seed 21's first answer holds
    two chromosomes lying end to end at an angle as one (solidity 0.78), whose centre line has two ends, as a bent
    chromosome's has: not asked again. (The peel then cuts one of its three at a pale band, a piece more: the table still names
    the look that answered.)"""
    iou, kinds, sep = separated(held_out, 26, policy=SeparationPolicy(consensus_area=0), cluster_of_3=1)
    assert (iou[kinds == "cluster_of_3"] >= 0.5).all(), iou
    assert [r["kind"] for r in sep.table].count("cluster_separated") == 1, sep.table
    (peeled,) = [r for r in sep.table if r["kind"] == "cluster_separated"]
    assert peeled["second_look"] in range(1, 8), peeled                 # the table says which look answered
    iou, kinds, sep = separated(held_out, 26, cluster_of_3=1)            # the default: the three, the same turned look's answer (neither
    assert (iou[kinds == "cluster_of_3"] >= 0.5).all(), iou               # instance model's replaces it; with the one shipped before alone,
    assert [r["second_look"] for r in sep.table if r["kind"] == "cluster_separated"] == [peeled["second_look"]], sep.table  # its looks' agreement did)
    iou, kinds, sep = separated(held_out, 26, policy=SeparationPolicy(min_solidity=0, instances="none"), cluster_of_3=1)  # (the instance model cuts it too)
    assert (iou[kinds == "cluster_of_3"] < 0.5).any(), iou
    assert {r["second_look"] for r in sep.table} == {""}, sep.table       # none asked again

def test_a_pair_end_to_end_the_first_look_kept_whole_is_cut_by_the_votes_of_the_others(held_out):
    """Two chromosomes end to end that `find_objects` calls single and the model, asked as it lies, leaves whole; four or more
    of its seven other looks cut it in two (`SeparationPolicy.single_votes`), so it is cut as the best of them, and the
    table names that look. With `single_votes=0` it stays one chromosome. Of 30 such slides (seeds 0 to 29) the votes find
    the pair on 2 (0, this one, and 3) and cut a single falsely on 2 (19, 27)."""
    iou, kinds, sep = separated(held_out, 0, end_to_end=1)
    assert (iou >= 0.5).all() and len(sep.instances) == len(iou), (iou, len(sep.instances))  # every chromosome found, nothing more
    (cut,) = [r for r in sep.table if r["second_look"] != ""]
    assert cut["second_look"] in range(1, 8) and cut["kind"] in ("overlap", "touching"), cut
    iou, kinds, sep = separated(held_out, 0, policy=SeparationPolicy(single_votes=0), end_to_end=1)
    assert (iou[kinds == "end_to_end"] >= 0.5).sum() == 1, iou
    assert [r["kind"] for r in sep.table if r["object"] == cut["object"]] == ["single"], sep.table

def test_a_cluster_taken_for_one_chromosome_is_looked_at_again(held_out):
    """A cluster of four that `find_objects` calls single and the model, asked as it lies, leaves whole: of a cluster's size
    (over `single_look_area`, 2.2 median singles) and shape (less solid than `min_solidity`, its centre line branched), it
    is looked at again, and a turned look cuts two of its chromosomes apart (an overlap). Without the rule
    (`single_look_area=0`), the instance model and the votes every single left whole gets (`single_votes=0`, which alone
    cut it as well) it stays one "chromosome" and none of the four is found. Of 30 such slides (seeds 0 to 29) the
    rule changes 2 (13 and 28, this one); on the twelve real slides none."""
    iou, kinds, sep = separated(held_out, 28, cluster_of_4=1)
    assert (iou[kinds == "cluster_of_4"] >= 0.5).sum() == 2, iou
    (looked,) = [r for r in sep.table if r["second_look"] != ""]
    assert looked["kind"] == "overlap" and looked["second_look"] in range(1, 8), looked
    iou, kinds, sep = separated(held_out, 28, policy=SeparationPolicy(single_look_area=0, single_votes=0, instances="none"), cluster_of_4=1)  # (the instance model finds three of the four)
    assert (iou[kinds == "cluster_of_4"] < 0.5).all(), iou
    assert [r["kind"] for r in sep.table if r["object"] == looked["object"]] == ["single"], sep.table

def test_crossing_pairs_are_cut_apart(held_out):
    """Two crossing pairs, each cut apart with its overlap. Not every draw: of 30 such slides (seeds 0 to 29) the shipped model
    finds all four chromosomes and cuts both crossings with an overlap on 11 (12 without second looks; this is one; the
    benchmark's crossing recall, 93.3%, is the figure that counts)."""
    iou, kinds, sep = separated(held_out, 4, crossing=2)
    assert (iou[kinds == "crossing"] >= 0.5).all(), iou
    assert sep.counts["overlap"] == 2, sep.counts
