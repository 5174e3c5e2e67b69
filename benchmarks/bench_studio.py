"""Notebook 02's melody studio in a real page: from a press on the temperature slider to the new
audio players being ready, for one variation and for four. One JSON line per figure.

How: JupyterLab over a COPY of the notebooks in a temp folder (ARTLAB_SMOKE=1, ARTLAB_OUTPUT in
that folder; the same settings as tests/browser/test_notebooks_in_browser.py), driven by Debian's
chromium through Playwright. The copy of 02 is cut after the studio cell (the cells after it do
not touch the studio) and gets one extra cell that times, in the kernel, every call the studio
makes: model.generate, music.synthesize, music.play, music.piano_roll, the PNG formatter, the
Audio HTML, gallery.side_by_side and the studio function itself. Each kernel call writes one
JSON line to a file in the temp folder; the page side is timed with the page's own clock:
  start  the keydown on the temperature slider's handle (a capture listener on the document),
  end    every <audio> element of the new output is in the page and has readyState >= 1
         (metadata loaded: the player shows its length and can be played), and, separately,
         readyState >= 3 (canplay), when the browser gets there.
The temperature moves one step (0.1) per repeat, alternately up and down, so every repeat is a
real new generation. The machine's load average is recorded with each figure: on a small, busy
machine it moves the figures.

Run: .venv/bin/python benchmarks/bench_studio.py [--repeats 7] [--variations 1,4] [--keep]
       [--label after] [--code-root DIR]   (DIR/artlab, and DIR/notebooks if there, are used
       instead: time another version, e.g. a `git worktree` of an earlier commit)
Appends to benchmarks/results/bench_studio.jsonl (one line per figure, also printed): the
headline line per variation count, then one line per part (name.part), each with the median,
the samples, the repeats and the load average.
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "bench_studio.jsonl"
CHROMIUM = os.environ.get("ARTLAB_CHROMIUM", "/usr/bin/chromium")
TOKEN = "artlab-bench-studio"
NOTEBOOK = "02_melody_rnn.ipynb"
TARGETS = {1: 0.5, 4: 1.0}

# Appended after the studio cell in the copy: times each part of every studio call, in the kernel.
INSTRUMENT = r'''
import functools as _bf, json as _bj, os as _bo, threading as _bth, time as _bt
import matplotlib.pyplot as _bplt
from IPython.display import Audio as _BAudio
from matplotlib.figure import Figure as _BFigure
_bench_parts, _bench_lock = {}, _bth.Lock()
_bench_log = _bo.path.join(_bo.environ["ARTLAB_OUTPUT"], "studio_timings.jsonl")

def _bench_timed(name, fn):
    @_bf.wraps(fn)
    def timed(*args, **kwargs):
        start = _bt.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            with _bench_lock:  # players may be made on worker threads
                _bench_parts[name] = _bench_parts.get(name, 0.0) + _bt.perf_counter() - start
    return timed

def _bench_studio(fn):
    @_bf.wraps(fn)
    def timed(**kwargs):
        _bench_parts.clear()
        wall, start = _bt.time(), _bt.perf_counter()
        try:
            return fn(**kwargs)
        finally:
            row = dict(_bench_parts, studio=_bt.perf_counter() - start, start_epoch=wall,
                       end_epoch=_bt.time(), how_many=kwargs.get("how_many"),
                       temperature=kwargs.get("temperature"))
            with open(_bench_log, "a") as f:
                f.write(_bj.dumps(row) + "\n")
    return timed

model.generate = _bench_timed("generate", model.generate)
if hasattr(model, "variations"):  # the studio draws all variations at once (one batch)
    model.variations = _bench_timed("variations", model.variations)
music.synthesize = _bench_timed("synthesize", music.synthesize)
music.play = _bench_timed("play", music.play)
music.piano_roll = _bench_timed("piano_roll", music.piano_roll)
music.show = _bench_timed("show", music.show)
gallery.side_by_side = _bench_timed("side_by_side", gallery.side_by_side)
if hasattr(gallery, "_players"):  # all players made before drawing, several at once
    gallery._players = _bench_timed("players", gallery._players)
_bplt.subplots = _bench_timed("subplots", _bplt.subplots)
_BAudio._repr_html_ = _bench_timed("audio_html", _BAudio._repr_html_)
_bench_png = get_ipython().display_formatter.formatters["image/png"]
_bench_png.for_type(_BFigure, _bench_timed("png", _bench_png.lookup_by_type(_BFigure)))
studio.widget.f = _bench_studio(studio.widget.f)   # what the interact calls on each move
print("studio timing on")
'''

# Installed before the press: marks the old players, notes the keydown, resolves when the new
# players are all in the page with readyState >= 1, and notes when they reach >= 3.
ARM = r'''
([el, n]) => {
  el.querySelectorAll('audio').forEach(a => { a.dataset.benchOld = '1'; });
  const s = window.__bench = {t0: null, epoch0: null, appear: null, meta: null, canplay: null};
  document.addEventListener('keydown', () => {
    if (s.t0 === null) { s.t0 = performance.now(); s.epoch0 = Date.now(); }
  }, {capture: true, once: true});
  s.done = new Promise(resolve => {
    const check = () => {
      const fresh = [...el.querySelectorAll('audio')].filter(a => !a.dataset.benchOld);
      if (fresh.length < n || s.t0 === null) return;
      const now = performance.now();
      if (s.appear === null) s.appear = now;
      if (s.meta === null && fresh.every(a => a.readyState >= 1)) { s.meta = now; s.metaEpoch = Date.now(); }
      if (s.canplay === null && fresh.every(a => a.readyState >= 3)) s.canplay = now;
      if (s.meta !== null && s.canplay !== null) finish();
    };
    const finish = () => {
      observer.disconnect(); clearTimeout(timer);
      for (const type of ['loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough'])
        el.removeEventListener(type, check, true);
      resolve({appear: s.appear - s.t0, meta: s.meta - s.t0, epoch0: s.epoch0,
               metaEpoch: s.metaEpoch,
               canplay: s.canplay === null ? null : s.canplay - s.t0,
               count: [...el.querySelectorAll('audio')].filter(a => !a.dataset.benchOld).length});
    };
    const observer = new MutationObserver(check);
    observer.observe(el, {childList: true, subtree: true, attributes: false});
    for (const type of ['loadedmetadata', 'loadeddata', 'canplay', 'canplaythrough'])
      el.addEventListener(type, check, true);  // media events do not bubble; capture sees them
    // canplay may never come (preload=metadata): settle 3 s after metadata without it
    const timer = setTimeout(() => resolve({timeout: true}), 120000);
    const poll = setInterval(() => {
      if (s.meta !== null && s.canplay === null && performance.now() - s.meta > 3000) {
        clearInterval(poll); finish();
      }
    }, 100);
  });
}
'''


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(work, code_root=ROOT):
    """A copy of the notebooks (code_root's own, if it has them: the version being timed);
    02 cut after the studio cell, with the timing cell after it."""
    source = Path(code_root) / "notebooks"
    shutil.copytree(source if source.is_dir() else ROOT / "notebooks", work / "notebooks")
    path = work / "notebooks" / NOTEBOOK
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    at = next(i for i, c in enumerate(cells) if c["cell_type"] == "code"
              and "widgets.interact(" in "".join(c["source"]) and "def studio" in "".join(c["source"]))
    nb["cells"] = cells[:at + 1] + [{"cell_type": "code", "metadata": {}, "execution_count": None,
                                     "outputs": [], "source": INSTRUMENT.strip().splitlines(True)}]
    path.write_text(json.dumps(nb), encoding="utf-8")
    settings = work / "settings"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "apputils-extension/notification": {"fetchNews": "false"}}.items():
        p = settings / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(values))
    (work / "output").mkdir()
    return settings


def start_lab(work, settings, code_root=ROOT):
    port = _free_port()
    env = dict(os.environ, ARTLAB_SMOKE="1", ARTLAB_OUTPUT=str(work / "output"),
               JUPYTERLAB_SETTINGS_DIR=str(settings), PYTHONPATH=str(code_root))
    if Path(code_root) != ROOT:
        env["ARTLAB_ASSETS"] = str(ROOT / "assets")
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={TOKEN}",
               f"--ServerApp.root_dir={work}", f"--LabApp.workspaces_dir={work / 'workspaces'}"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    log = open(work / "lab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("JupyterLab did not start: " + (work / "lab.log").read_text()[-2000:])


def run_all(page, timeout_s=900):
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        if prompts and all(re.fullmatch(r"\[\d+\]:", p.strip()) for p in prompts):
            return len(prompts)
        time.sleep(1)
    raise SystemExit("The notebook did not finish running in time.")


def slider(page, label):
    return page.locator(".widget-slider").filter(
        has=page.locator(".widget-label", has_text=re.compile(rf"^\s*{label}\s*$"))).first


def timings(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def press(page, interact, handle, key, expect, log):
    """Press `key` on a slider handle; wait for `expect` new players. Returns (page, kernel)."""
    calls = len(timings(log))
    page.evaluate(ARM, [interact.element_handle(), expect])
    handle.focus()
    handle.press(key)
    result = page.evaluate("() => window.__bench.done")
    if result.get("timeout"):
        raise SystemExit(f"No {expect} new players within 120 s of pressing {key}.")
    deadline = time.monotonic() + 10
    while len(timings(log)) <= calls and time.monotonic() < deadline:
        time.sleep(0.05)
    rows = timings(log)[calls:]
    if len(rows) != 1:
        raise SystemExit(f"Expected one studio call per press, got {len(rows)}: {rows}")
    page.get_by_text(re.compile(r"\| Idle")).first.wait_for(timeout=60_000)
    return result, rows[0]


def set_variations(page, interact, want, log):
    handle = slider(page, "variations").locator(".noUi-handle").first
    for _ in range(8):
        now = int(slider(page, "variations").locator(".widget-readout").inner_text().strip())
        if now == want:
            return
        nxt = now + (1 if want > now else -1)
        press(page, interact, handle, "ArrowRight" if want > now else "ArrowLeft", nxt, log)
    raise SystemExit(f"Could not set variations to {want}.")


def breakdown(rows, page):
    """Per-repeat parts in seconds, each summed over the variations. Where the players are made
    several at once (gallery._players), synthesis and wav_encode are thread time and
    players_critical_path is the wall time they took. widget_update_and_transport = the whole
    time less the kernel's studio call (the press reaching the kernel, plus the new output
    reaching the page and the players loading there)."""
    out = []
    for r, p in zip(rows, page):
        g = lambda k: r.get(k, 0.0)  # noqa: E731
        total = p["meta"] / 1000
        part = {
            "total_to_metadata": total,
            "total_to_canplay": None if p["canplay"] is None else p["canplay"] / 1000,
            "players_in_page": p["appear"] / 1000,
            "kernel_studio_call": g("studio"),
            # variations() may call generate() itself (one variation, or beam search)
            "generation": g("variations") if "variations" in r else g("generate"),
            "synthesis": g("synthesize"),
            "wav_encode": g("play") - g("synthesize") + g("audio_html"),
            "piano_roll_draw": g("piano_roll"),
            "png_encode": g("png"),
            "figure_setup": g("subplots"),
            "players_critical_path": (g("players") if "players" in r else g("play"))
                                     + g("audio_html"),
            # show() less drawing, encoding and making its player: display() itself
            "show_rest": g("show") - g("piano_roll") - g("png") - g("audio_html")
                         - (0.0 if "players" in r else g("play")),
            "other_kernel": g("studio") - (g("variations") if "variations" in r else g("generate"))
                            - g("show") - g("subplots")
                            - g("players"),
            "press_to_kernel": r["start_epoch"] - p["epoch0"] / 1000,
            "kernel_to_players_ready": p["metaEpoch"] / 1000 - r["end_epoch"],
        }
        part["piano_roll"] = part["piano_roll_draw"] + part["png_encode"] + part["figure_setup"]
        part["widget_update_and_transport"] = total - g("studio")
        out.append(part)
    return out


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 4) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--variations", default="1,4")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--label", default="", help="a note stored with each line (e.g. before/after)")
    parser.add_argument("--code-root", default=str(ROOT),
                        help="folder whose artlab/ the kernel imports (to time another version)")
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"No chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench_studio_"))
    server = None
    lines = []
    try:
        settings = prepare(work, args.code_root)
        server, url = start_lab(work, settings, Path(args.code_root))
        log = work / "output" / "studio_timings.jsonl"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab/tree/notebooks/{NOTEBOOK}?reset&token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-CodeCell", state="attached", timeout=120_000)
            page.get_by_text(re.compile(r"\| Idle")).first.wait_for(timeout=180_000)
            run_all(page)
            page.get_by_text("studio timing on").first.wait_for(timeout=60_000)
            temperature = slider(page, "temperature")
            interact = page.locator(".widget-interact").filter(has=temperature).first
            temperature.scroll_into_view_if_needed()
            handle = temperature.locator(".noUi-handle").first
            for n in [int(x) for x in args.variations.split(",")]:
                set_variations(page, interact, n, log)
                temperature.scroll_into_view_if_needed()
                load_start = os.getloadavg()
                press(page, interact, handle, "ArrowRight", n, log)  # warm-up, not counted
                pages, rows = [], []
                for i in range(args.repeats):
                    time.sleep(0.5)
                    p, r = press(page, interact, handle, "ArrowLeft" if i % 2 == 0 else "ArrowRight",
                                 n, log)
                    pages.append(p)
                    rows.append(r)
                load = os.getloadavg()
                parts = breakdown(rows, pages)
                name = f"studio_slider_to_players_{n}_variation{'s' if n > 1 else ''}"
                common = {"repeats": args.repeats, "variations": n,
                          "load_average_1_5_15": [round(x, 2) for x in load],
                          "load_average_at_start": [round(x, 2) for x in load_start],
                          "cores": os.cpu_count(), "label": args.label,
                          "code_root": args.code_root}
                head = {"figure": name, "value": median(p["total_to_metadata"] for p in parts),
                        "unit": "s", "target": TARGETS.get(n), **common,
                        "end": "every new <audio> has readyState >= 1",
                        "samples": [round(p["total_to_metadata"], 3) for p in parts],
                        "to_canplay": median(p["total_to_canplay"] for p in parts)}
                lines.append(head)
                for key in ["kernel_studio_call", "generation", "synthesis", "wav_encode",
                            "players_critical_path",
                            "piano_roll", "piano_roll_draw", "png_encode", "figure_setup",
                            "show_rest", "other_kernel", "widget_update_and_transport",
                            "press_to_kernel", "kernel_to_players_ready", "players_in_page"]:
                    lines.append({"figure": f"{name}.{key}", "value": median(p[key] for p in parts),
                                  "unit": "s", "target": None, **common,
                                  "samples": [round(p[key], 3) for p in parts]})
                for line in lines[-16:]:
                    print(json.dumps(line), flush=True)
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print("kept", work, file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS, "a") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
