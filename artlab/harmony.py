"""Four voices: Bach chorales as NoteSequences, PolyphonyRNN bundles kept warm, harmonizing a
melody and continuing a piece, and the voices (soprano .. bass) of what the model plays.

Like `melody`, we restore a bundle's weights into a graph built for batch size 1, so a step
feeds one sequence and not a padded batch.
"""
import copy
import gzip
import json
import re
import tempfile
from pathlib import Path

import numpy as np

from artlab import ArtlabError, env
from artlab.i18n import _
from artlab.music import DEFAULT_QPM, _new_sequence

CHORALES = "chorales/bach_chorales_v1.jsonl.gz"
COURSE_BUNDLE = "harmony/course_polyphony_rnn.mag"
STEPS_PER_QUARTER = 4
VOICES = ("soprano", "alto", "tenor", "bass")
# General MIDI programs an artist can give each voice (names as the course shows them)
INSTRUMENTS = {"choir": 52, "organ": 19, "piano": 0, "strings": 48, "violin": 40, "viola": 41,
               "cello": 42, "contrabass": 43, "flute": 73, "oboe": 68, "clarinet": 71,
               "bassoon": 70, "horn": 60}
DEFAULT_INSTRUMENTS = ("choir", "choir", "choir", "choir")
MAX_BARS = 32
MAX_TEMPERATURE = 5.0

_loaded = {}


def chorales(split=None):
    """The course's Bach chorales (music21's public-domain corpus), optionally one split
    ("train", "eval" or "test"). Each is a dict with id, title, key, notes [pitch, start,
    length, voice] in quarter notes."""
    with gzip.open(env.assets_dir() / CHORALES, "rt", encoding="utf-8") as f:
        found = [json.loads(line) for line in f]
    return [c for c in found if split is None or c["split"] == split]


def chorale_to_sequence(chorale, qpm=DEFAULT_QPM, shift=0):
    """A chorale to a NoteSequence, one instrument per voice, moved by `shift` semitones."""
    numerator, denominator = (int(x) for x in chorale.get("time_signature", "4/4").split("/"))
    seq = _new_sequence(qpm, (numerator, denominator))
    beat = 60.0 / qpm
    for pitch, start, length, voice in chorale["notes"]:
        seq.notes.add(pitch=int(pitch) + shift, velocity=80, start_time=start * beat,
                      end_time=(start + length) * beat, instrument=int(voice), program=0)
    seq.total_time = max(n.end_time for n in seq.notes) if seq.notes else 0.0
    seq.id = chorale.get("id", "")
    return seq


def polyphony_config(batch_size=1, layers=(256, 256, 256)):
    """Magenta's polyphony config with our sizes (a copy; Magenta's stays as it is)."""
    env.load_magenta()
    from magenta.models.polyphony_rnn import polyphony_model
    config = copy.deepcopy(polyphony_model.default_configs["polyphony"])
    config.hparams.parse(hparams_text(batch_size, layers))
    config.steps_per_quarter = STEPS_PER_QUARTER
    return config


def hparams_text(batch_size, layers):
    """The hparams string a course bundle carries in its description."""
    return f"batch_size={batch_size},rnn_layer_sizes=[{','.join(str(n) for n in layers)}]"


def bundle_layers(bundle):
    """The layer sizes written into a course bundle's description, else Magenta's default."""
    found = re.search(r"rnn_layer_sizes=\[([\d,]+)\]", bundle.bundle_details.description)
    return tuple(int(n) for n in found.group(1).split(",")) if found else (256, 256, 256)


