"""MelodyRNN bundles: load one, keep it warm, continue a primer.

A .mag bundle stores a generation graph built for a fixed batch size (128 in Magenta's
configs, even for one melody), which makes every step pad 127 dummy melodies. So we restore
the bundle's weights into a graph built for the batch we ask for (beam size), as Magenta's
own checkpoint path does, and keep one warm generator per batch size.
"""
import copy
import re
import tempfile
from pathlib import Path

import numpy as np

from artlab import ArtlabError, env, files, music
from artlab.i18n import _

COURSE_BUNDLE = "melody/course_attention_rnn.mag"
OFFICIAL_URL = "http://download.magenta.tensorflow.org/models/attention_rnn.mag"
MAX_BARS = 64
MAX_BEAM = 8
MAX_VARIATIONS = 8
MAX_TEMPERATURE = 5.0

_loaded = {}


def course_bundle_path():
    """Path of the course's own attention_rnn bundle."""
    return env.assets_dir() / COURSE_BUNDLE


def read_bundle(path):
    """Parse a .mag file; a clear sentence if it is not a MelodyRNN bundle."""
    bundle = parse_bundle(path)  # Magenta is ready after this
    from magenta.models.melody_rnn import melody_rnn_model
    if bundle.generator_details.id not in melody_rnn_model.default_configs:
        raise ArtlabError(_("{name} holds a '{model}' model, not a MelodyRNN one ({known}).").format(
            name=Path(path).name, model=bundle.generator_details.id,
            known=", ".join(melody_rnn_model.default_configs)))
    return bundle


def parse_bundle(path):
    """Parse any Magenta .mag file; a clear sentence if it is not one."""
    env.load_magenta()
    from google.protobuf.message import DecodeError
    from note_seq.protobuf import generator_pb2
    path = Path(path)
    if not path.is_file():
        raise ArtlabError(_("There is no bundle at {path}: give the path of a .mag file.").format(
            path=path))
    bundle = generator_pb2.GeneratorBundle()
    try:
        bundle.ParseFromString(path.read_bytes())
    except DecodeError:
        bundle = None
    if bundle is None or not bundle.checkpoint_file or not bundle.generator_details.id:
        raise ArtlabError(_("{name} is not a Magenta bundle (.mag): download it again, or use the "
                            "course model by leaving the bundle out.").format(name=path.name))
    return bundle


def bundle_hparams(bundle):
    """The hparams written into a course bundle's description ('hparams: ...'), else ''."""
    found = re.search(r"hparams:\s*(\S+)", bundle.bundle_details.description)
    return found.group(1) if found else ""


def bundle_keeps_key(bundle):
    """True when the bundle was trained on melodies in every key (transposition augmentation),
    so a primer is not moved to C before the model continues it."""
    return "transpose_to_key: none" in bundle.bundle_details.description


