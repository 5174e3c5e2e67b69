"""Plumbing for training and scoring MelodyRNN models with Magenta's own pipeline:
folk tunes or MIDI files to melody examples, a checkpoint's loss on them."""
import contextlib
import copy
import hashlib
import random

from artlab import env, music
from artlab.i18n import _

def transposed(tunes, shifts, keys_per_tune):
    """Each folk tune as a NoteSequence, plus (keys_per_tune - 1) transpositions from `shifts`
    picked by the tune's id, so that every run sees the same ones (augmentation)."""
    others = [s for s in shifts if s != 0]
    for tune in tunes:
        sequence = music.tune_to_sequence(tune)
        yield sequence
        digest = int(hashlib.md5(tune["id"].encode()).hexdigest(), 16)
        for shift in random.Random(digest).sample(others, min(keys_per_tune - 1, len(others))):
            moved = copy.deepcopy(sequence)
            for note in moved.notes:
                note.pitch += shift
            yield moved


def make_examples(config, sequences, folder):
    """Magenta's melody pipeline over NoteSequences: a TFRecord of SequenceExamples in `folder`
    (kept and reused if already there). Returns (path, number of examples)."""
    tf = env.load_magenta()
    from magenta.models.melody_rnn import melody_rnn_pipeline
    from magenta.pipelines import pipeline
    folder.mkdir(parents=True, exist_ok=True)
    records = folder / "training_melodies.tfrecord"
    if not records.exists():
        with env.native_logs_hidden():
            pipe = melody_rnn_pipeline.get_pipeline(config, eval_ratio=0.0)
            pipeline.run_pipeline_serial(pipe, sequences, str(folder))
    return records, sum(1 for _ in tf.io.tf_record_iterator(str(records)))


def melody_labels(config, sequences):
    """The label sequences (class numbers the model predicts, one per step) of every melody
    Magenta's pipeline would extract from `sequences`, without writing examples."""
    env.load_magenta()
    from magenta.pipelines import melody_pipelines, note_sequence_pipelines
    splitter = note_sequence_pipelines.TimeChangeSplitter()
    quantizer = note_sequence_pipelines.Quantizer(steps_per_quarter=config.steps_per_quarter)
    extractor = melody_pipelines.MelodyExtractor(  # the settings of melody_rnn_pipeline
        min_bars=7, max_steps=512, min_unique_pitches=5, gap_bars=1.0,
        ignore_polyphonic_notes=False)
    encoder = config.encoder_decoder
    result = []
    for sequence in sequences:
        for quantized in (q for part in splitter.transform(sequence)
                          for q in quantizer.transform(part)):
            for melody in extractor.transform(quantized):
                melody.squash(config.min_note, config.max_note, config.transpose_to_key)
                result.append([encoder.events_to_label(melody, i) for i in range(len(melody))])
    return result


@contextlib.contextmanager
def _graph_reading(mode, config, records):
    """A Magenta graph in `mode` ("train" or "eval") fed from `records`, and a session whose
    reader threads run while the block does."""
    tf = env.load_magenta()
    from magenta.models.shared import events_rnn_graph
    with tf.Graph().as_default(), env.native_logs_hidden():
        events_rnn_graph.get_build_graph_fn(mode, config, [str(records)])()
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            try:
                yield tf, sess
            finally:
                coord.request_stop()
                coord.join(threads, stop_grace_period_secs=5)


def evaluate(config, records, count, checkpoint):
    """Mean loss per melody event (nats) and next-event accuracy of a checkpoint over `count`
    examples of `records`, read one at a time (Magenta's reader uses 4 threads, so at the end
    of a full pass one or two examples may be read twice instead of once)."""
    config = copy.deepcopy(config)
    config.hparams.batch_size = 1
    with _graph_reading("eval", config, records) as (tf, sess):
        tf.train.Saver().restore(sess, str(checkpoint))
        for _ in range(count):
            sess.run(tf.get_collection("eval_ops"))
        result = sess.run({"loss": tf.get_collection("loss")[0],
                           "accuracy": tf.get_collection("metrics/accuracy")[0]})
    return {k: round(float(v), 4) for k, v in result.items()} | {"sequences": count}