def make_examples(config, sequences, folder, shifts=(0,), piece_quarters=None, min_steps=16,
                  max_steps=1024):
    """Magenta's polyphony pipeline (time-signature splitter, pieces of `piece_quarters`
    quarter notes if given, quantizer, transposition by each of `shifts` semitones, polyphonic
    extractor, one-hot encoder) over NoteSequences: a TFRecord of SequenceExamples in `folder`,
    kept and reused if already there. Shorter pieces train faster on a CPU: a step costs about
    as much per event as its longest example has events.
    Returns (path, number of examples)."""
    tf = env.load_magenta()
    from magenta.models.polyphony_rnn.polyphony_rnn_pipeline import PolyphonicSequenceExtractor
    from magenta.models.polyphony_rnn import polyphony_lib
    from magenta.pipelines import dag_pipeline, event_sequence_pipeline, pipeline
    from magenta.pipelines import note_sequence_pipelines
    from note_seq.protobuf import music_pb2
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    records = folder / "poly_tracks.tfrecord"
    if not records.exists():
        splitter = note_sequence_pipelines.TimeChangeSplitter()
        quantizer = note_sequence_pipelines.Quantizer(steps_per_quarter=config.steps_per_quarter)
        cutter = splitter
        if piece_quarters:
            cutter = note_sequence_pipelines.Splitter(piece_quarters * 60.0 / DEFAULT_QPM)
        transposer = note_sequence_pipelines.TranspositionPipeline(list(shifts))
        extractor = PolyphonicSequenceExtractor(min_steps=min_steps, max_steps=max_steps)
        encoder = event_sequence_pipeline.EncoderPipeline(polyphony_lib.PolyphonicSequence,
                                                          config.encoder_decoder)
        dag = {splitter: dag_pipeline.DagInput(music_pb2.NoteSequence), quantizer: cutter,
               transposer: quantizer, extractor: transposer, encoder: extractor,
               dag_pipeline.DagOutput("poly_tracks"): encoder}
        if piece_quarters:
            dag[cutter] = splitter
        with env.native_logs_hidden():
            pipeline.run_pipeline_serial(dag_pipeline.DAGPipeline(dag), sequences, str(folder))
    return records, sum(1 for _ in tf.io.tf_record_iterator(str(records)))


def write_bundle(checkpoint, path, layers, description):
    """Save a trained PolyphonyRNN checkpoint as a .mag bundle whose graph has batch size 1,
    with the sizes written into its description so that loading rebuilds it exactly."""
    env.load_magenta()
    from magenta.models.polyphony_rnn import polyphony_model, polyphony_sequence_generator
    config = polyphony_config(1, layers)
    generator = polyphony_sequence_generator.PolyphonyRnnSequenceGenerator(
        model=polyphony_model.PolyphonyRnnModel(config), details=config.details,
        steps_per_quarter=config.steps_per_quarter, checkpoint=str(checkpoint))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    generator.create_bundle_file(str(path), f"{description}\nhparams: {hparams_text(1, layers)}")
    generator.close()
    return Path(path)


def course_bundle_path():
    """Path of the course's own PolyphonyRNN bundle."""
    return env.assets_dir() / COURSE_BUNDLE


def read_bundle(path):
    """Parse a .mag file; a clear sentence if it is not a PolyphonyRNN bundle."""
    from artlab.melody import parse_bundle
    bundle = parse_bundle(path)
    if bundle.generator_details.id != "polyphony":
        raise ArtlabError(_("{name} holds a '{model}' model, not a PolyphonyRNN one.").format(
            name=Path(path).name, model=bundle.generator_details.id))
    return bundle


