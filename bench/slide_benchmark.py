"""Whole slides with truth, made of real chromosomes: how well `separate` does in each configuration a real slide has.

Test slides are composed (`synthetic.compose_metaphase`) from the single chromosomes and the nuclei of `--from` slides
(default: metaphases 10, 11 and 13 of ../shared/data/jpp21, which the shipped model never saw in training): isolated
chromosomes, crossing pairs, pairs touching end to end and side by side, chromosomes lying on a nucleus, clusters of
three and of four, faint haze and debris; each laid down with the light around it on its slide (`COMPOSE_SKIRT` pixels, so
that its edge slopes as it did; the truth is its outline there). `separate_metaphase` runs on each, and its instances are matched one to one
with the true chromosomes (`evaluate.match_instances`). Printed, per configuration and overall: recall (true chromosomes
found with IoU >= 0.5), the mean IoU of those found, the error of their length and of their integrated intensity (as the table of
chromosomes measures them) against their true outline's length and their own light (per configuration: `length_errors`,
`intensity_errors`), precision and F1 (overall; a false chromosome belongs to no
configuration, and is counted by where it lies: two chromosomes or more kept as one, a piece of one, on a nucleus, or on
haze or debris), why each missed one was missed (kept as one with another, cut in pieces, lost, or outlined too large
or small; `miss_reasons`), the recall of the chromosomes laid with others by the share of each that another covers
too and by its size (`found_by_hiding`: a small chromosome under a cluster's others is what the models miss), where the IoU of
those found is lost (`iou_losses`: a neighbour's pixels taken, its own given to a neighbour, or the outline), the count error per slide, and COCO AP50 and AP (IoU 0.5:0.95, pycocotools; each instance scored by
the model's confidence in its object, 1 for a single the model was not asked about). `--json` keeps the figures, with
each slide's counts (`bench/compare_benchmarks.py A.json B.json`: is a difference between two runs more than chance?);
`--tta` separates with test-time augmentation (`separate --tta`: the 8 symmetries averaged, about 1.7 times the time).

Truth is only as good as its singles: `find_objects` calls some pairs single (two chromosomes touching or crossing),
and laid down as one chromosome such a pair makes the truth wrong (a right split scored as a false chromosome and a miss).
The shared slides' singles were looked at one by one (`--gallery DIR` draws them, numbered); the pairs among them
(`bench/not_single.json`, `--not-single` names another file) are left out of the test slides. `--exclude SLIDE:K,K,...`
leaves out more singles (numbered as in the slide's gallery); `--keep-pairs` keeps every single, as the benchmark did
before the list was made.

    python bench/slide_benchmark.py [--n 20] [--model pretrained] [--from SLIDE ...] [--policy POLICY.json] [--tta] [--json figures.json]
    python bench/slide_benchmark.py --from my_slide.tif --gallery /tmp/singles   # look at a slide's singles first
"""
import argparse, json, os, sys, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = [f"jpp21/metaphase{k}-dapi.tif" for k in (10, 11, 13)]
# The "singles" of the shared slides that are two chromosomes, seen in their galleries (`--gallery`): {slide: {number:
# area in pixels}}; the area checks that the number still names that object (a change to `find_objects` renumbers them).
# The held-out ones: 10: 6 end to end, 25 a T, 33 side by side; 11: 3 an L, 7 and 13 side by side, 25 a V; 13: 8 end to
# end, 20 crossing, 36 a small one against a long one's end. Left in, undecided: 10's 0 (bent at a bright spot), 13's 1
# (a V) and 12 (an L). The file also lists the training slides' (`train --not-single bench/not_single.json`).
NOT_SINGLE = ROOT / "bench" / "not_single.json"

def fail(message):
    "One line on stderr that names the problem and the fix, exit status 2 (bad input)."
    print(message, file=sys.stderr); sys.exit(2)

