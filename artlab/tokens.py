"""Music as tokens: Magenta's melody events and REMI tokens (miditok), both ways."""
import io

from artlab import ArtlabError
from artlab.i18n import _

EVENT_NAMES = {-2: "hold", -1: "silence"}
_remi = None


def melody_events(seq, steps_per_quarter=4):
    """A monophonic NoteSequence as Magenta melody events: a pitch starts a note,
    -2 holds it, -1 is silence; one event per step (a sixteenth note by default)."""
    import note_seq
    quantized = note_seq.quantize_note_sequence(seq, steps_per_quarter)
    events = note_seq.Melody()
    events.from_quantized_sequence(quantized, gap_bars=float("inf"), ignore_polyphonic_notes=True)
    return list(events)


def event_name(event):
    """-2 -> 'hold', -1 -> 'silence', 60 -> 'C4'."""
    from artlab import music
    return EVENT_NAMES.get(event) or music.pitch_name(event)


def remi_tokenizer():
    """miditok's REMI tokenizer: Bar, Position, Pitch, Velocity, Duration tokens."""
    global _remi
    if _remi is None:
        from miditok import REMI, TokenizerConfig
        _remi = REMI(TokenizerConfig(num_velocities=8, use_tempos=False,
                                     use_time_signatures=False))
    return _remi


def remi_tokens(seq):
    """A NoteSequence as REMI token strings (one track)."""
    import note_seq
    import symusic
    buffer = io.BytesIO()
    note_seq.note_sequence_to_pretty_midi(seq).write(buffer)
    encoded = remi_tokenizer()(symusic.Score.from_midi(buffer.getvalue()))
    encoded = encoded[0] if isinstance(encoded, list) else encoded
    return list(encoded.tokens)


def remi_to_sequence(tokens, qpm=120.0):
    """REMI token strings back to a NoteSequence."""
    import note_seq
    from miditok import TokSequence
    tokenizer = remi_tokenizer()
    unknown = [t for t in tokens if t not in tokenizer.vocab]
    if unknown:
        raise ArtlabError(_("'{token}' is not a REMI token this tokenizer knows.").format(
            token=unknown[0]))
    score = tokenizer([TokSequence(tokens=list(tokens))])
    ticks = score.ticks_per_quarter
    seq = note_seq.NoteSequence(ticks_per_quarter=220)
    seq.tempos.add(qpm=qpm)
    seconds_per_tick = 60.0 / qpm / ticks
    for note in (score.tracks[0].notes if score.tracks else []):
        seq.notes.add(pitch=note.pitch, velocity=note.velocity,
                      start_time=note.time * seconds_per_tick,
                      end_time=(note.time + note.duration) * seconds_per_tick)
    seq.total_time = max((n.end_time for n in seq.notes), default=0.0)
    return seq


def transpose(seq, semitones):
    """A copy of a NoteSequence moved up (or down) by semitones, kept within MIDI's range."""
    moved = type(seq)()
    moved.CopyFrom(seq)
    for note in moved.notes:
        if not 0 <= note.pitch + semitones <= 127:
            raise ArtlabError(_("Moving by {semitones} semitones takes notes outside MIDI's range "
                                "(0-127): choose a smaller step.").format(semitones=semitones))
        note.pitch += semitones
    return moved
