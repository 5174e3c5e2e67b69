"""The pieces `make test-colab` is made of, checked without a Debian root: the notebook runner
fails on a failing cell (even one the course shows as a sentence), and the pip settings copied
into the root lose only this machine's local folders."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import colab_pip_config  # noqa: E402

RUNNER = ROOT / "scripts" / "colab_notebook_run.py"


def _notebook(tmp_path, *cells):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": c} for c in cells]}))
    return path


def _run(path):
    return subprocess.run([sys.executable, str(RUNNER), str(path)], capture_output=True,
                          text=True, timeout=120, cwd=path.parent)


def test_the_runner_runs_every_cell_and_times_the_set_up(tmp_path):
    done = _run(_notebook(tmp_path, "x = 1", "print('second', x + 1)"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "set-up cell: " in done.stdout and "second 2" in done.stdout
    assert "every one of 2 code cells ran" in done.stdout


def test_the_runner_fails_on_the_cell_that_fails(tmp_path):
    done = _run(_notebook(tmp_path, "x = 1", "raise ValueError('planted')", "print('never')"))
    assert done.returncode == 1
    assert "CELL 2 FAILED" in done.stdout and "planted" in done.stdout
    assert "never" not in done.stdout


def test_a_course_sentence_still_fails_the_run(tmp_path):
    setup = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
             "from artlab import env, ArtlabError; env.show_errors_as_sentences()")
    done = _run(_notebook(tmp_path, setup, "raise ArtlabError('Your file is empty.')"))
    assert done.returncode == 1 and "CELL 2 FAILED" in done.stdout
    assert "ArtlabError: Your file is empty." in done.stdout


def test_local_pip_locations_are_dropped_and_the_rest_kept(tmp_path):
    (tmp_path / "opt" / "here").mkdir(parents=True)
    conf = tmp_path / "etc" / "pip.conf"
    conf.parent.mkdir()
    conf.write_text("[global]\nfind-links = /opt/wheels\n"
                    "extra-index-url = file:///opt/pypi/simple https://example.org/simple "
                    "file:///opt/here\ncert = /etc/ssl/certs/ca-certificates.crt\n")
    variables = tmp_path / "etc" / "vars.env"
    variables.write_text("PIP_FIND_LINKS=/opt/wheels\nPIP_DEFAULT_TIMEOUT=180\n")
    colab_pip_config.main(tmp_path, "/etc/pip.conf", "/etc/vars.env", "/etc/absent.conf")
    assert conf.read_text() == ("[global]\nextra-index-url = https://example.org/simple "
                                "file:///opt/here\ncert = /etc/ssl/certs/ca-certificates.crt\n")
    assert variables.read_text() == "PIP_DEFAULT_TIMEOUT=180\n"
