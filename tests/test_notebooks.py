"""Every notebook's own tests (nbdev_test), slow cells included (`#| slow`: the real slides, the public recipe's whole replica);
`SEGNET_CHROMOSOME_QUICK=1` skips those. Here in pytest, so that pytest-xdist spreads the notebooks over the cores with the rest.
Each runs in the test worker's own process (`conftest.run_notebook_here`, as nbdev_test runs several in each of its
processes), but for those in `OWN_PROCESS`, which change what a process shares."""
import os
import pytest
from conftest import ROOT, run_notebook_here, run_notebook_tests

OWN_PROCESS = {  # notebooks run by `nbdev_test` in a process of their own, and why
    "00_core.ipynb": "raises SIGINT, whose handler must be Python's own and the main thread's",
    "09_train.ipynb": "raises SIGINT, whose handler must be Python's own and the main thread's",
}

SLOWEST = ["separate_real_slides.ipynb", "09_train.ipynb", "03_slide.ipynb", "12_separate.ipynb", "train_on_colab.ipynb"]  # begun first
NOTEBOOKS = sorted((ROOT / "nbs").glob("*.ipynb"), key=lambda p: (SLOWEST.index(p.name) if p.name in SLOWEST else len(SLOWEST), p.name))

@pytest.mark.timeout(1200)  # the slowest (the real slides) take a minute and a half on an idle 2-core machine
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook(notebook):
    flags = () if os.environ.get("SEGNET_CHROMOSOME_QUICK") else ("slow",)
    if notebook.name in OWN_PROCESS:
        r = run_notebook_tests(notebook, flags=flags)
        assert r.returncode == 0, f"{notebook.name} failed:\n{r.stdout[-6000:]}\n{r.stderr[-6000:]}"
    else:
        passed, err = run_notebook_here(notebook, flags=flags)
        assert passed, f"{notebook.name} failed:\n{err[-6000:]}"
