"""Run the module notebooks whose every output is made from synthetic data, and keep their outputs in the files.

A reader on GitHub then sees the figures, parameter counts and report tables the prose explains. Notebooks that
read the real metaphases (`03_slide`, `03b_generate`, `separate_real_slides`, the Colab tutorial) are left without outputs: what they would show is
derived from GPL-3.0 images, which this repository does not ship. Run after a change, then `nbdev_clean`:

    python tools/fill_outputs.py [NOTEBOOK ...]
"""
import os, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

root = Path(__file__).resolve().parent.parent
SYNTHETIC_ONLY = ["00_core", "01_data", "03c_synthetic", "04_pipeline", "05_config", "05a_sources", "06_model", "07_evaluate", "08_runs", "09_train",
                  "10_visualize", "11_inspector", "12_separate", "12b_results", "12d_splits", "13_cli"]
MAX_OUTPUT_BYTES = 250_000  # per notebook: small figures and tables, never megabyte images

def fill(name):
    path = root / "nbs" / f"{name}.ipynb"
    nb = read_nb(path)
    os.chdir(path.parent)  # notebooks run from nbs/, as nbdev_test runs them
    t = time.time()
    shell = CaptureShell()
    shell.run_all(nb, exc_stop=True)
    size = sum(len(str(c.get("outputs", ""))) for c in nb.cells)
    if size > MAX_OUTPUT_BYTES: raise SystemExit(f"{name}: outputs of {size:,} bytes; make them smaller (lower dpi, fewer rows)")
    write_nb(nb, path)
    print(f"{name}: {time.time() - t:.1f} s, outputs {size / 1000:.0f} kB")

if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg"); os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for name in sys.argv[1:] or SYNTHETIC_ONLY:
        if name not in SYNTHETIC_ONLY: raise SystemExit(f"{name} is not in SYNTHETIC_ONLY: its outputs may be derived from the GPL images")
        fill(name)
