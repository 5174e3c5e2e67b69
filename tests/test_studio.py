"""Melody studio plumbing: tempo, side-by-side variations, download links, live loss,
training on your own music, Magenta's official bundle when online."""
import base64
import datetime
import io
import urllib.request

import pytest

from artlab import ArtlabError, gallery, melody, music
from artlab import melody_training as training
from artlab.progress import LiveLoss
from test_melody import new_notes


def test_tempo_changes_timing_not_notes():
    seq, _ = music.primer("twinkle")
    fast = music.with_tempo(seq, 240)
    assert [n.pitch for n in fast.notes] == [n.pitch for n in seq.notes]
    assert fast.notes[-1].end_time == pytest.approx(seq.notes[-1].end_time / 2)
    assert fast.tempos[0].qpm == 240 and seq.tempos[0].qpm == 120  # the original is untouched


@pytest.mark.parametrize("qpm", [0, -60, 10000])
def test_extreme_tempi_are_refused_with_the_range(qpm):
    with pytest.raises(ArtlabError, match="20-300"):
        music.with_tempo(music.primer("twinkle")[0], qpm)


def test_variations_side_by_side_two_per_row():
    seq, _ = music.primer("twinkle")
    grid = gallery.side_by_side([seq, seq, seq], primer=seq)
    assert [len(row.children) for row in grid.children] == [2, 1]


def _links_shown(box):
    return [o["data"]["text/html"] for o in box.children[1].outputs if "text/html" in o.get("data", {})]


def test_a_keep_button_saves_under_new_names_each_click(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTLAB_OUTPUT", str(tmp_path))
    seq, _ = music.primer("twinkle")
    box = gallery.keep_button(lambda: music.save(seq, "kept"), "your tune:", "keep this tune")
    button = box.children[0]
    assert button.description == "keep this tune" and not list(tmp_path.iterdir())  # nothing before a click
    button.click()
    button.click()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"kept-00{n}.{kind}" for n in (1, 2) for kind in ("mid", "png", "wav")]


def test_a_keep_button_that_cannot_save_says_why(tmp_path, monkeypatch, capsys):
    from artlab import env
    monkeypatch.setattr(env, "strict_mode", lambda: False)  # as an artist sees it
    box = gallery.keep_button(lambda: music.save(music.primer("twinkle")[0], "kept", tmp_path / "a-file.txt" / "x"),
                              "your tune:")
    (tmp_path / "a-file.txt").write_text("not a folder")
    box.children[0].click()
    said = capsys.readouterr().out.splitlines()
    assert len(said) == 1 and said[0].startswith("⚠ ") and "a-file.txt" in said[0]


def test_variations_can_each_be_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTLAB_OUTPUT", str(tmp_path))
    seq, _ = music.primer("twinkle")
    grid = gallery.side_by_side([seq, seq], primer=seq, titles=["one", "two"], keep_as="mine")
    buttons = [cell.children[1].children[0] for cell in grid.children[0].children]
    assert [b.description for b in buttons] == ["keep one", "keep two"]
    buttons[1].click()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine-2-001.mid", "mine-2-001.png", "mine-2-001.wav"]


def test_the_tune_picker_follows_what_the_artist_does(midi_files):
    from artlab import pickers
    picker = pickers.TunePicker("twinkle")
    assert picker.choice.value == "twinkle" and picker.names()[-2:] == ["my notes", "my upload"]
    assert [n.pitch for n in picker.tune()[0].notes] == [n.pitch for n in music.primer("twinkle")[0].notes]
    picker.notes.value = "C4 D4:2 r E4"
    assert picker.choice.value == "my notes"
    assert [n.pitch for n in picker.tune()[0].notes] == [60, 62, 64]
    picker.notes.value = "C4 H4"
    melody, remarks = picker.tune()
    assert len(melody.notes) == 14 and "'H4'" in remarks[0] and "Playing Twinkle, Twinkle instead" in remarks[0]
    assert "No MIDI file is uploaded yet" in picker.tune("my upload")[1][0]
    picker.upload.value = ({"name": "late.mid", "type": "", "size": 1, "last_modified": datetime.datetime.now(),
                            "content": memoryview(midi_files["late_start"].read_bytes())},)
    assert picker.choice.value == "my upload"
    melody, remarks = picker.tune()
    assert remarks[0] == "Using late.mid." and len(melody.notes) > 0
    assert picker.tune("arirang")[0].time_signatures[0].numerator == 3  # built-ins stay choosable


def test_download_links_carry_the_files(tmp_path):
    saved = music.save(music.primer("twinkle")[0], "mine", tmp_path)
    page = gallery.download_links(saved).data
    for kind, path in saved.items():
        assert f'download="{path.name}"' in page
        assert base64.b64encode(path.read_bytes()).decode() in page


def test_texts_side_by_side_escape_and_keep_every_text():
    page = gallery.texts_side_by_side(["<b>ROMEO</b>: hi", "둘"], ["T=0.5", "T=1.0"]).data
    assert "&lt;b&gt;ROMEO&lt;/b&gt;: hi" in page and "둘" in page and "T=1.0" in page


