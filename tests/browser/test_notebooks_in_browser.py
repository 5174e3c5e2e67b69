"""Every notebook in a real page: JupyterLab on 127.0.0.1 with a token, driven by Debian's chromium
through Playwright, in smoke mode. Run with `make test-browser` (not part of `make test`)."""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("ARTLAB_CHROMIUM", "/usr/bin/chromium")
TOKEN = "artlab-browser-test"
NOTEBOOKS = [str(p.relative_to(ROOT / "notebooks"))  # ko/: the Korean edition, in Korean
             for folder in ("", "ko") for p in sorted((ROOT / "notebooks" / folder).glob("[0-9][0-9]_*.ipynb"))]
MAGIC = {".mid": b"MThd", ".wav": b"RIFF", ".png": b"\x89PNG", ".zip": b"PK\x03\x04", ".gif": b"GIF8"}
PROBLEM = re.compile(r"Traceback|\b[A-Z]\w*Error\b|⚠")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of the notebooks (its autosave never touches the repo)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"No chromium at {CHROMIUM}: sudo apt-get install chromium")
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    settings = work / "settings"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "apputils-extension/notification": {"fetchNews": "false"}}.items():
        path = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port = _free_port()
    env = dict(os.environ, ARTLAB_SMOKE="1", ARTLAB_OUTPUT=str(work / "output"),
               JUPYTERLAB_SETTINGS_DIR=str(settings), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={TOKEN}",
               f"--ServerApp.root_dir={work}", f"--LabApp.workspaces_dir={work / 'workspaces'}"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    log = open(work / "lab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail("JupyterLab did not start: " + (work / "lab.log").read_text()[-2000:])
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _run_all(page, timeout_s=900):
    """Run every cell from the Run menu and wait until each code cell has its number."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        if prompts and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts):
            return len(prompts)
        time.sleep(2)
    pytest.fail("The notebook did not finish running in time.")


def _problems(page):
    texts = page.locator(".jp-OutputArea-output").all_inner_texts()
    return [t[:300] for t in texts if PROBLEM.search(t)]


def _output_of(interact):
    return interact.locator(".widget-output").first.inner_html()


def _move_temperature(page):
    """Press → on the first temperature slider (a notebook without one: the first seed slider);
    return its interact output before and after."""
    sliders = [page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=re.compile(rf"^\s*({names})\s*$")))
        for names in ("temperature|온도", "seed|시드")]
    slider = (sliders[0] if sliders[0].count() else sliders[1]).first
    interact = page.locator(".widget-interact").filter(has=slider).first
    slider.scroll_into_view_if_needed()
    before = _output_of(interact)
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    deadline, last = time.monotonic() + 120, before
    while time.monotonic() < deadline:
        time.sleep(2)
        after = _output_of(interact)
        if after != before and after == last:  # changed, then stayed the same for 2 s
            break
        last = after
    slider.scroll_into_view_if_needed()
    return before, _output_of(interact)


CUT_LABELS = """() => [...document.querySelectorAll(
    '.jp-OutputArea .widget-label, .jp-OutputArea .jupyter-button, .jp-OutputArea .widget-upload')]
  .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent.trim())"""


def _cut_labels(page):
    """Widget labels and buttons whose text does not fit (shown cut, like "temperat…")."""
    return page.evaluate(CUT_LABELS)


KNOWN_FILES = ", ".join(f'a[download$="{suffix}"]' for suffix in [*MAGIC, ".txt"])


def _download_one(page):
    """Click the first keep button (as an artist keeps a result), then download the first file of
    a kind we can check."""
    keep = page.locator(".jp-OutputArea .jupyter-button", has_text=re.compile(r"^\s*keep|저장|간직"))
    if keep.count():
        links_before = page.locator(KNOWN_FILES).count()
        keep.first.scroll_into_view_if_needed()
        keep.first.click()
        deadline = time.monotonic() + 120
        while page.locator(KNOWN_FILES).count() <= links_before and time.monotonic() < deadline:
            time.sleep(1)
        assert page.locator(KNOWN_FILES).count() > links_before, "keep made no download link"
    link = page.locator(KNOWN_FILES).first
    link.scroll_into_view_if_needed()
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_and_answers_in_a_real_page(lab, browser, notebook):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(f"{lab}/lab/tree/notebooks/{notebook}?reset&token={TOKEN}")  # this notebook alone
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", state="attached", timeout=120_000)
    page.get_by_text(re.compile(r"\| Idle")).first.wait_for(timeout=180_000)  # its kernel is ready
    SHOTS.mkdir(exist_ok=True)
    shot = notebook.removesuffix(".ipynb").replace("/", "-")  # ko/02_melody_rnn: ko-02_melody_rnn
    page.screenshot(path=str(SHOTS / f"{shot}-start.png"))
    print("cells in the page:", page.locator(".jp-Notebook .jp-CodeCell").count())
    cells = _run_all(page)
    SHOTS.mkdir(exist_ok=True)
    assert cells > 5
    assert _problems(page) == []
    assert _cut_labels(page) == [], "labels shown cut"

    before, after = _move_temperature(page)
    page.screenshot(path=str(SHOTS / f"{shot}-slider.png"))
    assert after != before, "moving the temperature slider did not change its output"
    assert re.search(r"<img|<audio|<pre|jp-RenderedText", after)
    assert _problems(page) == []

    name, data = _download_one(page)  # every notebook keeps something for download
    suffix = Path(name).suffix
    assert data, f"{name} is empty"
    if suffix in MAGIC:
        assert data.startswith(MAGIC[suffix]), name
    else:
        data.decode("utf-8")
    link = page.locator(KNOWN_FILES).first.get_attribute("href")
    assert base64.b64decode(link.split(",", 1)[1]) == data
    page.screenshot(path=str(SHOTS / f"{shot}-end.png"))
    page.close()


def test_the_label_check_sees_a_cut_label(lab, browser):
    """The check above must be able to fail: a slider whose label is too long for its place."""
    cell = ('import ipywidgets as widgets\n'
            'widgets.IntSlider(description="a label far too long for the place a label gets")')
    notebook = {"cells": [{"cell_type": "code", "source": cell, "metadata": {}, "outputs": [],
                           "execution_count": None}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    upload = urllib.request.Request(
        f"{lab}/api/contents/notebooks/cut_label_check.ipynb?token={TOKEN}", method="PUT",
        data=json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode(),
        headers={"Content-Type": "application/json"})
    urllib.request.urlopen(upload, timeout=30)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{lab}/lab/tree/notebooks/cut_label_check.ipynb?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", state="attached", timeout=120_000)
    page.get_by_text(re.compile(r"\| Idle")).first.wait_for(timeout=180_000)
    _run_all(page, timeout_s=120)
    page.locator(".widget-slider").first.wait_for(timeout=60_000)
    assert _cut_labels(page) == ["a label far too long for the place a label gets"]
    page.close()
