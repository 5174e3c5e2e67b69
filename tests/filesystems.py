"""Real folders that refuse writes, for the saving tests: read-only and full.

As root (CI), they are small tmpfs mounts (root ignores file permissions, and a real full disk
is what a full tmpfs is); otherwise a folder without write permission, and a file-size limit
(RLIMIT_FSIZE, what `ulimit -f` sets) for the process that writes."""
import contextlib
import os
import subprocess

ROOT = os.geteuid() == 0


@contextlib.contextmanager
def _tmpfs(folder, options):
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "artlab-test", str(folder)], check=True)
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)]).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)])


@contextlib.contextmanager
def read_only_folder(folder):
    """A folder nothing can be written in."""
    if ROOT:
        with _tmpfs(folder, "ro,size=64k") as mounted:
            yield mounted
        return
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


@contextlib.contextmanager
def full_folder(folder, room=96 * 1024):
    """A folder on a disk with only `room` bytes free. Without root, returns the folder and a
    preexec_fn for subprocess.run that limits the size of any file it writes to `room`."""
    if ROOT:
        with _tmpfs(folder, f"size={room}") as mounted:
            yield mounted, None
        return
    import resource
    folder.mkdir(parents=True, exist_ok=True)
    yield folder, lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))


def everything_in(folder):
    """Every name in `folder`, hidden ones included (leftovers show up here)."""
    return sorted(p.name for p in folder.iterdir())