class HarmonyModel:
    """A PolyphonyRNN bundle kept warm: its weights in a generation graph of batch size 1."""

    def __init__(self, path):
        self.path = Path(path)
        self.bundle = read_bundle(self.path)
        self.layers = bundle_layers(self.bundle)
        self.config = polyphony_config(1, self.layers)
        self._folder = tempfile.TemporaryDirectory(prefix="artlab-bundle-")
        self.checkpoint = Path(self._folder.name) / "model.ckpt"  # the bundle's weights
        self.checkpoint.write_bytes(self.bundle.checkpoint_file[0])
        self._generator = None
        self.description = self.bundle.bundle_details.description.split("\n")[0]

    def _generate(self, sequence, options):
        with env.native_logs_hidden():
            return self.generator().generate(sequence, options)

    def generator(self):
        """Magenta's PolyphonyRNN generator on our graph, made once."""
        if self._generator is None:
            self._generator = stepping_generator(self.config, self.checkpoint)
            with env.native_logs_hidden():
                self._generator.initialize()
        return self._generator

    def harmonize(self, melody, temperature=1.0, seed=None):
        """Three voices under `melody` (a one-line NoteSequence): the model writes every voice
        from a blank page, and at each new step the melody's own notes are put in as if the
        model had chosen them. Returns a NoteSequence, one instrument per voice."""
        _check(1, temperature)
        if not melody.notes:
            raise ArtlabError(_("The melody has no notes: give one with at least one note."))
        melody, options, begin, end = harmonize_request(melody, temperature, seed,
                                                        self.config.steps_per_quarter)
        both = self._generate(melody, options)
        harmonized = _new_sequence(_qpm(melody), _metre(melody))
        harmonized.notes.extend(melody.notes)  # the melody exactly as given
        for note in both.notes:
            start, stop = note.start_time - begin, note.end_time - begin
            # the model's own notes at a melody note's pitch tangle with it when Magenta turns
            # events back into notes (a note on a pitch ends at that pitch's next event): drop
            doubled = any(m.pitch == note.pitch and m.start_time < stop - 1e-6 and
                          start < m.end_time - 1e-6 for m in melody.notes)
            if start >= -1e-6 and not doubled:
                harmonized.notes.add(pitch=note.pitch, velocity=80, start_time=start,
                                     end_time=stop)
        harmonized.total_time = end
        return assign_voices(harmonized, soprano=melody)

    def continue_piece(self, piece, bars=4, temperature=1.0, seed=None):
        """`piece` (any notes, e.g. a harmonized melody) and `bars` more bars the model writes
        in all voices. Returns a NoteSequence, one instrument per voice."""
        _check(bars, temperature)
        if not piece.notes:
            raise ArtlabError(_("The piece has no notes: give one with at least one note."))
        spq = self.config.steps_per_quarter
        piece = _on_grid(piece, spq)
        start, step = _step_end(piece, spq), _step(piece, spq)
        numerator, denominator = _metre(piece)
        bar = numerator * 4.0 / denominator * 60.0 / _qpm(piece)
        options = _options(start, start + step + bars * bar, temperature, seed, condition=True,
                           inject=False)
        result = copy.deepcopy(piece)  # the piece as it was, voices and all
        for note in self._generate(piece, options).notes:
            if note.start_time >= start + step - 1e-6:  # Magenta starts a step late: no gap
                result.notes.add(pitch=note.pitch, velocity=80, start_time=note.start_time - step,
                                 end_time=note.end_time - step)
        result.total_time = start + bars * bar
        return assign_voices(result, keep_before=start)

    def events(self, seq):
        """A NoteSequence as the model reads it: Magenta's polyphonic events, one step per
        sixteenth note."""
        import note_seq
        from magenta.models.polyphony_rnn import polyphony_lib
        quantized = note_seq.quantize_note_sequence(seq, self.config.steps_per_quarter)
        return polyphony_lib.PolyphonicSequence(quantized)

    def next_event_probabilities(self, events, temperature=1.0):
        """The model's probability for each possible event after `events` (a
        PolyphonicSequence), one per class of `config.encoder_decoder`."""
        from artlab.melody import graph_softmax
        with env.native_logs_hidden():
            softmax = graph_softmax(self.generator(),
                                    self.config.encoder_decoder.get_inputs_batch([events], True),
                                    temperature)
        return softmax[0][-1]

    def close(self):
        if self._generator is not None:
            self._generator.close()
            self._generator = None
        self._folder.cleanup()


def stepping_generator(config, checkpoint):
    """Magenta's PolyphonyRNN generator for `config` (its batch size, layers and events) on the
    weights at `checkpoint`, with the course's step limit (MAX_EVENTS_PER_STEP); not initialized."""
    from magenta.models.polyphony_rnn import polyphony_sequence_generator
    return polyphony_sequence_generator.PolyphonyRnnSequenceGenerator(
        model=_stepping_model_class()(config), details=config.details,
        steps_per_quarter=config.steps_per_quarter, checkpoint=str(checkpoint))


