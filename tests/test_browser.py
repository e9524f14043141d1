"""The MaskInspector in a real browser: JupyterLab on 127.0.0.1, headless Chromium (Debian's) driven by Playwright.

A notebook opens the inspector; the test moves the pair slider with the keyboard and checks that the picture
and the metrics beside it change, saving screenshots before and after (SEGNET_SCREENSHOTS=DIR keeps them)."""
import json, os, shutil, socket, subprocess, sys, time, urllib.request, secrets
from pathlib import Path
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")

NOTEBOOK = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [
    "from segnet_chromosome.synthetic import synthetic_pairs\n",
    "from segnet_chromosome.inspector import MaskInspector, ArraySource\n",
    "images, labels, _ = synthetic_pairs(10, seed=0)\n",
    "insp = MaskInspector(ArraySource(images, labels))\n",
    "insp"]}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

@pytest.fixture
def jupyterlab(tmp_path):
    pytest.importorskip("jupyterlab"); pytest.importorskip("playwright")
    (tmp_path / "inspect.ipynb").write_text(json.dumps(NOTEBOOK))
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                             f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
                             "--LabApp.expose_app_in_browser=True", "--allow-root", "--LabApp.news_url=None",
                             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
                            stdout=open(tmp_path / "lab.log", "w"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        if proc.poll() is not None: break
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1); break
        except OSError: time.sleep(0.5)
    else:
        proc.kill(); pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-3000:])
    yield url, token, tmp_path
    proc.terminate()
    try: proc.wait(10)
    except subprocess.TimeoutExpired: proc.kill()

def test_inspector_slider_changes_the_picture_in_jupyterlab(jupyterlab):
    from playwright.sync_api import sync_playwright
    url, token, tmp = jupyterlab
    shots = Path(os.environ.get("SEGNET_SCREENSHOTS", tmp)); shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/lab/tree/inspect.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                                   "&& window.jupyterapp.shell.currentWidget.sessionContext "
                                   "&& window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=60_000)
            page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'", timeout=60_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            image = page.locator(".jp-OutputArea .widget-image")
            image.wait_for(timeout=120_000)
            has = lambda text: ("Array.from(document.querySelectorAll('.jp-OutputArea .widget-html-content'))"
                                f".some(e => e.textContent.includes('{text}'))")  # the info panel (the class swatches are HTML too)
            info = page.locator(".jp-OutputArea .widget-html-content", has_text="pair")
            page.wait_for_function(has("pair 0"), timeout=30_000)
            image.scroll_into_view_if_needed()
            before = image.screenshot(path=str(shots / "inspector_before.png"))
            page.screenshot(path=str(shots / "inspector_page_before.png"))
            handle = page.locator(".jp-OutputArea .widget-slider .noUi-handle").first
            handle.focus()
            for _ in range(3): handle.press("ArrowRight")
            page.wait_for_function(has("pair 3"), timeout=30_000)
            page.wait_for_timeout(500)  # the new PNG arrives with the metrics; let it paint
            after = image.screenshot(path=str(shots / "inspector_after.png"))
            page.screenshot(path=str(shots / "inspector_page_after.png"))
            assert before != after, "the picture did not change when the slider moved"
            assert "pair 3" in info.text_content()
        finally:
            browser.close()