def left_out(name, singles, listed, extra=()):
    "The numbers of the singles of slide `name` to leave out: those `listed` {number: area} (checked against `singles`) and `extra`."
    from segnet_chromosome.runs import without_pairs
    try: without_pairs(singles, listed, slide=name, zoom=1, source="--not-single")
    except ValueError as e: fail(str(e))
    bad = [k for k in extra if not 0 <= k < len(singles)]
    if bad: fail(f"{name}: --exclude names singles {bad}, but it has {len(singles)} (0 to {len(singles) - 1})")
    return set(listed) | set(extra)

def draw_singles(name, singles, out, leave):
    "A numbered gallery of a slide's singles, the numbers of those left out in red: OUT/NAME_singles.png."
    import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    cols = 10; rows = (len(singles) + cols - 1) // cols
    fig, axs = plt.subplots(rows, cols, figsize=(2 * cols, 2.2 * rows), squeeze=False)
    for ax in axs.flat: ax.axis("off")
    for k, c in enumerate(singles):
        ax = axs.flat[k]; ax.imshow(c.image, cmap="gray"); ax.set_title(f"{k}{' (left out)' if k in leave else ''}", fontsize=9, color="red" if k in leave else "black")
    fig.tight_layout(); Path(out).mkdir(parents=True, exist_ok=True)
    path = Path(out) / f"{Path(name).stem}_singles.png"; fig.savefig(path, dpi=60); plt.close(fig)
    return path

def source_singles(name, slide, not_single, extra=None):
    """The singles of the source slide `name` (its image `slide`), cut with the light around them as the test slides lay them
    (`COMPOSE_SKIRT`), and the numbers of those to leave out: `not_single` {slide: {number: area}} and `extra` {slide:
    [number, ...]} name them (`left_out`)."""
    from segnet_chromosome.core import Preprocessing
    from segnet_chromosome.slide import segment_chromosomes
    from segnet_chromosome.synthetic import COMPOSE_SKIRT
    singles = list(segment_chromosomes(slide, preprocessing=Preprocessing(zoom=1), skirt=COMPOSE_SKIRT))
    return singles, left_out(name, singles, not_single.get(name, {}), (extra or {}).get(name, ()))

def composed_material(sources, not_single, extra=None, *, channel=None, images=None):
    """What the test slides are composed of: the singles of the slides `sources` (paths; read at their `channel` where they hold
    several, `load_metaphase`, unless `images` {path: image} holds them read already), less those `not_single` {slide:
    {number: area}} and `extra` {slide: [number, ...]} name (`source_singles`), and their nuclei; and how many singles were left out."""
    from segnet_chromosome.slide import load_metaphase, nucleus_cutouts
    from segnet_chromosome.synthetic import COMPOSE_SKIRT
    chromosomes, nuclei, dropped = [], [], 0
    for path in sources:
        slide = images[path] if images and path in images else load_metaphase(path, channel=channel)
        singles, leave = source_singles(path.name, slide, not_single, extra)
        chromosomes += [c for k, c in enumerate(singles) if k not in leave]; dropped += len(leave)
        nuclei += nucleus_cutouts(slide, skirt=COMPOSE_SKIRT)
    return chromosomes, nuclei, dropped

MISS_REASONS = ("merged", "pieces", "lost", "outline")

def miss_reasons(composed, instances, match):
    """Why each true chromosome of `composed` that no instance of `instances` (L, H, W) matches at IoU 0.5 (by `match`,
    `evaluate.match_instances`) was missed: [(configuration, reason)], reason one of `MISS_REASONS`. "merged" where one
    instance holds half of it or more and half or more of another true chromosome too (kept with it as one, as
    `false_places` calls such an instance), "pieces" where no instance holds half of it but together they hold half or more
    (cut), "lost" where they hold less (taken for a nucleus, debris or background), "outline" where one instance holds
    half of it or more and no other's half: found, but drawn too large or too small."""
    truth = composed.instances.reshape(len(composed.instances), -1)
    found = np.asarray(instances, bool).reshape(len(instances), -1)
    out = []
    for t in np.nonzero(match["iou"] < 0.5)[0]:
        held, half = (found & truth[t]).sum(1), truth[t].sum() / 2      # its pixels in each instance
        holder = int(held.argmax()) if len(held) else -1                # the instance that holds most of it
        if holder >= 0 and held[holder] >= half:
            out.append((composed.configurations[t], "merged" if holds_two(truth, found[holder]) else "outline"))
        else: out.append((composed.configurations[t], "pieces" if held.sum() >= half else "lost"))
    return out

