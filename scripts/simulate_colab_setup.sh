#!/usr/bin/env bash
# Rehearse the notebooks' Colab set-up cell on this machine: a venv holding what Colab
# preinstalls (TF 2.20, tf-keras, tfp, ipywidgets 7.7.1, ...) but none of Magenta's pieces,
# a stand-in google.colab module, and /content/ml-for-artists pointing at this checkout
# (so no clone from GitHub is needed). Then each notebook's code cells run as a script, with
# ipywidgets 7.7.1 as on Colab (smoke mode, so training cells are short).
#   bash scripts/simulate_colab_setup.sh [NOTEBOOK...]   (default: all; needs root for /content)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${COLAB_SIM_VENV:-/tmp/colab-sim}
python3 -m venv "$venv"
"$venv/bin/pip" install -q "tensorflow==2.20.0" "tf_keras==2.20.1" "tensorflow-probability==0.25.0" \
  "numpy==2.1.3" "protobuf==5.29.5" scipy matplotlib "ipywidgets==7.7.1" "librosa==0.11.0" \
  pandas bokeh "music21==9.9.1" ipython
site=$("$venv/bin/python" -c "import site; print(site.getsitepackages()[0])")
mkdir -p "$site/google/colab" && echo "# stand-in for Colab" > "$site/google/colab/__init__.py"
mkdir -p /content && ln -sfn "$repo" /content/ml-for-artists
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=("$repo"/notebooks/[0-9][0-9]_*.ipynb)
for notebook in "${notebooks[@]}"; do
  echo "== $(basename "$notebook")"
  "$venv/bin/python" - "$notebook" > /tmp/colab-sim-notebook.py <<'PY'
import json, sys
cells = [c for c in json.load(open(sys.argv[1]))["cells"] if c["cell_type"] == "code"]
setup, rest = "".join(cells[0]["source"]), ["".join(c["source"]) for c in cells[1:]]
print("import time\nfrom IPython.display import display\n_t = time.time()\n" + setup
      + "\nprint(f'set-up cell: {time.time() - _t:.1f} s')")
print("_t = time.time()\n" + rest[0] + "\nprint(f'first cell after set-up: {time.time() - _t:.1f} s')")
print("\n".join(rest[1:]).replace("plt.show()", "plt.close('all')"))
print("_t = time.time()\n" + setup + "\nprint(f'set-up cell again: {time.time() - _t:.1f} s')")
PY
  (cd /tmp && ARTLAB_SMOKE=1 MPLBACKEND=Agg "$venv/bin/python" /tmp/colab-sim-notebook.py > /tmp/colab-sim.log 2>&1) ||
    { tail -30 /tmp/colab-sim.log; exit 1; }
  grep -E "^(Ready|set-up|first cell)" /tmp/colab-sim.log
  echo "ipywidgets $("$venv/bin/python" -c 'import ipywidgets; print(ipywidgets.__version__)'): every cell ran"
done
