"""Put the best model of a training run into the package as the shipped model.

Writes segnet_chromosome/weights/segnet_small_synthetic.keras (the weights and architecture, no optimizer state),
its model card segnet_small_synthetic.json (the run's config, how the run went, the scores given with --scores,
the SHA-256), and the SHA-256 into nbs/12_separate.ipynb, where `pretrained()` checks it. Run `nbdev_export` after.

    python tools/ship_model.py RUN_DIR [--scores scores.json] [--command "segnet-chromosome train ..."]
"""
import argparse, hashlib, json, re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
WEIGHTS = root / "segnet_chromosome" / "weights" / "segnet_small_synthetic.keras"

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run_dir"); p.add_argument("--scores", help="a JSON file of measured scores for the card")
    p.add_argument("--command", help="the command that trained the run")
    args = p.parse_args()
    from segnet_chromosome.core import read_json
    from segnet_chromosome.train import load_run
    config, model, _, _ = load_run(args.run_dir)
    WEIGHTS.parent.mkdir(exist_ok=True)
    model.save(WEIGHTS)  # loaded without compiling: no optimizer state, a third of the run's file
    sha = hashlib.sha256(WEIGHTS.read_bytes()).hexdigest()
    notebook = root / "nbs" / "12_separate.ipynb"
    text, n = re.subn(r'PRETRAINED_SHA256 = \\"[0-9a-fA-Z]+\\"', f'PRETRAINED_SHA256 = \\\\"{sha}\\\\"', notebook.read_text())
    if n != 1: raise SystemExit(f"found {n} PRETRAINED_SHA256 lines in {notebook}, expected 1")
    notebook.write_text(text)
    run = read_json(Path(args.run_dir) / "run.json")
    card = dict(sha256=sha, model=model.name, parameters=model.count_params(), input_shape=list(model.input_shape[1:]),
                scale=dict(zoom=0.35, grey_level=160), command=args.command, config=json.loads(config.to_json()),
                run={k: run[k] for k in ("epochs_run", "best_epoch", "stopped_early", "wall_time_s", "device", "backend", "n_train", "n_val", "n_test")},
                scores=json.loads(Path(args.scores).read_text()) if args.scores else None,
                licence="Apache-2.0, as the code: trained on synthetic pairs only; no GPL-3.0 image entered its training")
    WEIGHTS.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    print(f"wrote {WEIGHTS} ({WEIGHTS.stat().st_size:,} bytes, SHA-256 {sha[:16]}...) and its card; now run nbdev_export")

if __name__ == "__main__":
    main()
