"""Run every code cell of one notebook the way Colab's kernel would, and fail on the first
cell that fails. Used by scripts/test_colab.sh inside its Debian 13 root (Colab's Python);
works anywhere IPython is installed.

    python scripts/colab_notebook_run.py NOTEBOOK.ipynb

Cells run in one IPython shell (so `get_ipython()`, display and the course's error sentences
behave as in a notebook). An error counts even when the course shows it as one sentence.
Prints the set-up cell's time, then runs the set-up cell again (it must be quick and quiet).
Set EXPECT_COMMIT to check that the set-up cell cloned that commit into /content,
EXPECT_FLUIDSYNTH=1 to check that FluidSynth is installed after it, and EXPECT_MODULES (say "audioop distutils.version") to check that they import after the set-up cell.
"""
import json
import os
import subprocess
import sys
import time

from IPython.core.interactiveshell import InteractiveShell

CHECKOUT = "/content/ml-for-artists"


def code_cells(path):
    with open(path, encoding="utf-8") as stream:
        cells = json.load(stream)["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]


def run_cell(shell, number, source):
    """Run one cell; exit 1 with the cell's first lines if it fails. Returns its seconds."""
    started = time.perf_counter()
    result = shell.run_cell(source, store_history=True)
    seconds = time.perf_counter() - started
    sys.stdout.flush()
    problem = result.error_before_exec or result.error_in_exec
    if isinstance(problem, KeyboardInterrupt):
        sys.exit(130)  # Ctrl-C: the whole rehearsal stops, not just this notebook
    if problem is not None:
        first = "\n    ".join(source.strip().splitlines()[:3])
        print(f"\nCELL {number} FAILED after {seconds:.1f} s: {type(problem).__name__}: {problem}\n"
              f"    {first}", flush=True)
        sys.exit(1)
    return seconds


def check_first_run():
    """The set-up cell's first-run steps really ran: the clone and FluidSynth's install."""
    wanted = os.environ.get("EXPECT_COMMIT")
    if wanted:
        have = subprocess.run(["git", "-C", CHECKOUT, "rev-parse", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        if have != wanted:
            print(f"The set-up cell's clone is at {have or 'nothing'}, not {wanted}", flush=True)
            sys.exit(1)
        print(f"cloned: {CHECKOUT} at the notebook's version ({wanted[:10]})")
    if os.environ.get("EXPECT_FLUIDSYNTH") != "1":
        return
    libraries = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    if "libfluidsynth" not in libraries:
        print("FluidSynth is not installed after the set-up cell", flush=True)
        sys.exit(1)
    print("FluidSynth: installed")


def check_modules(shell):
    """Modules the set-up cell had to bring back import in the notebook's own process."""
    for module in os.environ.get("EXPECT_MODULES", "").split():
        run_cell(shell, 1, f"import {module}")
        print(f"import {module}: fine after the set-up cell")


def main(path):
    import matplotlib
    matplotlib.use("Agg")
    shell = InteractiveShell.instance(colors="nocolor")  # plain tracebacks in the log
    cells = code_cells(path)
    setup = run_cell(shell, 1, cells[0])
    print(f"set-up cell: {setup:.1f} s (first run)", flush=True)
    check_first_run()
    check_modules(shell)
    total = setup
    for number, source in enumerate(cells[1:], start=2):
        total += run_cell(shell, number, source)
        shell.run_cell("import matplotlib.pyplot as _plt; _plt.close('all')")
    again = run_cell(shell, 1, cells[0])
    print(f"set-up cell again: {again:.1f} s")
    print(f"every one of {len(cells)} code cells ran in {total:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1])
