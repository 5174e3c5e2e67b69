"""MIDI files a user might bring, good and bad, written with pretty_midi for the tests."""
import pretty_midi


def _write(path, instruments, tempo=120.0, time_signature=None, tempo_changes=None,
           metre_change=None):
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    midi.instruments.extend(instruments)
    if time_signature:
        midi.time_signature_changes.append(pretty_midi.TimeSignature(*time_signature, 0))
    if metre_change:  # (numerator, denominator, seconds)
        midi.time_signature_changes.append(pretty_midi.TimeSignature(*metre_change))
    midi.write(str(path))
    if tempo_changes:  # pretty_midi writes one tempo; add a change with mido
        import mido
        file = mido.MidiFile(str(path))
        file.tracks[0].insert(1, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_changes), time=960))
        file.save(str(path))
    return path


def _melody(pitches, length=0.5, program=0, is_drum=False, start=0.0):
    instrument = pretty_midi.Instrument(program=program, is_drum=is_drum)
    for i, pitch in enumerate(pitches):
        instrument.notes.append(pretty_midi.Note(90, pitch, start + i * length, start + (i + 1) * length))
    return instrument


def write_all(folder):
    tune = [60, 62, 64, 65, 67, 65, 64, 62]
    files = {
        "good": _write(folder / "good.mid", [_melody(tune)]),
        "drums": _write(folder / "drums.mid", [_melody([36, 38, 42, 38] * 4, is_drum=True)]),
        "polyphonic": _write(folder / "chords.mid", [_melody(tune), _melody([p - 12 for p in tune]),
                                                      _melody([p + 4 for p in tune])]),
        "long": _write(folder / "long.mid", [_melody((tune * 1400)[:10800])]),  # 90 minutes
        "odd_meter": _write(folder / "seven_eight.mid", [_melody(tune * 2, length=0.25)],
                            time_signature=(7, 8)),
        "tempo_change": _write(folder / "tempo.mid", [_melody(tune * 2)], tempo_changes=90),
        "no_notes": _write(folder / "silent.mid", [pretty_midi.Instrument(0)]),
        # first note after 20 bars of silence (2 s a bar at 120 beats a minute)
        "late_start": _write(folder / "late.mid", [_melody(tune, start=40.0)]),
        "long_silence": _write(folder / "gap.mid", [_melody(tune[:4]), _melody(tune[4:], start=26.0)]),
        "metre_change": _write(folder / "metres.mid", [_melody(tune * 3)], time_signature=(4, 4),
                               metre_change=(3, 4, 4.0), tempo_changes=150),
    }
    (folder / "empty.mid").write_bytes(b"")
    (folder / "corrupt.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02garbage" * 3)
    (folder / "notes.txt").write_text("These are my lyrics, not a MIDI file.\n")
    files.update(empty=folder / "empty.mid", corrupt=folder / "corrupt.mid",
                 text=folder / "notes.txt")
    return files
