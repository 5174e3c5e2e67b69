#!/usr/bin/env bash
# `make test-colab`: rehearse Colab's first run of every notebook on Colab's Python (3.13).
#
# Builds once (cached) a Debian 13 root with debootstrap: Python 3.13 from Debian, this machine's
# pip configuration and CA certificates (so pip reaches the same index), and a venv /opt/colab
# holding what Colab preinstalls (scripts/colab_runtime.txt) but no FluidSynth and none of
# Magenta's pieces. Then, for each notebook, in a fresh copy-on-write layer over that root (a new
# "runtime"): /content is empty, github.com/<the course> is a local bare repository holding this
# working tree, the notebook's own set-up cell clones it, apt-installs FluidSynth and
# pip-installs the rest, and every code cell runs in smoke mode. Any failing cell fails the run.
#
#   bash scripts/test_colab.sh [NOTEBOOK...]    as root; default: every notebook
#   ARTLAB_COLAB_ROOT=/path   where the cached root lives (default /var/cache/artlab/colab-trixie)
#   ARTLAB_COLAB_REBUILD=1    build the root again from scratch
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${ARTLAB_COLAB_ROOT:-/var/cache/artlab/colab-trixie}
base=$cache/base
runs=$cache/runs
source "$repo/scripts/chroot_lib.sh"
slug=$(cd "$repo" && python3 -c "import artlab; print(artlab.REPO_SLUG)")
version=$(cd "$repo" && python3 -c "import artlab; print(artlab.__version__)")
# The base root is rebuilt when what goes into it changes: bump the recipe number when
# build_base or make_root changes.
stamp=$( (echo "recipe 2 ${ARTLAB_DEBIAN_MIRROR:-}"; cat "$repo/scripts/colab_runtime.txt") |
  sha256sum | cut -c1-16)
unmount_all  # left over from a run that was killed with -9

build_base() {
  local started=$SECONDS partial=$cache/base.partial
  safe_rm "$partial"
  mkdir -p "$cache"
  echo "Building the Debian 13 root in $partial (debootstrap and Colab's packages, minutes)..."
  make_root trixie "$partial" python3,python3-venv,git,ca-certificates
  # Colab's package lists are present (apt-get install works without an update); FluidSynth is not.
  if in_root "$partial" sh -c 'ldconfig -p | grep -q libfluidsynth'; then
    echo "FluidSynth is in the base root: the set-up cell's apt step would not run"; exit 1
  fi
  # Colab's preinstalled Python packages, and a stand-in google.colab module.
  cp "$repo/scripts/colab_runtime.txt" "$partial/tmp/colab_runtime.txt"
  in_root "$partial" /usr/bin/python3 -m venv /opt/colab
  in_root "$partial" /opt/colab/bin/python -m pip install -q -r /tmp/colab_runtime.txt
  local site
  site=$(in_root "$partial" /opt/colab/bin/python -c "import site; print(site.getsitepackages()[0])")
  mkdir -p "$partial$site/google/colab"
  echo "# stand-in for Colab's own module: artlab.env.on_colab() looks for it" \
    > "$partial$site/google/colab/__init__.py"
  in_root "$partial" /opt/colab/bin/python -m pip freeze > "$cache/colab-freeze.txt"
  echo "$stamp" > "$partial/.artlab-stamp"
  mv "$partial" "$base"
  echo "Root built in $(( SECONDS - started )) s: $base (pip freeze in $cache/colab-freeze.txt)"
}

if [ "${ARTLAB_COLAB_REBUILD:-0}" = 1 ] || [ "$(cat "$base/.artlab-stamp" 2>/dev/null)" != "$stamp" ]; then
  safe_rm "$base"
  build_base
else
  echo "Using the cached Debian 13 root: $base (ARTLAB_COLAB_REBUILD=1 builds it again)"
fi
python_version=$(chroot "$base" /opt/colab/bin/python -c "import sys; print(sys.version.split()[0])")

# --- GitHub, played by a bare repository holding this working tree ------------------------------
commit=$(snapshot_commit)  # the working tree as it is, uncommitted changes included
bare=/srv/github/$slug.git
safe_rm "$base/srv/github"
git init -q --bare "$base$bare"
# The notebooks clone tag v<version>: the tag points at this tree, main at it too.
(cd "$repo" && git push -q "$base$bare" "$commit:refs/heads/main" "$commit:refs/tags/v$version")
printf '[url "file://%s"]\n\tinsteadOf = https://github.com/%s\n' "$bare" "$slug" > "$base/root/.gitconfig"
mkdir -p "$base/srv/rehearsal"
cp "$repo/scripts/colab_notebook_run.py" "$base/srv/rehearsal/"

# --- each notebook in a fresh runtime ------------------------------------------------------------
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=("$repo"/notebooks/[0-9][0-9]_*.ipynb)
echo "Rehearsing ${#notebooks[@]} notebook(s) on Python $python_version, course v$version (${commit:0:10})"
summary=()
status=0
lacking=02_melody_rnn  # the notebook whose runtime lacks audioop and distutils (it imports both)
for notebook in "${notebooks[@]}"; do
  name=$(basename "$notebook" .ipynb)
  run=$runs/$name
  safe_rm "$run"
  mkdir -p "$run/upper" "$run/work" "$run/root"
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$run/root"
  cp "$notebook" "$run/root/srv/rehearsal/notebook.ipynb"
  echo "== $name"
  expect_modules=""
  if [ "$name" = "$lacking" ]; then
    # This runtime lacks audioop and distutils (Colab's TensorFlow and librosa bring them today,
    # by luck): the set-up cell must install both, and they must import in the same session.
    in_root "$run/root" /opt/colab/bin/python -m pip uninstall -q -y setuptools audioop-lts
    echo "(this runtime has no audioop and no distutils: setuptools and audioop-lts removed)"
    expect_modules="audioop distutils.version"
  fi
  code=0
  in_root "$run/root" /usr/bin/env ARTLAB_SMOKE=1 MPLBACKEND=Agg EXPECT_COMMIT="$commit" \
    EXPECT_MODULES="$expect_modules" EXPECT_FLUIDSYNTH=1 \
    sh -c 'mkdir -p /content && cd /content &&
           exec /opt/colab/bin/python /srv/rehearsal/colab_notebook_run.py /srv/rehearsal/notebook.ipynb' \
    > "$run/log.txt" 2>&1 || code=$?
  if [ $code -ge 128 ]; then echo "interrupted (exit $code)"; exit $code; fi
  if [ $code = 0 ]; then
    grep -E "^(Ready|This notebook|set-up cell|cloned|FluidSynth:|import |every one)" "$run/log.txt" || true
    summary+=("$name: $(grep -m1 '^set-up cell:' "$run/log.txt" || echo 'set-up time missing')")
  else
    status=1
    tail -40 "$run/log.txt"
    summary+=("$name: FAILED (whole log: $run/log.txt)")
  fi
  umount "$run/root"
  safe_rm "$run/upper"
  safe_rm "$run/work"
done
echo "== Colab rehearsal on Python $python_version (cached root: $base)"
printf '%s\n' "${summary[@]}"
if [ $status = 0 ]; then echo "Every cell of every notebook ran."; else echo "make test-colab FAILED"; fi
exit $status
