import subprocess
import sys

import pytest

from artlab import ArtlabError, music, tokens


def test_melody_events_hold_and_silence():
    seq = music.typed_notes("C4 r D4:2")
    assert tokens.melody_events(seq) == [60, -2, -2, -2, -1, -2, -2, -2, 62] + [-2] * 7
    assert [tokens.event_name(e) for e in (60, -2, -1)] == ["C4", "hold", "silence"]


@pytest.mark.parametrize("name", ["twinkle", "ode_to_joy", "arirang"])
def test_remi_tokens_decode_to_the_same_notes(name):
    seq, _ = music.primer(name)
    remi = tokens.remi_tokens(seq)
    assert remi[0] == "Bar_None" and sum(t.startswith("Pitch_") for t in remi) == len(seq.notes)
    back = tokens.remi_to_sequence(remi)
    assert [(n.pitch, round(n.start_time, 3)) for n in back.notes] == \
        [(n.pitch, round(n.start_time, 3)) for n in seq.notes]


def test_unknown_remi_token_is_named():
    with pytest.raises(ArtlabError, match="Pitch_999"):
        tokens.remi_to_sequence(["Bar_None", "Pitch_999"])


def test_transpose_moves_every_note_and_refuses_to_leave_midi():
    seq, _ = music.primer("twinkle")
    up = tokens.transpose(seq, 5)
    assert [n.pitch for n in up.notes] == [n.pitch + 5 for n in seq.notes]
    assert seq.notes[0].pitch == 60  # the original is untouched
    with pytest.raises(ArtlabError, match="range"):
        tokens.transpose(seq, 100)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "artlab", "tokens", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_prints_both_schemes(midi_files):
    melody = _cli(str(midi_files["good"]))
    assert melody.returncode == 0 and "C4 hold hold hold D4 hold" in melody.stdout
    remi = _cli(str(midi_files["good"]), "--scheme", "remi")
    assert remi.returncode == 0 and "Pitch_60" in remi.stdout and "vocabulary" in remi.stdout


@pytest.mark.parametrize("case", ["corrupt", "drums", "empty"])
def test_cli_bad_file_exits_2_with_one_error_line(midi_files, case):
    done = _cli(str(midi_files[case]))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()][0].startswith("error: ")
