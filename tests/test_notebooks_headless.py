"""Every notebook run to the end by the stock `jupyter nbconvert --execute` (smoke mode), as an
instructor checks the course before a workshop: every cell runs, nothing fails (in a cell or
inside a widget), no cell waits for a stuck message, and the saved notebook stays small
because its players are MP3.

With WAV players (1.5 MB each) in its Output widgets, stock nbconvert left notebook 02 idle
between two cells until the cell timeout ran out (600 s at a 600 s timeout, 120 s at 120 s),
then went on with no error: hence the check of the gaps between cells. The cause, in nbclient
(jupyter/nbclient#312), and our way round it are in tests/nbclient_wakeup.py: every run here
uses it, so a gap now means a stuck message of ours."""
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CELL_TIMEOUT_S = 120  # the slowest cell takes 20 s in smoke mode (2 cores); also what a stall costs
STUCK_S = 60  # the kernel idle this long between two cells: a message never arrived
# Measured without download links: 1.1 MB (01), 2.0 MB (02: its studio's players), 0.3 MB (03).
MAX_BYTES_BESIDES_DOWNLOADS = 3_000_000
DOWNLOAD = re.compile(r'<a download=\\"[^"\\]*\\" href=\\"data:[^;]+;base64,[A-Za-z0-9+/=]+')
PLAYER = re.compile(r'<source src=\\"data:([^;]+);base64,')


def widget_outputs(nb):
    """What the notebook's Output widgets (slider results) show, from the saved widget state."""
    states = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return [o for model in states.get("state", {}).values()
            for o in model.get("state", {}).get("outputs", [])]


@pytest.fixture
def output(tmp_path):
    """The kernel saves here; the course's own output/ must not change."""
    listing = lambda: sorted((ROOT / "output").rglob("*")) if (ROOT / "output").exists() else []
    before = listing()
    yield tmp_path / "made"
    assert listing() == before, "a notebook run wrote into the course's own output/"


def nbconvert(path, output, tmp_path, timeout=CELL_TIMEOUT_S):
    """Run `jupyter nbconvert --execute` on `path` in its folder, smoke mode, saving to `output`.
    Returns the finished process and the executed notebook's text (None if none was written)."""
    environment = dict(os.environ, ARTLAB_SMOKE="1", ARTLAB_STRICT="1", ARTLAB_OUTPUT=str(output),
                       PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         f"--ExecutePreprocessor.timeout={timeout}", "--output-dir", str(tmp_path / "ran"),
         "--AsyncKernelManager.client_class=nbclient_wakeup.KernelClient",
         path.name], cwd=path.parent, env=environment, capture_output=True, text=True)
    executed = tmp_path / "ran" / path.name
    return done, executed.read_text() if executed.exists() else None


def idle_gaps(nb):
    """Seconds the kernel sat idle between one cell and the next (nbclient's timestamps)."""
    times = [c["metadata"]["execution"] for c in nb["cells"] if c["metadata"].get("execution")]
    return [(datetime.fromisoformat(b["iopub.status.busy"]) -
             datetime.fromisoformat(a["iopub.status.idle"])).total_seconds()
            for a, b in zip(times, times[1:])]


def errors_in(nb):
    """Error outputs, of cells and of Output widgets."""
    outputs = [o for cell in nb["cells"] for o in cell.get("outputs", [])] + widget_outputs(nb)
    return [o for o in outputs if o["output_type"] == "error"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbconvert_runs_the_notebook_to_the_end(path, output, tmp_path):
    done, text = nbconvert(path, output, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    nb = json.loads(text)
    assert all(cell["execution_count"] for cell in nb["cells"] if cell["cell_type"] == "code")
    assert widget_outputs(nb), "no widget state saved: an error inside a slider would go unseen"
    errors = errors_in(nb)
    assert not errors, "\n".join(errors[0]["traceback"]) if errors else ""
    assert set(PLAYER.findall(text)) <= {"audio/mpeg"}, "a player embeds WAV, not MP3"
    downloads = sum(len(link) for link in DOWNLOAD.findall(text))  # full-quality files, on purpose
    assert len(text.encode()) - downloads <= MAX_BYTES_BESIDES_DOWNLOADS
    idle = max(idle_gaps(nb), default=0)
    assert idle < STUCK_S, f"idle {idle:.0f} s between cells"


def test_a_slider_that_shows_much_does_not_leave_nbconvert_waiting(output, tmp_path):
    """Several big outputs in a slider's Output widget: stock nbclient answers each with a message
    that can swallow the kernel's reply, and sat out the whole cell timeout (30 s of 33, every
    time, 2026-11-27); with nbclient_wakeup, 4 s in all."""
    import nbformat
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": ""}})
    nb.cells = [nbformat.v4.new_code_cell(
        "import os, ipywidgets as widgets\nfrom IPython.display import HTML, display\n"
        "blob = os.urandom(500_000).hex()\n"
        "def show(x=1):\n    for i in range(8):\n        display(HTML(f'<!--{i}{blob}-->'))\n"
        "widgets.interact(show, x=(0, 2));"), nbformat.v4.new_code_cell("print('next')")]
    path = tmp_path / "much.ipynb"
    nbformat.write(nb, path)
    done, text = nbconvert(path, output, tmp_path, timeout=30)
    assert done.returncode == 0, done.stderr[-3000:]
    assert max(idle_gaps(json.loads(text))) < 10


def test_an_error_inside_a_slider_is_seen(output, tmp_path):
    import nbformat
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": ""}})
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets as widgets\n"
                                          "widgets.interact(lambda x: 1 / 0, x=(0, 2))")]
    path = tmp_path / "slider.ipynb"
    nbformat.write(nb, path)
    done, text = nbconvert(path, output, tmp_path)
    assert done.returncode == 0  # nbconvert itself does not see it
    assert [e["ename"] for e in errors_in(json.loads(text))] == ["ZeroDivisionError"]