class MelodyModel:
    """A MelodyRNN bundle kept warm: one TensorFlow session per batch size."""

    def __init__(self, path):
        env.load_magenta()
        from magenta.models.melody_rnn import melody_rnn_model
        self.path = Path(path)
        self.bundle = read_bundle(self.path)
        self.config_id = self.bundle.generator_details.id
        self.config = copy.deepcopy(melody_rnn_model.default_configs[self.config_id])
        if bundle_hparams(self.bundle):
            self.config.hparams.parse(bundle_hparams(self.bundle))
        if bundle_keeps_key(self.bundle):
            self.config.transpose_to_key = None
        self._folder = tempfile.TemporaryDirectory(prefix="artlab-bundle-")
        self.checkpoint = Path(self._folder.name) / "model.ckpt"  # the bundle's weights
        self.checkpoint.write_bytes(self.bundle.checkpoint_file[0])
        self._generators = {}
        self.graph_source = {}  # batch size: "checkpoint" (our rebuilt graph) or "bundle"
        self.description = self.bundle.bundle_details.description.split("\n")[0]

    def generator(self, batch_size, together=False):
        """A warm Magenta generator whose graph has this batch size; `together`: one that
        continues the primer `batch_size` times at once (see `variations`)."""
        key = ("together", batch_size) if together else batch_size
        if key not in self._generators:
            tf = env.load_magenta()
            from magenta.models.melody_rnn import melody_rnn_model, melody_rnn_sequence_generator
            config = copy.deepcopy(self.config)
            config.hparams.batch_size = batch_size
            model_class = _together_model_class() if together else melody_rnn_model.MelodyRnnModel

            def make(**weights):
                return melody_rnn_sequence_generator.MelodyRnnSequenceGenerator(
                    model=model_class(config), details=config.details,
                    steps_per_quarter=config.steps_per_quarter, **weights)
            generator = make(checkpoint=str(self.checkpoint))
            try:  # a variable missing from the weights: NotFoundError here
                generator.initialize()
                # weights of another shape restore silently and fail only when generating
                saved = dict(tf.train.list_variables(str(self.checkpoint)))
                fits = all(saved.get(v.op.name) == v.shape.as_list() for v in
                           generator._model._session.graph.get_collection("variables"))
            except tf.errors.OpError:  # e.g. NotFoundError: a variable missing from the weights
                fits = False
            if fits:
                self.graph_source[key] = "checkpoint"
            else:  # the weights do not fit our rebuilt graph: use the bundle's own graph
                if generator._model._session is not None:
                    generator._model.close()
                generator = make(bundle=self.bundle)
                generator.initialize()
                self.graph_source[key] = "bundle"
            self._generators[key] = generator
        return self._generators[key]

    def generate(self, primer, bars=8, temperature=1.0, beam_size=1, seed=None):
        """Continue `primer` (a NoteSequence) by `bars` bars. Same seed, same melody."""
        check_settings(bars, temperature, beam_size)
        options, ts = self._options(primer, bars, temperature, beam_size, seed)
        with env.native_logs_hidden():
            result = self.generator(int(beam_size)).generate(primer, options)
        return _with_time_signature(result, ts)

    def variations(self, primer, count=4, bars=8, temperature=1.0, beam_size=1, seed=None):
        """`count` different continuations of `primer`. Without beam search they are drawn
        together, one batch of `count` melodies a step (about as fast as one); with beam
        search, one after another with seeds seed, seed + 1, ... The same seed and count give
        the same melodies."""
        check_settings(bars, temperature, beam_size)
        if not isinstance(count, (int, np.integer)) or not 1 <= count <= MAX_VARIATIONS:
            raise ArtlabError(_("Variations must be a whole number from 1 to {most} (got "
                                "{count}).").format(most=MAX_VARIATIONS, count=count))
        if beam_size > 1 or count == 1:
            return [self.generate(primer, bars, temperature, beam_size,
                                  None if seed is None else seed + n) for n in range(count)]
        options, ts = self._options(primer, bars, temperature, 1, seed)
        generator = self.generator(int(count), together=True)
        with env.native_logs_hidden():
            generator.generate(primer, options)
        qpm = primer.tempos[0].qpm if primer.tempos else 120.0
        melodies = generator._model.last_melodies
        assert len(melodies) == count, f"{len(melodies)} melodies made, {count} asked"
        return [_with_time_signature(melody.to_sequence(qpm=qpm), ts) for melody in melodies]

    def _options(self, primer, bars, temperature, beam_size, seed):
        from note_seq.protobuf import generator_pb2
        qpm = primer.tempos[0].qpm if primer.tempos else 120.0
        ts = primer.time_signatures[0] if primer.time_signatures else None
        quarters_per_bar = ts.numerator * 4.0 / ts.denominator if ts else 4.0
        start = max([n.end_time for n in primer.notes] + [primer.total_time])
        options = generator_pb2.GeneratorOptions()
        options.args["temperature"].float_value = float(temperature)
        options.args["beam_size"].int_value = int(beam_size)
        options.args["branch_factor"].int_value = 1
        options.generate_sections.add(
            start_time=start, end_time=start + bars * quarters_per_bar * 60.0 / qpm)
        if seed is not None:
            np.random.seed(int(seed) % 2**32)
        return options, ts

    def next_event_probabilities(self, primer, temperature=1.0):
        """The model's probability for each possible event right after `primer`.
        Returns (labels, probabilities)."""
        import note_seq
        with env.native_logs_hidden():
            generator = self.generator(1)
        quantized = note_seq.quantize_note_sequence(primer, self.config.steps_per_quarter)
        events = note_seq.Melody()
        events.from_quantized_sequence(quantized, gap_bars=float("inf"),
                                       ignore_polyphonic_notes=True)
        events.set_length(quantized.total_quantized_steps - events.start_step)
        shift = events.squash(self.config.min_note, self.config.max_note,
                              self.config.transpose_to_key)
        encoder = self.config.encoder_decoder
        softmax = graph_softmax(generator, encoder.get_inputs_batch([events], True), temperature)
        melody_classes = self.config.max_note - self.config.min_note + 2
        labels = []
        for index in range(encoder.num_classes):
            if index >= melody_classes:
                back = index - melody_classes + 1
                labels.append(_("repeat 1 bar back") if back == 1 else
                              _("repeat {back} bars back").format(back=back))
                continue
            event = encoder.class_index_to_event(index, events)
            labels.append({-2: _("hold"), -1: _("silence")}.get(event) or
                          music.pitch_name(event - shift))
        return labels, softmax[0][-1]

    def close(self):
        for generator in self._generators.values():
            generator.close()
        self._generators.clear()
        self._folder.cleanup()


