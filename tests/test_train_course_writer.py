"""scripts/train_course_writer.py: the recipe's settings from the command line, and --pick-on
keeps the best snapshot (scored on a play kept out of training), not the last."""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import train_course_writer  # noqa: E402

from artlab import writer  # noqa: E402


def test_pick_on_keeps_the_best_snapshot_not_the_last(tmp_path, monkeypatch):
    import numpy as np

    def two_snapshots(model, ids, settings, minutes, on_batch=None, every=None):
        """Training stand-in: a first snapshot (the starting weights), then a much worse one, which
        the model is left holding, as a run that ends learning its text by heart would be."""
        good = [np.copy(w) for w in model.get_weights()]
        bad = [np.copy(w) for w in good]
        bad[-1][:] = 0.0
        bad[-1][0] = 30.0  # the Dense bias: every guess is character 0
        every[1](60.0, good)
        every[1](120.0, bad)
        model.set_weights(bad)
        return 2

    monkeypatch.setattr(train_course_writer, "SNAPSHOTS", tmp_path / "snapshots")
    monkeypatch.setattr(train_course_writer.writer, "fit", two_snapshots)
    out = tmp_path / "tiny.zip"
    monkeypatch.setattr(sys, "argv", [
        "train_course_writer.py", "--minutes", "2", "--units", "8", "--layers", "2", "--dropout", "0.1",
        "--batch-size", "8", "--pick-on", "comedy_of_errors", "--out", str(out)])
    train_course_writer.main()
    info = json.loads(out.with_suffix(".json").read_text())
    assert info["settings"]["units"] == 8 and info["settings"]["layers"] == 2
    assert info["command"].startswith("python scripts/train_course_writer.py --minutes 2 --units 8")
    picked = info["picked"]
    assert picked["on"] == ["comedy_of_errors"] and picked["best_after_minutes"] == 1.0
    assert picked["best_loss"] < picked["loss_at_the_end"] - 1
    # the saved writer is the best snapshot, and the play it was picked on was not trained on
    saved = writer.load(out)
    ids = saved.chars.ids(train_course_writer.works()["comedy_of_errors"])[0]
    assert abs(writer.average_loss(saved.model, ids, batch_size=512) - picked["best_loss"]) < 1e-4
    assert info["val_loss_held_out_plays"] < picked["loss_at_the_end"] - 1
    assert info["data"]["train_characters"] + len(ids) < 4_737_103  # the writer without --pick-on
    assert (tmp_path / "snapshots" / "tiny_snapshot.zip").is_file()


def test_start_from_goes_on_from_a_writer_and_keeps_it_if_no_snapshot_beats_it(tmp_path, monkeypatch):
    import numpy as np
    tiny = ["--units", "8", "--batch-size", "8", "--pick-on", "comedy_of_errors"]
    monkeypatch.setattr(train_course_writer, "SNAPSHOTS", tmp_path / "snapshots")
    monkeypatch.setattr(train_course_writer.writer, "fit",  # weights unlike a fresh model's
                        lambda model, *a, **k: model.set_weights([w + 0.25 for w in model.get_weights()]))
    monkeypatch.setattr(sys, "argv", ["train_course_writer.py", *tiny, "--out", str(tmp_path / "first.zip")])
    train_course_writer.main()
    first = writer.load(tmp_path / "first.zip").model.get_weights()
    started_with = []

    def one_worse_snapshot(model, ids, settings, minutes, on_batch=None, every=None):
        started_with.extend(np.copy(w) for w in model.get_weights())
        worse = [w + 0.5 for w in started_with]
        every[1](60.0, worse)
        model.set_weights(worse)
        return 1

    monkeypatch.setattr(train_course_writer.writer, "fit", one_worse_snapshot)
    monkeypatch.setattr(sys, "argv", ["train_course_writer.py", *tiny, "--start-from",
                                      str(tmp_path / "first.zip"), "--out", str(tmp_path / "on.zip")])
    train_course_writer.main()
    assert all(np.array_equal(a, b) for a, b in zip(started_with, first)) and len(started_with) == len(first)
    info = json.loads((tmp_path / "on.zip").with_suffix(".json").read_text())
    assert info["picked"]["best_after_minutes"] == 0.0 and "going on from first.zip" in info["recipe"]
    kept = writer.load(tmp_path / "on.zip").model.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(kept, first))
    monkeypatch.setattr(sys, "argv", ["train_course_writer.py", "--units", "16", "--start-from",
                                      str(tmp_path / "first.zip"), "--out", str(tmp_path / "no.zip")])
    with pytest.raises(SystemExit):  # another shape: a sentence, not a traceback
        train_course_writer.main()


def test_pick_on_refuses_the_held_out_plays(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["train_course_writer.py", "--pick-on", "tempest"])
    with pytest.raises(SystemExit):
        train_course_writer.main()


def test_score_course_writers_averages_the_weights_of_writers(tmp_path, monkeypatch, capsys):
    import numpy as np
    import score_course_writers
    monkeypatch.setattr(train_course_writer, "SNAPSHOTS", tmp_path / "snapshots")
    monkeypatch.setattr(train_course_writer.writer, "fit", lambda model, *a, **k: 0)
    monkeypatch.setattr(sys, "argv", ["train_course_writer.py", "--units", "8", "--batch-size", "8",
                                      "--out", str(tmp_path / "a.zip")])
    train_course_writer.main()
    a = writer.load(tmp_path / "a.zip")
    writer.save(a.model.__class__.from_config(a.model.get_config()), a.chars, tmp_path / "b.zip")
    b = writer.load(tmp_path / "b.zip")
    b.model.set_weights([w + 1.0 for w in a.model.get_weights()])
    writer.save(b.model, b.chars, tmp_path / "b.zip")
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["score_course_writers.py", str(tmp_path / "a.zip"), str(tmp_path / "b.zip"),
                                      "--average", "--out", str(tmp_path / "mean.zip")])
    score_course_writers.main()
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["held_out"] > 0 and line["as_you_like_it"] > 0
    mean = writer.load(tmp_path / "mean.zip").model.get_weights()
    assert all(np.allclose(m, w + 0.5) for m, w in zip(mean, a.model.get_weights()))
