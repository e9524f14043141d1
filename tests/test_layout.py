"The house rules of DESIGN.md, checked: imports point one way, only public names cross modules, no Keras where none is needed, flags from the config, ruff clean."
import argparse, ast, dataclasses, shutil, subprocess, sys
from pathlib import Path
import pytest
from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "segnet_chromosome"
DESIGN = ROOT.parent / "shared" / "DESIGN.md"
# the order data flows in: each module may import only those before it
ORDER = ["core", "data", "download", "slide", "generate", "fresh", "deepfish", "synthetic", "pipeline", "config", "sources", "losses", "model", "evaluate", "runs", "train",
         "visualize", "inspector", "nuclei", "instances", "splits", "separate", "results", "commands", "cli"]
# where the code departs from DESIGN.md's import table, and why
DEPARTURES = {
    "config": {"core": "a run records core's Preprocessing, and its files are written whole by core's writers"},
    "slide": {"data": "a slide is read by data.read_image, the one reader with the pixel-count and decompression-bomb checks"},
    "runs": {"slide": "a run makes its pair file (runs.make_pair_file, the one way pairs are made), importing the makers lazily: "
                      "reading a run loads none of them", "generate": "the same", "deepfish": "the same", "synthetic": "the same"},
    "sources": {"config": "where a model comes from, split off config to keep it under 400 lines: a run directory's model is cut out as "
                           "its config.json says (config.TrainConfig)"},
    "model": {"losses": "what model owns in DESIGN.md (the losses), split off to keep it under 400 lines: model imports it so that a "
                        "model saved compiled loads with its loss and metric known to Keras"},
    "inspector": {"train": "an inspector opened on a run directory loads the run's model (train.load_run), lazily"},
    "results": {"separate": "what separate owns in DESIGN.md, split in two to keep each module under 400 lines: results writes out "
                            "what separate found, and imports what separate may import"},
    "fresh": {"generate": "what generate owns in DESIGN.md (fresh pairs on the fly), split off to keep it under 400 lines: fresh pairs are "
                          "laid with generate's one rotation and its placement helpers"},
    "instances": {"nuclei": "with_second_models resolves both models separate asks beside the pair model in one place (the instance "
                            "model's 'auto' and nuclei.with_nuclei_model's), for separate and the command line alike"},
    "separate": {"nuclei": "what separate owns in DESIGN.md, split off to keep each module under 400 lines: the rules that find "
                           "chromosomes on nuclei, importing what separate may import",
                 "instances": "the same: how an answer's chromosomes are judged by their shapes, and an instance model's answers",
                 "splits": "the same: how the pair model's answer for one object is read as chromosomes (split_object)"},
}
MAX_LINES, MAX_POSITIONAL = 400, 6

def design_table():
    "{module: the modules DESIGN.md's table lets it import}, each row's list with the rows it names followed ('everything above', 'all')."
    rows = {}
    for line in DESIGN.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].split("`")[1]] = [n.strip(" `") for n in cells[2].split(",")]
    def allowed(module, seen=()):
        names = rows.get(module, [])
        if "all" in names: return set(ORDER) - {module}
        if "everything above" in names: return set(ORDER[:ORDER.index(module)])
        out = {n for n in names if n in ORDER}
        for n in list(out):
            if n not in seen: out |= allowed(n, seen + (module,))
        return out
    return {m: allowed(m) for m in rows}

def package_imports(module):
    "(imported module, imported names) of every import of a sibling module in `module`, lazy ones included."
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level == 1: yield name.split(".")[0], [a.name for a in node.names]
            elif name.startswith("segnet_chromosome."): yield name.split(".")[1], [a.name for a in node.names]
            elif name == "segnet_chromosome": yield from ((a.name, []) for a in node.names)
        elif isinstance(node, ast.Import):
            yield from ((a.name.split(".")[1], []) for a in node.names if a.name.startswith("segnet_chromosome."))

def test_every_module_is_in_the_order():
    assert sorted(ORDER) == sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_"))

@pytest.mark.parametrize("module", ORDER)
def test_imports_point_one_way(module):
    later = [m for m, _ in package_imports(module) if m in ORDER and ORDER.index(m) >= ORDER.index(module)]
    assert later == [], f"{module} imports {later}, which come after it in {ORDER}"

