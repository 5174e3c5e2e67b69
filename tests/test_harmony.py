"""Four voices: the chorale set, the course PolyphonyRNN harmonizing and continuing, voices,
instruments, files, bad input, and the `harmonize` command."""
import collections
import subprocess
import sys

import pytest

from artlab import ArtlabError, harmony, music


@pytest.fixture(scope="module")
def model():
    return harmony.load()


@pytest.fixture(scope="module")
def twinkle():
    return music.primer("twinkle")[0]


def _notes(seq, voice=None):
    return sorted((round(n.start_time, 4), round(n.end_time, 4), n.pitch) for n in seq.notes
                  if voice is None or n.instrument == voice)


def test_chorales_are_four_voices_split_by_chorale():
    chorales = harmony.chorales()
    splits = collections.Counter(c["split"] for c in chorales)
    assert len(chorales) == 367 and splits == {"train": 292, "eval": 30, "test": 45}
    split_of = {}
    for chorale in chorales:  # a chorale in two files (.mxl and .krn) is on one side only
        assert split_of.setdefault(chorale["id"], chorale["split"]) == chorale["split"]
    for chorale in chorales:
        assert {voice for _, _, _, voice in chorale["notes"]} == {0, 1, 2, 3}
    bass = [p for c in chorales for p, _, _, v in c["notes"] if v == 3]
    soprano = [p for c in chorales for p, _, _, v in c["notes"] if v == 0]
    assert sum(soprano) / len(soprano) > sum(bass) / len(bass) + 12  # voices in their order
    seq = harmony.chorale_to_sequence(chorales[0], shift=2)
    assert {n.instrument for n in seq.notes} == {0, 1, 2, 3}
    assert seq.notes[0].pitch == chorales[0]["notes"][0][0] + 2


def test_harmonize_keeps_the_melody_as_the_soprano_and_adds_three_voices(model, twinkle):
    four = model.harmonize(twinkle, seed=1)
    assert _notes(four, voice=0) == _notes(twinkle)  # every melody note, at its time
    voices = collections.Counter(n.instrument for n in four.notes)
    assert set(voices) == {0, 1, 2, 3}
    assert four.total_time == pytest.approx(twinkle.total_time)
    assert max(n.end_time for n in four.notes) <= twinkle.total_time + 1e-6
    assert [i.name for i in four.instrument_infos] == list(harmony.VOICES)
    under = [n for n in four.notes if n.instrument != 0]
    assert sum(n.pitch < 67 for n in under) > 0.8 * len(under)  # mostly below the tune's top


def test_same_seed_same_harmony_other_seed_other_harmony(model, twinkle):
    first, again = model.harmonize(twinkle, seed=3), model.harmonize(twinkle, seed=3)
    other = model.harmonize(twinkle, seed=4)
    assert _notes(first) == _notes(again)
    assert _notes(first) != _notes(other)


def test_an_off_grid_melody_is_harmonized_on_the_grid(model):
    melody = music.typed_notes("C4:1.1 E4:0.9 G4:2")
    four = model.harmonize(melody, seed=1)
    assert [(start, pitch) for start, _, pitch in _notes(four, voice=0)] == [
        (0.0, 60), (0.5, 64), (1.0, 67)]


def test_continue_keeps_the_piece_and_adds_bars_without_a_gap(model, twinkle):
    four = model.harmonize(twinkle, seed=1)
    longer = model.continue_piece(four, bars=2, seed=2)
    end = four.total_time
    assert longer.total_time == pytest.approx(end + 2 * 2.0)  # 2 bars of 4/4 at 120
    kept = [(n.start_time, n.end_time, n.pitch, n.instrument) for n in longer.notes
            if n.start_time < end - 1e-6]
    assert sorted(kept) == sorted((n.start_time, n.end_time, n.pitch, n.instrument)
                                  for n in four.notes)  # the piece and its voices, unchanged
    new = [n for n in longer.notes if n.start_time >= end - 1e-6]
    assert new and min(n.start_time for n in new) == pytest.approx(end)  # Magenta's step closed
    assert max(n.end_time for n in longer.notes) <= longer.total_time + 1e-6
    assert {n.instrument for n in new} <= {0, 1, 2, 3}