def input_parts(config):
    """What each position of the vector the model reads at a step means, in order:
    [(description, how many positions)] (Magenta's KeyMelodyEncoderDecoder layout)."""
    encoder = config.encoder_decoder
    lookbacks = len(getattr(encoder, "_lookback_distances", [16, 32]))  # private in note_seq
    counter = getattr(encoder, "_binary_counter_bits", 7)
    return [(_("pitch now"), config.max_note - config.min_note), (_("playing / silent"), 2),
            (_("note starts here"), 1), (_("going up or down"), 1),
            (_("same as 1 or 2 bars ago"), lookbacks), (_("step counter (binary)"), counter),
            (_("a bar starts next"), 1), (_("key of the tune so far"), 12),
            (_("key of the last 3 notes"), 12)]


def _with_time_signature(result, ts):
    """Magenta's result carries 4/4; give it the primer's metre back."""
    if ts:
        del result.time_signatures[:]
        result.time_signatures.add(numerator=ts.numerator, denominator=ts.denominator)
    return result


_TOGETHER = []


def _together_model_class():
    """Magenta's MelodyRnnModel, but continuing the primer as many times as its graph's batch
    size, all in one batch, each step sampled for every melody (what a beam search of that size
    with one branch would do, before it keeps only the likeliest). The melodies are left in
    `last_melodies`; the first is returned, as Magenta's generator expects one."""
    if not _TOGETHER:
        from magenta.common import state_util
        from magenta.models.melody_rnn import melody_rnn_model
        from magenta.models.shared.events_rnn_model import ModelState

        class TogetherModel(melody_rnn_model.MelodyRnnModel):
            def generate_melody(self, num_steps, primer_melody, temperature=1.0, **unused):
                start = copy.deepcopy(primer_melody)
                shift = start.squash(self._config.min_note, self._config.max_note,
                                     self._config.transpose_to_key)
                # as many as asked; a bundle's own graph may have another batch size, and
                # _generate_step pads or splits the melodies to fit it
                melodies = [copy.deepcopy(start) for _ in range(self._config.hparams.batch_size)]
                inputs = self._config.encoder_decoder.get_inputs_batch(melodies, full_length=True)
                empty = state_util.unbatch(self._session.run(
                    self._session.graph.get_collection("initial_state")))[0]
                states = [ModelState(inputs=i, rnn_state=empty, control_events=None,
                                     control_state=None) for i in inputs]
                scores = [0.0] * len(melodies)
                for _ in range(num_steps - len(start)):
                    melodies, states, scores = self._generate_step(melodies, states, scores,
                                                                   temperature)
                for melody in melodies:
                    melody.transpose(-shift)
                self.last_melodies = melodies
                return melodies[0]

        _TOGETHER.append(TogetherModel)
    return _TOGETHER[0]


def graph_softmax(generator, inputs, temperature=1.0):
    """A Magenta generator's odds for the next event after each step of `inputs` (a batch of
    encoded event rows), read from its graph (Magenta keeps its session private)."""
    session = generator._model._session
    graph = session.graph
    return session.run(graph.get_collection("softmax")[0], {
        graph.get_collection("inputs")[0]: inputs,
        graph.get_collection("temperature")[0]: temperature})


