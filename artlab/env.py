"""Where the course runs, where its files live, and Magenta on today's TensorFlow."""
import contextlib
import ctypes.util
import importlib.util
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

from artlab import REPO_URL, ArtlabError, __version__
from artlab import i18n
from artlab.i18n import _

REPO_ROOT = Path(__file__).resolve().parent.parent
COLAB_CHECKOUT = Path("/content/ml-for-artists")

# What Colab may lack for Magenta and miditok, as (module to import, pip requirement, install with deps?);
# each is installed only when missing. TensorFlow, tf-keras and numpy are Colab's: never touched.
COLAB_PACKAGES = [
    ("note_seq", "note-seq==0.0.5", True),
    ("tf_slim", "tf-slim==1.1.0", False),
    ("magenta", "magenta==2.1.4", False),  # its own pins (TF 2.9) cannot install: no deps
    ("fluidsynth", "pyfluidsynth==1.4.0", False),
    ("pretty_midi", "pretty_midi==0.2.11.post0", True),
    ("tensorflow_probability", "tensorflow-probability==0.25.0", False),
    ("tree", "dm-tree==0.1.10", True),  # tfp's one dependency Colab's TF and librosa don't bring
    ("audioop", "audioop-lts==0.2.2", False),  # Python 3.13 dropped audioop; pydub needs it
    ("distutils", "setuptools==80.9.0", False),  # 3.12+ dropped distutils; tfp imports it
    ("symusic", "symusic==0.6.0", True),  # notebook 01's REMI tokens (miditok reads MIDI with it)
    ("miditok", "miditok==3.1.0", True),
]

# The Korean notebooks' charts need a font with Hangul (see i18n.use_korean_font).
KOREAN_PACKAGES = [("koreanize_matplotlib", "koreanize-matplotlib==0.1.1", False)]

_shims_applied = False


def on_colab():
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules or _module_present("google.colab")


def smoke_mode():
    """True when ARTLAB_SMOKE=1: training is capped so the notebooks run in CI quickly."""
    return os.environ.get("ARTLAB_SMOKE", "") == "1"


def cap_for_smoke(value, smoke_value, what=None):
    """The value to use: `smoke_value` in smoke mode (and says so), else `value`."""
    if smoke_mode() and value > smoke_value:
        print(_("(smoke mode: {what} capped at {smoke_value} instead of {value})").format(
            what=what or _("training steps"), smoke_value=smoke_value, value=value))
        return smoke_value
    return value


def assets_dir():
    """The folder of bundled models and data."""
    folder = Path(os.environ.get("ARTLAB_ASSETS", REPO_ROOT / "assets"))
    if not folder.is_dir():
        raise ArtlabError(_("The course assets are missing ({folder}). Run the set-up cell again, "
                            "or `make demo` in the course folder.").format(folder=folder))
    return folder


def output_dir():
    """Where made things are saved: $ARTLAB_OUTPUT, /content/artlab_output on Colab,
    else the course folder's output/."""
    if os.environ.get("ARTLAB_OUTPUT"):
        folder = Path(os.environ["ARTLAB_OUTPUT"])
    elif on_colab():
        folder = Path("/content/artlab_output")
    else:
        folder = REPO_ROOT / "output"
    from artlab import files
    return files.usable_folder(folder)


def why_unreachable(problem):
    """A few plain words for why a download failed, instead of `<urlopen error [Errno -2] ...>`."""
    import socket
    import urllib.error
    if isinstance(problem, urllib.error.HTTPError):
        return _("the server answered with error {code}").format(code=problem.code)
    reason = getattr(problem, "reason", problem)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return _("the server did not answer in time")
    if isinstance(reason, (socket.gaierror, ConnectionError)):
        return _("no internet connection")
    return str(reason)


def has_libfluidsynth():
    """True when the FluidSynth library that pyfluidsynth needs is installed."""
    return ctypes.util.find_library("fluidsynth") is not None


def plan_setup(colab, module_present, libfluidsynth_present, checkout_present, version=None,
               korean=False):
    """The commands set-up would run, as lists of arguments; empty when nothing is missing.

    Only Colab installs anything; locally `make demo` did it all. With `version`, the course
    is cloned at its tag (v0.1.0), else at the default branch. `korean`: also the Korean
    notebooks' chart font.
    """
    if not colab:
        return []
    commands = []
    if not checkout_present:
        branch = ["--branch", f"v{version}"] if version else []
        commands.append(["git", "clone", "-q", "-c", "advice.detachedHead=false", "--depth", "1",
                         *branch, REPO_URL, str(COLAB_CHECKOUT)])
    if not libfluidsynth_present:
        commands.append(["apt-get", "install", "-y", "-qq", "fluidsynth"])
    packages = COLAB_PACKAGES + (KOREAN_PACKAGES if korean else [])
    with_deps = [req for module, req, deps in packages if deps and not module_present(module)]
    no_deps = [req for module, req, deps in packages if not deps and not module_present(module)]
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    if with_deps:
        commands.append(pip + with_deps)
    if no_deps:
        commands.append(pip + ["--no-deps"] + no_deps)
    return commands


