import socket
import subprocess
import sys
import urllib.error

import pytest

from artlab import env


def _present(*modules):
    return lambda name: name in modules


def test_nothing_is_installed_locally():
    assert env.plan_setup(False, _present(), False, False) == []


def test_colab_with_everything_present_installs_nothing():
    everything = _present(*(module for module, _, _ in env.COLAB_PACKAGES))
    assert env.plan_setup(True, everything, True, True) == []


def test_fresh_colab_gets_the_course_fluidsynth_and_magenta_without_its_pins():
    commands = env.plan_setup(True, _present("pretty_midi", "tensorflow_probability"), False, False)
    flat = [" ".join(c) for c in commands]
    assert flat[0].startswith("git clone") and env.REPO_URL in flat[0]
    assert any("apt-get install" in c and "fluidsynth" in c for c in flat)
    no_deps = next(c for c in flat if "--no-deps" in c)
    assert "magenta==2.1.4" in no_deps and "tf-slim==1.1.0" in no_deps
    assert any("note-seq==0.0.5" in c and "--no-deps" not in c for c in flat)
    assert not any("pretty_midi" in c for c in flat)
    assert any("audioop-lts" in c for c in flat)  # Colab's Python 3.13 has no audioop
    assert any("miditok==3.1.0" in c and "--no-deps" not in c for c in flat)  # notebook 01
    assert not any("tensorflow==" in c or "numpy" in c or "tf-keras" in c for c in flat)


def test_smoke_mode_caps_and_says_so(monkeypatch, capsys):
    monkeypatch.setenv("ARTLAB_SMOKE", "1")
    assert env.cap_for_smoke(500, 5) == 5
    assert "smoke mode" in capsys.readouterr().out
    monkeypatch.setenv("ARTLAB_SMOKE", "0")
    assert env.cap_for_smoke(500, 5) == 500


def test_output_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTLAB_OUTPUT", str(tmp_path / "made"))
    assert env.output_dir() == tmp_path / "made" and (tmp_path / "made").is_dir()


def test_magenta_and_keras_3_live_in_one_process_quietly():
    code = ("from artlab import env; env.setup(); tf = env.load_magenta()\n"
            "from magenta.models.melody_rnn import melody_rnn_sequence_generator\n"
            "import keras; assert keras.__version__.startswith('3'), keras.__version__\n"
            "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
            "assert model.predict(__import__('numpy').ones((1, 4)), verbose=0).shape == (1, 2)\n"
            "import tensorflow; assert 'tf_keras' in tensorflow.keras.__name__\n"
            "print('both')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "both"
    noisy = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(noisy) <= 2, noisy  # TensorFlow's native start-up lines at most, no warning wall


@pytest.mark.parametrize("problem, words", [
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")), "no internet connection"),
    (urllib.error.URLError(TimeoutError("timed out")), "the server did not answer in time"),
    (ConnectionRefusedError(111, "Connection refused"), "no internet connection"),
    (urllib.error.HTTPError("http://x", 503, "Unavailable", {}, None), "the server answered with error 503")])
def test_a_failed_download_is_said_in_plain_words(problem, words):
    assert env.why_unreachable(problem) == words


def test_offline_sentences_carry_no_raw_urlopen_error(monkeypatch):
    import urllib.request
    from artlab import melody

    def offline(*args, **kwargs):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    _, sentence = melody.fetch_official()
    assert "(no internet connection)" in sentence and "urlopen" not in sentence and "Errno" not in sentence
