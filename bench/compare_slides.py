"""Two separations of the same slides compared object by object: what a new model or a new policy changes on slides without truth.

`separate_metaphase` runs on each slide twice, as A (`--model`, `--policy`) and as B (`--model-b`, `--policy-b`; each
defaults to A's), and every object whose chromosomes differ between the two (in number, or in any outline) is listed
with its kind in both, and drawn: OUT/SLIDE_changes.png holds one row per changed object (the slide's grey | A's
outlines | B's outlines), OUT/changes.json the same in figures. Where A and B find different objects (a policy of
other finding thresholds) the slide's counts are compared and its objects are not. This is how every change to the
rules was looked at on the twelve shared real slides (CHANGES.md); with truth, `bench/slide_benchmark.py` measures.

    python bench/compare_slides.py --out /tmp/cmp --model-b runs/NEW             # the shared slides, shipped model vs a run
    python bench/compare_slides.py my_slide.tif --out /tmp/cmp --policy-b mine.json  # one slide, default policy vs yours
"""
import argparse, json, sys
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

def fail(message):
    "One line on stderr that names the problem and the fix, exit status 2 (bad input)."
    print(message, file=sys.stderr); sys.exit(2)

def shared_slides(data_dir):
    "The twelve shared real slides in `data_dir`: bench/quality.py's list (`DAPI.tif`, then jpp21's metaphases in their numbers' order)."
    from quality import METAPHASES                                 # bench/ is this script's folder, first on sys.path
    return [Path(p.replace("{data}", str(data_dir))) for p in METAPHASES]

def object_chromosomes(sep):
    "{object: [its chromosome masks (H, W) bool]} of a `Separation`, from its table."
    return {r["object"]: [sep.instances[int(k) - 1] for k in str(r["chromosomes"]).split()] for r in sep.table}

def differ(n):
    "'1 object differs', 'N objects differ'."
    return f"{n} object differs" if n == 1 else f"{n} objects differ"

def changed_objects(a, b):
    """The objects whose chromosomes differ between separations `a` and `b` of one slide (same objects found): a list of
    (object, kind in a, kind in b, chromosomes in a, chromosomes in b); None where the two found different objects."""
    if not np.array_equal(a.objects.labels, b.objects.labels): return None
    ca, cb = object_chromosomes(a), object_chromosomes(b)
    kinds_a, kinds_b = {r["object"]: r["kind"] for r in a.table}, {r["object"]: r["kind"] for r in b.table}
    return [(o, kinds_a[o], kinds_b[o], len(ca[o]), len(cb[o])) for o in sorted(ca)
            if len(ca[o]) != len(cb[o]) or any(not np.array_equal(x, y) for x, y in zip(ca[o], cb[o]))]

def draw_changes(a, b, changes, path, margin=20):
    "One row per changed object: the grey around it, A's chromosome outlines, B's; saved as the PNG `path`."
    import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    rows = {r["object"]: r for r in a.table}
    ca, cb = object_chromosomes(a), object_chromosomes(b)
    fig, axs = plt.subplots(len(changes), 3, figsize=(10, 3.4 * len(changes)), squeeze=False)
    for ax, (o, ka, kb, na, nb) in zip(axs, changes):
        r = rows[o]
        box = (slice(max(r["min_row"] - margin, 0), r["max_row"] + margin), slice(max(r["min_col"] - margin, 0), r["max_col"] + margin))
        grey = a.image[box]
        ax[0].imshow(grey, cmap="gray"); ax[0].set_title(f"object {o}", fontsize=9)
        for panel, masks, title in ((ax[1], ca[o], f"A: {ka}, {na}"), (ax[2], cb[o], f"B: {kb}, {nb}")):
            panel.imshow(grey, cmap="gray"); panel.set_title(title, fontsize=9)
            for m, colour in zip(masks, "rcymgbw" * 3): panel.contour(m[box], [0.5], colors=colour, linewidths=0.9)
        for panel in ax: panel.axis("off")
    fig.tight_layout(); fig.savefig(path, dpi=60); plt.close(fig)

