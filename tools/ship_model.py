"""Put the best model of a training run into the package as one of its shipped models.

    python tools/ship_model.py RUN_DIR --name real --scores runs/heldout/scores.json --command "segnet-chromosome train ..."

RUN_DIR may be a soup (tools/make_soup.py): its soup.json, what it averaged, goes into the card. With --name instances or
instances4 it is a trial of bench/instance_trial.py (an instance model, a map per chromosome; its trial.json goes into the
card), and only then.
Writes segnet_chromosome/weights/segnet_small_NAME.keras (weights and architecture, no optimizer state; a run of another
preset or architecture is refused, as the file name, sources.shipped_path and settings.ini's licence lines say small) and its card
segnet_small_NAME.json: the run's config, the preprocessing the model wants (zoom, grey level, margin, input multiple),
the training slides with their SHA-256, the command, backend, device and wall time, the scores given with --scores
(bench/heldout_scores.py writes them), and the weights' licence: GPL-3.0 when any image entered training (the
shared metaphases are GPL-3.0; LICENSE-weights-GPL-3.0 beside the weights holds its text), Apache-2.0 for a model
trained on synthetic pairs only. It writes the SHA-256 into nbs/05a_sources.ipynb (`SHIPPED_SHA256`), which `pretrained()` checks it against.
Run `nbdev_export` after.
"""
import argparse, json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
WEIGHTS = root / "segnet_chromosome" / "weights"
GPL_NOTE = ("GPL-3.0: these weights were trained on images published under the GNU General Public License v3.0 (the "
            "DeepFISH metaphases of J.-P. Pommier); the full text is LICENSE-weights-GPL-3.0 beside this file. "
            "The code of segnet-chromosome stays Apache-2.0.")
APACHE_NOTE = "Apache-2.0, as the code: trained on synthetic pairs only; no GPL-3.0 image entered its training"

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from segnet_chromosome.sources import SHIPPED
    p.add_argument("run_dir"); p.add_argument("--name", required=True, choices=SHIPPED)
    p.add_argument("--scores", help="a JSON file of measured scores for the card (bench/heldout_scores.py)")
    p.add_argument("--command", help="the command that trained the run")
    p.add_argument("--notes", help="a JSON list of sentences for the card (limits, how far training got), or a file holding one")
    args = p.parse_args()
    from segnet_chromosome.core import read_json
    try:  # read before anything is written: a bad one leaves the shipped files as they were
        scores = read_json(args.scores) if args.scores else None
        notes = read_json(args.notes) if args.notes and Path(args.notes).is_file() else json.loads(args.notes or "[]")
    except (OSError, ValueError) as e:
        print(f"--scores or --notes unreadable ({e}); give a JSON file of scores and a JSON list of sentences (or a file of one)", file=sys.stderr)
        raise SystemExit(2)
    if not (isinstance(notes, list) and all(isinstance(n, str) for n in notes)):
        print("--notes: give a JSON list of sentences, e.g. '[\"Trained 80 minutes on a CPU.\"]'", file=sys.stderr); raise SystemExit(2)
    from segnet_chromosome.config import TrainConfig
    config_path = Path(args.run_dir) / "config.json"
    if not config_path.is_file():
        print(f"{args.run_dir} is not a run directory (no config.json); give the folder `segnet-chromosome train` wrote", file=sys.stderr)
        raise SystemExit(2)
    try: config = TrainConfig.from_json(config_path)
    except ValueError as e: print(f"{config_path}: {e}", file=sys.stderr); raise SystemExit(2)
    if config.model != "segnet" or config.preset != "small":  # the file name, sources.shipped_path and settings.ini's licence lines say small
        print(f"{args.run_dir} trained the {config.model} {config.preset!r} model; the shipped files are named "
              f"segnet_small_NAME.keras: rename them in sources.shipped_path (nbs/05a_sources.ipynb), settings.ini's "
              f"licence lines and here first, then ship it", file=sys.stderr)
        raise SystemExit(2)
    from segnet_chromosome.sources import model_kind, sha256_of, shipped_path
    try: wanted, held = model_kind(shipped_path(args.name)), model_kind(Path(args.run_dir) / "model.keras")
    except (ValueError, OSError) as e: print(e, file=sys.stderr); raise SystemExit(2)
    if wanted != held:  # the kind the name ships now, read from the files themselves
        print(f"{args.run_dir} holds {'an instance' if held == 'instances' else 'a pair'} model and --name {args.name} ships "
              f"{'an instance' if wanted == 'instances' else 'a pair'} model: give a trial of bench/instance_trial.py for an instance "
              f"model, a run of `segnet-chromosome train` for the others", file=sys.stderr)
        raise SystemExit(2)
    from segnet_chromosome.model import size_multiple_of  # Keras from here on
    from segnet_chromosome.train import load_run
    config, model, _, _ = load_run(args.run_dir, instances=held == "instances")
    path = WEIGHTS / f"segnet_small_{args.name}.keras"
    model.save(path)  # loaded without compiling: no optimizer state, a third of the run's file
    sha = sha256_of(path)
    notebook = root / "nbs" / "05a_sources.ipynb"
    text, n = re.subn(rf'\\"{args.name}\\": \\"[0-9a-zA-Z_]+\\"', f'\\\\"{args.name}\\\\": \\\\"{sha}\\\\"', notebook.read_text())
    if n != 1: raise SystemExit(f"found {n} SHIPPED_SHA256 lines for {args.name!r} in {notebook}, expected 1")
    notebook.write_text(text)
    run = read_json(Path(args.run_dir) / "run.json") if (Path(args.run_dir) / "run.json").exists() else {}  # a run still going: its best so far
    images = [*(config.metaphase or []), *([config.cy3] if config.cy3 else [])]
    held_out = [config.metaphase[i] for i in config.held_out or []] if config.split == "metaphase" else []
    card = dict(sha256=sha, model=model.name, parameters=model.count_params(), input_shape=list(model.input_shape[1:]),
                preprocessing=dict(**config.preprocessing.__dict__, input_multiple=size_multiple_of(model)),
                command=args.command, config=json.loads(config.to_json()),
                training_slides=[dict(file=Path(f).name, sha256=sha256_of(f)) for f in images if f not in held_out],
                held_out=[dict(file=Path(f).name, sha256=sha256_of(f)) for f in held_out],  # split 'metaphase': never trained on
                run={k: run.get(k) for k in ("epochs_run", "best_epoch", "stopped_by", "wall_time_s", "device", "backend",
                                             "train_images_per_s", "n_train", "n_val", "n_test")},
                soup=read_json(Path(args.run_dir) / "soup.json") if (Path(args.run_dir) / "soup.json").exists() else None,  # tools/make_soup.py
                trial=read_json(Path(args.run_dir) / "trial.json") if (Path(args.run_dir) / "trial.json").exists() else None,  # bench/instance_trial.py
                scores=scores, notes=notes,
                licence=GPL_NOTE if images else APACHE_NOTE)
    path.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"wrote {path} ({path.stat().st_size:,} bytes, SHA-256 {sha[:16]}...) and its card; now run nbdev_export")

if __name__ == "__main__":
    main()
