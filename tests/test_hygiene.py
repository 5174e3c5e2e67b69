import json
import subprocess
import sys
from pathlib import Path

import pytest

from artlab import REPO_URL

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _code(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_and_runnable(path):
    nb = json.loads(path.read_text())
    for cell in _code(nb):
        assert not cell.get("outputs") and not cell.get("execution_count"), \
            f"{path.name}: clear the outputs before committing"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    setup = _source(_code(nb)[0])
    assert "env.setup()" in setup and REPO_URL in setup, "first code cell must be the set-up"
    assert any("from artlab import" in _source(c) for c in _code(nb)[1:])
    assert "colab-badge.svg" in _source(nb["cells"][0])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_listed_in_colab_links(path):
    assert f"notebooks/{path.name}" in (ROOT / "colab_links.md").read_text()


def test_links_match_the_repo_constant():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_links.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_every_asset_has_provenance():
    from artlab import melody, writer
    bundles = sorted((ROOT / "assets").rglob("*.mag"))
    writer_zips = sorted((ROOT / "assets").rglob("*.zip"))
    assert ROOT / "assets" / melody.COURSE_BUNDLE in bundles  # none found checks nothing
    assert ROOT / "assets" / writer.COURSE_WRITER in writer_zips
    for bundle in bundles:
        provenance = json.loads(bundle.with_suffix(".json").read_text())
        assert provenance["command"].startswith("python scripts/")
        assert {"train", "eval"} <= set(provenance["metrics"])
    for writer_zip in writer_zips:
        provenance = json.loads(writer_zip.with_suffix(".json").read_text())
        assert provenance["command"].startswith("python scripts/")
        assert provenance["val_loss_held_out_plays"] > 0 and provenance["steps"] > 0
        assert writer_zip.stat().st_size <= 10 * 2**20  # the limit for the course writer


def test_asset_checksums_are_up_to_date():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_asset_checksums.py"),
                           "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
