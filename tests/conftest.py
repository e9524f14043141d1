import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SEGNET_CHROMOSOME_SHARED", ROOT.parent / "shared" / "data"))

@pytest.fixture(scope="session")
def shared_data():
    "The folder with the real metaphase (DAPI.tif, Cy3.tif): ../shared/data beside the checkout."
    if not (SHARED_DATA / "DAPI.tif").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA}/DAPI.tif is missing: CI must have ../shared/data beside the checkout")
        pytest.skip(f"the real metaphase is not at {SHARED_DATA}")
    return SHARED_DATA

# a training run of a few seconds: the one spelling every test of training uses (`tiny_config`, `TINY_FLAGS`)
TINY = dict(synthetic=48, preset="tiny", batch_size=8, split="random", val=0.25, workers=1)
TINY_FLAGS = [x for k, v in TINY.items() for x in (f"--{k.replace('_', '-')}", v)] + ["--quiet"]

def tiny_config(**changes):
    "The `TrainConfig` of a training run of a few seconds (synthetic pairs, the tiny preset), with `changes`."
    from segnet_chromosome.config import TrainConfig
    return TrainConfig(**{**TINY, **changes})

@pytest.fixture(scope="session")
def finished_tiny_run_once(tmp_path_factory):
    "A finished run of `tiny_config(epochs=1)`, trained once a session (once in each pytest-xdist worker); never changed: see `tiny_run`."
    from segnet_chromosome.train import train
    run = tmp_path_factory.mktemp("tiny") / "run"
    train(tiny_config(epochs=1), run, verbose=0)
    return run

@pytest.fixture
def tiny_run(finished_tiny_run_once, tmp_path):
    """`tmp_path/"run"`: a finished run of `tiny_config(epochs=1)`, as `train TINY_FLAGS --epochs 1` leaves it, for a test
    to use and change. A copy of `finished_tiny_run_once`, a tiny training (10 to 20 s on this project's 2-core machine)
    sooner: the same files as a run trained in the test, but that run.json's `run_dir` and `data` name the first folder
    (nothing reads them back; a finished run asked again is returned as its run.json says)."""
    import shutil
    return Path(shutil.copytree(finished_tiny_run_once, tmp_path / "run"))

# the JAX backend on the CPU for tests, XLA's backend optimisation at level 1 (of 3): XLA then compiles each new shape (every
# weight's initialiser, every step) three to four times sooner on this 2-core machine (a tiny SegNet built in 3.0 s, not 10.8),
# and the losses of tests/test_train's data-parallel steps are those of level 3, to the bit on one device, within 1e-7 on two.
# (Level 0 is sooner still, but its steps reached NaN where the others do not.)
JAX_FAST_COMPILE = {"KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu", "XLA_FLAGS": "--xla_backend_optimization_level=1"}

def load_script(path):
    "A script of the checkout (`bench/NAME.py`, a path from the root) imported as a module, to test its functions without running it."
    import importlib.util
    spec = importlib.util.spec_from_file_location(Path(path).stem, ROOT / path)
    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
    return module

NBDEV_TEST = Path(sys.executable).with_name("nbdev_test")  # this interpreter's, when it has one (a venv not activated)

def run_notebook_tests(notebook, *, flags=(), env=None):
    "`nbdev_test --path NOTEBOOK` (a path) with nbdev's `flags`, from the checkout's root as CI runs it: the CompletedProcess, text captured."
    command = str(NBDEV_TEST) if NBDEV_TEST.exists() else "nbdev_test"
    flags = ["--flags", *flags] if flags else []
    return subprocess.run([command, "--path", str(notebook), *flags], cwd=ROOT, env=env, capture_output=True, text=True)

def run_notebook_here(notebook, *, flags=()):
    """A notebook's tests (`nbdev_test --path NOTEBOOK --flags FLAGS`) in this process, as `nbdev_test` runs several notebooks
    one after another in each of its worker processes (nbdev's `test_nb`: a fresh IPython shell, the notebook's folder as
    the working directory): (passed, what it wrote on stderr: the failing cell's traceback). A test worker imports
    TensorFlow once for all its notebooks, where a process of their own imports it for each (5 to 10 s on this project's
    2-core machine)."""
    import contextlib, io
    from nbdev.config import get_config
    from nbdev.test import test_nb
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        passed, _ = test_nb(Path(notebook), skip_flags=get_config(path=ROOT).tst_flags.split(), force_flags=list(flags))
    return passed, err.getvalue()

def run_cli(*args, env=None):
    "`segnet-chromosome ARGS` in a fresh interpreter (this checkout's package), as a user runs it: the CompletedProcess, text captured."
    return subprocess.run([sys.executable, "-c", "import sys; from segnet_chromosome.cli import main; sys.exit(main())", *map(str, args)],
                          capture_output=True, text=True, env=env)

def _captured(call):
    """`call()` with stdout and stderr captured: (its exit status, stdout, stderr). The status is what `call` returns where that
    is a number, else 0, or what a SystemExit it raises carries (argparse's refusals: the message is on stderr already)."""
    import contextlib, io
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: code = call()
        except SystemExit as e: code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return code if isinstance(code, int) else 0, out.getvalue(), err.getvalue()

def run_cli_here(*args):
    """`segnet-chromosome ARGS` in this process (`cli.main`), its stdout and stderr captured: a CompletedProcess as `run_cli` gives.
    For a test of what a command does rather than of a fresh interpreter: TensorFlow has started once in this process, and what
    a first command loaded stays loaded (`separate` on a synthetic slide: about 7 s so, against 15 s in a fresh interpreter after
    its 6 s of start-up). An exception `main` lets through is raised here, as a traceback on stderr would fail a `run_cli` test."""
    from segnet_chromosome.cli import main
    argv = [str(a) for a in args]
    return subprocess.CompletedProcess(["segnet-chromosome", *argv], *_captured(lambda: main(argv)))

def run_script_here(path, *args):
    """`python PATH ARGS` (a script of the checkout, e.g. `bench/quality.py`, run as `__main__`) in this process, its stdout
    and stderr captured: a CompletedProcess as `run_cli_here` gives, for tests of what a script refuses (a second in a fresh
    interpreter, mostly start-up, against milliseconds). An exception the script lets through is raised here."""
    import runpy
    argv, saved = [str(ROOT / path), *map(str, args)], sys.argv
    sys.argv = argv
    try: return subprocess.CompletedProcess(["python", *argv], *_captured(lambda: runpy.run_path(argv[0], run_name="__main__")))
    finally: sys.argv = saved

# the files of the longest tests, first: pytest-xdist (worksteal) shares the tests out in this order and an idle worker takes the
# tail of another's share, so the long ones are begun early and the last to run are short (a long one begun last runs alone);
# test_separate.py's module fixtures (a minute of real slides) run once on the worker whose share begins with them
LONGEST_FIRST = ("test_separate.py", "test_notebooks.py", "test_train.py", "test_model.py", "test_shipped_model.py", "test_concurrency.py", "test_make_soup.py")

def pytest_collection_modifyitems(items):
    "The tests of `LONGEST_FIRST`'s files first, in its order; the rest after them, as collected."
    rank = lambda item: LONGEST_FIRST.index(item.path.name) if item.path.name in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=rank)
