"""Separation quality in one command: train and evaluate a plan of configurations on this machine, write a table.

    python bench/quality.py --plan cpu --out /tmp/quality            # the ablation at CPU scale (tiny model)
    python bench/quality.py --plan gpu --out runs/quality --parallel 8 --budget 480
    python bench/quality.py --plan gpu --out runs/quality --prepare-only   # make the data files (CPU), then stop
    python bench/quality.py --plan gpu --out runs/quality --table-only --tta   # the table of the runs there, with TTA
    python bench/quality.py --plan speed --out runs/speed --parallel 1 --budget 540   # images/s end to end, batch 32/128/256
    python bench/quality.py --plan ship --out runs/ship --parallel 1 --budget 560 --tta  # the shipped model's recipe, then speed
    python bench/quality.py --plan peel --out runs/peel-gpu --parallel 1 --budget 560 --tta  # clusters and singles too (issue 24)
    python bench/quality.py --plan curated --out runs/curated-gpu --parallel 1 --budget 560 --tta  # without the singles that are pairs
    python bench/quality.py --plan singles --out runs/singles-gpu --parallel 1 --budget 560 --tta  # touching seams filled, singles left whole
    python bench/quality.py --plan nuclei --out runs/nuclei-gpu --parallel 1 --budget 560 --tta  # chromosomes on nuclei (separate asks it)
    python bench/quality.py --plan combined --out runs/combined-gpu --parallel 1 --budget 560 --tta  # nuclei, chains and singles at once
    python bench/quality.py --plan chains-full --out runs/chains-full-gpu --parallel 1 --budget 560 --tta  # chains, trained as the shipped model was
    python bench/quality.py --plan seam --out runs/seam-gpu --parallel 2 --budget 560 --tta  # seams weighted: pairs, and chains (issue 24)
    python bench/quality.py --plan larger --out runs/larger-gpu --parallel 1 --budget 560 --tta  # the vgg16 preset (issue 24)
    python bench/quality.py --plan medium --out runs/medium-gpu --parallel 1 --budget 560 --tta  # the shipped model widened (issue 24)
    python bench/quality.py --plan combined-medium --out runs/combined-medium-gpu --parallel 1 --budget 560 --tta  # widened, on clusters and nuclei
    python bench/quality.py --plan seam --out runs/seam-gpu --seeds 3 --parallel 6 --budget 560   # each recipe with three seeds

A recipe judged on one run is judged on one draw of its training: on the composed slides the shipped recipe run again
with another seed moved single configurations by eight points (README). `--seeds N` trains each configuration N times,
as NAME-seed{S}, NAME-seed{S+1}, ... (S its own seed); score each run on the slides (`bench/slide_benchmark.py --model
OUT/NAME-seedK --json F`) and compare two runs with `bench/compare_benchmarks.py`, seed against seed.

A plan is a built-in name or a JSON file {"name": {TrainConfig fields}, ...}; "{data}" in a string field is
replaced by the data folder (--data-dir, default ../shared/data) and "{out}" by --out. Each configuration
trains in OUT/NAME as its own process (JAX or TensorFlow, whatever Keras has), `--parallel` at a time, so
several share one GPU. The whole call stops at `--budget` seconds: runs still going are killed and resume
from their last epoch the next time the same command is given (train(..., resume=True)); a finished run is
only read back. The table (OUT/quality.md, also printed) has, per configuration: the device, epochs run and
how the run ended (EarlyStopping at its best epoch, or cut off), wall time, training images/s end to end, and
the test split's IoU per class, pooled, with fixed labels and swap-aware. A run that was cut off is scored
with its best model so far and marked so. Training time is the sum of the epochs' wall times (XLA compilation
in the first), over every call that worked on the run; img/s the median training images per second, end to end.
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JPP21 = [f"jpp21/metaphase{k}-dapi.tif" for k in (1, 2, 4, 6, 8, 9, 10, 11, 13, 14, 15)]
METAPHASES = ["{data}/DAPI.tif"] + ["{data}/" + p for p in JPP21]
HELD_OUT = [7, 8, 9]  # metaphases 10, 11 and 13 of jpp21: never seen in training in protocol (c)

DATA = {  # files made once by --prepare (or the first run), shared by the runs of a plan
    "replica.h5": dict(recipe="deepfish-13434", metaphase="{data}/DAPI.tif", cy3="{data}/Cy3.tif"),
    "dapi46.h5": dict(metaphase="{data}/DAPI.tif", cy3="{data}/Cy3.tif", n_pairs=10_000),
    "metaphases12.h5": dict(metaphase=METAPHASES, n_pairs=30_000),
}

def _gpu_plan():
    a = dict(data="{out}/data/replica.h5", split="random", test=0.2)
    b = dict(data="{out}/data/dapi46.h5", metaphase="{data}/DAPI.tif", cy3="{data}/Cy3.tif", split="chromosome")
    c = dict(data="{out}/data/metaphases12.h5", metaphase=METAPHASES, split="metaphase", held_out=HELD_OUT)
    best = dict(loss="swap_crossentropy", lr_schedule="plateau")
    common = dict(epochs=60, patience=6, preset="small")
    return {"a_small_ce": {**common, **a}, "a_small_swap_plateau": {**common, **a, **best},
            "a_vgg16_swap_plateau": {**common, **a, **best, "preset": "vgg16", "dropout": 0.5},
            "b_small_ce": {**common, **b}, "b_small_swap_plateau": {**common, **b, **best},
            "b_small_swap_plateau_online": {**common, **b, **best, "online": True},
            "c_small_ce": {**common, **c}, "c_small_swap_plateau_online": {**common, **c, **best, "online": True}}

def _cpu_plan():
    base = dict(synthetic=400, preset="tiny", epochs=6, patience=3, batch_size=16, workers=1, split="random")
    return {"cpu_ce": base, "cpu_swap": {**base, "loss": "swap_crossentropy"},
            "cpu_swap_plateau": {**base, "loss": "swap_crossentropy", "lr_schedule": "plateau"},
            "cpu_swap_cosine": {**base, "loss": "swap_crossentropy", "lr_schedule": "cosine"},
            "cpu_dice": {**base, "loss": "dice_crossentropy"}}

def _speed_plan():
    "End-to-end training images/s of one run at a time (use --parallel 1) with fresh pairs every epoch, by preset and batch."
    b = dict(data="{out}/data/dapi46.h5", metaphase="{data}/DAPI.tif", cy3="{data}/Cy3.tif", split="chromosome", online=True,
             epochs=4, patience=100, workers=4)
    return {f"speed_{preset}_b{batch}": {**b, "preset": preset, "batch_size": batch}
            for preset in ("vgg16", "small") for batch in (32, 128, 256)}

def _ship_plan():
    """The shipped model's recipe (protocol (c): trained on nine metaphases, 10, 11 and 13 held out; fresh pairs every epoch,
    one in five touching, both overlap modes, fine-tuned from the synthetic model) trained for at most 6 minutes, then
    the end-to-end training speed of the same data at batch 32, 128 and 256 (two epochs each). One call on a GPU:
    python bench/quality.py --plan ship --out runs/ship --parallel 1 --budget 560 --tta"""
    ship = dict(metaphase=METAPHASES, split="metaphase", held_out=HELD_OUT, online=True, touching=0.2, overlap="both", n_pairs=6000,
                init_from="pretrained:synthetic", preset="small", loss="swap_crossentropy", lr_schedule="plateau", patience=8,
                epochs=200, time_budget=6, workers=8)
    speed = {**ship, "init_from": None, "time_budget": None, "epochs": 2, "patience": 100}
    return {"ship_real": ship, **{f"speed_small_b{b}": {**speed, "batch_size": b} for b in (32, 128, 256)}}

def _peel_plan():
    """A model that peels clusters and leaves singles whole (issue 24): the ship recipe with clusters of three or four (25%),
    labelled by which chromosomes cover each pixel and scored by `PeelCrossentropy` (any one chromosome against the rest),
    and single chromosomes (10%) among the fresh pairs, from the shipped model, with a gentler schedule, for at most 8
    minutes (the CPU run of the same recipe: runs/anyone, CHANGES.md). Then score it:
    python bench/quality.py --plan peel --out runs/peel-gpu --parallel 1 --budget 560 --tta
    python bench/heldout_scores.py --model runs/peel-gpu/peel --out runs/heldout-peel
    python bench/slide_benchmark.py --model runs/peel-gpu/peel"""
    return {"peel": {**_ship_plan()["ship_real"], "init_from": "pretrained", "clusters": 0.25, "singles": 0.1, "learning_rate": 1e-4,
                     "loss": "peel_crossentropy",
                     "lr_schedule": "cosine", "patience": 12, "time_budget": 8}}

def _curated_plan():
    """The shipped model's recipe (`ship`) without the "singles" that are two chromosomes (`bench/not_single.json`: a pair
    made of one teaches two chromosomes as one; issue 24), from the synthetic model as the shipped one was, for at most 8
    minutes. The CPU could only train on from the shipped model (runs/curated, CHANGES.md). Then score it:
    python bench/quality.py --plan curated --out runs/curated-gpu --parallel 1 --budget 560 --tta
    python bench/heldout_scores.py --model runs/curated-gpu/ship_curated --out runs/heldout-curated-gpu
    python bench/slide_benchmark.py --model runs/curated-gpu/ship_curated"""
    return {"ship_curated": {**_ship_plan()["ship_real"], "not_single": str(ROOT / "bench" / "not_single.json"), "time_budget": 8}}

def _curated_val_plan():
    """The curated recipe validated on metaphase 14 (`--val-held-out 10`: its pairs validate, its chromosomes are in no training
    pair), so that early stopping and the best epoch are chosen by chromosomes the model never saw; the shipped model's
    validation pairs are of its training chromosomes. Then score it as `curated`:
    python bench/quality.py --plan curated-val --out runs/curated-val-gpu --parallel 1 --budget 560 --tta
    python bench/slide_benchmark.py --model runs/curated-val-gpu/ship_curated_val"""
    return {"ship_curated_val": {**_curated_plan()["ship_curated"], "val_held_out": [METAPHASES.index("{data}/jpp21/metaphase14-dapi.tif")]}}

def _singles_plan():
    """The curated recipe with touching pairs as slides show them and single chromosomes to leave whole (issue 24): from
    the shipped model, 30% touching (40% of them with their seam filled), 10% singles, Adam 2e-4, for at most 8 minutes.
    On the CPU (runs/singles, CHANGES.md: 35 epochs, 56 minutes) it left long singles whole where the shipped model cuts them
    at a tip, and cut fewer crossings. Then score it:
    python bench/quality.py --plan singles --out runs/singles-gpu --parallel 1 --budget 560 --tta
    python bench/heldout_scores.py --model runs/singles-gpu/singles --out runs/heldout-singles-gpu
    python bench/slide_benchmark.py --model runs/singles-gpu/singles"""
    return {"singles": {**_curated_plan()["ship_curated"], "init_from": "pretrained", "touching": 0.3, "filled_seams": 0.4, "singles": 0.1,
                        "learning_rate": 2e-4, "patience": 6}}

def _nuclei_plan():
    """The curated recipe with one image in five laid on a nucleus of the training metaphases (`--on-nuclei 0.2`: its light
    added, labelled background), from the shipped model, Adam 2e-4, for at most 8 minutes: a model `separate` asks which
    pixels of a nucleus are chromosome (`--nuclei auto`, the default, since its run says it was trained on them; issue 24;
    the CPU run: runs/nuclei, CHANGES.md). Then score it:
    python bench/quality.py --plan nuclei --out runs/nuclei-gpu --parallel 1 --budget 560 --tta
    python bench/heldout_scores.py --model runs/nuclei-gpu/nuclei --out runs/heldout-nuclei-gpu
    python bench/slide_benchmark.py --model runs/nuclei-gpu/nuclei"""
    return {"nuclei": {**_curated_plan()["ship_curated"], "init_from": "pretrained", "on_nuclei": 0.2, "learning_rate": 2e-4, "patience": 6}}

def _chains_plan():
    """The curated recipe with 30% clusters of three or four laid as on a slide (a chain or a star, each across one already
    there) and labelled A, B, A, ... (`--cluster-labels chain`: what a pair model answers for a chain, which `separate`
    reads piece by piece; issue 24), from the shipped model, Adam 2e-4, for at most 8 minutes (the CPU run: runs/chains,
    CHANGES.md). Then score it:
    python bench/quality.py --plan chains --out runs/chains-gpu --parallel 1 --budget 560 --tta
    python bench/heldout_scores.py --model runs/chains-gpu/chains --out runs/heldout-chains-gpu
    python bench/slide_benchmark.py --model runs/chains-gpu/chains"""
    return {"chains": {**_curated_plan()["ship_curated"], "init_from": "pretrained", "clusters": 0.3, "cluster_labels": "chain",
                       "learning_rate": 2e-4, "patience": 6}}

def _chains_full_plan():
    """The curated recipe with one fresh image in ten a cluster laid and labelled as a chain, trained as the shipped model
    was (from the synthetic model, Adam 1e-3 lowered on plateaus) instead of fine-tuned from it: every earlier chains run
    started from the shipped model at a small learning rate and traded touching pairs for clusters (CHANGES.md). The CPU
    run of this recipe: runs/chains-full.cmd (started on 2026-12-04, `--time-budget 95`, `--resume` to go on). For at most
    8 minutes; then score it:
    python bench/quality.py --plan chains-full --out runs/chains-full-gpu --parallel 1 --budget 560 --tta
    python bench/slide_benchmark.py --model runs/chains-full-gpu/chains_full
    python bench/compare_slides.py --out runs/compare-chains-full --model-b runs/chains-full-gpu/chains_full"""
    return {"chains_full": {**_curated_plan()["ship_curated"], "clusters": 0.1, "cluster_labels": "chain"}}

def _seam_plan():
    """The seam-weighted loss (`--loss seam_crossentropy`: the pixels where two chromosomes touch count five times, as U-Net
    weighted the borders of touching cells), two runs side by side: the shipped recipe with it (from the synthetic model,
    Adam 1e-3 on plateaus), and the gentle chains with it (from the shipped model, 15% clusters laid and labelled as chains,
    Adam 1e-4; the CPU run: runs/seam-chains.cmd, CHANGES.md). Most missed chromosomes of the held-out slides are merges
    where the model runs one label across two touching chromosomes (issue 24). For at most 8 minutes; then score them:
    python bench/quality.py --plan seam --out runs/seam-gpu --parallel 2 --budget 560 --tta
    python bench/slide_benchmark.py --model runs/seam-gpu/seam
    python bench/slide_benchmark.py --model runs/seam-gpu/seam_chains
    python bench/compare_slides.py --out runs/compare-seam --model-b runs/seam-gpu/seam"""
    ship = {**_curated_plan()["ship_curated"], "loss": "seam_crossentropy"}
    return {"seam": ship, "seam_chains": {**ship, "init_from": "pretrained", "clusters": 0.15, "cluster_labels": "chain",
                                           "learning_rate": 1e-4, "seed": 61}}

def _combined_plan():
    """The three recipes above at once, from the shipped model: one fresh image in five on a nucleus, 30% clusters laid as
    chains (labelled A, B, A, ...), one in ten a single alone, touching seams filled in 40% (issue 24; the CPU run:
    runs/combined, CHANGES.md), Adam 2e-4, patience 8, for at most 8 minutes. Then score it:
    python bench/quality.py --plan combined --out runs/combined-gpu --parallel 1 --budget 560 --tta
    python bench/heldout_scores.py --model runs/combined-gpu/combined --out runs/heldout-combined-gpu
    python bench/slide_benchmark.py --model runs/combined-gpu/combined"""
    return {"combined": {**_curated_plan()["ship_curated"], "init_from": "pretrained", "on_nuclei": 0.2, "clusters": 0.3,
                         "cluster_labels": "chain", "singles": 0.1, "filled_seams": 0.4, "learning_rate": 2e-4, "patience": 8}}

def _larger_plan():
    """The curated recipe with the `vgg16` preset (29.5 M weights against the `small` one's 0.59 M), from random weights,
    for at most 8 minutes. Trained without dropout on the CPU (runs/nodrop, CHANGES.md), the small model fitted its training
    chromosomes no better than held-out ones (losses 0.0162 and 0.0165): it is too small, not held back (issue 24). Then
    score it:
    python bench/quality.py --plan larger --out runs/larger-gpu --parallel 1 --budget 560 --tta
    python bench/slide_benchmark.py --model runs/larger-gpu/larger"""
    return {"larger": {**_curated_plan()["ship_curated"], "init_from": None, "preset": "vgg16"}}

def _medium_plan():
    """The curated recipe with the `medium` preset (the `small` one twice as wide, 2.4 M weights), started from the shipped
    model widened (`model.widen_weights`: the same function at the first step), Adam 2e-4, for at most 8 minutes. The CPU
    trained it for 129 minutes (runs/medium, CHANGES.md: 27 epochs, still learning; F1 87.5% on the held-out slides, the
    shipped model 87.0%). Then score it:
    python bench/quality.py --plan medium --out runs/medium-gpu --parallel 1 --budget 560 --tta
    python bench/slide_benchmark.py --model runs/medium-gpu/medium"""
    return {"medium": {**_curated_plan()["ship_curated"], "init_from": "pretrained", "preset": "medium", "learning_rate": 2e-4}}

def _combined_medium_plan():
    """The `combined` recipe (nuclei, chains of clusters, singles) with the `medium` preset widened from the shipped model.
    On the CPU the wider model fitted the pairs better, and its misses on the slides still lie mostly in clusters and on
    nuclei (runs/medium, CHANGES.md), which pairs do not show. Then score it:
    python bench/quality.py --plan combined-medium --out runs/combined-medium-gpu --parallel 1 --budget 560 --tta
    python bench/slide_benchmark.py --model runs/combined-medium-gpu/combined_medium"""
    return {"combined_medium": {**_combined_plan()["combined"], "preset": "medium"}}

PLANS = {"gpu": _gpu_plan, "cpu": _cpu_plan, "speed": _speed_plan, "ship": _ship_plan, "peel": _peel_plan, "curated": _curated_plan, "curated-val": _curated_val_plan,
         "singles": _singles_plan, "nuclei": _nuclei_plan, "chains": _chains_plan, "chains-full": _chains_full_plan, "seam": _seam_plan,
         "combined": _combined_plan,
         "larger": _larger_plan, "medium": _medium_plan, "combined-medium": _combined_medium_plan}

def _fill(value, data, out):
    if isinstance(value, str): return value.replace("{data}", str(data)).replace("{out}", str(out))
    if isinstance(value, list): return [_fill(v, data, out) for v in value]
    return value

def load_plan(plan, data, out):
    "{name: TrainConfig kwargs} of a built-in plan name or a JSON file, with {data} and {out} filled in."
    raw = PLANS[plan]() if plan in PLANS else json.loads(Path(plan).read_text())
    return {name: {k: _fill(v, data, out) for k, v in kw.items()} for name, kw in raw.items()}

def with_seeds(plan, seeds):
    """`plan` with each configuration trained `seeds` times: {NAME-seed{S+k}: its kwargs with seed S+k} for k < `seeds`, S its
    own seed (`TrainConfig`'s default where it names none); `plan` itself for one seed."""
    if seeds == 1: return plan
    from segnet_chromosome.config import TrainConfig
    default, seeded = TrainConfig().seed, {}
    for name, kw in plan.items():
        first = kw.get("seed", default)
        seeded.update({f"{name}-seed{s}": {**kw, "seed": s} for s in range(first, first + seeds)})
    return seeded

def prepare(names, data, out):
    "Make the shared data files the plan's configurations name (each once; an existing file is kept)."
    from segnet_chromosome.config import TrainConfig
    from segnet_chromosome.runs import run_data
    for name in names:
        path = out / "data" / name
        if path.exists(): continue
        path.parent.mkdir(parents=True, exist_ok=True)
        t = time.time()
        cfg = TrainConfig(**{k: _fill(v, data, out) for k, v in DATA[name].items()})
        (path.parent / (name + ".run")).mkdir(exist_ok=True)
        made = run_data(cfg, path.parent / (name + ".run"))  # writes pairs.h5 there
        made.replace(path); made.parent.rmdir()
        print(f"made {path} in {time.time() - t:.0f} s", flush=True)

def run_one(name, kwargs, out):
    "Train one configuration in OUT/NAME (resuming it); called in a child process."
    from segnet_chromosome.config import TrainConfig
    from segnet_chromosome.train import train
    train(TrainConfig(**kwargs), out / name, resume=True, verbose=2)

def _evaluate_run(run_dir, tta=False):
    "The test report of a run's best model (model.keras), optionally with test-time augmentation."
    from segnet_chromosome.train import load_run
    from segnet_chromosome.data import load_pairs
    from segnet_chromosome.evaluate import evaluate
    config, model, split, data = load_run(run_dir)
    images, labels = load_pairs(data, split.test, clean_labels=config.clean_labels)
    return evaluate(model, images, labels, geometry=config.geometry, tta=tta)

def _scores(run_dir):
    "(report, finished, history, run) of a run; a cut-off run is scored with its best model so far."
    from segnet_chromosome.runs import read_history
    run_dir = Path(run_dir)
    history = read_history(run_dir / "history.csv")
    if (run_dir / "run.json").exists():
        return json.loads((run_dir / "report.json").read_text()), True, history, json.loads((run_dir / "run.json").read_text())
    if not (run_dir / "model.keras").exists(): return None, False, history, {}
    return _evaluate_run(run_dir), False, history, {}

def table(plan, out, device, tta=False):
    "The Markdown table of every run of `plan` in `out` (with `tta`, also its swap-aware IoU with test-time augmentation)."
    from segnet_chromosome.config import TrainConfig
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}"
    rows = ["| config | device | epochs run | ended | training time | train img/s | A | B | overlap | mean | A swap-aware | B swap-aware | mean swap-aware | test pairs |",
            "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    if tta: rows = [rows[0] + " TTA: A / B swap-aware, overlap |", rows[1] + "---:|"]
    for name, kw in plan.items():
        report, finished, history, run = _scores(out / name)
        if report is None:
            rows.append(f"| {name} | {device} | {len(history)} | not started or no epoch finished | | | | | | | | | | |"); continue
        cfg = TrainConfig(**kw)
        values = [r.get(cfg.monitor, float("nan")) for r in history]
        best = min(range(len(values)), key=values.__getitem__) + 1 if values else 0
        if not finished: ended = f"cut off (best epoch {best})"
        elif len(history) - best >= cfg.patience: ended = f"EarlyStopping at {len(history)} (best {best})"
        else: ended = f"epoch cap (best {best})"
        speeds = sorted(r["train_images_per_s"] for r in history[1:] if "train_images_per_s" in r)
        wall = sum(r.get("epoch_time_s", 0) for r in history) or run.get("wall_time_s", 0)  # over every call, resumed ones too
        c, s = report["classes"], report["swap_aware"]["classes"]
        rows.append(f"| {name} | {run['device'] + ' (' + run['backend'] + ')' if run else device} | {len(history)} | {ended} | {wall:.0f} s | "
                    f"{speeds[len(speeds) // 2] if speeds else float('nan'):.0f} | "
                    f"{pct(c['chromosome A']['iou'])} | {pct(c['chromosome B']['iou'])} | {pct(c['overlap']['iou'])} | "
                    f"{pct(report['mean_iou_no_background'])} | {pct(s['chromosome A']['iou'])} | {pct(s['chromosome B']['iou'])} | "
                    f"{pct(report['swap_aware']['mean_iou_no_background'])} | {report['n_images']} |")
        if tta:
            t = _evaluate_run(out / name, tta=True)
            ts = t["swap_aware"]["classes"]
            rows[-1] += f" {pct(ts['chromosome A']['iou'])} / {pct(ts['chromosome B']['iou'])}, {pct(t['classes']['overlap']['iou'])} |"
    return "\n".join(rows) + "\n"

def main(argv=None):
    from segnet_chromosome.config import OneLineParser, number_type  # a bad number is one line and exit status 2, not a traceback
    p = OneLineParser(description=__doc__.split("\n")[0])
    p.add_argument("--plan", default="cpu", help=f"built-in plan ({', '.join(PLANS)}) or a JSON file")
    p.add_argument("--out", default="runs/quality", type=Path)
    p.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"), type=Path)
    p.add_argument("--parallel", type=number_type(int, 1), default=1, help="runs at a time (they share the GPU)")
    p.add_argument("--budget", type=number_type(float, 0, low_open=True), default=None, help="seconds for the whole call; runs still going are cut off (resumable)")
    p.add_argument("--only", nargs="*", help="configurations to run (default: all of the plan; with --seeds, NAME-seedK)")
    p.add_argument("--seeds", type=number_type(int, 1), default=1, help="train each configuration this many times, seed after seed")
    p.add_argument("--prepare-only", action="store_true", help="make the plan's data files and stop")
    p.add_argument("--tta", action="store_true", help="also score each run with test-time augmentation (8 predictions a pair)")
    p.add_argument("--table-only", action="store_true", help="train nothing: write the table of the runs already in --out")
    p.add_argument("--one", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    start = time.time()
    out = a.out.resolve()
    plan = with_seeds(load_plan(a.plan, a.data_dir.resolve(), out), a.seeds)
    if a.one: return run_one(a.one, plan[a.one], out)
    names = [n for n in plan if not a.only or n in a.only]
    needed = sorted({Path(plan[n]["data"]).name for n in names if str(plan[n].get("data", "")).startswith(str(out / "data"))})
    prepare(needed, a.data_dir.resolve(), out)
    if a.prepare_only: return
    env = {**os.environ, "XLA_PYTHON_CLIENT_PREALLOCATE": "false", "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    waiting, running = ([] if a.table_only else list(names)), {}
    while waiting or running:
        while waiting and len(running) < a.parallel:
            name = waiting.pop(0)
            if (out / name / "run.json").exists(): continue
            (out / name).mkdir(parents=True, exist_ok=True)
            log = open(out / f"{name}.log", "a")
            running[name] = subprocess.Popen([sys.executable, __file__, "--plan", a.plan, "--out", str(out), "--data-dir", str(a.data_dir),
                                              "--seeds", str(a.seeds), "--one", name], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
            print(f"{time.time() - start:6.0f} s  started {name}", flush=True)
        for name, proc in list(running.items()):
            if proc.poll() is not None:
                print(f"{time.time() - start:6.0f} s  {name} ended (exit {proc.returncode})", flush=True); del running[name]
        if a.budget and time.time() - start > a.budget:
            for name, proc in running.items():
                proc.kill(); print(f"{time.time() - start:6.0f} s  cut off {name} (resumes next time)", flush=True)
            running, waiting = {}, []
        time.sleep(1)
    from segnet_chromosome.train import accelerator
    acc = accelerator()
    md = table({n: plan[n] for n in names}, out, f"{acc['device']} ({acc['backend']})", tta=a.tta)
    (out / "quality.md").write_text(md)
    print(md)

if __name__ == "__main__":
    main()
