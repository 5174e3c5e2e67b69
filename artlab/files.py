"""Saving what the artist made: folders checked before any work, whole files or none,
new numbered names that never replace an earlier file."""
import errno
import os
import re
import tempfile
from pathlib import Path

from artlab import ArtlabError
from artlab.i18n import _

_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}
_NOT_A_FOLDER = {errno.ENOTDIR, errno.EEXIST}
_UMASK = os.umask(0)
os.umask(_UMASK)


def why_not_saved(problem, folder):
    """One sentence for an OSError met while writing in `folder`."""
    if problem.errno in _NO_ROOM:
        return _("There is no room left to save in {folder}: free some disk space, or choose "
                 "another folder, and try again. Nothing was saved.").format(folder=folder)
    if problem.errno in _NOT_ALLOWED:
        return _("This computer does not let me write in {folder}: choose another folder (for "
                 "example one in your home folder). Nothing was saved.").format(folder=folder)
    if problem.errno in _NOT_A_FOLDER or isinstance(problem, (FileExistsError, NotADirectoryError)):
        return _("{folder} is a file, or lies under one, not a folder: choose a folder to save in. "
                 "Nothing was saved.").format(folder=folder)
    return _("I could not write in {folder} ({problem}). Nothing was saved.").format(
        folder=folder, problem=problem.strerror or problem)


def usable_folder(folder):
    """`folder` as a Path, created if needed, after proving a file can be written in it;
    otherwise one ArtlabError sentence. Call it before long work, so the work is not lost."""
    folder = Path(folder).expanduser()
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".artlab-check-") as probe:
            probe.write(b"\0" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as problem:
        raise ArtlabError(why_not_saved(problem, folder)) from None
    return folder


def safe_stem(stem, default="made"):
    """A file name stem with only letters, digits, - and _."""
    return re.sub(r"[^\w\-]+", "_", str(stem)).strip("_") or default


def save_new(folder, stem, writers):
    """Save several files that belong together as stem-N.suffix with the first N free for all.

    `writers` maps each suffix to a function that writes a given path. Each file is written
    to a hidden temporary name in `folder` first and takes its real name only when all are
    complete, so a failure (a full disk, say) leaves no partial file and no used-up number.
    Returns {suffix: path}."""
    folder = usable_folder(folder)
    stem = safe_stem(stem)
    written = {}
    try:
        for suffix, write in writers.items():
            handle, name = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=f".{suffix}.part")
            os.close(handle)
            os.chmod(name, 0o666 & ~_UMASK)  # as a plain new file would be, not mkstemp's 0600
            written[suffix] = Path(name)
            write(written[suffix])
        return _give_names(folder, stem, written)
    except OSError as problem:
        raise ArtlabError(why_not_saved(problem, folder)) from None
    finally:
        for path in written.values():
            path.unlink(missing_ok=True)


def _give_names(folder, stem, written):
    number = 1
    while True:
        paths = {suffix: folder / f"{stem}-{number:03d}.{suffix}" for suffix in written}
        if not any(path.exists() for path in paths.values()):
            placed = []
            try:
                for suffix, path in paths.items():
                    _place(written[suffix], path)
                    placed.append((written[suffix], path))
                return paths
            except FileExistsError:  # another save took this number meanwhile: the next one
                _give_back(placed)
            except BaseException:  # all or none: the names given so far are taken back
                _give_back(placed)
                raise
        number += 1


def _give_back(placed):
    for temporary, path in placed:
        if temporary.exists():
            path.unlink(missing_ok=True)
        else:
            os.rename(path, temporary)


def _place(temporary, path):
    """Give a complete file its name, never replacing an existing file."""
    try:
        os.link(temporary, path)  # fails with FileExistsError if the name is taken
        return
    except FileExistsError:
        raise
    except OSError:  # a folder without hard links (some USB sticks, cloud drives)
        pass
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))  # claim the name first
    try:
        os.replace(temporary, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
