"bench/look_choices.py's scoring and report beyond its run (which takes minutes a slide): what counts as found, and the best answer."
import pickle, subprocess, sys
import numpy as np
from conftest import ROOT, load_script

def box(r, c, h, w, shape=(40, 40)):
    return np.pad(np.ones((h, w), bool), ((r, shape[0] - r - h), (c, shape[1] - c - w)))

def test_two_outlines_stacked_on_one_chromosome_match_it_once():
    "A chromosome cut into two outlines lying one on the other: both overlap it at IoU > 0.5, but one of them is false."
    look = load_script("bench/look_choices.py")
    truth = np.array([box(5, 5, 20, 6), box(5, 20, 20, 6)])
    areas = truth.reshape(2, -1).sum(1)
    best, matched = look.scored([box(5, 5, 18, 6), box(7, 5, 18, 6)], truth, areas)
    assert [t for t, _ in best] == [0, 0] and min(iou for _, iou in best) > 0.5 and matched == 1
    best, matched = look.scored([box(5, 5, 20, 6), box(5, 20, 20, 6)], truth, areas)
    assert matched == 2 and best == [(0, 1.0), (1, 1.0)]
    # a true chromosome reaching out of the box is scored by its whole area: half of it inside is no match
    assert look.scored([box(0, 0, 10, 6)], np.array([box(0, 0, 10, 6)]), np.array([120]))[1] == 0
    assert look.scored([box(0, 0, 10, 6)], np.zeros((0, 40, 40), bool), np.zeros(0))[1] == 0

def test_what_an_answer_shows_and_which_is_best():
    look = load_script("bench/look_choices.py")
    m, empty = box(2, 2, 30, 8), np.zeros((40, 40), bool)
    assert len(look.shown([], empty, m, True)) == 1 and look.shown([], empty, m, False) == []   # left whole: a single is one chromosome
    assert look.shown([], m, m, True) == []                                                     # unresolved: none
    answers = [dict(matched=1, n_out=2), dict(matched=2, n_out=2), dict(matched=2, n_out=3), dict(matched=2, n_out=2)]
    assert look.best_answer(answers) is answers[1]                                              # most found less false, the first on a tie

def test_report_sets_the_rules_against_the_best_look(tmp_path):
    "Two objects of one slide: a single the rules cut falsely (a look left it whole) and a cluster of four the rules found three of."
    cand = lambda matched, n_out: dict(matched=matched, n_out=n_out)
    objects = {1: dict(laid=1, single=True, candidates=[cand(1, 1), cand(1, 2), cand(1, 2)]),
               2: dict(laid=4, single=False, candidates=[cand(2, 2), cand(4, 4), cand(3, 4)])}
    (tmp_path / "seed0.pkl").write_bytes(pickle.dumps(dict(seed=0, objects=objects)))
    (tmp_path / "seed0.feat.pkl").write_bytes(b"not a slide")                                   # other files there are not read
    r = subprocess.run([sys.executable, str(ROOT / "bench" / "look_choices.py"), "--out", str(tmp_path), "--report"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in r.stdout.splitlines()[2:]}
    assert rows[("1", "True")] == ["1", "1", "1", "1", "0"] and rows[("4", "False")] == ["1", "3", "1", "4", "0"]
    assert rows[("all", "2")] == ["4", "2", "5", "0"], r.stdout