def test_a_three_four_piece_goes_on_in_three_four(model):
    arirang = music.primer("arirang")[0]
    longer = model.continue_piece(model.harmonize(arirang, seed=1), bars=1, seed=1)
    assert (longer.time_signatures[0].numerator, longer.time_signatures[0].denominator) == (3, 4)
    assert longer.total_time == pytest.approx(arirang.total_time + 1.5)


def test_next_event_probabilities_are_a_distribution(model, twinkle):
    events = model.events(twinkle)
    probabilities = model.next_event_probabilities(events)
    assert probabilities.shape == (model.config.encoder_decoder.num_classes,) == (259,)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-4)


def test_voices_by_height():
    chord = music.typed_notes("C4")
    del chord.notes[:]
    for pitch in (72, 64, 55, 48):
        chord.notes.add(pitch=pitch, start_time=0, end_time=1, velocity=80)
    assert [n.instrument for n in harmony.assign_voices(chord).notes] == [0, 1, 2, 3]
    melody = music.typed_notes("E4")  # the melody is not always the highest note
    assert [n.instrument for n in harmony.assign_voices(chord, soprano=melody).notes] == [
        1, 0, 2, 3]
    del chord.notes[2:]  # the melody and one note under it: the register decides
    chord.notes.add(pitch=50, start_time=0, end_time=1, velocity=80)
    assert [n.instrument for n in harmony.assign_voices(chord, soprano=melody).notes] == [
        1, 0, 3]


def test_instruments_per_voice_and_a_midi_track_each(model, twinkle, tmp_path):
    four = harmony.with_instruments(model.harmonize(twinkle, seed=1),
                                    ("flute", "oboe", "clarinet", "bassoon"))
    programs = {n.instrument: n.program for n in four.notes}
    assert programs == {0: 73, 1: 68, 2: 71, 3: 70}
    paths = music.save(four, "four", tmp_path, voice_names=harmony.voice_names())
    import mido
    tracks = mido.MidiFile(paths["mid"]).tracks
    assert [t.name for t in tracks if t.name] == list(harmony.VOICES)
    assert paths["wav"].read_bytes()[:4] == b"RIFF" and paths["png"].stat().st_size > 1000
    again = music.save(four, "four", tmp_path, voice_names=harmony.voice_names())
    assert again["mid"] != paths["mid"]  # never over an earlier file


@pytest.mark.parametrize("instruments", [("choir",) * 3, ("choir",) * 5,
                                         ("choir", "choir", "choir", "kazoo")])
def test_wrong_instruments_get_a_sentence(instruments):
    with pytest.raises(ArtlabError, match="four instruments"):
        harmony.check_instruments(instruments)


@pytest.mark.parametrize("bars, temperature", [(-1, 1.0), (33, 1.0), (2.5, 1.0), (2, 0),
                                               (2, -1), (2, 6.0)])
def test_settings_out_of_range_get_a_sentence(bars, temperature):
    with pytest.raises(ArtlabError):
        harmony.check_settings(bars, temperature)


@pytest.mark.parametrize("temperature", [0.01, 2.0, 5.0])
def test_temperatures_at_their_extremes_still_make_music(model, twinkle, temperature):
    harmony.check_settings(32, temperature)
    four = model.continue_piece(model.harmonize(twinkle, temperature=temperature, seed=1),
                                bars=4, temperature=temperature, seed=1)
    assert _notes(four, voice=0)[:2] == _notes(twinkle)[:2]
    assert four.total_time == pytest.approx(twinkle.total_time + 8.0)


def test_an_empty_melody_gets_a_sentence(model):
    empty = music.typed_notes("C4")
    del empty.notes[:]
    with pytest.raises(ArtlabError, match="no notes"):
        model.harmonize(empty)
    with pytest.raises(ArtlabError, match="no notes"):
        model.continue_piece(empty)


