"""A course error (ArtlabError) in a notebook: the artist sees one sentence, and a notebook test
fails on it (ARTLAB_STRICT=1, set for every test run in ../conftest.py)."""
import subprocess
import sys

import nbformat

from notebook_runs import run

SETUP = "from artlab import env\nenv.setup()"
BAD_PRIMER = "from artlab import music\nmusic.primer('yankee doodle')"
SENTENCE = "'yankee doodle' is not a primer I know"


def notebook(*cells):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def nbval(nb, folder):
    path = folder / "check.ipynb"
    nbformat.write(nb, path)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax",
                           str(path)], capture_output=True, text=True, timeout=600, cwd=folder)


def test_nbval_fails_a_notebook_whose_cell_raises_a_course_error(tmp_path):
    failed = nbval(notebook(SETUP, BAD_PRIMER), tmp_path)
    assert failed.returncode == 1 and "1 failed" in failed.stdout, failed.stdout[-3000:]
    assert SENTENCE in failed.stdout
    passed = nbval(notebook(SETUP, "from artlab import music\nmusic.primer('twinkle')"), tmp_path)
    assert passed.returncode == 0, passed.stdout[-3000:]


def error_cell(executed):
    return executed.cells[1].outputs


def test_the_failing_cell_shows_one_sentence_under_tests():
    outputs = error_cell(run(notebook(SETUP, BAD_PRIMER), allow_errors=True))
    assert [o.output_type for o in outputs] == ["error"]
    assert outputs[0].ename == "ArtlabError" and len(outputs[0].traceback) == 1
    assert outputs[0].traceback[0].startswith(f"⚠ {SENTENCE}")


def test_an_artist_sees_one_sentence_and_no_traceback(monkeypatch):
    monkeypatch.delenv("ARTLAB_STRICT")  # the kernel starts as it does on Colab
    outputs = error_cell(run(notebook(SETUP, BAD_PRIMER), allow_errors=True))
    assert [(o.output_type, o.get("name")) for o in outputs] == [("stream", "stderr")]
    assert outputs[0].text.startswith(f"⚠ {SENTENCE}") and outputs[0].text.count("\n") == 1


def test_a_course_error_in_a_slider_callback_fails_the_notebook_test_too(tmp_path):
    callback = ("import ipywidgets as widgets\nfrom artlab import music\n"
                "widgets.interact(lambda name='yankee doodle': music.primer(name), name='yankee doodle');")
    failed = nbval(notebook(SETUP, callback), tmp_path)
    assert failed.returncode == 1 and SENTENCE in failed.stdout, failed.stdout[-3000:]