def coco_ap(truths, predictions, scores):
    "(AP50, AP) of instance masks over slides with pycocotools; None when it is not installed."
    try:
        from pycocotools import mask as mask_utils
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError: return None
    images, gt, dt = [], [], []
    for i, (true, pred, score) in enumerate(zip(truths, predictions, scores)):
        H, W = true.shape[1:]
        images.append(dict(id=i, height=H, width=W))
        for m in true:
            rle = mask_utils.encode(np.asfortranarray(m.astype(np.uint8))); rle["counts"] = rle["counts"].decode()
            gt.append(dict(id=len(gt) + 1, image_id=i, category_id=1, segmentation=rle, area=float(m.sum()), iscrowd=0,
                           bbox=list(map(float, mask_utils.toBbox(rle)))))
        for m, s in zip(pred, score):
            rle = mask_utils.encode(np.asfortranarray(m.astype(np.uint8))); rle["counts"] = rle["counts"].decode()
            dt.append(dict(image_id=i, category_id=1, segmentation=rle, score=float(s)))
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools reports each step on stdout
        coco = COCO(); coco.dataset = dict(images=images, annotations=gt, categories=[dict(id=1, name="chromosome")]); coco.createIndex()
        ev = COCOeval(coco, coco.loadRes(dt) if dt else COCO(), "segm"); ev.params.maxDets = [100, 200, 300]
        ev.evaluate(); ev.accumulate(); ev.summarize()
    return float(ev.stats[1]), float(ev.stats[0])

def instance_scores(sep):
    "The confidence of each instance: its object's (the model's mean top probability), 1.0 for a single the model was not asked about."
    scores = np.ones(len(sep.instances))
    for row in sep.table:
        for k in str(row["chromosomes"]).split():
            if row["confidence"] != "": scores[int(k) - 1] = float(row["confidence"])
    return scores

FALSE_PLACES = ("merged", "piece", "nucleus", "haze_or_debris")

def holds_two(truth, instance):
    "Whether `instance` (P,) bool holds half or more of two true chromosomes or more of `truth` (K, P) bool: two or more kept as one."
    return int(((truth & instance).sum(1) >= truth.sum(1) / 2).sum()) >= 2

def false_places(composed, instances, match):
    """Where each false chromosome lies (an instance of `instances` (L, H, W) matched to no true chromosome at IoU 0.5, by
    `match`, `evaluate.match_instances`): {place: count} over `FALSE_PLACES`. Mostly on true chromosomes' pixels: "merged"
    where it holds half or more of each of two true chromosomes or more (two kept as one), else "piece" (a wrong cut or a
    fragment); else mostly on a nucleus laid (`composed.nuclei`: chromatin taken for a chromosome), else on haze or debris."""
    hits = {c for r, c in match["pairs"] if match["iou"][r] >= 0.5}
    truth = composed.instances.reshape(len(composed.instances), -1)
    ink, nuclei = composed.instances.any(0), composed.nuclei if composed.nuclei is not None else np.zeros(composed.image.shape, bool)
    places = dict.fromkeys(FALSE_PLACES, 0)
    for j, inst in enumerate(instances):
        if j in hits: continue
        half = inst.sum() / 2
        if (inst & ink).sum() >= half: places["merged" if holds_two(truth, inst.ravel()) else "piece"] += 1
        else: places["nucleus" if (inst & nuclei).sum() >= half else "haze_or_debris"] += 1
    return places

