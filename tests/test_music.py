import base64
import io
import re

import numpy as np
import pytest

from artlab import ArtlabError, music


def test_typed_notes_reads_names_octaves_lengths_and_rests():
    seq = music.typed_notes("C4 F#4:2 r Bb3:0.5")
    assert [n.pitch for n in seq.notes] == [60, 66, 58]
    assert [round(n.start_time, 3) for n in seq.notes] == [0.0, 0.5, 2.0]
    assert round(seq.notes[1].end_time - seq.notes[1].start_time, 3) == 1.0  # 2 beats at 120 qpm


@pytest.mark.parametrize("text", ["H4", "C4:0", "C4:x", "r r", "", "C99"])
def test_typed_notes_refuses_what_it_cannot_read(text):
    with pytest.raises(ArtlabError):
        music.typed_notes(text)


@pytest.mark.parametrize("name", ["twinkle", "ode_to_joy", "arirang", "Ode to Joy"])
def test_built_in_primers(name):
    seq, remarks = music.primer(name)
    assert len(seq.notes) >= 10 and remarks == []


def test_arirang_is_in_three_four():
    seq, _ = music.primer("arirang")
    assert (seq.time_signatures[0].numerator, seq.time_signatures[0].denominator) == (3, 4)


def test_unknown_primer_says_what_would_work():
    with pytest.raises(ArtlabError, match="twinkle"):
        music.primer("yankee doodle")


def test_midi_path_and_uploaded_bytes_give_the_same_melody(midi_files):
    from_path, _ = music.primer(str(midi_files["good"]))
    from_bytes, _ = music.primer(midi_files["good"].read_bytes())
    assert [n.pitch for n in from_path.notes] == [n.pitch for n in from_bytes.notes] == \
        [60, 62, 64, 65, 67, 65, 64, 62]


@pytest.mark.parametrize("case, message", [
    ("empty", "empty"), ("corrupt", "not a MIDI file"), ("text", "not a MIDI file"),
    ("no_notes", "no notes"), ("drums", "only drums")])
def test_bad_midi_gets_one_clear_sentence(midi_files, case, message):
    with pytest.raises(ArtlabError, match=message):
        music.primer(str(midi_files[case]))


def test_missing_file_is_named():
    with pytest.raises(ArtlabError, match="no file"):
        music.read_midi("/nowhere/tune.mid")


def test_polyphonic_file_gives_its_top_line_and_says_so(midi_files):
    seq, remarks = music.primer(str(midi_files["polyphonic"]))
    assert [n.pitch for n in seq.notes] == [64, 66, 68, 69, 71, 69, 68, 66]
    assert any("top line" in r for r in remarks)
    assert all(a.end_time <= b.start_time + 1e-6 for a, b in zip(seq.notes, seq.notes[1:]))


def test_long_file_is_cut_to_its_first_bars_and_says_so(midi_files):
    seq, remarks = music.primer(str(midi_files["long"]))
    assert seq.total_time <= music.MAX_PRIMER_BARS * 2.0 + 1e-6  # 4/4 at 120 qpm: 2 s a bar
    assert any("first" in r for r in remarks)


def test_odd_meter_and_tempo_change_are_kept_simple(midi_files):
    seven, _ = music.primer(str(midi_files["odd_meter"]))
    assert (seven.time_signatures[0].numerator, seven.time_signatures[0].denominator) == (7, 8)
    tempo, remarks = music.primer(str(midi_files["tempo_change"]))
    assert len(tempo.tempos) == 1 and any("tempo" in r for r in remarks)


def test_save_never_overwrites(tmp_path):
    seq, _ = music.primer("twinkle")
    first = music.save(seq, "tune", tmp_path)
    before = first["mid"].read_bytes()
    second = music.save(seq, "tune", tmp_path)
    assert set(first.values()).isdisjoint(second.values())
    assert first["mid"].read_bytes() == before
    for path in list(first.values()) + list(second.values()):
        assert path.stat().st_size > 0
    assert second["wav"].read_bytes()[:4] == b"RIFF"
    assert second["png"].read_bytes()[:4] == b"\x89PNG"


