"""Melodies in and out: MIDI files, typed notes, built-in primers, piano rolls, audio, saving."""
import copy
import io
import re
from pathlib import Path

import numpy as np

from artlab import ArtlabError
from artlab.i18n import _

DEFAULT_QPM = 120.0
MAX_PRIMER_BARS = 16
SAMPLE_RATE = 22050

# Built-in primers in typed-note form: NAME:BEATS, beats default to 1 (a quarter note).
PRIMERS = {
    "twinkle": "C4 C4 G4 G4 A4 A4 G4:2 F4 F4 E4 E4 D4 D4 C4:2",
    "ode_to_joy": "E4 E4 F4 G4 G4 F4 E4 D4 C4 C4 D4 E4 E4:1.5 D4:0.5 D4:2",
    "arirang": "G4:1.5 A4:0.5 G4 C5:1.5 D5:0.5 C5:0.5 D5:0.5 "
               "E5:0.5 D5:0.5 C5:0.5 D5:0.5 C5:0.5 A4:0.5 G4 A4:0.5 G4:0.5 A4:0.5 C5:0.5",
}
PRIMER_TIME_SIGNATURES = {"arirang": (3, 4)}

_NOTE = re.compile(r"^(?P<name>[A-Ga-g])(?P<accidental>#|b)?(?P<octave>-?\d)(?::(?P<beats>\d*\.?\d+))?$")
_REST = re.compile(r"^(?:r|rest|-)(?::(?P<beats>\d*\.?\d+))?$", re.IGNORECASE)
_STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def _new_sequence(qpm=DEFAULT_QPM, time_signature=(4, 4)):
    from note_seq.protobuf import music_pb2
    seq = music_pb2.NoteSequence(ticks_per_quarter=220)
    seq.tempos.add(qpm=qpm)
    seq.time_signatures.add(numerator=time_signature[0], denominator=time_signature[1])
    return seq


def pitch_name(pitch):
    """MIDI pitch number to a name like C4 (middle C is 60)."""
    return f"{_NAMES[pitch % 12]}{pitch // 12 - 1}"


def typed_notes(text, qpm=DEFAULT_QPM, time_signature=(4, 4)):
    """Notes typed as text ("C4 D4 E4:2 r G4") to a NoteSequence; a :number is beats."""
    seq = _new_sequence(qpm, time_signature)
    beat = 60.0 / qpm
    time = 0.0
    for token in text.replace(",", " ").split():
        rest, note = _REST.match(token), _NOTE.match(token)
        match = rest or note
        if not match:
            raise ArtlabError(_("I could not read '{token}' as a note: write notes like C4, F#4 "
                                "or Bb3, with a length in beats if you like (C4:2), and r for a "
                                "rest.").format(token=token))
        beats = float(match.group("beats") or 1)
        if beats <= 0 or beats > 16:
            raise ArtlabError(_("'{token}' lasts {beats:g} beats: use a length between 0.25 and "
                                "16.").format(token=token, beats=beats))
        if note:
            pitch = (int(note.group("octave")) + 1) * 12 + _STEPS[note.group("name").upper()]
            pitch += {"#": 1, "b": -1}.get(note.group("accidental"), 0)
            if not 0 <= pitch <= 127:
                raise ArtlabError(_("'{token}' is outside the MIDI range (C-1 to G9).").format(
                    token=token))
            seq.notes.add(pitch=pitch, velocity=90, start_time=time,
                          end_time=time + beats * beat, instrument=0, program=0)
        time += beats * beat
    if not seq.notes:
        raise ArtlabError(_("There are no notes to play: type some, like 'C4 D4 E4 G4'."))
    seq.total_time = time
    return seq


def read_midi(source):
    """A MIDI file (a path, or the bytes of an upload) to a NoteSequence."""
    import note_seq
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ArtlabError(_("There is no file at {path}: check the name and folder.").format(
                path=path))
        data = path.read_bytes()
        name = path.name
    else:
        data, name = bytes(source), _("the uploaded file")
    if not data:
        raise ArtlabError(_("{name} is empty (0 bytes): if it came from an upload, try uploading "
                            "it again, or give its path.").format(name=name))
    try:
        seq = note_seq.midi_to_note_sequence(data)
    except Exception as error:  # mido/pretty_midi raise many types for broken files
        raise ArtlabError(_("{name} is not a MIDI file I can read ({problem}): export it again "
                            "as a standard .mid file.").format(name=name, problem=type(error).__name__)) \
            from None
    if not seq.notes:
        raise ArtlabError(_("{name} has no notes in it: choose a MIDI file with a melody.").format(
            name=name))
    return seq


