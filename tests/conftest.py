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

def run_cli(*args, env=None):
    "`segnet-chromosome ARGS` in a fresh interpreter (this checkout's package), as a user runs it: the CompletedProcess, text captured."
    return subprocess.run([sys.executable, "-c", "import sys; from segnet_chromosome.cli import main; sys.exit(main())", *map(str, args)],
                          capture_output=True, text=True, env=env)
