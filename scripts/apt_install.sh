#!/usr/bin/env bash
# apt-get install PACKAGE...: quiet when it works; otherwise `apt-get update` and one more try,
# and if that fails too, apt's own messages are printed (not hidden) and the exit status is apt's.
set -u
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "$@" >"$log" 2>&1 && exit 0
echo "apt-get install $* failed; updating the package lists and trying again:"
tail -5 "$log"
apt-get update -qq >"$log" 2>&1 || { cat "$log"; }
apt-get install -y -qq "$@" >"$log" 2>&1 && exit 0
status=$?
echo "apt-get install $* failed again (exit $status); apt said:"
tail -30 "$log"
exit "$status"
