import json
import sys
import urllib.error
from types import SimpleNamespace

from artlab import ArtlabError, cli, doctor, env, writer
from test_cli import run as run_cli


def _fails_with(result, fix):
    line = result.line()
    assert result.ok is False and line.startswith("✘ ")
    assert line.endswith(f" — fix: {fix}"), line
    return line


def test_pins_skip_comments_and_blank_lines_and_read_extras(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# the set we test\n\nnumpy==2.1.3  # why\n"
                            "pkg[extra,more]==1.0 ; python_version >= '3.10'\nloose>=1\n")
    assert doctor.pins(requirements) == {"numpy": "2.1.3", "pkg": "1.0"}


def test_a_wrong_pin_or_a_missing_package_fails_with_the_pip_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("numpy==0.0.1\nno-such-package-artlab==1.0\n")
    line = _fails_with(doctor.check_packages(tmp_path / "requirements.txt"),
                       f"{sys.executable} -m pip install -r requirements.txt")
    assert "numpy is " in line and "not 0.0.1" in line
    assert "no-such-package-artlab is missing" in line


def test_the_real_requirements_are_read():
    pinned = doctor.pins()
    assert pinned["tensorflow"] and pinned["tf_keras"] and len(pinned) > 10


def test_magenta_must_be_2_1_4_installed_without_deps():
    assert doctor.check_magenta(lambda name: "2.1.4").ok is True
    line = _fails_with(doctor.check_magenta(lambda name: "2.0.1"),
                       f"{sys.executable} -m pip install --no-deps magenta==2.1.4")
    assert "2.0.1" in line


def test_python_versions():
    assert doctor.check_python((3, 11, 7)).ok is True
    assert "tested on 3.11" in doctor.check_python((3, 12, 1)).line()
    _fails_with(doctor.check_python((3, 9, 18)), "rm -rf .venv && make demo PYTHON=python3.11")


def _assets(tmp_path):
    folder = tmp_path / "assets"
    (folder / "text").mkdir(parents=True)
    (folder / "text" / "model.zip").write_bytes(b"weights")
    (folder / "tune.json").write_text("{}")
    (folder / doctor.MANIFEST).write_text(json.dumps(doctor.asset_checksums(folder)))
    return folder


def test_assets_as_published_pass(tmp_path):
    folder = _assets(tmp_path)
    assert doctor.asset_checksums(folder).keys() == {"text/model.zip", "tune.json"}
    assert doctor.check_assets(folder).ok is True


def test_a_changed_asset_fails(tmp_path):
    folder = _assets(tmp_path)
    (folder / "text" / "model.zip").write_bytes(b"other weights")
    line = _fails_with(doctor.check_assets(folder), "git checkout -- assets/")
    assert "text/model.zip" in line and "tune.json" not in line


def test_a_missing_asset_or_manifest_fails(tmp_path, monkeypatch):
    folder = _assets(tmp_path)
    (folder / "tune.json").unlink()
    assert "tune.json" in _fails_with(doctor.check_assets(folder),
                                      "git checkout -- assets/ && git pull")
    (folder / doctor.MANIFEST).unlink()
    _fails_with(doctor.check_assets(folder), "git checkout -- assets/ && git pull")
    monkeypatch.setenv("ARTLAB_ASSETS", str(tmp_path / "nowhere"))
    _fails_with(doctor.check_assets(), "git checkout -- assets/ && git pull")


def test_low_disk_fails(tmp_path):
    low = doctor.check_disk(tmp_path, usage=lambda _: SimpleNamespace(free=4 * 10**8))
    line = _fails_with(low, "export ARTLAB_OUTPUT=/a/folder/with/space")
    assert "0.40 GB" in line and "1 GB" in line
    assert doctor.check_disk(tmp_path, usage=lambda _: SimpleNamespace(free=5 * 10**9)).ok


def test_without_fluidsynth_the_numpy_synth_is_fine_and_says_how_to_install(monkeypatch):
    monkeypatch.setattr(env, "has_libfluidsynth", lambda: False)
    result = doctor.check_audio()
    assert result.ok is True
    assert "simple NumPy synth" in result.line()
    assert "sudo apt-get install fluidsynth" in result.line()