def intensity_errors(composed, sep, match):
    """The integrated intensity `separate` measures of each true chromosome of `composed` it found (IoU >= 0.5, by `match`,
    `evaluate.match_instances`), against its own light (`composed.lights`): [(configuration, measured / true - 1)]. Measured
    as the table of chromosomes measures it (`results.chromosome_light`: of a pixel shared with another chromosome, a share);
    [] for a slide composed without its lights."""
    from segnet_chromosome.results import chromosome_light
    if composed.lights is None: return []
    light = [l.sum() for _, l in chromosome_light(sep)]
    return [(composed.configurations[t], float(light[p] / max(composed.lights[t], 1e-9) - 1)) for t, p in match["pairs"] if match["iou"][t] >= 0.5]

def length_errors(composed, sep, match):
    """The length `separate` measures of each true chromosome of `composed` it found (IoU >= 0.5, by `match`), against the
    length of its true outline measured the same way (`results.chromosome_length`): [(configuration, measured / true - 1)]."""
    from segnet_chromosome.results import chromosome_length
    from segnet_chromosome.slide import bounding_box
    length = lambda m: chromosome_length(m[bounding_box(m)])[0]
    return [(composed.configurations[t], float(length(sep.instances[p]) / max(length(composed.instances[t]), 1e-9) - 1))
            for t, p in match["pairs"] if match["iou"][t] >= 0.5]

SHARED_BINS = (0.0, 0.2, 0.4, 0.6)     # share of a chromosome's pixels that another true chromosome lies on too (lower edges)
SIZE_BINS = (0.0, 0.6, 1.0, 1.5)       # a chromosome's area over the median isolated one's on its slide (lower edges)

def bin_of(value, edges):
    "The label of the bin of `value` among `edges` (lower edges, rising): '0.2-0.4', or '0.6+' for the last."
    k = int(np.searchsorted(edges, value, side="right")) - 1
    return f"{edges[k]:g}+" if k == len(edges) - 1 else f"{edges[k]:g}-{edges[k + 1]:g}"

def found_by_hiding(composed, match):
    """For each true chromosome of `composed` laid with others (every configuration but "isolated"): (shared, size, found).
    `shared` the bin (`SHARED_BINS`) of the share of its pixels that another true chromosome covers too (where two lie one
    on the other, or a chromosome is hidden under a cluster's others); `size` the bin (`SIZE_BINS`) of its area against the
    median isolated chromosome's of the slide (its median chromosome's where none lies isolated); `found` whether an
    instance matches it at IoU 0.5 (by `match`, `evaluate.match_instances`). What makes a cluster's chromosome hard to find."""
    truth = composed.instances.reshape(len(composed.instances), -1)
    areas, others = truth.sum(1), truth.sum(0)                      # others: how many true chromosomes lie on each pixel
    isolated = [a for a, k in zip(areas, composed.configurations) if k == "isolated"]
    typical = float(np.median(isolated if isolated else areas)) if len(areas) else 1.0
    shared = (truth & (others > 1)).sum(1) / np.maximum(areas, 1)
    return [(bin_of(shared[t], SHARED_BINS), bin_of(areas[t] / typical, SIZE_BINS), bool(match["iou"][t] >= 0.5))
            for t, kind in enumerate(composed.configurations) if kind != "isolated"]

def iou_losses(composed, instances, match):
    """Where each true chromosome of `composed` found (IoU >= 0.5, by `match`) loses its IoU with its instance of `instances` (L,
    H, W): [(configuration, (taken, given, outline))], each a share of the two's union: `taken` the pixels of other true
    chromosomes its instance holds and it does not (a neighbour's arm), `given` its own pixels that another instance holds
    and its own does not (its arm given to a neighbour), `outline` the rest (drawn too large or too small). 1 - IoU is their sum."""
    truth, found = np.asarray(composed.instances, bool), np.asarray(instances, bool)
    on_truth, on_found = truth.sum(0, dtype=np.int32), found.sum(0, dtype=np.int32)   # how many lie on each pixel
    out = []
    for t, p in match["pairs"]:
        if match["iou"][t] < 0.5: continue
        mine, inst = truth[t], found[p]
        others_true, others_found = on_truth - mine > 0, on_found - inst > 0
        union = max(int((mine | inst).sum()), 1)
        taken = int((inst & ~mine & others_true).sum()); given = int((mine & ~inst & others_found).sum())
        out.append((composed.configurations[t], (taken / union, given / union, int((mine ^ inst).sum() - taken - given) / union)))
    return out