def test_bundles_that_are_not_polyphony_get_a_sentence(tiny_bundle, tmp_path):
    with pytest.raises(ArtlabError, match="not a PolyphonyRNN"):
        harmony.load(tiny_bundle)
    junk = tmp_path / "junk.mag"
    junk.write_bytes(b"\x00\x01 not a bundle")
    with pytest.raises(ArtlabError, match="not a Magenta bundle"):
        harmony.load(junk)
    with pytest.raises(ArtlabError, match="no bundle"):
        harmony.load(tmp_path / "missing.mag")


def _untrained_bundle(path):
    from bundles import untrained_checkpoint
    return untrained_checkpoint(harmony.polyphony_config(1, (8,)), lambda checkpoint: harmony.write_bundle(
        checkpoint, path, (8,), "untrained test bundle"))


def test_a_model_that_never_ends_a_step_is_made_to(tmp_path, twinkle):
    untrained = harmony.load(_untrained_bundle(tmp_path / "untrained.mag"))
    assert untrained.layers == (8,)
    four = untrained.harmonize(twinkle, seed=1)  # left alone, Magenta's loop would not end
    assert _notes(four, voice=0) == _notes(twinkle) and four.total_time == twinkle.total_time
    starts = collections.Counter(round(n.start_time * 8) for n in four.notes)  # per step
    assert max(starts.values()) <= harmony.MAX_EVENTS_PER_STEP


def test_examples_from_magentas_pipeline_with_transpositions(tmp_path):
    from artlab import env
    tf = env.load_magenta()
    config = harmony.polyphony_config()
    two = [harmony.chorale_to_sequence(c) for c in harmony.chorales("test")[:2]]
    records, count = harmony.make_examples(config, iter(two), tmp_path / "a", shifts=(0,))
    moved, moved_count = harmony.make_examples(config, iter(two), tmp_path / "b", shifts=(-1, 0, 1))
    assert count == 2 and moved_count == 6
    pieces, piece_count = harmony.make_examples(config, iter(two), tmp_path / "c", shifts=(0,),
                                                piece_quarters=16)
    assert piece_count > 2
    example = tf.train.SequenceExample.FromString(next(tf.io.tf_record_iterator(str(records))))
    labels = example.feature_lists.feature_list["labels"].feature
    assert len(labels) > 100 and all(0 <= f.int64_list.value[0] < 259 for f in labels)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "artlab", "harmonize", *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_harmonize_writes_new_files_each_time(tmp_path):
    args = ["--bars", "1", "--seed", "5", "--instruments", "strings,strings,cello,contrabass",
            "--out", str(tmp_path)]
    first, second = _cli(*args), _cli(*args)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == [f"four-voices-twinkle-00{n}.{kind}" for n in (1, 2)
                    for kind in ("mid", "png", "wav")]
    assert (tmp_path / "four-voices-twinkle-001.mid").read_bytes() == \
        (tmp_path / "four-voices-twinkle-002.mid").read_bytes()  # same seed, same music


def test_cli_harmonizes_the_top_line_of_a_polyphonic_file(midi_files, tmp_path):
    done = _cli("--primer", str(midi_files["polyphonic"]), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "top line" in done.stdout


@pytest.mark.parametrize("args", [
    ["--bars", "-1"], ["--bars", "33"], ["--temperature", "0"], ["--instruments", "choir"],
    ["--instruments", "a,b,c,d"], ["--primer", "yankee doodle"], ["--primer", "missing.mid"]])
def test_cli_bad_settings_exit_2_with_one_line(args, tmp_path):
    done = _cli(*args, "--out", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("case", ["corrupt", "empty", "drums", "no_notes", "text"])
def test_cli_bad_midi_exits_2_with_one_line(midi_files, case, tmp_path):
    done = _cli("--primer", str(midi_files[case]), "--out", str(tmp_path))
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert done.returncode == 2 and len(errors) == 1 and "Traceback" not in done.stderr
