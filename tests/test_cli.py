import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "artlab", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def _one_error_line(done):
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def test_melody_writes_three_new_files(tiny_bundle, tmp_path):
    args = ["melody", "--bundle", str(tiny_bundle), "--bars", "2", "--seed", "5",
            "--out", str(tmp_path)]
    first, second = run(*args), run(*args)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["melody-twinkle-001.mid", "melody-twinkle-001.png", "melody-twinkle-001.wav",
                    "melody-twinkle-002.mid", "melody-twinkle-002.png", "melody-twinkle-002.wav"]
    assert (tmp_path / "melody-twinkle-001.mid").read_bytes() == \
        (tmp_path / "melody-twinkle-002.mid").read_bytes()  # same seed, same melody
    assert str(tmp_path / "melody-twinkle-001.wav") in first.stdout


def test_polyphonic_primer_uses_its_top_line_and_says_so(tiny_bundle, midi_files, tmp_path):
    done = run("melody", "--primer", str(midi_files["polyphonic"]), "--bundle", str(tiny_bundle),
               "--bars", "1", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "top line" in done.stdout


@pytest.mark.parametrize("case", ["missing", "corrupt", "empty", "drums", "no_notes", "text"])
def test_bad_midi_primer_exits_2_with_one_line(midi_files, tiny_bundle, case, tmp_path):
    path = str(tmp_path / "missing.mid") if case == "missing" else str(midi_files[case])
    line = _one_error_line(run("melody", "--primer", path, "--bundle", str(tiny_bundle)))
    assert len(line) > 20


@pytest.mark.parametrize("args", [
    ["--bars", "0"], ["--bars", "-3"], ["--bars", "100000"], ["--bars", "eight"],
    ["--temperature", "0"], ["--temperature", "-1"], ["--beam", "0"],
    ["--primer", "yankee doodle"], ["--primer", "C4 D4 H9"], ["--colour", "red"]])
def test_wrong_settings_exit_2_with_one_line(args):
    _one_error_line(run("melody", *args))


def test_not_a_bundle_exits_2_with_one_line(tmp_path):
    fake = tmp_path / "model.mag"
    fake.write_text("not a model")
    line = _one_error_line(run("melody", "--bundle", str(fake)))
    assert "not a Magenta bundle" in line
    _one_error_line(run("melody", "--bundle", str(tmp_path / "nothing.mag")))


def test_no_command_exits_2():
    _one_error_line(run())


@pytest.mark.parametrize("case", ["late_start", "long_silence", "metre_change", "tempo_change"])
def test_odd_timing_midi_primers_give_a_melody(tiny_bundle, midi_files, case, tmp_path):
    done = run("melody", "--primer", str(midi_files[case]), "--bundle", str(tiny_bundle),
               "--bars", "2", "--seed", "3", "--out", str(tmp_path))
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert len(list(tmp_path.glob("*-001.mid"))) == 1
