"""How far `separate`'s rules are from the best answer among its looks: the ceiling of any chooser of looks.

For each object the pair model is asked about on a composed slide (`bench/slide_benchmark.py`'s slides), this records
the pair model's answer in each of the 8 symmetries (`resolve_objects` turned), the instance model's in each of the 8, and
the answer `separate` keeps (its rules: `look_again`, `instance_looks`, `instance_peel`), each with the true chromosome
each of its chromosomes overlaps most and at what IoU (one to one at IoU > 0.5; the rest are false). One pickle a slide,
OUT/seed{S}.pkl (masks packed with `np.packbits`; a slide already there is skipped, so a stopped run goes on). `--report`
prints, over the slides in OUT, by the number of true chromosomes an object holds, what the rules' answers find and what
the best of the 17 answers of each object (most matched less false) would:

    python bench/look_choices.py --out runs/looks-heldout --seeds 0 60      # the held-out slides (about 7 s a slide)
    python bench/look_choices.py --out runs/looks-heldout --report

Measured so (CHANGES.md): on sixty held-out slides the rules' answers find 1982 of the chromosomes in the objects asked
about, with 176 false; the best look of each would find 2102 with 11 false. Neither a chooser fitted on the looks'
agreement, sizes and confidences nor a small network judging each chromosome's crop came near it on slides it was not
fitted on.
"""
import argparse, pickle, sys, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

def fail(message):
    "One line on stderr that names the problem and the fix, exit status 2 (bad input)."
    print(message, file=sys.stderr); sys.exit(2)

def scored(chromosomes, truth, true_areas):
    """Each of `chromosomes` (masks (h, w) bool in an object's box) against `truth` (K, h, w) bool, the true chromosomes cut
    to the same box, of `true_areas` (K,) pixels on the whole slide: [(the true one it overlaps most, that IoU)], and how many
    true ones are matched at IoU > 0.5, one to one (two outlines stacked on one true chromosome match it once)."""
    best = []
    for c in chromosomes:
        inter = (truth & c).sum((1, 2))
        iou = inter / np.maximum(true_areas + c.sum() - inter, 1)
        best.append((int(iou.argmax()), float(iou.max())) if len(iou) else (-1, 0.0))
    return best, len({t for t, iou in best if iou > 0.5})

def shown(chromosomes, rest, mask, single):
    "The instances `separate_metaphase` makes of an answer (chromosomes, rest) of the object `mask`: its chromosomes; left whole, a single is one chromosome and anything else none."
    return list(chromosomes) if chromosomes or rest.any() else [mask] if single else []

def best_answer(candidates):
    "Of an object's scored answers ({matched, n_out}), the best: most chromosomes matched less false ones, the first on a tie."
    return max(candidates, key=lambda a: 2 * a["matched"] - a["n_out"])

