"""`python -m artlab doctor`: is this computer ready for the workshop?

Each check is a function returning a `Check`; `run` prints one line per check
("✔ what", "✘ what — fix: <command>", "• what" for information) and gives exit code 0
only when no required check failed. It takes about ten seconds, most of it TensorFlow starting.
"""
import contextlib
import hashlib
import importlib.metadata
import io
import json
import re
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from artlab import ArtlabError, env
from artlab.i18n import _

TESTED_PYTHON = (3, 11)
WORKING_PYTHONS = [(3, 10), (3, 11), (3, 12), (3, 13)]  # 3.13: Colab's, rehearsed by make test-colab
# Modules Python dropped (audioop in 3.13, distutils in 3.12) that pydub and
# tensorflow-probability still import, with the packages that bring them back.
RESTORED_MODULES = {module: requirement for module, requirement, _ in env.COLAB_PACKAGES
                    if module in ("audioop", "distutils")}
MAGENTA_VERSION = "2.1.4"
REQUIREMENTS = env.REPO_ROOT / "requirements.txt"
MANIFEST = "checksums.json"  # in assets/, written by scripts/update_asset_checksums.py
MIN_FREE_BYTES = 10**9
NETWORK_URL = "https://storage.googleapis.com"
NETWORK_TIMEOUT = 3.0
SYMBOLS = {True: "✔", False: "✘", None: "•"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*==\s*([^\s;]+)")


@dataclass
class Check:
    """One line of the checklist: ok is True (✔), False (✘, a problem) or None (• info)."""
    ok: object
    what: str
    fix: str = ""

    def line(self):
        text = f"{SYMBOLS[self.ok]} {self.what}"
        return _("{text} — fix: {fix}").format(text=text, fix=self.fix) \
            if self.ok is False and self.fix else text


def _shown(path):
    """A path as short as it can be from the current folder."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _pip_fix(requirements=REQUIREMENTS):
    return (f"{sys.executable} -m pip install -r {_shown(requirements)} && "
            f"{sys.executable} -m pip install --no-deps magenta=={MAGENTA_VERSION}")


def _first_line(problem):
    return (str(problem).strip().splitlines() or [type(problem).__name__])[0][:200]


def check_python(version=sys.version_info, module_present=env._module_present):
    shown = ".".join(str(n) for n in version[:3])
    tested = "%d.%d" % TESTED_PYTHON
    if tuple(version[:2]) not in WORKING_PYTHONS:
        return Check(False, _("Python {version} is not supported: the course needs 3.10 to 3.13 and "
                              "is tested on {tested}").format(version=shown, tested=tested),
                     fix=f"rm -rf .venv && make demo PYTHON=python{tested}")
    missing = [module for module in RESTORED_MODULES if not module_present(module)]
    if missing:
        return Check(False, _("Python {version} lacks {modules} (dropped from newer Pythons; pydub "
                              "and tensorflow-probability still import them)").format(
                                  version=shown, modules=_(" and ").join(missing)),
                     fix=f"{sys.executable} -m pip install "
                         f"{' '.join(RESTORED_MODULES[module] for module in missing)}")
    if tuple(version[:2]) == TESTED_PYTHON:
        return Check(True, _("Python {version}, the version the course is tested on").format(
            version=shown))
    return Check(True, _("Python {version} should work; the course is tested on {tested}").format(
        version=shown, tested=tested))


def pins(requirements=REQUIREMENTS):
    """{package: version} for each `name==version` line of a requirements file."""
    found = {}
    for line in Path(requirements).read_text().splitlines():
        match = _PIN.match(line.split("#", 1)[0].strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _same_version(have, wanted):
    try:
        from packaging.version import Version
        return Version(have) == Version(wanted)
    except Exception:  # packaging missing, or a version it cannot read
        return have == wanted


def _differences(wanted, version):
    """What differs from {package: pinned version}, as short phrases."""
    problems = []
    for name, pinned in wanted.items():
        try:
            have = version(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(_("{name} is missing").format(name=name))
            continue
        if not _same_version(have, pinned):
            problems.append(_("{name} is {have}, not {pinned}").format(name=name, have=have,
                                                                        pinned=pinned))
    return problems


def check_packages(requirements=REQUIREMENTS, version=importlib.metadata.version):
    if not Path(requirements).is_file():
        return Check(False, _("{name} is missing").format(name=_shown(requirements)), fix="git pull")
    wanted = pins(requirements)
    problems = _differences(wanted, version)
    if problems:
        return Check(False, _("Packages differ from requirements.txt: {problems}").format(
            problems="; ".join(problems)),
                     fix=f"{sys.executable} -m pip install -r {_shown(requirements)}")
    return Check(True, _("All {count} packages at the versions in requirements.txt").format(
        count=len(wanted)))


def check_magenta(version=importlib.metadata.version):
    try:
        have = version("magenta")
    except importlib.metadata.PackageNotFoundError:
        have = None
    if have and _same_version(have, MAGENTA_VERSION):
        return Check(True, _("Magenta {version} (installed without its old pins)").format(
            version=have))
    found = _("{version} is installed instead").format(version=have) if have else _("it is missing")
    return Check(False, _("Magenta {version} is needed and {found}").format(
        version=MAGENTA_VERSION, found=found),
                 fix=f"{sys.executable} -m pip install --no-deps magenta=={MAGENTA_VERSION}")


def check_magenta_starts():
    try:
        with env.native_logs_hidden():
            tf = env.load_magenta()
            from magenta.models.melody_rnn import melody_rnn_sequence_generator  # noqa: F401
    except Exception as problem:
        return Check(False, _("Magenta does not start: {problem}").format(
            problem=_first_line(problem)), fix=_pip_fix())
    return Check(True, _("Magenta starts on TensorFlow {version} with the course's shims").format(
        version=tf.__version__))


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def asset_checksums(folder):
    """{relative path: sha256} of every file under `folder` but the manifest itself."""
    folder = Path(folder)
    return {path.relative_to(folder).as_posix(): file_sha256(path)
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != MANIFEST and "__pycache__" not in path.parts
            and not path.name.startswith(".")}


def check_assets(folder=None):
    try:
        folder = Path(folder or env.assets_dir())
        expected = json.loads((folder / MANIFEST).read_text())
    except (ArtlabError, OSError, ValueError):
        return Check(False, _("The course assets or their list (assets/{manifest}) are "
                              "missing").format(manifest=MANIFEST),
                     fix="git checkout -- assets/ && git pull")
    missing = [name for name in expected if not (folder / name).is_file()]
    changed = [name for name in expected
               if name not in missing and file_sha256(folder / name) != expected[name]]
    if missing:
        return Check(False, _("Course assets missing: {names}").format(names=", ".join(missing)),
                     fix="git checkout -- assets/ && git pull")
    if changed:
        return Check(False, _("Course assets changed since they were published: {names}").format(
            names=", ".join(changed)), fix="git checkout -- assets/")
    return Check(True, _("All {count} course assets present and unchanged").format(
        count=len(expected)))


def check_audio():
    from artlab import music
    try:
        how = music.synthesize(music.typed_notes("C4"))[1]
    except Exception as problem:
        return Check(False, _("No audio can be made: {problem}").format(problem=_first_line(problem)),
                     fix=_pip_fix())
    if how == "FluidSynth":
        return Check(True, _("Audio by FluidSynth with its SoundFont"))
    if not env.has_libfluidsynth():
        return Check(True, _("Audio by the simple NumPy synth (fine for the workshop; for real "
                             "instruments install fluidsynth: {command})").format(
                                 command="sudo apt-get install fluidsynth"))
    pinned = {module: requirement for module, requirement, _ in env.COLAB_PACKAGES}
    reinstall = (f"{sys.executable} -m pip install --force-reinstall --no-deps "
                 f"{pinned['fluidsynth']} {pinned['pretty_midi']}")
    return Check(True, _("Audio by the simple NumPy synth: FluidSynth is installed but could not "
                         "play (for real instruments: {command})").format(command=reinstall))


def _timed(what, make):
    """✔ with the seconds `make()` took; ✘ if it fails (a missing asset: `git pull`)."""
    start = time.perf_counter()
    try:
        make()
    except ArtlabError as problem:
        return Check(False, _("{what} could not be made: {problem}").format(
            what=what, problem=_first_line(problem)), fix="git pull")
    except Exception as problem:
        return Check(False, _("{what} could not be made: {problem}").format(
            what=what, problem=_first_line(problem)), fix=_pip_fix())
    return Check(True, _("{what}: made in {seconds:.1f} s").format(
        what=what, seconds=time.perf_counter() - start))


def check_melody():
    from artlab import melody, music
    return _timed(_("A 2-bar melody from the course model"), lambda: melody.load().generate(
        music.primer("twinkle")[0], bars=2, temperature=1.0, seed=1))


def check_writer():
    from artlab import writer
    return _timed(_("A line of text from the course writer"),
                  lambda: writer.load().write("ROMEO:", 80, temperature=0.8, seed=1))


def check_disk(folder=None, usage=shutil.disk_usage):
    folder = folder or env.output_dir()
    free = usage(folder).free
    if free < MIN_FREE_BYTES:
        return Check(False, _("Only {free:.2f} GB free where your files are saved ({folder}); the "
                              "workshop needs at least 1 GB. Free some space, or save "
                              "elsewhere").format(free=free / 1e9, folder=folder),
                     fix="export ARTLAB_OUTPUT=/a/folder/with/space")
    return Check(True, _("{free:.0f} GB free where your files are saved ({folder})").format(
        free=free / 1e9, folder=folder))


def check_network(url=NETWORK_URL, timeout=NETWORK_TIMEOUT, opener=urllib.request.urlopen):
    """Information only: being offline is fine for the workshop."""
    host = url.split("//")[-1]
    try:
        opener(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        pass  # the server answered, just not with a page
    except Exception as problem:
        return _offline(_("{host} did not answer: {problem}").format(
            host=host, problem=getattr(problem, "reason", problem)))
    return Check(None, _("Online: {host} answers, so Magenta's official model and the "
                         "tinyshakespeare download work too").format(host=host))


def _offline(why):
    return Check(None, _("Offline ({why}): Magenta's official model and the tinyshakespeare "
                         "download are unavailable; everything else works offline").format(why=why))


def _in_background(check, wait):
    """Start `check` in a thread now; the returned function waits at most `wait` s for it."""
    box = []
    thread = threading.Thread(target=lambda: box.append(check()), daemon=True)
    thread.start()

    def result():
        thread.join(wait)
        return box[0] if box else _offline(_("no answer in {wait:g} s").format(wait=wait))
    return result


def check_colab_packages(packages=None, version=importlib.metadata.version):
    """On Colab: what the set-up cell installs, at its pins. Colab's own packages (TensorFlow,
    ipywidgets 7, ...) are Colab's choice, so requirements.txt does not apply there."""
    wanted = dict(req.split("==") for _, req, _ in (packages or env.COLAB_PACKAGES))
    problems = _differences(wanted, version)
    if problems:
        return Check(False, _("The course's packages on Colab: {problems}").format(
            problems="; ".join(problems)), fix=_("run the notebook's set-up cell again"))
    return Check(True, _("All {count} packages the set-up cell installs, at their versions").format(
        count=len(wanted)))


def default_checks():
    network = _in_background(check_network, NETWORK_TIMEOUT + 0.5)  # runs while the rest do
    packages = check_colab_packages if env.on_colab() else check_packages
    return [check_python, packages, check_magenta, check_magenta_starts, check_assets,
            check_audio, check_melody, check_writer, check_disk, network]


def _say(line):
    print(line, flush=True)


def run(checks=None, out=_say):
    """Print the checklist and the verdict; returns the exit code (1 if anything failed)."""
    env.quiet_tensorflow()
    out(_("Checking this computer for the ML for Artists workshop..."))
    problems = 0
    for check in checks or default_checks():
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # libraries' own notes stay quiet
                result = check()
        except Exception as problem:  # a check that breaks is a problem, not a traceback
            result = Check(False, _("{check} could not run: {problem}").format(
                check=getattr(check, "__name__", _("A check")), problem=_first_line(problem)),
                fix=_pip_fix())
        out(result.line())
        problems += result.ok is False
    out(_("Ready for the workshop.") if not problems else
        _("Not ready: {problems} problem(s) above.").format(problems=problems))
    return 1 if problems else 0