def test_a_missing_course_writer_fails_with_git_pull(monkeypatch):
    def missing(path=None):
        raise ArtlabError("The course writer is not in this copy of the course.")
    monkeypatch.setattr(writer, "load", missing)
    assert "course writer" in _fails_with(doctor.check_writer(), "git pull")


def test_offline_is_information_not_a_problem(capsys):
    def offline(request, timeout):
        raise urllib.error.URLError("no route to host")
    result = doctor.check_network(opener=offline)
    assert result.ok is None and result.line().startswith("• Offline")
    assert "everything else works offline" in result.line()
    assert doctor.run([lambda: doctor.Check(True, "fine"), lambda: result]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Ready for the workshop."


def test_a_server_error_still_means_online():
    def answers(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 403, "Forbidden", {}, None)
    assert doctor.check_network(opener=answers).line().startswith("• Online")


def test_problems_give_a_non_zero_exit_and_a_count(capsys, tmp_path):
    def broken():
        raise RuntimeError("surprise")
    def low_disk():
        return doctor.check_disk(tmp_path, usage=lambda _: SimpleNamespace(free=0))
    code = doctor.run([lambda: doctor.Check(True, "fine"), low_disk, broken])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[1] == "✔ fine"
    assert lines[2].startswith("✘ Only 0.00 GB free") and \
        lines[2].endswith("— fix: export ARTLAB_OUTPUT=/a/folder/with/space")
    assert lines[3].startswith("✘ broken could not run: surprise — fix: ")
    assert lines[-1] == "Not ready: 2 problem(s) above."


def test_the_cli_exits_1_when_a_check_fails(monkeypatch, capsys):
    failing = [lambda: doctor.Check(False, "Something is missing", fix="git pull")]
    monkeypatch.setattr(doctor, "default_checks", lambda: failing)
    assert cli.main(["doctor"]) == 1
    assert "✘ Something is missing — fix: git pull" in capsys.readouterr().out


def _doctor():
    done = run_cli("doctor")
    print(done.stdout, done.stderr)  # shown when the test fails
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Checking this computer")
    return done, lines[1:-1], lines[-1]


def _one(checks, words):
    found = [line for line in checks if words in line]
    assert len(found) == 1, checks
    return found[0]


def test_doctor_on_this_computer_says_ready():
    """The set-up `make demo` builds passes every check; the network is only information."""
    done, checks, verdict = _doctor()
    expected = json.loads((env.assets_dir() / doctor.MANIFEST).read_text())
    assert len(checks) >= 10
    assert [line[:2] for line in checks] == ["✔ "] * (len(checks) - 1) + ["• "]
    assert _one(checks, "course assets") == \
        f"✔ All {len(expected)} course assets present and unchanged"
    assert _one(checks, "melody from the course model").startswith("✔ ")
    assert _one(checks, "text from the course writer").startswith("✔ ")
    assert verdict == "Ready for the workshop." and done.returncode == 0


def test_doctor_names_a_changed_asset_and_is_not_ready(tmp_path, monkeypatch):
    import shutil
    assets = shutil.copytree(env.assets_dir(), tmp_path / "assets")
    with open(assets / "melody" / "course_attention_rnn.json", "a") as provenance:
        provenance.write(" ")
    monkeypatch.setenv("ARTLAB_ASSETS", str(assets))
    done, checks, verdict = _doctor()
    assert [line for line in checks if line.startswith("✘ ")] == [
        "✘ Course assets changed since they were published: "
        "melody/course_attention_rnn.json — fix: git checkout -- assets/"]
    assert verdict == "Not ready: 1 problem(s) above." and done.returncode == 1


def test_on_colab_the_packages_are_the_set_up_cells_not_requirements_txt():
    from artlab import env
    installed = {req.split("==")[0]: req.split("==")[1] for _, req, _ in env.COLAB_PACKAGES}
    ok = doctor.check_colab_packages(version=installed.__getitem__)
    assert ok.ok is True and str(len(installed)) in ok.what
    older = dict(installed, miditok="2.0.0")
    line = doctor.check_colab_packages(version=older.__getitem__)
    assert line.ok is False and "miditok is 2.0.0, not 3.1.0" in line.what
