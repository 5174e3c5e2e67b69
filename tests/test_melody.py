import numpy as np
import pytest

from artlab import ArtlabError, melody, music


@pytest.fixture(scope="module")
def tiny(tiny_bundle):
    return melody.load(tiny_bundle)


def _pitches(seq):
    return [(n.pitch, round(n.start_time, 3)) for n in seq.notes]


def test_generate_continues_the_primer_for_the_bars_asked(tiny):
    primer, _ = music.primer("twinkle")  # 8 s at 120 qpm
    song = tiny.generate(primer, bars=4, seed=3)
    assert _pitches(song)[:len(primer.notes)] == _pitches(primer)
    assert any(n.start_time >= primer.total_time for n in song.notes)
    assert song.total_time <= primer.total_time + 4 * 2.0 + 1e-6


def test_same_seed_same_melody_other_seed_other_melody(tiny):
    primer, _ = music.primer("ode_to_joy")
    first = tiny.generate(primer, bars=8, temperature=1.5, seed=11)
    again = tiny.generate(primer, bars=8, temperature=1.5, seed=11)
    other = tiny.generate(primer, bars=8, temperature=1.5, seed=12)
    assert _pitches(first) == _pitches(again)
    assert _pitches(first) != _pitches(other)


def test_beam_search_and_low_temperature_work(tiny):
    primer, _ = music.primer("arirang")
    song = tiny.generate(primer, bars=2, temperature=0.05, beam_size=3, seed=0)
    assert len(song.notes) >= len(primer.notes)


def test_the_generator_stays_warm(tiny):
    primer, _ = music.primer("twinkle")
    tiny.generate(primer, bars=1, seed=0)
    generator = tiny.generator(1)
    tiny.generate(primer, bars=1, seed=1)
    assert tiny.generator(1) is generator
    assert melody.load(tiny.path) is tiny


@pytest.mark.parametrize("settings, message", [
    ({"bars": 0}, "Bars"), ({"bars": 100000}, "Bars"), ({"bars": 2.5}, "Bars"),
    ({"temperature": 0}, "Temperature"), ({"temperature": -1}, "Temperature"),
    ({"temperature": 1e9}, "Temperature"), ({"beam_size": 0}, "Beam"), ({"beam_size": 99}, "Beam")])
def test_extreme_settings_get_a_sentence(tiny, settings, message):
    with pytest.raises(ArtlabError, match=message):
        tiny.generate(music.primer("twinkle")[0], **settings)


def test_next_event_probabilities_sum_to_one(tiny):
    labels, probabilities = tiny.next_event_probabilities(music.primer("twinkle")[0])
    assert len(labels) == len(probabilities) == tiny.config.encoder_decoder.num_classes
    assert abs(float(np.sum(probabilities)) - 1.0) < 1e-4
    assert "hold" in labels and "C4" in labels


def test_not_a_bundle_gets_a_sentence(tmp_path):
    for name, data in [("empty.mag", b""), ("noise.mag", bytes(range(256)) * 10),
                       ("text.mag", b"hello, I am a text file")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ArtlabError, match="not a Magenta bundle"):
            melody.load(tmp_path / name)
    with pytest.raises(ArtlabError, match="no bundle"):
        melody.load(tmp_path / "missing.mag")


def test_a_bundle_of_another_model_is_named(tmp_path):
    from note_seq.protobuf import generator_pb2
    bundle = generator_pb2.GeneratorBundle()
    bundle.generator_details.id = "performance_with_dynamics"
    bundle.checkpoint_file.append(b"weights")
    (tmp_path / "perf.mag").write_bytes(bundle.SerializeToString())
    with pytest.raises(ArtlabError, match="performance_with_dynamics"):
        melody.load(tmp_path / "perf.mag")


def test_a_stock_bundle_without_our_hparams_still_plays(tmp_path):
    """Like Magenta's official bundles: no hparams in the description, sizes unknown to us.
    The rebuilt graph does not fit, so the bundle's own graph is used."""
    from bundles import make_tiny_bundle
    from note_seq.protobuf import generator_pb2
    path = make_tiny_bundle(tmp_path / "stock.mag", layers=(8,), attn_length=4)
    bundle = generator_pb2.GeneratorBundle.FromString(path.read_bytes())
    bundle.bundle_details.description = "a bundle made elsewhere"
    path.write_bytes(bundle.SerializeToString())
    model = melody.load(path)
    song = model.generate(music.primer("twinkle")[0], bars=2, seed=1)
    assert len(song.notes) > 0


def test_the_course_bundle_plays_a_tune():
    model = melody.load()
    primer, _ = music.primer("twinkle")
    song = model.generate(primer, bars=8, seed=1)
    new = [n for n in song.notes if n.start_time >= primer.total_time - 1e-6]
    assert len(new) >= 8
    assert all(48 <= n.pitch <= 84 for n in new)