def main():
    from segnet_chromosome.config import OneLineParser, number_type
    p = OneLineParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("slides", nargs="*", help="metaphase images (default: the twelve shared real slides in --data-dir)")
    p.add_argument("--out", required=True, help="a new (or empty) folder for the PNGs and changes.json")
    p.add_argument("--model", default="pretrained", help="A's model (what `separate --model` takes)")
    p.add_argument("--policy", help="A's SeparationPolicy JSON (NAME_policy.json; default: the defaults)")
    p.add_argument("--model-b", help="B's model (default: A's)")
    p.add_argument("--policy-b", help="B's SeparationPolicy JSON (default: A's)")
    p.add_argument("--tta", action="store_true", help="both with test-time augmentation (`separate --tta`)")
    p.add_argument("--data-dir", default=str(SHARED), help="where the shared slides are (default: ../shared/data)")
    p.add_argument("--channel", type=number_type(int, 0), metavar="K", help="the DAPI channel (0-based) of slides saved with several channels in one file")
    args = p.parse_args()
    from segnet_chromosome.config import SeparationPolicy
    slides = [Path(s) for s in args.slides] or shared_slides(args.data_dir)
    missing = [str(s) for s in slides if not s.is_file()]
    if missing: fail(f"no such slide {', '.join(missing)} (name metaphase images, or --data-dir the folder holding DAPI.tif and jpp21/)")
    stems = [s.stem for s in slides]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice: fail(f"two slides named {', '.join(twice)} (their drawings would share a file); compare them in two runs, each with its own --out")
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())): fail(f"--out {out} exists and is not an empty folder; name a new one (nothing is overwritten)")
    policies = []
    for flag, path in (("--policy", args.policy), ("--policy-b", args.policy_b or args.policy)):
        try: policies.append(SeparationPolicy.from_json(path) if path else SeparationPolicy())
        except (OSError, ValueError) as e: fail(f"{flag} {path}: {e}")
    model_b = args.model_b or args.model
    if model_b == args.model and policies[0] == policies[1]: fail("A and B are the same; give --model-b or --policy-b (B's model or policy)")
    from segnet_chromosome.cli import for_the_terminal  # the library's argument names as this script's flags
    from segnet_chromosome.slide import load_metaphase
    images = []
    for path in slides:                                            # each read before anything is written
        try: images.append(load_metaphase(path, channel=args.channel))
        except (OSError, ValueError) as e: fail(f"{path}: {for_the_terminal(str(e))}")
    from segnet_chromosome.model import load_model_source
    from segnet_chromosome.slide import NoChromosomesError
    from segnet_chromosome.separate import separate_metaphase
    models = {}
    for flag, source in (("--model", args.model), ("--model-b", model_b)):
        if source not in models:
            try: models[source] = load_model_source(source)
            except (OSError, ValueError) as e: fail(f"{flag} {source}: {e}")
    out.mkdir(parents=True, exist_ok=True)
    report, total = {}, 0
    for path, image in zip(slides, images):
        try:
            a, b = (separate_metaphase(image, models[m][0], preprocessing=models[m][1], policy=pol, tta=args.tta)
                    for m, pol in ((args.model, policies[0]), (model_b, policies[1])))
        except NoChromosomesError as e: fail(f"{path}: {e}")
        changes = changed_objects(a, b)
        entry = dict(chromosomes=[len(a.instances), len(b.instances)], objects=None)
        if changes is None: line = "the two found different objects: counts only"
        else:
            entry["objects"] = [dict(object=o, kind=[ka, kb], chromosomes=[na, nb]) for o, ka, kb, na, nb in changes]
            line = differ(len(changes)) + (": " + ", ".join(f"{o} {ka} -> {kb} ({na} -> {nb})" for o, ka, kb, na, nb in changes) if changes else "")
            if changes: draw_changes(a, b, changes, out / f"{path.stem}_changes.png"); total += len(changes)
        report[path.name] = entry
        print(f"{path.name}: {len(a.instances)} -> {len(b.instances)} chromosomes; {line}", flush=True)
    (out / "changes.json").write_text(json.dumps(dict(a=dict(model=args.model, policy=args.policy), b=dict(model=model_b, policy=args.policy_b or args.policy),
                                                      tta=args.tta, slides=report), indent=1))
    drawn = f"each drawn in {out}/SLIDE_changes.png (A | B)" if total else "nothing to draw"
    print(f"{differ(total)} on {len(slides)} slide{'s' * (len(slides) != 1)}; {drawn}; figures in {out / 'changes.json'}")

if __name__ == "__main__": main()
