# Shared by scripts/test_colab.sh and scripts/test_binder.sh (source it after setting $cache):
# Debian roots made with debootstrap, entered with chroot, mounts always cleaned up.
# Nothing of the host is bind-mounted in: a root gets its own proc and its own tmpfs /dev/shm
# (debootstrap made its /dev nodes), and no root is deleted while anything is mounted in it.

[ "$(id -u)" = 0 ] || { echo "This needs root (debootstrap, chroot, mount)"; exit 2; }
if ! command -v debootstrap >/dev/null && command -v apt-get >/dev/null; then
  echo "Installing debootstrap..."
  apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq debootstrap >/dev/null 2>&1; } || true
fi
for tool in debootstrap chroot findmnt mountpoint; do
  command -v $tool >/dev/null || { echo "This needs $tool: apt-get install debootstrap"; exit 2; }
done

mounts_under() {  # mount points at or below $1, deepest first
  findmnt -rn -o TARGET | awk -v p="$1" '$0 == p || index($0, p "/") == 1' | sort -r
}

unmount_all() {  # everything mounted under $cache
  local target
  for target in $(mounts_under "$cache"); do
    umount "$target" 2>/dev/null || umount -l "$target" || true
  done
}

safe_rm() {  # rm -rf that refuses while anything is mounted inside
  unmount_all
  if [ -n "$(mounts_under "$1")" ]; then
    echo "Refusing to delete $1: still mounted there:"; mounts_under "$1"; exit 3
  fi
  rm -rf --one-file-system "$1"
}

_on_exit() {
  local code=$?
  unmount_all
  if [ -n "$(mounts_under "$cache")" ]; then
    echo "WARNING: could not unmount:"; mounts_under "$cache"
  fi
  exit $code
}
trap _on_exit EXIT
trap 'echo "interrupted"; exit 130' INT
trap 'echo "terminated"; exit 143' TERM

in_root() {  # in_root ROOT COMMAND...: run it with proc, a private /dev/shm, a clean environment
  local root=$1 code=0; shift
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  mkdir -p "$root/dev/shm"
  mountpoint -q "$root/dev/shm" || mount -t tmpfs -o size=2g tmpfs "$root/dev/shm"
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/opt/colab/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive $(cat "$root/etc/artlab-pip.env" 2>/dev/null) "$@" || code=$?
  umount "$root/dev/shm" "$root/proc"
  return $code
}

make_root() {  # make_root SUITE DIR PACKAGES: debootstrap, then reach the network as this machine does
  local suite=$1 dir=$2 packages=$3 mirror=${ARTLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  debootstrap --variant=minbase --include="$packages" "$suite" "$dir" "$mirror" \
    > "$dir.debootstrap.log" 2>&1 || { tail -20 "$dir.debootstrap.log"; exit 1; }
  unmount_all  # debootstrap mounts proc and sys in the target
  # This machine's resolver, CA bundle (its index may sit behind a proxy with its own CA),
  # apt settings, pip configuration files and PIP_* variables.
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/host-ca-bundle.crt"
  cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  cp /etc/apt/apt.conf.d/99* "$dir/etc/apt/apt.conf.d/" 2>/dev/null || true
  local conf inside
  for conf in /etc/pip.conf /etc/xdg/pip "$HOME/.config/pip" "$HOME/.pip"; do
    [ -e "$conf" ] || continue
    inside=$conf
    case $conf in "$HOME"/*) inside=/root/${conf#"$HOME"/} ;; esac
    mkdir -p "$dir$(dirname "$inside")" && cp -r "$conf" "$dir$inside"
  done
  { env | grep -E '^PIP_[A-Z_]+=' | grep -v '[[:space:]]' || true
    printf '%s=/etc/ssl/certs/host-ca-bundle.crt\n' SSL_CERT_FILE REQUESTS_CA_BUNDLE GIT_SSL_CAINFO
  } > "$dir/etc/artlab-pip.env"
  # This machine's local wheel folders and file:// indexes are not in the root (nor on Colab):
  # keep only the settings that reach the network.
  python3 "$repo/scripts/colab_pip_config.py" "$dir" /etc/pip.conf /etc/xdg/pip/pip.conf \
    /root/.config/pip/pip.conf /root/.pip/pip.conf /etc/artlab-pip.env
  in_root "$dir" apt-get update -qq
}

snapshot_commit() {  # a commit of $repo's working tree as it is (tracked and untracked files,
  # .gitignore respected), made with a separate index: the checkout's index and branches stay as they are
  local index tree
  index=$(mktemp) && cp "$repo/.git/index" "$index"
  tree=$(cd "$repo" && GIT_INDEX_FILE=$index git add -A && GIT_INDEX_FILE=$index git write-tree)
  rm -f "$index"
  (cd "$repo" && git -c user.name=rehearsal -c user.email=rehearsal@localhost \
    commit-tree "$tree" -p HEAD -m "rehearsal: the working tree")
}
