"""The Colab set-up plan on Colab's Python 3.13, and the notebook/helper version check.
(`make test-colab` runs the real set-up cell in a Debian 13 root; these are its unit tests.)"""
import json
import re
from pathlib import Path

from artlab import __version__, doctor, env

ROOT = Path(__file__).resolve().parent.parent
EVERYTHING = {module for module, _, _ in env.COLAB_PACKAGES}


def _flat(commands):
    return [" ".join(command) for command in commands]


def test_python_313_without_audioop_and_distutils_gets_both_without_deps():
    present = (EVERYTHING - {"audioop", "distutils"}).__contains__
    flat = _flat(env.plan_setup(True, present, True, True))
    assert len(flat) == 1 and "--no-deps" in flat[0]
    assert "audioop-lts==0.2.2" in flat[0] and "setuptools==80.9.0" in flat[0]


def test_python_312_has_audioop_and_gets_only_setuptools():
    flat = _flat(env.plan_setup(True, (EVERYTHING - {"distutils"}).__contains__, True, True))
    assert flat == [f"{flat[0].split(' -m ')[0]} -m pip install -q --no-deps setuptools==80.9.0"]


def test_nothing_for_audioop_or_distutils_when_python_has_them():
    assert env.plan_setup(True, EVERYTHING.__contains__, True, True) == []
    assert env.plan_setup(False, set().__contains__, False, False) == []  # local: make demo did it


def test_the_clone_takes_the_notebooks_version_or_the_default_branch():
    tagged = env.plan_setup(True, EVERYTHING.__contains__, True, False, version="0.3.1")
    assert tagged == [["git", "clone", "-q", "-c", "advice.detachedHead=false", "--depth", "1",
                       "--branch", "v0.3.1", env.REPO_URL, str(env.COLAB_CHECKOUT)]]
    untagged = env.plan_setup(True, EVERYTHING.__contains__, True, False)
    assert "--branch" not in untagged[0]


def test_a_different_helper_version_is_one_sentence():
    assert env.version_mismatch(None) == env.version_mismatch(__version__) == ""
    said = env.version_mismatch("9.9.9", found="0.1.0", where="/content/ml-for-artists")
    assert "\n" not in said and said.endswith(".") and said.count(". ") == 0
    assert "9.9.9" in said and "0.1.0" in said and "/content/ml-for-artists" in said


def test_setup_says_so_when_the_notebook_expects_another_version(monkeypatch, capsys):
    monkeypatch.setenv("ARTLAB_COURSE_VERSION", "9.9.9")
    env.setup()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "course version 9.9.9" in lines[0] and lines[1].startswith("Ready")
    monkeypatch.setenv("ARTLAB_COURSE_VERSION", __version__)
    env.setup()
    assert capsys.readouterr().out.startswith("Ready")


def test_every_set_up_cell_names_this_version_and_clones_its_tag():
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cell = next(c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
        source = "".join(cell["source"])
        assert f'os.environ["ARTLAB_COURSE_VERSION"] = "{__version__}"' in source, path.name
        assert f'"--branch", "v{__version__}"' in source, path.name
        assert source.index("ARTLAB_COURSE_VERSION") < source.index("env.setup()"), path.name


def test_doctor_names_what_brings_audioop_and_distutils_back():
    check = doctor.check_python((3, 13, 5), module_present=lambda module: False)
    assert check.ok is False
    assert re.search(r"pip install audioop-lts==0\.2\.2 setuptools==80\.9\.0$", check.fix)
    only_distutils = doctor.check_python((3, 12, 3), lambda module: module != "distutils")
    assert only_distutils.ok is False and only_distutils.fix.endswith(" setuptools==80.9.0")
    assert doctor.check_python((3, 13, 5), lambda module: True).ok is True


def test_the_korean_notebooks_get_their_chart_font_on_colab_and_english_ones_do_not():
    korean = _flat(env.plan_setup(True, EVERYTHING.__contains__, True, True, korean=True))
    assert korean == [f"{korean[0].split(' -m ')[0]} -m pip install -q --no-deps koreanize-matplotlib==0.1.1"]
    assert env.plan_setup(True, EVERYTHING.__contains__, True, True) == []


def test_korean_charts_have_every_letter(monkeypatch):
    import warnings
    import matplotlib
    import matplotlib.pyplot as plt
    from artlab import i18n
    monkeypatch.setitem(matplotlib.rcParams, "font.family", ["DejaVu Sans"])  # matplotlib's own
    monkeypatch.setitem(matplotlib.rcParams, "axes.unicode_minus", True)

    def missing_glyphs():
        figure, ax = plt.subplots()
        ax.set_title("학습 곡의 손실 -0.5 C4")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figure.savefig(__import__("io").BytesIO(), format="png")
        plt.close(figure)
        return [w for w in caught if "missing from font" in str(w.message)]
    assert missing_glyphs()  # matplotlib's own font has no Hangul: the check can see the fault
    assert i18n.use_korean_font() == "NanumGothic"
    assert missing_glyphs() == []