def tally(rows, field, edges):
    "{bin: [found, laid]} over `rows` of `found_by_hiding` by their `field` (0: shared, 1: size), every bin of `edges` listed in order."
    out = {bin_of(e, edges): [0, 0] for e in edges}
    for row in rows: out[row[field]][0] += row[2]; out[row[field]][1] += 1
    return out

def main():
    from segnet_chromosome.config import OneLineParser, number_type
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=number_type(int, 1), default=20, help="test slides to compose (seeds 0 to N-1; on ten, F1 moves by about a point from one set to the next)")
    p.add_argument("--model", default="pretrained"); p.add_argument("--json", help="also write the figures to this JSON file")
    p.add_argument("--from", dest="sources", nargs="+", help="slides whose chromosomes and nuclei make the test slides")
    p.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    p.add_argument("--policy", help="a SeparationPolicy JSON file (NAME_policy.json): its thresholds instead of the defaults")
    p.add_argument("--tta", action="store_true", help="test-time augmentation: the model's answer averaged over the 8 symmetries")
    p.add_argument("--exclude", nargs="+", default=[], metavar="SLIDE:K,K", help="singles of a slide to leave out (numbers as in its gallery)")
    p.add_argument("--not-single", default=str(NOT_SINGLE), help="JSON file {slide: {number: area}} of the singles that are pairs (default: the shared slides')")
    p.add_argument("--keep-pairs", action="store_true", help="keep the singles --not-single lists as pairs (the benchmark before the list)")
    p.add_argument("--gallery", metavar="DIR", help="draw each source slide's singles, numbered, into DIR and stop")
    p.add_argument("--channel", type=number_type(int, 0), metavar="K", help="the DAPI channel (0-based) of --from slides saved with several channels in one file")
    args = p.parse_args()
    from segnet_chromosome.cli import for_the_terminal  # the library's argument names as this script's flags
    from segnet_chromosome.slide import load_metaphase
    from segnet_chromosome.synthetic import CONFIGURATIONS, compose_metaphase
    from segnet_chromosome.config import SeparationPolicy
    from segnet_chromosome.evaluate import match_instances
    from segnet_chromosome.sources import model_source
    if not args.gallery:                                            # (no Keras yet: a model not there is said before the slides are read)
        try: model_source(args.model)
        except (OSError, ValueError) as e: fail(f"--model {args.model}: {e}")
    sources = [Path(s) for s in args.sources] if args.sources else [Path(args.data_dir) / s for s in HELD_OUT]
    missing = [str(s) for s in sources if not s.is_file()]
    if missing: fail(f"--from: no such slide {', '.join(missing)} (give each image's path, e.g. {Path(args.data_dir) / HELD_OUT[0]})")
    images = {}
    for s in sources:                                               # each one grey image (or the channel named), said before Keras starts
        try: images[s] = load_metaphase(s, channel=args.channel)
        except (OSError, ValueError) as e: fail(f"--from: {for_the_terminal(str(e))}")
    from segnet_chromosome.runs import read_not_single
    try: not_single = read_not_single(args.not_single)
    except (OSError, ValueError) as e: fail(f"--not-single {args.not_single}: {e}")
    extra = {}
    for item in args.exclude:
        name, _, numbers = item.rpartition(":")
        try: extra[Path(name).name] = [int(k) for k in numbers.split(",")]
        except ValueError: fail(f"--exclude {item}: expected SLIDE:K,K,... (numbers of its singles, as in --gallery)")
    unknown = set(extra) - {s.name for s in sources}
    if unknown: fail(f"--exclude names {sorted(unknown)}, not among the slides used ({', '.join(s.name for s in sources)})")
    try: policy = SeparationPolicy.from_json(args.policy) if args.policy else SeparationPolicy()
    except (OSError, ValueError) as e: fail(f"--policy {args.policy}: {e}")
    if not args.gallery:
        from segnet_chromosome.model import load_model_source      # (Keras: loaded after the flags are checked, so a refusal is quick)
        from segnet_chromosome.separate import separate_metaphase
        try: model, prep = load_model_source(args.model)
        except (OSError, ValueError) as e: fail(f"--model {args.model}: {e}")
    if args.gallery:
        for path in sources:
            singles, leave = source_singles(path.name, images[path], {} if args.keep_pairs else not_single, extra)
            print(f"{path.name}: {len(singles)} singles, {len(leave)} left out: {draw_singles(path.name, singles, args.gallery, leave)}")
        return
    chromosomes, nuclei, dropped = composed_material(sources, {} if args.keep_pairs else not_single, extra, images=images)
    per_kind, light_errors, long_errors, losses = ({k: [] for k in CONFIGURATIONS} for _ in range(4))
    matched = found = true_total = 0
    count_errors, truths, predictions, scores, seconds, per_slide, hiding = [], [], [], [], [], [], []
    false = dict.fromkeys(FALSE_PLACES, 0)
    missed = {k: dict.fromkeys(MISS_REASONS, 0) for k in CONFIGURATIONS}
    for seed in range(args.n):
        composed = compose_metaphase(chromosomes, nuclei, seed=seed)
        t = time.perf_counter()
        sep = separate_metaphase(composed.image, model, preprocessing=prep, policy=policy, tta=args.tta)
        seconds.append(time.perf_counter() - t)
        m = match_instances(composed.instances, sep.instances)
        for iou, kind in zip(m["iou"], composed.configurations): per_kind[kind].append(iou)
        hit, placed_in = m["iou"] >= 0.5, np.array(composed.configurations)
        hits = int(hit.sum())
        for place, n in false_places(composed, sep.instances, m).items(): false[place] += n
        for kind, reason in miss_reasons(composed, sep.instances, m): missed[kind][reason] += 1
        for kind, error in intensity_errors(composed, sep, m): light_errors[kind].append(error)
        for kind, error in length_errors(composed, sep, m): long_errors[kind].append(error)
        hiding += found_by_hiding(composed, m)
        for kind, lost in iou_losses(composed, sep.instances, m): losses[kind].append(lost)
        matched += hits; found += len(sep.instances); true_total += len(composed.instances)
        count_errors.append(len(sep.instances) - len(composed.instances))
        per_slide.append(dict(seed=seed, chromosomes=len(composed.instances), instances=len(sep.instances), matched=hits,
                              found={kind: [int((hit & (placed_in == kind)).sum()), int((placed_in == kind).sum())] for kind in CONFIGURATIONS}))
        truths.append(composed.instances); predictions.append(sep.instances); scores.append(instance_scores(sep))
    recall, precision = matched / max(true_total, 1), matched / max(found, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    ap = coco_ap(truths, predictions, scores)
    figures = dict(model=args.model, policy=args.policy, tta=args.tta, slides=args.n, sources=[s.name for s in sources], singles_left_out=dropped, chromosomes=true_total, instances=found,
                   precision=precision, recall=recall, f1=f1, count_errors=count_errors,
                   within_one=float(np.mean(np.abs(count_errors) <= 1)), ap50=ap and ap[0], ap=ap and ap[1],
                   median_seconds=float(np.median(seconds)), configurations={}, false_chromosomes=false, missed_chromosomes=missed,
                   found_by_shared=tally(hiding, 0, SHARED_BINS), found_by_size=tally(hiding, 1, SIZE_BINS),
                   per_slide=per_slide)  # what bench/compare_benchmarks.py resamples: {seed, chromosomes, instances, matched, found {kind: [found, laid]}}
    print(f"model {args.model}{' with TTA' if args.tta else ''}{' policy ' + args.policy if args.policy else ''}; {args.n} slides composed from {len(chromosomes)} chromosomes "
          f"({dropped} singles left out as pairs) and {len(nuclei)} nuclei of {', '.join(s.name for s in sources)}; "
          f"{true_total} chromosomes, {found} instances found")
    print(f"{'configuration':14} {'chromosomes':>11} {'recall':>7} {'mean IoU found':>15}   of those found, median |error| (median error):"
          f" {'length':>16} {'intensity':>16}")
    errors_of = lambda e: (float(np.median(np.abs(e))), float(np.median(e))) if len(e) else (None, None)
    shown = lambda e: f"{100 * np.median(np.abs(e)):5.1f}% ({100 * np.median(e):+.1f}%)" if len(e) else "-"
    for kind, ious in per_kind.items():
        ious, light, length = np.array(ious), np.array(light_errors[kind]), np.array(long_errors[kind])
        if not len(ious): continue
        hit = ious >= 0.5
        figures["configurations"][kind] = dict(chromosomes=len(ious), recall=float(hit.mean()), mean_iou=float(ious[hit].mean()) if hit.any() else 0.0)
        figures["configurations"][kind].update(zip(("length_error", "length_bias"), errors_of(length)))
        figures["configurations"][kind].update(zip(("intensity_error", "intensity_bias"), errors_of(light)))
        figures["configurations"][kind].update(zip(("iou_lost_taken", "iou_lost_given", "iou_lost_outline"), np.mean(losses[kind], 0).tolist() if losses[kind] else (None,) * 3))
        print(f"{kind:14} {len(ious):11d} {100 * hit.mean():6.1f}% {ious[hit].mean() if hit.any() else 0:15.3f} {'':47} {shown(length):>16} {shown(light):>16}")
    every = np.concatenate([np.array(v) for v in per_kind.values() if v])
    print(f"{'all':14} {true_total:11d} {100 * recall:6.1f}% {every[every >= 0.5].mean():15.3f}   precision {100 * precision:.1f}%, F1 {100 * f1:.1f}%")
    print(f"false chromosomes {found - matched}: {false['merged']} two or more kept as one, {false['piece']} a piece of one (a wrong cut, "
          f"a fragment), {false['nucleus']} on a nucleus, {false['haze_or_debris']} on haze or debris")
    why = {r: sum(v[r] for v in missed.values()) for r in MISS_REASONS}
    print(f"missed chromosomes {true_total - matched}: {why['merged']} kept as one with another, {why['pieces']} cut in pieces, {why['lost']} lost "
          f"(on a nucleus, debris, background), {why['outline']} outlined too large or small; kept as one, by configuration: "
          + ", ".join(f"{k} {v['merged']}" for k, v in missed.items() if v["merged"]))
    print("what the IoU of those found loses, a share of each one's union with its instance (a neighbour's pixels taken / its own "
          "given to a neighbour / its outline): " + ", ".join(f"{k} " + "/".join(f"{100 * c[f'iou_lost_{w}']:.1f}" for w in ("taken", "given", "outline")) + "%"
                                                             for k, c in figures["configurations"].items() if losses[k]))
    shown_bins = lambda t: ", ".join(f"{b} {100 * f / n:.1f}% ({n})" for b, (f, n) in t.items() if n)
    print(f"chromosomes laid with others ({len(hiding)}), recall by the share of each that another covers too: {shown_bins(figures['found_by_shared'])}; "
          f"by its area against the median isolated one's: {shown_bins(figures['found_by_size'])}")
    print(f"count error per slide {count_errors}: |error| <= 1 on {100 * figures['within_one']:.0f}% of slides")
    print("COCO AP50 {:.3f}, AP {:.3f}".format(*ap) if ap else "COCO AP: install pycocotools to compute it")
    print(f"median {figures['median_seconds']:.2f} s a slide to separate; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if args.json: Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")

if __name__ == "__main__":
    main()
