"""Run a notebook in a real kernel (nbclient), optionally with cells added after a given cell,
for the tests of branches that nbval's plain run never takes (uploads, a fresh writer)."""
import copy
import json
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def load(name):
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


def with_cell_after(nb, marker, source):
    """A copy of `nb` with a code cell `source` added right after the first code cell that
    contains `marker` (as an artist would act there, e.g. by choosing a file to upload)."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and marker in cell.source:
            nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
            return nb
    raise AssertionError(f"no code cell contains {marker!r}: the notebook changed, update the test")


def upload_cell(widget, files):
    """Code that puts `files` ({name: path}) into a FileUpload box, as ipywidgets 8 holds them."""
    items = ", ".join(
        f'{{"name": {json.dumps(name)}, "type": "", "size": len(_data[{i}]), '
        f'"last_modified": _now, "content": memoryview(_data[{i}])}}'
        for i, name in enumerate(files))
    reads = ", ".join(f"open({json.dumps(str(path))}, 'rb').read()" for path in files.values())
    return (f"import datetime\n_now = datetime.datetime.now(datetime.timezone.utc)\n"
            f"_data = [{reads}]\n{widget}.value = ({items},)")


def click_cell(description):
    """Code that clicks the last button made with this description (as an artist would)."""
    return ("import ipywidgets as _widgets\nfrom ipywidgets.widgets.widget import _instances\n"
            f"_found = [w for w in list(_instances.values()) if isinstance(w, _widgets.Button) "
            f"and w.description == {json.dumps(description)}]\n"
            f"assert _found, {json.dumps('no button ' + description)}\n_found[-1].click()")


def run(nb, timeout=900, allow_errors=False):
    """Execute every cell in a fresh kernel (the environment of this test process). Returns
    the executed notebook, with each Output widget's outputs (slider results) in
    nb.metadata["widget_outputs"]; raises on a failing cell or an error inside a widget."""
    from nbclient import NotebookClient
    from nbclient.output_widget import OutputWidget

    class QuietOutputWidget(OutputWidget):
        # nbclient, playing the frontend, sends a widget's whole output list back to the kernel
        # after every output; with a melody's WAV inside (notebook 02's studio) that turns one
        # second into minutes. The kernel never needs it, so it is not sent.
        def sync_state(self):
            pass

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.widget_registry = {"@jupyter-widgets/output": {"OutputModel": QuietOutputWidget}}
    executed = client.execute()
    outputs = [o for state in client.widget_state.values() for o in state.get("outputs", [])]
    executed.metadata["widget_outputs"] = outputs
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if errors and not allow_errors:
        raise AssertionError("an error inside a widget:\n" + "\n".join(errors[0]["traceback"]))
    return executed


def text_of(nb):
    """Everything the cells and their widgets printed or showed as text."""
    parts = []
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    for output in outputs + list(nb.metadata.get("widget_outputs", [])):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] == "error":
            parts.append("\n".join(output["traceback"]))
        elif "text/plain" in output.get("data", {}):
            parts.append(output["data"]["text/plain"])
    return "\n".join(parts)
