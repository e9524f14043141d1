"""Run the whole test suite: every notebook with nbdev_test, then pytest on tests/.

Prints one line per notebook (with its seconds), pytest's own report with its 15 slowest tests, and ends with one line `N passed, N failed`
(plus `, N skipped` when pytest skipped any) counting both. Exits 1 when anything failed.
Cells flagged `#| slow` (the eleven real slides, the public recipe's whole replica) run too; `--quick` skips them
(nbdev's `tst_flags`), for a fast pass while editing.
Usage: python tools/run_tests.py [--quick] [NOTEBOOK ...] [-- PYTEST ARGS]
"""
import os, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET
from pathlib import Path

root = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides the results
os.environ.setdefault("MPLBACKEND", "Agg")
TEST_TIMEOUT_S = 300  # pytest-timeout: a test that hangs fails after this, instead of holding CI to its limit

def run_notebooks(notebooks, quick=False):
    passed = failed = 0
    for nb in notebooks:
        t = time.time()
        flags = [] if quick else ["--flags", "slow"]
        r = subprocess.run(["nbdev_test", "--path", str(nb), *flags], cwd=root, capture_output=True, text=True)
        ok = r.returncode == 0
        print(f"{'PASSED' if ok else 'FAILED'} {nb.relative_to(root)} ({time.time() - t:.1f} s)", flush=True)
        if not ok: print(r.stdout[-6000:], r.stderr[-6000:], sep="\n", flush=True)
        passed, failed = passed + ok, failed + (not ok)
    return passed, failed

def run_pytest(args):
    with tempfile.TemporaryDirectory() as d:
        xml = Path(d) / "junit.xml"
        subprocess.run([sys.executable, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-rs", "--durations=15",
                        f"--timeout={TEST_TIMEOUT_S}", f"--junitxml={xml}", *args], cwd=root)
        if not xml.exists(): return 0, 1, 0  # pytest itself broke
        suites = ET.parse(xml).getroot()
        suites = [suites] if suites.tag == "testsuite" else list(suites)
        count = lambda k: sum(int(s.get(k, 0)) for s in suites)
        failed, skipped = count("failures") + count("errors"), count("skipped")
        return count("tests") - failed - skipped, failed, skipped

if __name__ == "__main__":
    argv = sys.argv[1:]
    quick = "--quick" in argv[:argv.index("--") if "--" in argv else len(argv)]
    if quick: argv.remove("--quick")
    pytest_args = argv[argv.index("--") + 1:] if "--" in argv else []
    names = argv[:argv.index("--")] if "--" in argv else argv
    notebooks = [Path(n).resolve() for n in names] or sorted((root / "nbs").glob("*.ipynb"))
    t = time.time()
    nb_pass, nb_fail = run_notebooks(notebooks, quick)
    py_pass, py_fail, py_skip = run_pytest(pytest_args) if not names or pytest_args else (0, 0, 0)
    passed, failed = nb_pass + py_pass, nb_fail + py_fail
    print(f"notebooks: {nb_pass} passed, {nb_fail} failed; pytest: {py_pass} passed, {py_fail} failed, "
          f"{py_skip} skipped; {time.time() - t:.0f} s in all")
    print(f"{passed} passed, {failed} failed" + (f", {py_skip} skipped" if py_skip else ""))
    sys.exit(1 if failed or not passed else 0)