def test_live_loss_counts_steps_and_draws():
    live = LiveLoss(total=4, every=2, reference=("course model", 1.1))
    for step, loss in enumerate([3.0, 2.0, 1.5, 1.2]):
        live(step, loss)
    live.check(4, 1.4)
    live.close()
    assert live.losses == [3.0, 2.0, 1.5, 1.2] and live.bar.n == 4 and live.checks == [(4, 1.4)]


def test_live_loss_shows_the_work_before_training_and_after_each_check(capsys):
    said = iter(["zzqx", "the thee", "to be or", "to be, or not", "to be, or not to be"])
    live = LiveLoss(total=10, every=100, sample=lambda: next(said))
    for step in range(4):
        live(step, 1.0)
        live.check(step + 1, 1.0)
    live.close()
    assert live.samples == [(0, "zzqx"), (1, "the thee"), (2, "to be or"), (3, "to be, or not"),
                            (4, "to be, or not to be")]
    last_drawing = capsys.readouterr().out.split("before training")[-1]
    assert "zzqx" in last_drawing and "after 4 steps: to be, or not to be" in last_drawing
    assert "the thee" not in last_drawing  # only the latest three after training began


def test_live_loss_shows_work_that_is_not_text_as_a_widget():
    import ipywidgets as widgets
    from IPython.display import HTML
    live = LiveLoss(total=2, every=100)
    live.show(0, HTML("<b>a bar</b>"))
    player = widgets.Output()
    live.show(2, player)
    assert isinstance(live.samples[0][1], widgets.Output) and live.samples[1][1] is player
    live.draw()
    assert live.samples[0][1] is not player and len(live.samples) == 2  # made once, redrawn as it is


def test_live_loss_on_a_time_budget_counts_seconds(monkeypatch):
    import time
    clock = iter([100.0, 100.0, 130.0, 500.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    live = LiveLoss(minutes=2, every=5, unit="nats per character")
    assert live.bar.total == 120
    live(0, 4.0)
    live(1, 3.0)
    assert live.bar.n == 30
    live(2, 2.5)
    assert live.bar.n == 120  # never past the budget


@pytest.fixture(scope="module")
def folk_pieces():
    return [music.tune_to_sequence(t) for t in music.folk_tunes("test")[:6]]


def test_training_on_your_music_makes_a_new_bundle_each_time(tiny_bundle, folk_pieces, tmp_path):
    start = melody.MelodyModel(tiny_bundle)
    seen, heard = [], []
    primer, _ = music.primer("twinkle")

    def listen(step, now):
        heard.append((step, [n.pitch for n in now.generate(primer, bars=1, seed=0).notes]))
    first, losses = training.train(folk_pieces, 3, tmp_path, start_from=start,
                                   on_step=lambda step, loss: seen.append(step), every=2, on_check=listen)
    second, _ = training.train(folk_pieces, 2, tmp_path, start_from=start)
    assert seen == [0, 1, 2] and len(losses) == 3 and all(loss > 0 for loss in losses)
    assert [step for step, _ in heard] == [0, 2]  # before training, then every 2 steps
    assert heard[0][1] == [n.pitch for n in start.generate(primer, bars=1, seed=0).notes]  # it starts as start_from
    assert first != second and first.is_file() and second.is_file()
    mine = melody.MelodyModel(first)
    assert mine.config.hparams.rnn_layer_sizes == [16, 16]  # sizes of the model it started from
    assert len(new_notes(mine.generate(primer, bars=1, seed=0), primer, bars=1)) > 0
    for model in (start, mine):
        model.close()


def test_too_little_music_is_refused_with_the_minimum(tiny_bundle, tmp_path):
    start = melody.MelodyModel(tiny_bundle)
    with pytest.raises(ArtlabError, match="at least 100 notes"):
        training.train([music.primer("twinkle")[0]], 2, tmp_path, start_from=start)
    assert not list(tmp_path.iterdir())
    start.close()


def test_unreadable_uploads_are_skipped_with_a_sentence(midi_files):
    files = [(midi_files[k].name, midi_files[k].read_bytes()) for k in ("good", "corrupt", "empty")]
    sequences, remarks = training.sequences_from_files(files)
    assert len(sequences) == 1 and len(remarks) == 2
    assert all(remark.endswith("Skipped.") for remark in remarks)


def test_drums_only_music_is_too_little(midi_files):
    sequences, _ = training.sequences_from_files([("d.mid", midi_files["drums"].read_bytes())])
    with pytest.raises(ArtlabError, match="drum parts are left out"):
        training.check_enough(melody.attention_config(), sequences)


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_official_bundle_offline_is_a_sentence(monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    path, sentence = melody.fetch_official()
    assert path is None and "needs the internet" in sentence


def test_official_bundle_must_parse_as_a_bundle(monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: _Response(b"<html>captive"))
    path, sentence = melody.fetch_official()
    assert path is None and "not a Magenta bundle" in sentence


def test_official_bundle_is_downloaded_once(monkeypatch, tiny_bundle):
    calls = []

    def serve(*args, **kwargs):
        calls.append(1)
        return _Response(tiny_bundle.read_bytes())
    monkeypatch.setattr(urllib.request, "urlopen", serve)
    first, _ = melody.fetch_official()
    second, sentence = melody.fetch_official()
    assert first == second and first.is_file() and len(calls) == 1
    assert "already downloaded" in sentence
