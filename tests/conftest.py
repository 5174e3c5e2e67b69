import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
# The environment (smoke mode, strict errors, a temporary output folder) is set in ../conftest.py.

from artlab import env  # noqa: E402

env.quiet_tensorflow()  # as the notebooks' set-up cell does: test order must not matter


@pytest.fixture(autouse=True)
def _output_folder(tmp_path, monkeypatch):
    """Nothing a test makes lands in the course's own output/."""
    monkeypatch.setenv("ARTLAB_OUTPUT", str(tmp_path / "output"))


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory):
    from bundles import make_tiny_bundle
    return make_tiny_bundle(tmp_path_factory.mktemp("bundles") / "tiny.mag")


@pytest.fixture(scope="session")
def midi_files(tmp_path_factory):
    from midi_files import write_all
    return write_all(tmp_path_factory.mktemp("midi"))