def test_save_skips_a_number_taken_by_any_of_the_three_files(tmp_path):
    (tmp_path / "tune-001.png").write_bytes(b"mine")
    paths = music.save(music.primer("twinkle")[0], "tune", tmp_path)
    assert paths["mid"].name == "tune-002.mid"
    assert (tmp_path / "tune-001.png").read_bytes() == b"mine"


def test_audio_falls_back_to_the_simple_synth(monkeypatch):
    from artlab import env
    monkeypatch.setattr(env, "has_libfluidsynth", lambda: False)
    audio, how = music.synthesize(music.primer("twinkle")[0])
    assert how == "simple synth"
    assert audio.size > music.SAMPLE_RATE * 7 and 0 < np.abs(audio).max() <= 1.0


ARPEGGIOS = " ".join(["C4", "E4", "G4", "C5"] * 12)  # 24 s at 120 beats a minute


def embedded_file(player):
    """The mimetype and bytes of the file inside a player's HTML."""
    found = re.search(r'src="data:([^;]+);base64,([^"]+)"', player._repr_html_())
    return found.group(1), base64.b64decode(found.group(2))


def test_the_player_embeds_a_small_mp3_of_the_whole_melody():
    import soundfile
    seq = music.typed_notes(ARPEGGIOS)
    mimetype, data = embedded_file(music.play(seq))
    assert mimetype == "audio/mpeg"
    assert data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE6 == 0xE2)  # MPEG layer III
    rendered = music.synthesize(seq)[0]
    assert len(data) < len(music.wav_bytes(rendered)) / 4  # measured: 160 KB against 1.1 MB
    decoded, rate = soundfile.read(io.BytesIO(data))
    assert decoded.ndim == 1 and rate == music.SAMPLE_RATE
    assert len(decoded) / rate == pytest.approx(len(rendered) / music.SAMPLE_RATE, abs=0.2)
    assert len(decoded) / rate >= seq.total_time


@pytest.mark.parametrize("soundfile_here", ["without MP3", "too old for compression_level"])
def test_the_player_falls_back_to_wav(monkeypatch, soundfile_here):
    import soundfile
    if soundfile_here == "without MP3":  # libsndfile before 1.1
        monkeypatch.setattr(soundfile, "available_formats", lambda: {"WAV": "WAV"})
    else:
        def old_write(*args, **kwargs):
            raise TypeError("write() got an unexpected keyword argument 'compression_level'")
        monkeypatch.setattr(soundfile, "write", old_write)
    mimetype, data = embedded_file(music.play(music.primer("twinkle")[0]))
    assert mimetype == "audio/wav" and data[:4] == b"RIFF"

def test_folk_tunes_are_split_by_tune_and_convert():
    tunes = music.folk_tunes()
    splits = {t["split"] for t in tunes}
    assert splits == {"train", "eval", "test"}
    assert len({t["id"] for t in tunes}) == len(tunes)
    seq = music.tune_to_sequence(tunes[0])
    assert len(seq.notes) == len(tunes[0]["notes"])


def test_a_late_first_note_starts_the_melody_and_says_so(midi_files):
    seq, remarks = music.primer(str(midi_files["late_start"]))  # 20 silent bars, then the tune
    assert [n.pitch for n in seq.notes] == [60, 62, 64, 65, 67, 65, 64, 62]
    assert seq.notes[0].start_time == 0.0 and seq.total_time == pytest.approx(4.0)
    assert any("silent for its first 20 bars" in r for r in remarks)


def test_a_long_silence_inside_the_tune_is_kept(midi_files):
    seq, remarks = music.primer(str(midi_files["long_silence"]))  # 4 notes, 11 silent bars, 4 notes
    assert [round(n.start_time, 3) for n in seq.notes] == [0.0, 0.5, 1.0, 1.5, 26.0, 26.5, 27.0, 27.5]
    assert remarks == []


def test_metre_and_tempo_changes_keep_the_first_and_say_so(midi_files):
    seq, remarks = music.primer(str(midi_files["metre_change"]))
    assert len(seq.time_signatures) == 1 and seq.time_signatures[0].numerator == 4
    assert len(seq.tempos) == 1 and len(seq.notes) == 24
    assert any("metre" in r for r in remarks) and any("tempo" in r for r in remarks)
