"""Saving never loses work and never leaves debris: folders that are files, read-only or full
get one sentence (notebook) or one `error:` line with exit 2 (CLI), checked on real folders."""
import os
import subprocess
import sys

import pytest

from artlab import ArtlabError, files, music, writer
from filesystems import everything_in, full_folder, read_only_folder


def run(*args, env=None, preexec_fn=None):
    return subprocess.run([sys.executable, "-m", "artlab", *args], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, **(env or {})), preexec_fn=preexec_fn)


def one_error_line(done):
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


def test_saves_are_numbered_and_complete(tmp_path):
    first = files.save_new(tmp_path, "poem", {"txt": lambda p: p.write_text("one")})
    second = files.save_new(tmp_path, "poem", {"txt": lambda p: p.write_text("two")})
    assert [first["txt"].name, second["txt"].name] == ["poem-001.txt", "poem-002.txt"]
    assert first["txt"].read_text() == "one" and everything_in(tmp_path) == ["poem-001.txt", "poem-002.txt"]


def test_a_failed_write_leaves_no_file_and_no_used_number(tmp_path):
    def breaks_halfway(path):
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")  # what a full disk raises, after a partial write

    with pytest.raises(ArtlabError, match="no room left"):
        files.save_new(tmp_path, "tune", {"mid": lambda p: p.write_bytes(b"MThd"), "wav": breaks_halfway})
    assert everything_in(tmp_path) == []
    made = files.save_new(tmp_path, "tune", {"mid": lambda p: p.write_bytes(b"MThd")})
    assert made["mid"].name == "tune-001.mid"


def test_a_folder_that_is_a_file_gets_a_sentence(tmp_path, monkeypatch):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    with pytest.raises(ArtlabError, match="is a file"):
        writer.keep_text("a poem", "poem", a_file)
    with pytest.raises(ArtlabError, match="is a file"):
        music.save(music.primer("twinkle")[0], "tune", a_file / "inside")
    monkeypatch.setenv("ARTLAB_OUTPUT", str(a_file))
    with pytest.raises(ArtlabError, match="is a file"):
        writer.keep_text("a poem")
    assert a_file.read_text() == "keep me"


def test_a_read_only_folder_gets_a_sentence_and_stays_empty(tmp_path):
    with read_only_folder(tmp_path / "locked") as locked:
        with pytest.raises(ArtlabError, match="does not let me write"):
            music.save(music.primer("twinkle")[0], "tune", locked)
        assert everything_in(locked) == []


def test_cli_out_naming_a_file_exits_2(tiny_bundle, tmp_path):
    a_file = tmp_path / "taken.mid"
    a_file.write_bytes(b"mine")
    line = one_error_line(run("melody", "--bundle", str(tiny_bundle), "--bars", "1", "--out", str(a_file)))
    assert "is a file" in line and a_file.read_bytes() == b"mine"


def test_cli_artlab_output_naming_a_file_exits_2(tiny_bundle, tmp_path):
    a_file = tmp_path / "output"
    a_file.write_text("not a folder")
    line = one_error_line(run("melody", "--bundle", str(tiny_bundle), "--bars", "1",
                              env={"ARTLAB_OUTPUT": str(a_file)}))
    assert "is a file" in line


def test_cli_read_only_out_exits_2(tiny_bundle, tmp_path):
    with read_only_folder(tmp_path / "locked") as locked:
        line = one_error_line(run("melody", "--bundle", str(tiny_bundle), "--bars", "1", "--out", str(locked)))
        assert "does not let me write" in line and everything_in(locked) == []


def test_cli_full_disk_exits_2_and_leaves_nothing(tiny_bundle, tmp_path):
    with full_folder(tmp_path / "full") as (full, limit):
        line = one_error_line(run("melody", "--bundle", str(tiny_bundle), "--bars", "8", "--out", str(full),
                                  preexec_fn=limit))
        assert "no room left" in line
        assert everything_in(full) == []  # no truncated .wav, no empty .png, no hidden part


def test_train_writer_checks_its_folder_before_training(tmp_path):
    poem = tmp_path / "poem.txt"
    poem.write_text("The sea, the sea, the patient sea.\n" * 400)
    a_file = tmp_path / "writer.zip"
    a_file.write_bytes(b"an earlier writer")
    done = run("train-writer", str(poem), "--minutes", "30", "--out", str(a_file))
    assert "is a file" in one_error_line(done)
    assert "training" not in done.stderr  # refused before the first second of training
    assert a_file.read_bytes() == b"an earlier writer"
    with read_only_folder(tmp_path / "locked") as locked:
        done = run("train-writer", str(poem), "--minutes", "30", "--out", str(locked))
        assert "does not let me write" in one_error_line(done) and "training" not in done.stderr


def test_a_full_disk_while_keeping_text_leaves_nothing(tmp_path):
    with full_folder(tmp_path / "full", room=64 * 1024) as (full, limit):
        keep = ("import sys; from artlab import writer\n"
                "try:\n    writer.keep_text('x' * 200_000, 'big', sys.argv[1])\n"
                "except Exception as problem:\n    print(type(problem).__name__, problem)")
        done = subprocess.run([sys.executable, "-c", keep, str(full)], capture_output=True, text=True,
                              timeout=120, preexec_fn=limit)
        assert done.stdout.startswith("ArtlabError") and "no room left" in done.stdout, done.stdout + done.stderr
        assert everything_in(full) == []


def test_a_failure_while_naming_takes_back_the_names_given(tmp_path, monkeypatch):
    real_link = os.link
    calls = []

    def link_then_fail(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the artist stops the cell between two files
        real_link(source, target)
    monkeypatch.setattr(os, "link", link_then_fail)
    with pytest.raises(KeyboardInterrupt):
        files.save_new(tmp_path, "tune", {"mid": lambda p: p.write_bytes(b"MThd"),
                                          "wav": lambda p: p.write_bytes(b"RIFF")})
    assert everything_in(tmp_path) == []


def test_folders_without_hard_links_still_never_overwrite(tmp_path, monkeypatch):
    def no_links(source, target):
        raise OSError(1, "Operation not permitted")  # what some USB sticks and cloud drives say
    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "tune-001.mid").write_bytes(b"earlier")
    made = files.save_new(tmp_path, "tune", {"mid": lambda p: p.write_bytes(b"MThd")})
    assert made["mid"].name == "tune-002.mid" and made["mid"].read_bytes() == b"MThd"
    assert (tmp_path / "tune-001.mid").read_bytes() == b"earlier"
    assert everything_in(tmp_path) == ["tune-001.mid", "tune-002.mid"]


def test_saved_files_follow_the_umask_like_any_new_file(tmp_path):
    made = files.save_new(tmp_path, "poem", {"txt": lambda p: p.write_text("x")})["txt"]
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    assert made.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
