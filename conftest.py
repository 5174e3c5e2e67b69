"""Settings every test run shares, the notebooks' nbval runs included (their kernels inherit
this environment): a course error fails a notebook's test instead of passing as a sentence,
and what the notebooks save goes to a temporary folder, never the course's own output/."""
import os
import shutil
import tempfile

os.environ.setdefault("ARTLAB_SMOKE", "1")  # `make test-full` sets 0: the notebooks' real settings
os.environ["ARTLAB_STRICT"] = "1"
TEST_OUTPUT = tempfile.mkdtemp(prefix="artlab-test-output-")
os.environ["ARTLAB_OUTPUT"] = TEST_OUTPUT


def pytest_unconfigure(config):
    shutil.rmtree(TEST_OUTPUT, ignore_errors=True)
