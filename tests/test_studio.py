"""Melody studio plumbing: tempo, side-by-side variations, download links, live loss,
training on your own music, Magenta's official bundle when online."""
import base64
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
    seen = []
    first, losses = training.train(folk_pieces, 3, tmp_path, start_from=start,
                                   on_step=lambda step, loss: seen.append(step))
    second, _ = training.train(folk_pieces, 2, tmp_path, start_from=start)
    assert seen == [0, 1, 2] and len(losses) == 3 and all(loss > 0 for loss in losses)
    assert first != second and first.is_file() and second.is_file()
    mine = melody.MelodyModel(first)
    assert mine.config.hparams.rnn_layer_sizes == [16, 16]  # sizes of the model it started from
    primer, _ = music.primer("twinkle")
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