def to_melody(seq, max_bars=MAX_PRIMER_BARS):
    """One melodic line from any NoteSequence: drums dropped, chords and parts reduced to
    their top line, one tempo, at most `max_bars`. Returns (sequence, remarks for the artist)."""
    remarks = []
    pitched = [n for n in seq.notes if not n.is_drum]
    if not pitched:
        raise ArtlabError(_("This file has only drums: a melody model needs pitched notes. "
                            "Choose a file with a melody, or type notes like 'C4 D4 E4'."))
    if len(pitched) < len(seq.notes):
        remarks.append(_("Drum notes were left out."))
    qpm = seq.tempos[0].qpm if seq.tempos else DEFAULT_QPM
    ts = (seq.time_signatures[0].numerator, seq.time_signatures[0].denominator) \
        if seq.time_signatures else (4, 4)
    if ts[0] <= 0 or ts[1] <= 0:
        ts = (4, 4)
    bar_seconds = ts[0] * (4.0 / ts[1]) * 60.0 / qpm
    by_onset = {}
    for note in sorted(pitched, key=lambda n: (round(n.start_time, 4), -n.pitch)):
        by_onset.setdefault(round(note.start_time, 4), note)  # highest note at each onset
    top = [by_onset[t] for t in sorted(by_onset)]
    if len(top) < len(pitched) or _overlaps(top):
        remarks.append(_("The file plays several notes at once; I used its top line as the "
                         "melody."))
    silent_bars = int(top[0].start_time // bar_seconds)  # start at the bar of the first note
    shift = silent_bars * bar_seconds
    if silent_bars:
        remarks.append(_("The file is silent for its first {bars} bars; I started the melody at "
                         "its first note.").format(bars=silent_bars))
    limit = shift + max_bars * bar_seconds
    out = _new_sequence(qpm, ts)
    for i, note in enumerate(top):
        if note.start_time >= limit:
            remarks.append(_("The file is long; I used its first {bars} bars of music.").format(
                bars=max_bars))
            break
        end = min(note.end_time, top[i + 1].start_time) if i + 1 < len(top) else note.end_time
        end = min(end, limit)
        if end - note.start_time < 1e-3:
            continue  # a note with no length cannot be played
        out.notes.add(pitch=note.pitch, velocity=note.velocity or 90, start_time=note.start_time - shift,
                      end_time=end - shift, instrument=0, program=0)
    if not out.notes:
        raise ArtlabError(_("This file's notes have no length, so there is nothing to play: "
                            "export it again, or type notes like 'C4 D4 E4'."))
    out.total_time = max(n.end_time for n in out.notes)
    if len({round(t.qpm, 3) for t in seq.tempos}) > 1:
        remarks.append(_("The file changes tempo; I kept its first tempo ({qpm:.0f} beats a "
                         "minute).").format(qpm=qpm))
    if len({(t.numerator, t.denominator) for t in seq.time_signatures}) > 1:
        remarks.append(_("The file changes metre; I kept its first one ({metre}).").format(
            metre=f"{ts[0]}/{ts[1]}"))
    return out, remarks


def _overlaps(notes):
    return any(b.start_time < a.end_time - 1e-3 for a, b in zip(notes, notes[1:]))


def primer(spec, qpm=DEFAULT_QPM):
    """A primer from a built-in name, a .mid path, uploaded bytes or typed notes.
    Returns (melody NoteSequence, remarks)."""
    if isinstance(spec, (bytes, bytearray, memoryview)):
        return to_melody(read_midi(spec))
    text = str(spec).strip()
    key = text.lower().replace(" ", "_").replace("-", "_")
    if key in PRIMERS:
        return typed_notes(PRIMERS[key], qpm, PRIMER_TIME_SIGNATURES.get(key, (4, 4))), []
    if text.lower().endswith((".mid", ".midi")) or Path(text).is_file():
        return to_melody(read_midi(text))
    if all(_NOTE.match(t) or _REST.match(t) for t in text.replace(",", " ").split()) and text:
        return typed_notes(text, qpm), []
    raise ArtlabError(_("'{text}' is not a primer I know. Use one of {names}, a .mid file, or "
                        "notes like 'C4 D4 E4 G4'.").format(text=text, names=", ".join(PRIMERS)))


def with_tempo(seq, qpm):
    """The same notes played at `qpm` quarter notes per minute (a copy)."""
    if not 20 <= qpm <= 300:
        raise ArtlabError(_("A tempo of {qpm} is outside 20-300 beats per minute.").format(qpm=qpm))
    old = seq.tempos[0].qpm if seq.tempos else DEFAULT_QPM
    factor = old / qpm
    moved = copy.deepcopy(seq)
    for note in moved.notes:
        note.start_time *= factor
        note.end_time *= factor
    del moved.tempos[:]
    moved.tempos.add(qpm=qpm)
    moved.total_time = seq.total_time * factor
    return moved


def uploaded_primer(upload_value, fallback):
    """The melody of the first file in a FileUpload box, else the `fallback` primer.
    A file that is not usable is named with the reason, and the fallback plays instead."""
    from artlab.uploads import uploaded_files
    files = uploaded_files(upload_value)
    if files:
        name, content = files[0]
        try:
            melody, remarks = primer(content)
            return melody, [_("Using {name}.").format(name=name)] + remarks
        except ArtlabError as problem:
            melody, remarks = primer(fallback)
            return melody, [_("{name}: {problem} Using {fallback} instead.").format(
                name=name, problem=problem, fallback=fallback)] + remarks
    return primer(fallback)


VOICE_COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:blue")


def piano_roll(seq, highlight_after=None, title=None, ax=None, voice_names=None):
    """A piano-roll picture of a NoteSequence; notes from `highlight_after` seconds are coloured.
    `voice_names`: colour each note by its instrument (voice) instead, with a legend."""
    import matplotlib.pyplot as plt
    if ax is None:
        ax = plt.subplots(figsize=(10, 3))[1]
    if seq.notes:  # one collection of bars (the same picture as a broken_barh a note, far faster)
        from matplotlib.collections import PolyCollection
        bars, colours = [], []
        for note in seq.notes:
            new = highlight_after is not None and note.start_time >= highlight_after - 1e-6
            x0, x1, y0, y1 = note.start_time, note.end_time, note.pitch - 0.4, note.pitch + 0.4
            bars.append([(x0, y0), (x0, y1), (x1, y1), (x1, y0)])
            colours.append(VOICE_COLOURS[min(note.instrument, 3)] if voice_names else
                           "tab:orange" if new else "tab:blue")
        ax.add_collection(PolyCollection(np.array(bars), facecolors=colours))
    if voice_names:
        from matplotlib.patches import Patch
        ax.legend(handles=[Patch(color=c, label=n) for c, n in zip(VOICE_COLOURS, voice_names)],
                  loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    if highlight_after is not None:
        ax.axvline(highlight_after, color="grey", linestyle="--", linewidth=1)
    pitches = [n.pitch for n in seq.notes] or [60]
    low, high = min(pitches) - 2, max(pitches) + 2
    ticks = [p for p in range(low, high + 1) if p % 12 in (0, 7)]
    ax.set_yticks(ticks, [pitch_name(p) for p in ticks])
    ax.set_ylim(low, high)
    ax.set_xlim(0, max(seq.total_time, 0.1))
    ax.set_xlabel(_("seconds"))
    if title:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax.figure


def synthesize(seq, rate=SAMPLE_RATE):
    """Audio samples of a NoteSequence and how they were made ("FluidSynth" or "simple synth")."""
    import note_seq
    midi = note_seq.note_sequence_to_pretty_midi(seq)
    try:
        from artlab import env
        if env.has_libfluidsynth():
            audio = midi.fluidsynth(fs=rate)  # uses the SoundFont pretty_midi ships
            if audio.size and np.abs(audio).max() > 0:
                return (audio / np.abs(audio).max() * 0.9).astype(np.float32), "FluidSynth"
    except (ImportError, OSError, AttributeError):
        pass  # pyfluidsynth or its library missing: the simple synth still works
    audio = midi.synthesize(fs=rate)
    peak = np.abs(audio).max() if audio.size else 0
    return (audio / peak * 0.9 if peak else audio).astype(np.float32), "simple synth"


def play(seq):
    """An audio player for the notebook: MP3 inside (a seventh of the WAV), or WAV where this
    machine cannot write MP3. save() still writes the full-quality WAV."""
    from IPython.display import Audio
    audio, _ = synthesize(seq)
    mp3 = mp3_bytes(audio)
    if mp3 is None:
        return Audio(audio, rate=SAMPLE_RATE)
    player = Audio(data=mp3)
    player.mimetype = "audio/mpeg"  # Audio labels any bytes audio/wav
    return player


def primer_end(primer):
    """Where the primer's last note ends (seconds), or None without a primer."""
    return max(n.end_time for n in primer.notes) if primer is not None and primer.notes else None


def show(seq, primer=None, title=None, ax=None, player=None, voice_names=None):
    """Show a piano roll (on `ax` if given) and an audio player in the notebook; `primer`
    notes are blue. `player`: play(seq), if it was made already. `voice_names`: notes coloured
    by voice."""
    import matplotlib.pyplot as plt
    from IPython.display import display
    figure = piano_roll(seq, highlight_after=primer_end(primer), title=title, ax=ax,
                        voice_names=voice_names)
    display(figure, player if player is not None else play(seq))
    plt.close(figure)


def wav_bytes(audio, rate=SAMPLE_RATE):
    """Float samples to 16-bit WAV file bytes."""
    from scipy.io import wavfile
    buffer = io.BytesIO()
    wavfile.write(buffer, rate, (np.clip(audio, -1, 1) * 32767).astype(np.int16))
    return buffer.getvalue()


def mp3_bytes(audio, rate=SAMPLE_RATE):
    """Float samples to mono MP3 file bytes, or None where soundfile cannot write MP3 (libsndfile
    before 1.1, soundfile before 0.13)."""
    try:
        import soundfile
        if "MP3" not in soundfile.available_formats():
            return None
        buffer = io.BytesIO()
        soundfile.write(buffer, np.clip(audio, -1, 1), rate, format="MP3", subtype="MPEG_LAYER_III",
                        bitrate_mode="VARIABLE", compression_level=0.5)  # about 50 kbit/s
        return buffer.getvalue() or None  # no samples: no MP3 frames
    except (ImportError, OSError, RuntimeError, TypeError, ValueError):
        return None


def save(seq, stem="melody", folder=None, highlight_after=None, voice_names=None):
    """Save a NoteSequence as .mid (one track per instrument), .wav and .png under new names
    (never over an earlier file; all three or none). Returns {suffix: path}."""
    import matplotlib.pyplot as plt
    import note_seq
    from artlab import env, files
    folder = folder or env.output_dir()  # save_new checks it
    audio, _ = synthesize(seq)
    figure = piano_roll(seq, highlight_after=highlight_after, title=files.safe_stem(stem),
                        voice_names=voice_names)
    try:
        return files.save_new(folder, stem, {
            "mid": lambda path: note_seq.sequence_proto_to_midi_file(seq, str(path)),
            "wav": lambda path: path.write_bytes(wav_bytes(audio)),
            "png": lambda path: figure.savefig(path, format="png", dpi=100)})
    finally:
        plt.close(figure)


FOLK_MELODIES = "folk_melodies/folk_melodies_v1.jsonl.gz"


def folk_tunes(split=None):
    """The course's folk-tune set (music21's public-domain corpus), optionally one split
    ("train", "eval" or "test"). Each tune is a dict with id, title, key, notes..."""
    import gzip
    import json
    from artlab import env
    with gzip.open(env.assets_dir() / FOLK_MELODIES, "rt", encoding="utf-8") as f:
        tunes = [json.loads(line) for line in f]
    return [t for t in tunes if split is None or t["split"] == split]


def tune_to_sequence(tune, qpm=DEFAULT_QPM):
    """A folk tune's [pitch, start, length] notes (in beats) to a NoteSequence."""
    numerator, denominator = (int(x) for x in tune.get("time_signature", "4/4").split("/"))
    seq = _new_sequence(qpm, (numerator, denominator))
    beat = 60.0 / qpm
    for pitch, start, length in tune["notes"]:
        seq.notes.add(pitch=int(pitch), velocity=90, start_time=start * beat,
                      end_time=(start + length) * beat, instrument=0, program=0)
    seq.total_time = max(n.end_time for n in seq.notes) if seq.notes else 0.0
    seq.id = tune.get("id", "")
    return seq