def harmonize_request(melody, temperature=1.0, seed=None, steps_per_quarter=STEPS_PER_QUARTER):
    """What Magenta's generator is asked, to harmonize `melody`: the melody on the step grid,
    the GeneratorOptions (the melody put in at each step, not conditioned on), where the
    harmonized copy begins (seconds) and where the melody ends."""
    melody = _on_grid(melody, steps_per_quarter)
    end = _step_end(melody, steps_per_quarter)
    # Magenta writes the harmonized version after the melody, from one step after its end
    begin = end + _step(melody, steps_per_quarter)
    options = _options(end, begin + end, temperature, seed, condition=False, inject=True)
    return melody, options, begin, end


def _qpm(seq):
    return seq.tempos[0].qpm if seq.tempos else DEFAULT_QPM


def _metre(seq):
    ts = seq.time_signatures[0] if seq.time_signatures else None
    return (ts.numerator, ts.denominator) if ts and ts.numerator > 0 else (4, 4)


def _with_metre(seq, metre):
    del seq.time_signatures[:]
    seq.time_signatures.add(numerator=metre[0], denominator=metre[1])
    return seq


def _on_grid(seq, steps_per_quarter):
    """A copy with every note moved to the nearest step (as the model hears it)."""
    import note_seq
    quantized = note_seq.quantize_note_sequence(seq, steps_per_quarter)
    step = 60.0 / _qpm(seq) / steps_per_quarter
    out = copy.deepcopy(seq)
    del out.notes[:]
    for note in quantized.notes:
        out.notes.add(pitch=note.pitch, velocity=note.velocity or 90,
                      start_time=note.quantized_start_step * step,
                      end_time=note.quantized_end_step * step, instrument=note.instrument,
                      program=note.program)
    out.total_time = max(n.end_time for n in out.notes)
    return out


def _step(seq, steps_per_quarter):
    """The length of one step in seconds."""
    return 60.0 / _qpm(seq) / steps_per_quarter


def _step_end(seq, steps_per_quarter):
    """Where the last note ends, rounded up to a whole step (seconds)."""
    step = _step(seq, steps_per_quarter)
    last = max([n.end_time for n in seq.notes] + [seq.total_time])
    return float(np.ceil(last / step - 1e-6) * step)


def _options(start, end, temperature, seed, condition, inject):
    from note_seq.protobuf import generator_pb2
    options = generator_pb2.GeneratorOptions()
    options.args["temperature"].float_value = float(temperature)
    options.args["condition_on_primer"].bool_value = condition
    options.args["no_inject_primer_during_generation"].bool_value = not inject
    options.generate_sections.add(start_time=start, end_time=end)
    if seed is not None:
        np.random.seed(int(seed) % 2**32)
    return options


def voice_names():
    """The four voices' names as the artist reads them."""
    return [_("soprano"), _("alto"), _("tenor"), _("bass")]


def check_settings(bars, temperature):
    """Refuse settings the model cannot use, with the range that works (bars may be 0 here:
    harmonize only)."""
    if not isinstance(bars, (int, np.integer)) or not 0 <= bars <= MAX_BARS:
        raise ArtlabError(_("Bars must be a whole number from 0 to {most} (got {bars}).").format(
            most=MAX_BARS, bars=bars))
    _check(max(bars, 1), temperature)


def _check(bars, temperature):
    """Refuse settings the model cannot use, with the range that works."""
    from artlab.melody import check_bars_and_temperature
    check_bars_and_temperature(bars, temperature, MAX_BARS, MAX_TEMPERATURE)


_STEPPING = []
MAX_EVENTS_PER_STEP = 12  # Bach's chorales have at most 9 (4 held, 4 new notes, the step end)


