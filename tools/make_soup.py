"""Average the weights of models fine-tuned from one start: a uniform model soup (Wortsman et al., ICML 2022).

    python tools/make_soup.py runs/soup pretrained runs/seam-pairs

Models fine-tuned from the same weights lie in one basin of the loss, and the mean of their weights often scores better
than any of them, at no cost when separating (one model, as fast as each). The ingredients are named as `--model` names
a model ('pretrained', a run directory, a .keras file with its card), or as `--instances` names an instance model
('pretrained:instances4', a trial of bench/instance_trial.py: all of one kind); they must have the same layers and weight shapes
and cut chromosomes out the same way (their preprocessing), else one line says which differs (exit 2). Batch
normalisation's moving statistics are averaged with the rest.

OUT is a new folder (an existing one is refused, never replaced) that `--model`, `bench/slide_benchmark.py` and
tools/ship_model.py read as a run (a soup of instance models: as `--instances` reads a trial): model.keras (the soup), config.json (the config of the first run directory among the
ingredients, else the shipped model's card: their preprocessing), soup.json (each ingredient: its name, the SHA-256 of
its weights file, and the command or card that made it) and run.json (marked finished, so that `train` never trains into
it: a run of the same config goes to OUT-2). Which soup to ship is chosen on slides composed from training metaphases
(`bench/slide_benchmark.py --from ...`), never on the held-out ones it is then measured on.
"""
import argparse, json, sys
from pathlib import Path

def fail(message):
    print(f"make_soup: error: {message}", file=sys.stderr)
    raise SystemExit(2)

def ingredient_record(spec, source):
    "What soup.json says of one ingredient: its name, its file's SHA-256, and what made it."
    from segnet_chromosome.sources import sha256_of
    record = dict(model=spec, file=source.path.name if source.shipped else str(source.path), sha256=sha256_of(source.path))
    run_dir = Path(spec)
    if run_dir.is_dir():
        command = run_dir.parent / f"{run_dir.name}.cmd"  # runs/NAME.cmd, where this project keeps a run's command
        record["command"] = command.read_text().strip() if command.is_file() else None
        record["config"] = json.loads((run_dir / "config.json").read_text())
    elif source.path.with_suffix(".json").is_file():
        card = json.loads(source.path.with_suffix(".json").read_text())
        record["command"] = card.get("command")
    return record

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="a new folder for the soup")
    p.add_argument("ingredients", nargs="+", help="two or more models of one kind: 'pretrained', run directories, .keras files with their cards; or instance models")
    args = p.parse_args()
    out = Path(args.out)
    if len(args.ingredients) < 2: fail("a soup needs two ingredients or more; name them after OUT")
    if out.exists(): fail(f"{out} exists: give a new folder (a soup never replaces anything)")
    from segnet_chromosome.config import TrainConfig
    from segnet_chromosome.sources import model_kind, model_source
    sources, kinds = [], []
    for spec in args.ingredients:                                    # each one's file and kind, read before Keras starts
        try: sources.append(model_source(spec)); kinds.append(model_kind(sources[-1].path))
        except (OSError, ValueError) as e: fail(f"{spec}: {e}")
    mixed = [spec for spec, kind in zip(args.ingredients, kinds) if kind != kinds[0]]
    if mixed: fail(f"the ingredients mix pair models and instance models ({args.ingredients[0]} is {'an instance' if kinds[0] == 'instances' else 'a pair'} "
                   f"model, {mixed[0]} not): a soup averages one kind")
    if any(s.preprocessing != sources[0].preprocessing for s in sources[1:]):
        fail("the ingredients cut chromosomes out differently: " + "; ".join(f"{spec} {s.preprocessing.__dict__}"
                                                                         for spec, s in zip(args.ingredients, sources)))
    runs = [Path(spec) for spec in args.ingredients if Path(spec).is_dir()]
    if runs: config = TrainConfig.from_json(runs[0] / "config.json")
    else:
        card = sources[0].path.with_suffix(".json")
        if not card.is_file() or "config" not in json.loads(card.read_text()):
            fail("no ingredient has a config (a run directory, or a card with one): name a run among them")
        config = TrainConfig.from_json(json.dumps(json.loads(card.read_text())["config"]))
    import numpy as np
    from segnet_chromosome.model import load_model_source
    models = [load_model_source(spec, instances=kinds[0] == "instances")[0] for spec in args.ingredients]
    layouts = [[(w.path, tuple(w.shape)) for w in m.weights] for m in models]
    for spec, layout in zip(args.ingredients[1:], layouts[1:]):
        if layout != layouts[0]: fail(f"{spec} has other layers or weight shapes than {args.ingredients[0]}: a soup averages one architecture")
    weights = [m.get_weights() for m in models]
    soup = models[0]
    soup.set_weights([np.mean([w[i] for w in weights], axis=0).astype(weights[0][i].dtype) for i in range(len(weights[0]))])
    out.mkdir(parents=True)
    soup.save(out / "model.keras")
    config.to_json(out / "config.json")
    (out / "soup.json").write_text(json.dumps(dict(method="uniform soup: the mean of each weight",
                                                   ingredients=[ingredient_record(spec, s) for spec, s in zip(args.ingredients, sources)]),
                                              indent=2) + "\n")
    (out / "run.json").write_text(json.dumps(dict(finished=True, soup_of=args.ingredients, stopped_by="soup", stopped_early=True), indent=2) + "\n")
    print(f"wrote {out}/model.keras, the mean of {len(models)} models' weights ({soup.count_params():,} parameters each), "
          f"with config.json, soup.json and run.json")

if __name__ == "__main__":
    main()
