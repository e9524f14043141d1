"""Run the whole test suite: every notebook with nbdev_test, then pytest on tests/.

Prints one line per notebook (with its seconds), pytest's own report with its 15 slowest tests, and ends with one line `N passed, N failed`
(plus `, N skipped` when pytest skipped any) counting both. Exits 1 when anything failed.
Cells flagged `#| slow` (the eleven real slides, the public recipe's whole replica) run too; `--quick` skips them
(nbdev's `tst_flags`), for a fast pass while editing.
`--workers N` (default: the machine's cores, at most 4) runs N notebooks at a time and pytest in N processes (pytest-xdist):
most tests start an interpreter, import Keras and train a tiny model, work one core does no faster than two would in turn,
so two cores take the suite in about half the time. `--workers 1` runs everything one after the other.
Usage: python tools/run_tests.py [--quick] [--workers N] [NOTEBOOK ...] [-- PYTEST ARGS]
"""
import os, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor, as_completed
import xml.etree.ElementTree as ET
from pathlib import Path

root = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the results
os.environ.setdefault("MPLBACKEND", "Agg")
TEST_TIMEOUT_S = 300  # pytest-timeout: a test that hangs fails after this, instead of holding CI to its limit

def run_notebook(nb, quick=False):
    "nbdev_test on one notebook: (passed, seconds, its output when it failed)."
    t = time.time()
    r = subprocess.run(["nbdev_test", "--path", str(nb), *([] if quick else ["--flags", "slow"])], cwd=root, capture_output=True, text=True)
    return r.returncode == 0, time.time() - t, "" if r.returncode == 0 else r.stdout[-6000:] + "\n" + r.stderr[-6000:]

def run_notebooks(notebooks, quick=False, workers=1):
    "Each notebook through nbdev_test, `workers` at a time; a line for each as it ends."
    passed = failed = 0
    with ThreadPoolExecutor(max(1, workers)) as pool:
        jobs = {pool.submit(run_notebook, nb, quick): nb for nb in notebooks}
        for job in as_completed(jobs):
            ok, seconds, output = job.result()
            print(f"{'PASSED' if ok else 'FAILED'} {jobs[job].relative_to(root)} ({seconds:.1f} s)", flush=True)
            if not ok: print(output, flush=True)
            passed, failed = passed + ok, failed + (not ok)
    return passed, failed

def run_pytest(args, workers=1):
    with tempfile.TemporaryDirectory() as d:
        xml = Path(d) / "junit.xml"
        parallel = ["-n", str(workers), "--dist", "worksteal"] if workers > 1 else []
        subprocess.run([sys.executable, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-rs", "--durations=15", *parallel,
                        f"--timeout={TEST_TIMEOUT_S}", f"--junitxml={xml}", *args], cwd=root)
        if not xml.exists(): return 0, 1, 0  # pytest itself broke
        suites = ET.parse(xml).getroot()
        suites = [suites] if suites.tag == "testsuite" else list(suites)
        count = lambda k: sum(int(s.get(k, 0)) for s in suites)
        failed, skipped = count("failures") + count("errors"), count("skipped")
        return count("tests") - failed - skipped, failed, skipped

if __name__ == "__main__":
    argv = sys.argv[1:]
    ours = argv[:argv.index("--") if "--" in argv else len(argv)]
    quick = "--quick" in ours
    if quick: argv.remove("--quick")
    workers = min(os.cpu_count() or 1, 4)
    if "--workers" in ours:
        at = argv.index("--workers")
        if at + 1 >= len(argv) or not argv[at + 1].isdigit() or int(argv[at + 1]) < 1:
            sys.exit("run_tests.py: --workers needs a whole number of at least 1, e.g. --workers 2")
        workers = int(argv.pop(at + 1)); argv.pop(at)
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    names = argv[:argv.index("--")] if "--" in argv else argv
    notebooks = [Path(n).resolve() for n in names] or sorted((root / "nbs").glob("*.ipynb"))
    t = time.time()
    nb_pass, nb_fail = run_notebooks(notebooks, quick, workers)
    py_pass, py_fail, py_skip = run_pytest(pytest_args, workers) if not names or pytest_args else (0, 0, 0)
    passed, failed = nb_pass + py_pass, nb_fail + py_fail
    print(f"notebooks: {nb_pass} passed, {nb_fail} failed; pytest: {py_pass} passed, {py_fail} failed, "
          f"{py_skip} skipped; {time.time() - t:.0f} s in all")
    print(f"{passed} passed, {failed} failed" + (f", {py_skip} skipped" if py_skip else ""))
    sys.exit(1 if failed or not passed else 0)
