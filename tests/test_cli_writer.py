"""`python -m artlab write` and `train-writer`: text out, models saved, bad input one line."""
import pytest

from test_cli import _one_error_line, run

POEM = "진달래꽃\n나 보기가 역겨워\n가실 때에는\n말없이 고이 보내 드리우리다\n"


@pytest.fixture(scope="module")
def tiny_writer(tmp_path_factory):
    import keras
    from artlab import writer
    chars = writer.Characters.of("abcdefghijklmnopqrstuvwxyz ROMEO:\n")
    keras.utils.set_random_seed(0)
    model = writer.workshop_model(len(chars), embedding=4, units=8)
    return writer.save(model, chars, tmp_path_factory.mktemp("w") / "tiny.zip")


def test_write_prints_the_prompt_and_more(tiny_writer):
    done = run("write", "--model", str(tiny_writer), "--prompt", "ROMEO:", "--length", "40",
               "--seed", "3")
    again = run("write", "--model", str(tiny_writer), "--prompt", "ROMEO:", "--length", "40",
                "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ROMEO:") and len(done.stdout.rstrip("\n")) >= 46
    assert done.stdout == again.stdout  # same seed, same text


def test_unseen_prompt_characters_are_said_not_a_crash(tiny_writer):
    done = run("write", "--model", str(tiny_writer), "--prompt", "Zébra!", "--length", "5")
    assert done.returncode == 0, done.stderr
    assert "never saw" in done.stderr and done.stdout.startswith("Zébra!")


@pytest.mark.parametrize("args, says", [
    (["--temperature", "0"], "Temperature"), (["--temperature", "-2"], "Temperature"),
    (["--length", "0"], "Length"), (["--length", "many"], "invalid int"),
    (["--prompt", ""], "prompt"),
])
def test_bad_settings_are_one_line(tiny_writer, args, says):
    assert says in _one_error_line(run("write", "--model", str(tiny_writer), *args))


@pytest.mark.parametrize("content", [None, b"", b"PK\x03\x04 broken"])
def test_a_missing_or_broken_writer_is_one_line(tmp_path, content):
    path = tmp_path / "w.zip"
    if content is not None:
        path.write_bytes(content)
    assert "writer" in _one_error_line(run("write", "--model", str(path)))


def test_the_course_writer_writes():
    done = run("write", "--length", "20", "--seed", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ROMEO:") and len(done.stdout.rstrip("\n")) >= 26


def test_without_the_course_writer_it_says_it_is_missing(tmp_path, monkeypatch):
    import shutil
    from artlab import env, writer
    assets = shutil.copytree(env.assets_dir(), tmp_path / "assets")
    (assets / writer.COURSE_WRITER).unlink()
    monkeypatch.setenv("ARTLAB_ASSETS", str(assets))
    done = run("write", "--length", "20", "--seed", "1")
    assert "course writer is not in this copy" in _one_error_line(done)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_train_writer_on_a_korean_cp949_file_then_write(tmp_path, cell):
    from artlab import writer
    poem = tmp_path / "poem.txt"
    poem.write_bytes((POEM * 40).encode("cp949"))
    done = run("train-writer", str(poem), "--minutes", "0.05", "--out", str(tmp_path),
               "--cell", cell)
    assert done.returncode == 0, done.stderr
    assert "CP949" in done.stdout
    saved = tmp_path / "poem-writer-001.zip"
    assert f"saved: {saved}" in done.stdout
    trained = writer.load(saved)
    assert trained.about["settings"]["cell"] == cell
    assert [type(layer).__name__ for layer in trained.model.layers][1] == cell.upper()
    written = run("write", "--model", str(saved), "--prompt", "나 보기가", "--length", "20")
    assert written.returncode == 0 and written.stdout.startswith("나 보기가"), written.stderr


@pytest.mark.parametrize("content, says", [
    (b"", "empty"), (b"\x00\x01binary" * 50, "binary"), (b"short", "at least 1,000"),
])
def test_train_writer_refuses_bad_text_in_one_line(tmp_path, content, says):
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    assert says in _one_error_line(run("train-writer", str(path), "--out", str(tmp_path)))
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_train_writer_refuses_silly_minutes(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("x" * 2000)
    assert "Minutes" in _one_error_line(run("train-writer", str(path), "--minutes", "-1"))