@pytest.mark.skipif(not DESIGN.exists(), reason="../shared/DESIGN.md is not beside this clone")
@pytest.mark.parametrize("module", ORDER)
def test_imports_follow_the_design_table(module):
    "Each module imports only what DESIGN.md's table gives it (and the modules those may import), or a departure said above."
    table = design_table()
    split_from = {"results": "separate", "nuclei": "separate", "instances": "separate", "splits": "separate", "fresh": "generate", "commands": "cli", "deepfish": "generate", "sources": "config", "losses": "model"}  # split off to stay under 400 lines: each imports what its origin may
    allowed = table.get(module, set()) | table.get(split_from.get(module, module), set()) | set(DEPARTURES.get(module, {}))
    for m in list(allowed): allowed |= table.get(m, set()) | set(DEPARTURES.get(m, {}))
    allowed |= {part for part, origin in split_from.items() if origin in allowed}  # and a part split off where its origin may be
    extra = sorted({m for m, _ in package_imports(module) if m in ORDER} - allowed)
    assert extra == [], f"{module} imports {extra}, which DESIGN.md's table does not give it ({sorted(allowed)})"

@pytest.mark.parametrize("module", ORDER)
def test_modules_stay_short(module):
    n = len((PACKAGE / f"{module}.py").read_text().splitlines())
    assert n <= MAX_LINES, f"{module}.py has {n} lines; split it by job (at most {MAX_LINES})"

@pytest.mark.parametrize("module", ORDER)
def test_options_are_keyword_only(module):
    "No function takes more than six positional parameters: the rest are keyword-only, as in scikit-image."
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    def positional(f):
        names = [a.arg for a in f.args.posonlyargs + f.args.args]
        return len(names) - (names[:1] in (["self"], ["cls"]))
    long = [f"{node.name} ({positional(node)})" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and positional(node) > MAX_POSITIONAL]
    assert long == [], f"{module}: {long} take more than {MAX_POSITIONAL} positional parameters; make the options keyword-only"

@pytest.mark.parametrize("module", ORDER)
def test_only_public_names_cross_modules(module):
    private = [(m, n) for m, names in package_imports(module) for n in names if n.startswith("_")]
    assert private == [], f"{module} imports private names {private}"

def test_reading_scoring_and_plotting_load_no_keras():
    code = ("import sys; import segnet_chromosome, segnet_chromosome.core, segnet_chromosome.data, segnet_chromosome.generate, "
            "segnet_chromosome.config, segnet_chromosome.runs, segnet_chromosome.evaluate, segnet_chromosome.visualize, segnet_chromosome.cli; "
            "from segnet_chromosome.config import TrainConfig; TrainConfig(preset='vgg16'); segnet_chromosome.cli.make_parser(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('keras', 'tensorflow', 'jax')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"

def test_train_flags_are_made_from_the_config():
    from segnet_chromosome.cli import make_parser
    from segnet_chromosome.config import TrainConfig
    train = make_parser()._subparsers._group_actions[0].choices["train"]
    by_dest = {a.dest: a for a in train._actions}
    fields = dataclasses.fields(TrainConfig)
    assert [f.name for f in fields if f.name not in by_dest] == []
    for f in fields:
        action = by_dest[f.name]
        assert f.metadata["help"] in action.help, f.name
        if f.metadata["choices"]: assert tuple(action.choices) == tuple(f.metadata["choices"]), f.name
        if f.type is bool: assert isinstance(action, argparse.BooleanOptionalAction), f.name
    args = train.parse_args(["--preset", "tiny", "--no-augment", "--held-out", "1", "2", "--lr", "0.01", "--val", "0.1"])
    assert (args.preset, args.augment, args.held_out, args.learning_rate, args.val, args.epochs) == ("tiny", False, [1, 2], 0.01, 0.1, None)

@pytest.mark.parametrize("flags, message", [(["--val", "1"], "--val: must be at least 0 and below 1, got 1.0"),
                                             (["--epochs", "0"], "--epochs: must be at least 1 and at most 100000, got 0"),
                                             (["--preset", "huge"], "invalid choice: 'huge'")])
def test_train_flags_check_what_the_config_checks(flags, message):
    r = run_cli("train", *flags)
    assert r.returncode == 2 and message in r.stderr, r.stderr

@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is a dev requirement; install it with pip install -e '.[dev]'")
def test_ruff_finds_no_unused_import_or_undefined_name():
    r = subprocess.run(["ruff", "check", "--output-format", "concise", "."], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