def _module_present(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its parent package (e.g. `google`) is missing
        return False


def notebook_version():
    """The course version the running notebook belongs to: its set-up cell sets
    ARTLAB_COURSE_VERSION (written by `make links`); None when unknown."""
    return os.environ.get("ARTLAB_COURSE_VERSION") or None


def version_mismatch(expected, found=__version__, where=REPO_ROOT):
    """One sentence when the helper found is not the version the notebook expects, else ''."""
    if not expected or expected == found:
        return ""
    return _("This notebook belongs to course version {expected} but the course helper found "
             "({where}) is version {found}, so some cells may not fit: open the notebook of "
             "version {found}, or get version {expected} (on Colab: Runtime > Disconnect and "
             "delete runtime, then run this cell again).").format(expected=expected, where=where,
                                                                 found=found)


def setup():
    """The notebooks' first cell: install what is missing (Colab only), quiet TensorFlow,
    apply the Magenta shims. Safe to run again; prints one line (two when the notebook and
    the helper are different versions)."""
    colab, korean = on_colab(), i18n.language() == "ko"
    present = {module for module, _, _ in COLAB_PACKAGES + KOREAN_PACKAGES if _module_present(module)}
    commands = plan_setup(colab, present.__contains__, has_libfluidsynth(),
                          COLAB_CHECKOUT.exists(), notebook_version(), korean)
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise ArtlabError(_("Set-up could not run `{command} ...`: {output} Check the internet "
                                "connection and run the cell again.").format(
                                    command=" ".join(command[:4]),
                                    output=(done.stderr or done.stdout).strip()[-300:]))
    if commands:
        importlib.invalidate_caches()  # so this session can import what was just installed
    if colab and "distutils" not in present and not _module_present("distutils"):
        importlib.import_module("setuptools")  # just installed: its distutils shim needs this
    if colab and str(COLAB_CHECKOUT) not in sys.path:
        sys.path.insert(0, str(COLAB_CHECKOUT))
    quiet_tensorflow()
    show_errors_as_sentences()
    if korean and not i18n.use_korean_font():
        print(_("Charts will show Korean letters as boxes: install their font with "
                "`pip install koreanize-matplotlib==0.1.1`, then run this cell again."))
    audio = "FluidSynth" if has_libfluidsynth() and _module_present("fluidsynth") else _("simple synth")
    where = "Colab" if colab else _("this computer")
    missing = [module for module, _, _ in COLAB_PACKAGES if colab and module not in present]
    installed = _(", installed {modules}").format(modules=", ".join(missing)) if missing else ""
    smoke = _(", smoke mode") if smoke_mode() else ""
    mismatch = version_mismatch(notebook_version())
    if mismatch:
        print(mismatch)
    print(_("Ready on {where}{installed}: audio by {audio}, files saved to {folder}{smoke}.").format(
        where=where, installed=installed, audio=audio, folder=output_dir(), smoke=smoke))


def strict_mode():
    """True when ARTLAB_STRICT=1 (set by the tests): an ArtlabError still shows as one
    sentence, but as the cell's error, so that a notebook test fails on it."""
    return os.environ.get("ARTLAB_STRICT", "") == "1"


def show_errors_as_sentences():
    """In a notebook, an ArtlabError (a problem the artist can fix) prints its sentence
    instead of a traceback, in cells and in slider callbacks alike."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell.showtraceback, "artlab", False):
        return
    original = shell.showtraceback

    def showtraceback(exc_tuple=None, *args, **kwargs):
        kind, problem, _ = exc_tuple or sys.exc_info()
        if isinstance(problem, ArtlabError) and strict_mode():
            shell._showtraceback(kind, problem, [f"⚠ {problem}"])  # an error output of one line
        elif isinstance(problem, ArtlabError):
            print(f"⚠ {problem}", file=sys.stderr)
        else:
            original(exc_tuple, *args, **kwargs)

    showtraceback.artlab = True
    shell.showtraceback = showtraceback


def quiet_tensorflow():
    """Ask TensorFlow to use tf-keras for Magenta and to keep its log lines to itself.
    Must run before TensorFlow is imported."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    warnings.filterwarnings("ignore", message=".*ffmpeg or avconv.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning,
                            module="(tensorflow|magenta|tf_slim|keras).*")


def load_magenta():
    """Import TensorFlow for Magenta with the shims applied once. Returns `tf.compat.v1`."""
    global _shims_applied
    if not _shims_applied and "tensorflow" in sys.modules and \
            os.environ.get("TF_USE_LEGACY_KERAS") != "1":
        raise ArtlabError(_("TensorFlow was started before the course set-up. Restart the runtime "
                            "(Runtime > Restart session) and run the set-up cell first."))
    quiet_tensorflow()
    import tensorflow as tf
    from tensorflow.python.framework import indexed_slices, ops
    if not hasattr(ops, "IndexedSlices"):  # tf-slim still looks for it where TF 2.x moved it from
        ops.IndexedSlices = indexed_slices.IndexedSlices
    if not _shims_applied:
        tf.get_logger().setLevel(logging.ERROR)
        import absl.logging
        absl.logging.set_verbosity(absl.logging.ERROR)
        _shims_applied = True
    return tf.compat.v1


@contextlib.contextmanager
def native_logs_hidden():
    """Hide the C++ start-up lines TensorFlow writes straight to stderr (they ignore
    TF_CPP_MIN_LOG_LEVEL); Python errors still surface as exceptions."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