def check_bars_and_temperature(bars, temperature, most_bars=MAX_BARS,
                               most_temperature=MAX_TEMPERATURE):
    """Refuse a length or temperature a generator cannot use, with the range that works."""
    if not isinstance(bars, (int, np.integer)) or not 1 <= bars <= most_bars:
        raise ArtlabError(_("Bars must be a whole number from 1 to {most} (got {bars}).").format(
            most=most_bars, bars=bars))
    if not 0 < float(temperature) <= most_temperature:
        raise ArtlabError(_("Temperature must be above 0 and at most {most:g} (got {temperature}); "
                            "1.0 is the model's own taste.").format(most=most_temperature,
                                                                     temperature=temperature))


def check_settings(bars, temperature, beam_size):
    """Refuse settings a model cannot use, with the range that works."""
    check_bars_and_temperature(bars, temperature)
    if not isinstance(beam_size, (int, np.integer)) or not 1 <= beam_size <= MAX_BEAM:
        raise ArtlabError(_("Beam size must be a whole number from 1 to {most} (got "
                            "{beam_size}).").format(most=MAX_BEAM, beam_size=beam_size))


def attention_config(batch_size=1, layers=(128, 128), attn_length=40, keep_key=False):
    """Magenta's attention_rnn config with our sizes (a copy; Magenta's stays as it is).
    keep_key: melodies stay in their own key instead of being moved to C."""
    env.load_magenta()
    from magenta.models.melody_rnn import melody_rnn_model
    config = copy.deepcopy(melody_rnn_model.default_configs["attention_rnn"])
    config.hparams.parse(hparams_text(batch_size, layers, attn_length))
    if keep_key:
        config.transpose_to_key = None
    return config


def hparams_text(batch_size, layers, attn_length):
    """The hparams string a course bundle carries in its description."""
    return (f"batch_size={batch_size},rnn_layer_sizes=[{','.join(str(n) for n in layers)}],"
            f"attn_length={attn_length}")


def write_bundle(checkpoint, path, layers, attn_length, description, keep_key=False):
    """Save a trained attention_rnn checkpoint as a .mag bundle whose graph has batch size 1,
    with the hparams written into its description so that `load` rebuilds it exactly."""
    from magenta.models.melody_rnn import melody_rnn_model, melody_rnn_sequence_generator
    config = attention_config(1, layers, attn_length, keep_key)
    if keep_key:
        description += "\ntranspose_to_key: none"
    generator = melody_rnn_sequence_generator.MelodyRnnSequenceGenerator(
        model=melody_rnn_model.MelodyRnnModel(config), details=config.details,
        steps_per_quarter=config.steps_per_quarter, checkpoint=str(checkpoint))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    generator.create_bundle_file(
        str(path), f"{description}\nhparams: {hparams_text(1, layers, attn_length)}")
    generator.close()
    return Path(path)


def fetch_official(url=OFFICIAL_URL, timeout=15):
    """Magenta's own pretrained attention_rnn bundle, downloaded once into the output folder.
    Returns (path or None, a sentence saying what happened); never raises for the network."""
    import urllib.request
    target = env.output_dir() / "models" / "attention_rnn.mag"
    if target.is_file():
        try:
            read_bundle(target)
            return target, _("Magenta's official attention_rnn, already downloaded ({path}).").format(
                path=target)
        except ArtlabError:
            target.unlink()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
    except OSError as problem:
        return None, _("Magenta's official model could not be downloaded ({why}); this needs the "
                       "internet. The course model works offline.").format(
                           why=env.why_unreachable(problem))
    partial = target.with_suffix(".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        read_bundle(partial)
        partial.rename(target)
    except OSError as problem:
        partial.unlink(missing_ok=True)
        return None, files.why_not_saved(problem, target.parent) + " " + _(
            "The course model works as before.")
    except ArtlabError:
        partial.unlink()
        return None, _("What {url} sent is not a Magenta bundle ({size} bytes); the course model "
                       "works as before.").format(url=url, size=len(data))
    return target, _("Downloaded Magenta's official attention_rnn ({size} KB).").format(
        size=len(data) // 1024)


def load(path=None):
    """The MelodyRNN model at `path` (default: the course bundle), loaded once and kept warm."""
    path = Path(path) if path else course_bundle_path()
    key = (str(path.resolve()), path.stat().st_mtime if path.is_file() else None)
    if key not in _loaded:
        _loaded[key] = MelodyModel(path)
    return _loaded[key]