def _stepping_model_class():
    """Magenta's PolyphonyRnnModel, but ending a step itself when the model has written
    MAX_EVENTS_PER_STEP events in it. Magenta's generator asks for about 5 events a step, round
    after round until the piece is long enough; a model that stops ending steps (an untrained
    one, a high temperature, or now and then a trained one that repeats itself) would never
    get there."""
    if not _STEPPING:
        from magenta.models.polyphony_rnn import polyphony_model
        from magenta.models.polyphony_rnn.polyphony_lib import PolyphonicEvent

        def end_long_steps(then, encoder, sequences, inputs):
            for sequence, input_ in zip(sequences, inputs):
                events = list(sequence)
                since = next((n for n, e in enumerate(reversed(events))
                              if e.event_type in (PolyphonicEvent.STEP_END, PolyphonicEvent.START)),
                             len(events))
                if since >= MAX_EVENTS_PER_STEP:
                    sequence.append(PolyphonicEvent(PolyphonicEvent.STEP_END, None))
                    input_.extend(encoder.get_inputs_batch([sequence])[0])
            if then:  # Magenta's own callback (putting the melody in) sees the step end
                then(encoder, sequences, inputs)

        class SteppingModel(polyphony_model.PolyphonyRnnModel):
            def generate_polyphonic_sequence(self, num_steps, primer, *args,
                                             modify_events_callback=None, **kwargs):
                import functools
                return super().generate_polyphonic_sequence(
                    num_steps, primer, *args, **kwargs,
                    modify_events_callback=functools.partial(end_long_steps,
                                                             modify_events_callback))

        _STEPPING.append(SteppingModel)
    return _STEPPING[0]


def assign_voices(seq, soprano=None, keep_before=None):
    """Each note gets a voice by height among the notes sounding when it starts: the melody's
    notes (or the top note) are the soprano, the lowest of the others the bass, the rest alto
    and tenor from the top; notes starting before `keep_before` (seconds) keep theirs. Voices
    are instruments 0-3, named in the file. Returns `seq`."""
    melody = {(round(n.start_time, 3), n.pitch) for n in soprano.notes} if soprano else set()

    def in_melody(note):
        return (round(note.start_time, 3), note.pitch) in melody
    notes = sorted(seq.notes, key=lambda n: (n.start_time, -n.pitch))
    for note in notes:
        if keep_before is not None and note.start_time < keep_before - 1e-6:
            continue
        now = note.start_time + 1e-6
        sounding = sorted((o.pitch for o in notes if o.start_time <= now < o.end_time
                           and not in_melody(o)), reverse=True)
        if in_melody(note) or (soprano is None and note.pitch == sounding[0]):
            note.instrument = 0
            continue
        if soprano is None:
            sounding = sounding[1:]  # the top note is the soprano
        others = len(sounding)
        place = sounding.index(note.pitch)
        if others > 1:
            note.instrument = 1 + round(place * 2 / (others - 1))
        else:
            note.instrument = 3 if note.pitch < 55 else 1  # alone under the melody: by register
    del seq.instrument_infos[:]
    for number, name in enumerate(VOICES):
        seq.instrument_infos.add(instrument=number, name=name)
    return seq


def check_instruments(instruments):
    """Refuse anything but four instrument names the course knows."""
    if len(instruments) != len(VOICES) or any(n not in INSTRUMENTS for n in instruments):
        raise ArtlabError(_("Give four instruments, one per voice (soprano to bass), from: "
                            "{names}.").format(names=", ".join(INSTRUMENTS)))


def with_instruments(seq, instruments=DEFAULT_INSTRUMENTS):
    """A copy whose voices play the named instruments (soprano first), e.g. ("flute", "oboe",
    "clarinet", "bassoon")."""
    check_instruments(instruments)
    out = copy.deepcopy(seq)
    for note in out.notes:
        note.program = INSTRUMENTS[instruments[min(note.instrument, 3)]]
    return out


def load(path=None):
    """The PolyphonyRNN model at `path` (default: the course bundle), loaded once, kept warm."""
    path = Path(path) if path else course_bundle_path()
    key = (str(path.resolve()), path.stat().st_mtime if path.is_file() else None)
    if key not in _loaded:
        _loaded[key] = HarmonyModel(path)
    return _loaded[key]