def _model_now(saver, sess, work, step, layers, attn, keep_key):
    """The weights being trained, as a MelodyModel that can play now."""
    from artlab import melody
    checkpoint = saver.save(sess, str(work / f"at-{step}.ckpt"))
    bundle = work / f"at-{step}.mag"
    melody.write_bundle(checkpoint, bundle, layers, attn, f"after {step} steps", keep_key)
    return melody.MelodyModel(bundle)


MIN_NOTES = 100


def sequences_from_files(files):
    """NoteSequences of uploaded (name, bytes) MIDI files; a file that cannot be read is
    skipped with a sentence. Returns (sequences, remarks)."""
    from artlab import ArtlabError
    sequences, remarks = [], []
    for name, content in files:
        try:
            sequences.append(music.read_midi(content))
        except ArtlabError as problem:
            remarks.append(_("{name}: {problem} Skipped.").format(name=name, problem=problem))
    return sequences, remarks


def check_enough(config, sequences):
    """Refuse, with the minimum, material too small to learn from. Returns (melodies, notes)."""
    from artlab import ArtlabError
    labels = melody_labels(config, sequences)
    melodies = len(labels)
    pitches = range(2, 2 + config.max_note - config.min_note)  # 0 hold, 1 silence, then notes
    notes = sum(1 for seq in labels for label in seq if label in pitches)
    if melodies == 0 or notes < MIN_NOTES:
        raise ArtlabError(_(
            "That is too little music to learn from: {melodies} usable melodies with {notes} "
            "notes. Give at least {least} notes in melodies of 7 bars or more with 5 or more "
            "different pitches (drum parts are left out).").format(melodies=melodies, notes=notes,
                                                                   least=MIN_NOTES))
    return melodies, notes


def train(sequences, steps, out_folder, start_from=None, batch_size=8, on_step=None,
          stem="my-melody-model", every=None, on_check=None):
    """Train an attention_rnn on `sequences` with Magenta's graph, `steps` steps, starting from
    the weights of `start_from` (a MelodyModel, e.g. the course model) or from scratch. Saves a
    new .mag (never overwriting) and returns (path, losses). on_step(step, loss) is called after
    every step; on_check(step, model) before training (step 0) and after every `every` steps, with
    the model as it is then (a MelodyModel, e.g. to hear a bar of it)."""
    import tempfile
    from pathlib import Path
    from artlab import files, melody
    out_folder = files.usable_folder(out_folder)  # before training, so no work is lost
    base = start_from.config if start_from else melody.attention_config()
    layers, attn = list(base.hparams.rnn_layer_sizes), base.hparams.attn_length
    keep_key = base.transpose_to_key is None
    config = melody.attention_config(batch_size, layers, attn, keep_key)
    check_enough(config, sequences)
    losses = []
    with tempfile.TemporaryDirectory(prefix="artlab-train-") as work:
        records, _ = make_examples(config, iter(sequences), Path(work))
        with _graph_reading("train", config, records) as (tf, sess):
            if start_from:
                known = {name for name, _ in tf.train.list_variables(str(start_from.checkpoint))}
                weights = [v for v in tf.global_variables()
                           if v.op.name in known and "global_step" not in v.op.name]
                tf.train.Saver(weights).restore(sess, str(start_from.checkpoint))
            train_op, loss = tf.get_collection("train_op")[0], tf.get_collection("loss")[0]
            saver = tf.train.Saver()

            def check(done):
                now = _model_now(saver, sess, Path(work), done, layers, attn, keep_key)
                try:
                    on_check(done, now)
                finally:
                    now.close()
            if on_check and every:
                check(0)  # as it starts: the model it starts from, or random weights
            for step in range(steps):
                _, value = sess.run([train_op, loss])
                losses.append(float(value))
                if on_step:
                    on_step(step, float(value))
                if on_check and every and (step + 1) % every == 0:
                    check(step + 1)
            checkpoint = saver.save(sess, str(Path(work) / "model.ckpt"))
        about = (f"Trained in ML for Artists on {len(sequences)} pieces, {steps} steps"
                 + (", starting from " + start_from.path.name if start_from else ""))
        path = files.save_new(out_folder, stem, {"mag": lambda part: melody.write_bundle(
            checkpoint, part, layers, attn, about, keep_key)})["mag"]
    return path, losses
