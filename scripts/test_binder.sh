#!/usr/bin/env bash
# `make test-binder`: prove binder/ (repo2docker's conventions, as mybinder.org and a school's
# JupyterHub build it) in a clean Debian 12 root, whose Python 3.11 is binder/runtime.txt's:
# apt.txt's packages, requirements.txt into a fresh environment, postBuild, then every notebook
# in smoke mode and `python -m artlab doctor`. Docker is not needed; repo2docker's own base image
# (Ubuntu, conda's Python) is played by Debian's Python in a venv.
#   bash scripts/test_binder.sh       as root; root cached under $ARTLAB_BINDER_ROOT
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${ARTLAB_BINDER_ROOT:-/var/cache/artlab/binder-bookworm}
base=$cache/base
source "$repo/scripts/chroot_lib.sh"
stamp="recipe 1 ${ARTLAB_DEBIAN_MIRROR:-}"
unmount_all

if [ "$(cat "$base/.artlab-stamp" 2>/dev/null)" != "$stamp" ]; then
  safe_rm "$base" && safe_rm "$base.partial"
  mkdir -p "$cache"
  echo "Building a clean Debian 12 root in $base (debootstrap)..."
  make_root bookworm "$base.partial" python3,python3-venv,git,ca-certificates
  echo "$stamp" > "$base.partial/.artlab-stamp"
  mv "$base.partial" "$base"
fi
wanted=$(sed -n 's/^python-//p' "$repo/binder/runtime.txt")
have=$(chroot "$base" python3 -c "import sys; print('%d.%d' % sys.version_info[:2])")
[ "$have" = "$wanted" ] || { echo "binder/runtime.txt asks for Python $wanted; this root has $have"; exit 1; }

# A fresh layer: the course as repo2docker checks it out (the working tree, as committed).
run=$cache/run
safe_rm "$run"
mkdir -p "$run/upper" "$run/work" "$run/root"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$run/root"
commit=$(snapshot_commit)
mkdir -p "$run/root/home/jovyan/course"
(cd "$repo" && git archive "$commit") | tar -x -C "$run/root/home/jovyan/course"
cp "$repo/scripts/colab_notebook_run.py" "$run/root/tmp/"

step() {  # step NAME COMMAND: run it in the root's course folder, timed
  local name=$1 started=$SECONDS; shift
  echo "== $name"
  in_root "$run/root" /usr/bin/env PATH=/srv/notebook/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    sh -c "cd /home/jovyan/course && $*" > "$run/step.log" 2>&1 ||
    { tail -40 "$run/step.log"; echo "make test-binder FAILED at: $name"; exit 1; }
  grep -v -E "^(WARNING|\s*$)" "$run/step.log" | tail -8 || true
  echo "   ($(( SECONDS - started )) s)"
}
started=$SECONDS
step "apt.txt" 'apt-get install -y -qq --no-install-recommends $(grep -v "^#" binder/apt.txt)'
step "Python $wanted environment" 'python3 -m venv /srv/notebook'
step "requirements.txt" 'pip install -q --no-cache-dir -r binder/requirements.txt'
step "postBuild" 'bash binder/postBuild'
build=$(( SECONDS - started ))
for notebook in "$repo"/notebooks/[0-9][0-9]_*.ipynb; do
  step "$(basename "$notebook")" "ARTLAB_SMOKE=1 MPLBACKEND=Agg EXPECT_FLUIDSYNTH=1 python /tmp/colab_notebook_run.py notebooks/$(basename "$notebook")"
done
step "artlab doctor" 'python -m artlab doctor'
umount "$run/root"
safe_rm "$run"
echo "binder/ built in $build s in a clean Debian 12 root (Python $have); every notebook ran and the doctor says ready."
