"""Run the whole test suite: pytest on tests/, which holds every notebook's own tests (nbdev_test, tests/test_notebooks.py)
beside the command-line, end-to-end and concurrency tests.

Prints pytest's report with its 15 slowest tests, then one line per notebook (with its seconds), and ends with one line
`N passed, N failed` (plus `, N skipped` when pytest skipped any). Exits 1 when anything failed.
Cells flagged `#| slow` (the eleven real slides, the public recipe's whole replica) run too; `--quick` skips them
(nbdev's `tst_flags`), for a fast pass while editing.
`--workers N` (default: one more than the machine's cores, at most 4) runs the tests in N processes (pytest-xdist).
TensorFlow keeps every core busy for much of a test, and the Python between its steps (start-up, tracing, subprocesses
starting) is what more workers fill. On this project's 2-core machine, idle: two workers took about four fifths of the time
one did (1086 s against 1333 s, long ago), and three 853 s where two took 951 s (the same tests, an hour apart; the cores
busy 1.88 of 2 on average with three). `--workers 1` runs everything one after the other.
Usage: python tools/run_tests.py [--quick] [--workers N] [NOTEBOOK ...] [-- PYTEST ARGS]
(NOTEBOOK ...: only those notebooks, and the pytest tests only when PYTEST ARGS are given too: the test files they name,
e.g. `-- tests/test_cli.py`, or all of tests/ filtered by the other arguments, e.g. `-- -k touching`.)
"""
import os, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET
from pathlib import Path

root = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the results
os.environ.setdefault("MPLBACKEND", "Agg")
TEST_TIMEOUT_S = 300  # pytest-timeout: a test that hangs fails after this, instead of holding CI to its limit (notebooks: their own)

def run_pytest(targets, args, workers=1):
    "pytest on `targets` in `workers` processes: (passed, failed, skipped, {notebook: (passed, seconds)})."
    with tempfile.TemporaryDirectory() as d:
        xml = Path(d) / "junit.xml"
        parallel = ["-n", str(workers), "--dist", "worksteal"] if workers > 1 else []
        subprocess.run([sys.executable, "-m", "pytest", *targets, "-p", "no:cacheprovider", "-rs", "--durations=15", *parallel,
                        f"--timeout={TEST_TIMEOUT_S}", f"--junitxml={xml}", *args], cwd=root)
        if not xml.exists(): return 0, 1, 0, {}  # pytest itself broke
        suites = ET.parse(xml).getroot()
        suites = [suites] if suites.tag == "testsuite" else list(suites)
        count = lambda k: sum(int(s.get(k, 0)) for s in suites)
        failed, skipped = count("failures") + count("errors"), count("skipped")
        notebooks = {c.get("name")[len("test_notebook["):-1]: (c.find("failure") is None and c.find("error") is None, float(c.get("time", 0)))
                     for s in suites for c in s.iter("testcase") if c.get("name", "").startswith("test_notebook[")}
        return count("tests") - failed - skipped, failed, skipped, notebooks

def refuse(message):
    "Bad input: one line on stderr, exit status 2."
    print(f"run_tests.py: {message}", file=sys.stderr); sys.exit(2)

if __name__ == "__main__":
    argv = sys.argv[1:]
    ours = argv[:argv.index("--") if "--" in argv else len(argv)]
    if "--quick" in ours: argv.remove("--quick"); os.environ["SEGNET_CHROMOSOME_QUICK"] = "1"
    workers = min((os.cpu_count() or 1) + 1, 4)
    if "--workers" in ours:
        at = argv.index("--workers")
        if at + 1 >= len(argv) or not argv[at + 1].isdigit() or int(argv[at + 1]) < 1:
            refuse("--workers needs a whole number of at least 1, e.g. --workers 2")
        workers = int(argv.pop(at + 1)); argv.pop(at)
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    names = argv[:argv.index("--")] if "--" in argv else argv
    missing = [n for n in names if not Path(n).is_file()]
    if missing: refuse(f"no such notebook: {', '.join(missing)}; name files in nbs/, e.g. nbs/00_core.ipynb")
    named_tests = any(Path(a.split("::")[0]).exists() for a in pytest_args)  # test files named after --: those, not all of tests/
    targets = [f"tests/test_notebooks.py::test_notebook[{Path(n).name}]" for n in names] + (["tests"] if not named_tests and (not names or pytest_args) else [])
    t = time.time()
    passed, failed, skipped, notebooks = run_pytest(targets, pytest_args, workers)
    for name, (ok, seconds) in sorted(notebooks.items()):
        print(f"{'PASSED' if ok else 'FAILED'} nbs/{name} ({seconds:.1f} s)")
    nb_pass = sum(ok for ok, _ in notebooks.values())
    print(f"notebooks: {nb_pass} passed, {len(notebooks) - nb_pass} failed; other tests: {passed - nb_pass} passed, "
          f"{failed - (len(notebooks) - nb_pass)} failed, {skipped} skipped; {workers} worker{'s' * (workers > 1)}; {time.time() - t:.0f} s in all")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(1 if failed or not passed else 0)