def main():
    from segnet_chromosome.config import OneLineParser, number_type
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="the folder of the slides' pickles (made, or gone on with)")
    p.add_argument("--from", dest="sources", nargs="+", help="slides whose chromosomes and nuclei make the test slides (default: the held-out ones)")
    p.add_argument("--seeds", nargs=2, type=number_type(int, 0), default=[0, 20], metavar=("FIRST", "STOP"), help="the slides' seeds, FIRST to STOP-1")
    p.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data")); p.add_argument("--model", default="pretrained")
    p.add_argument("--report", action="store_true", help="print the rules' answers against the best look of each object, over the slides in OUT")
    args = p.parse_args()
    if args.report: return report(Path(args.out))
    if args.seeds[1] <= args.seeds[0]: fail(f"--seeds {args.seeds[0]} {args.seeds[1]}: give FIRST and STOP, STOP above FIRST")
    import slide_benchmark as sb
    sources = [Path(args.data_dir) / s for s in (args.sources or sb.HELD_OUT)]
    missing = [str(s) for s in sources if not s.is_file()]
    if missing: fail(f"--from: no such slide {', '.join(missing)} (give each image's path, or a path under --data-dir)")
    out = Path(args.out)
    if out.exists() and not out.is_dir(): fail(f"--out {out}: a file, not a folder; give a folder")
    import segnet_chromosome.separate as S
    from segnet_chromosome.synthetic import compose_metaphase
    from segnet_chromosome.model import load_model_source
    from segnet_chromosome.runs import read_not_single
    try: model, prep = load_model_source(args.model)
    except (OSError, ValueError) as e: fail(f"--model {args.model}: {e}")
    chromosomes, nuclei, _ = sb.composed_material(sources, read_not_single(sb.NOT_SINGLE))
    out.mkdir(parents=True, exist_ok=True)
    rec, look_again, instance_peel = {}, S.look_again, S.instance_peel

    def recording_look_again(objects, answers, ask, **kw):  # every object asked in all 8 symmetries; the rules then read these
        ids = list(objects)
        pair = {0: {i: answers[i] for i in ids}, **{k: ask(ids, k) if ids else {} for k in range(1, 8)}}
        rec.update(objects=objects, typical_area=kw["typical_area"], singles=set(kw.get("singles", ())), pair=pair)
        return look_again(objects, answers, lambda some, k: {i: pair[k][i] for i in some}, **kw)

    def recording_peel(objects, answers, ask, ask_pair, **kw):  # the instance model's answer in all 8; the rules' last word
        ids = list(objects)
        rec["inst"] = {k: dict(zip(ids, ask([(i, objects[i]) for i in ids], k))) if ids else {} for k in range(8)}
        got = instance_peel(objects, answers, ask, ask_pair, **kw)
        rec["final"] = dict(got[0])
        return got

    S.look_again, S.instance_peel = recording_look_again, recording_peel
    pack = lambda m: (m.shape, np.packbits(m))
    for seed in range(*args.seeds):
        target = out / f"seed{seed}.pkl"
        if target.exists(): continue
        t = time.perf_counter(); rec.clear()
        composed = compose_metaphase(chromosomes, nuclei, seed=seed)
        sep = S.separate_metaphase(composed.image, model, preprocessing=prep)
        truth = composed.instances
        true_areas = truth.reshape(len(truth), -1).sum(1)
        boxes = {row["object"]: (row["min_row"], row["min_col"]) for row in sep.table}
        objects = {}
        for i, m in rec.get("objects", {}).items():
            (r0, c0), (h, w) = boxes[i], m.shape
            inside = truth[:, r0:r0 + h, c0:c0 + w]
            answers = [("pair", k, *rec["pair"][k][i]) for k in range(8)] + [("inst", k, rec["inst"][k][i], np.zeros_like(m), None) for k in range(8)]
            answers.append(("rules", 0, *rec["final"][i]))
            candidates = []
            for source, k, cs, rest, confidence in answers:
                made = shown(cs, rest, m, i in rec["singles"])
                best, matched = scored(made, inside, true_areas)
                candidates.append(dict(source=source, symmetry=k, chromosomes=[pack(c) for c in cs], rest=int(rest.sum()),
                                       rest_mask=pack(rest) if rest.any() else None, confidence=confidence, n=len(cs),
                                       n_out=len(made), best=best, matched=matched))
            laid = int(((inside & m).reshape(len(truth), -1).sum(1) * 2 > true_areas).sum())  # true chromosomes with half or more in it
            objects[i] = dict(mask=pack(m), box=(r0, c0), single=i in rec["singles"], laid=laid, candidates=candidates)
        part = target.with_suffix(".part")
        with open(part, "wb") as f:
            pickle.dump(dict(seed=seed, typical_area=rec.get("typical_area"), objects=objects, n_true=len(truth), n_found=len(sep.instances)), f)
        part.replace(target)                                           # whole or not at all: a stopped run leaves no half slide
        print(f"seed {seed}: {len(objects)} objects asked about, {time.perf_counter() - t:.1f} s", flush=True)

def report(out):
    "Print, by the true chromosomes an object holds (half or more of each), the rules' answers against each object's best look."
    rows, slides = {}, 0
    for f in sorted(f for f in out.glob("seed*.pkl") if f.stem[4:].isdigit()) if out.is_dir() else ():
        with open(f, "rb") as fh: s = pickle.load(fh)
        slides += 1
        for o in s["objects"].values():
            c = o["candidates"]; best = best_answer(c); rules = c[-1]
            row = rows.setdefault((o["laid"], o["single"]), np.zeros(5, int))
            row += [1, rules["matched"], rules["n_out"] - rules["matched"], best["matched"], best["n_out"] - best["matched"]]
    if not slides: fail(f"--report: no slides in {out} (run without --report first, with this --out)")
    print(f"{slides} slides; objects asked about, by the true chromosomes each holds and whether find_objects called it single")
    print(f"{'holds':>5} {'single':>6} {'objects':>7} {'rules: found':>12} {'false':>5} {'best look: found':>16} {'false':>5}")
    for (laid, single), r in sorted(rows.items()): print(f"{laid:5d} {str(single):>6} {r[0]:7d} {r[1]:12d} {r[2]:5d} {r[3]:16d} {r[4]:5d}")
    t = sum(rows.values()); print(f"{'all':>5} {'':6} {t[0]:7d} {t[1]:12d} {t[2]:5d} {t[3]:16d} {t[4]:5d}")

if __name__ == "__main__":
    main()
