import numpy as np
import pytest

from artlab import ArtlabError, melody, music


@pytest.fixture(scope="module")
def tiny(tiny_bundle):
    return melody.load(tiny_bundle)


def _pitches(seq):
    return [(n.pitch, round(n.start_time, 3)) for n in seq.notes]


def primer_end(primer):
    return max([n.end_time for n in primer.notes] + [primer.total_time])


def bar_seconds(primer):
    ts = primer.time_signatures[0] if primer.time_signatures else None
    quarters = ts.numerator * 4.0 / ts.denominator if ts else 4.0
    return quarters * 60.0 / (primer.tempos[0].qpm if primer.tempos else 120.0)


def new_notes(song, primer, bars):
    """The notes the model added after the primer; each must lie within the bars asked."""
    end = primer_end(primer)
    added = [n for n in song.notes if n.start_time >= end - 1e-6]
    assert all(n.end_time <= end + bars * bar_seconds(primer) + 1e-6 for n in added)
    return added


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
    assert _pitches(song)[:len(primer.notes)] == _pitches(primer)
    # the 2 bars were written; near temperature 0 an untrained model may only hold its last note
    assert song.total_time == pytest.approx(primer_end(primer) + 2 * bar_seconds(primer))
    new_notes(song, primer, bars=2)  # whatever it added lies within them
    sung = melody.load().generate(primer, bars=2, temperature=0.05, beam_size=3, seed=0)
    assert len(new_notes(sung, primer, bars=2)) > 0  # the course model adds notes


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
    assert labels[-2:] == ["repeat 1 bar back", "repeat 2 bars back"]


def test_every_position_of_the_models_input_is_named(tiny):
    parts = melody.input_parts(tiny.config)
    assert sum(size for _, size in parts) == tiny.config.encoder_decoder.input_size
    assert parts[0] == ("pitch now", tiny.config.max_note - tiny.config.min_note)


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


@pytest.mark.parametrize("layers, attn_length", [((8,), 4), ((16, 16), 40)])
def test_a_stock_bundle_without_our_hparams_still_plays(tmp_path, layers, attn_length):
    """Like Magenta's official bundles: no hparams in the description, sizes unknown to us.
    The rebuilt graph does not fit (a layer missing, or layers of another size), so the
    bundle's own graph is used, and that is recorded."""
    from bundles import make_tiny_bundle
    from note_seq.protobuf import generator_pb2
    path = make_tiny_bundle(tmp_path / "stock.mag", layers=layers, attn_length=attn_length)
    bundle = generator_pb2.GeneratorBundle.FromString(path.read_bytes())
    bundle.bundle_details.description = "a bundle made elsewhere"
    path.write_bytes(bundle.SerializeToString())
    model = melody.load(path)
    primer, _ = music.primer("twinkle")
    song = model.generate(primer, bars=2, seed=1)
    assert model.graph_source == {1: "bundle"}
    assert len(new_notes(song, primer, bars=2)) > 0


def test_the_course_bundle_plays_a_tune():
    model = melody.load()
    primer, _ = music.primer("twinkle")
    song = model.generate(primer, bars=8, seed=1)
    new = new_notes(song, primer, bars=8)
    assert len(new) >= 8
    assert all(48 <= n.pitch <= 84 for n in new)


def test_the_course_bundle_runs_on_the_fast_path():
    """Its weights fit the graph rebuilt for each beam size, so the fallback (the bundle's
    own graph) is not the one that plays."""
    model = melody.load()
    primer, _ = music.primer("twinkle")
    for beam_size in (1, 2):
        song = model.generate(primer, bars=2, beam_size=beam_size, seed=2)
        assert model.graph_source[beam_size] == "checkpoint"
        assert len(new_notes(song, primer, bars=2)) > 0


def test_variations_are_drawn_together_and_differ(tiny):
    primer, _ = music.primer("twinkle")
    songs = tiny.variations(primer, 3, bars=2, temperature=1.5, seed=4)
    assert len(songs) == 3 and tiny.graph_source[("together", 3)] == "checkpoint"
    for song in songs:
        assert _pitches(song)[:14] == _pitches(primer) and len(new_notes(song, primer, bars=2)) > 0
    assert len({tuple(_pitches(s)) for s in songs}) > 1
    again = tiny.variations(primer, 3, bars=2, temperature=1.5, seed=4)
    assert [_pitches(s) for s in again] == [_pitches(s) for s in songs]  # same seed, same melodies


def test_one_variation_is_the_melody_generate_makes(tiny):
    primer, _ = music.primer("twinkle")
    assert _pitches(tiny.variations(primer, 1, bars=2, seed=9)[0]) == \
        _pitches(tiny.generate(primer, bars=2, seed=9))


def test_variations_with_beam_search_use_one_seed_each(tiny):
    primer, _ = music.primer("twinkle")
    songs = tiny.variations(primer, 2, bars=1, beam_size=2, seed=3)
    assert [_pitches(s) for s in songs] == \
        [_pitches(tiny.generate(primer, bars=1, beam_size=2, seed=n)) for n in (3, 4)]


@pytest.mark.parametrize("count", [0, 9, 2.5])
def test_a_wrong_number_of_variations_gets_a_sentence(tiny, count):
    with pytest.raises(ArtlabError, match="Variations must be"):
        tiny.variations(music.primer("twinkle")[0], count)


def test_variations_from_a_bundles_own_graph_are_as_many_as_asked(tmp_path):
    """A stock bundle's own graph has batch size 1: the batch is split to fit it."""
    from bundles import make_tiny_bundle
    from note_seq.protobuf import generator_pb2
    path = make_tiny_bundle(tmp_path / "stock.mag", layers=(8,), attn_length=4)
    bundle = generator_pb2.GeneratorBundle.FromString(path.read_bytes())
    bundle.bundle_details.description = "a bundle made elsewhere"
    path.write_bytes(bundle.SerializeToString())
    model = melody.load(path)
    primer, _ = music.primer("twinkle")
    songs = model.variations(primer, 3, bars=1, temperature=1.5, seed=2)
    assert len(songs) == 3 and model.graph_source[("together", 3)] == "bundle"
    assert all(len(new_notes(song, primer, bars=1)) > 0 for song in songs)


WEIGHTS_OF_A_TINY_BUNDLE = """
import sys
import numpy as np
from bundles import make_tiny_bundle
from artlab import env, melody
checkpoint = str(melody.load(make_tiny_bundle(sys.argv[1])).checkpoint)
tf = env.load_magenta()
for name, _ in sorted(tf.train.list_variables(checkpoint)):
    print(name, float(np.abs(tf.train.load_variable(checkpoint, name)).sum()))
"""


def test_the_tiny_bundle_has_the_same_weights_in_every_process(tmp_path):
    """Tests that read what an untrained model writes need the same model each run."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    tests = str(Path(__file__).parent)
    sums = [subprocess.run([sys.executable, "-c", WEIGHTS_OF_A_TINY_BUNDLE, str(tmp_path / f"{n}.mag")],
                           capture_output=True, text=True, check=True, cwd=tests,
                           env=dict(os.environ, PYTHONHASHSEED=str(n), PYTHONPATH=tests)).stdout
            for n in (1, 2)]
    assert sums[0].count("\n") > 5 and sums[0] == sums[1]
