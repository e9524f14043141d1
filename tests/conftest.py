import os
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
