"""Train the course's attention_rnn MelodyRNN with Magenta's own pipeline and trainer,
evaluate it on the held-out split, and write the bundle plus its provenance to assets/.

Rebuild the shipped bundle with the commands recorded in assets/melody/course_attention_rnn.json.
Training resumes from --work if it holds checkpoints, so a longer run can continue a shorter one;
--init-from starts a new --work folder from another run's latest checkpoint (same sizes).
--transpose=LOW:HIGH adds transpositions from that range of semitones (augmentation: each tune
in --keys-per-tune keys) and keeps melodies in their own key, so the model learns to continue a tune in any key.
"""
import argparse
import copy
import hashlib
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artlab import env, melody, music  # noqa: E402


def transposed(tunes, shifts, keys_per_tune):
    """Each tune as it is, plus (keys_per_tune - 1) other transpositions from `shifts`, picked
    by the tune's id so that every run sees the same ones (augmentation)."""
    others = [s for s in shifts if s != 0]
    for tune in tunes:
        sequence = music.tune_to_sequence(tune)
        yield sequence
        digest = int(hashlib.md5(tune["id"].encode()).hexdigest(), 16)
        picked = random.Random(digest).sample(others, min(keys_per_tune - 1, len(others)))
        for shift in picked:
            moved = copy.deepcopy(sequence)
            for note in moved.notes:
                note.pitch += shift
            yield moved


def make_examples(config, tunes, folder, shifts=(0,), keys_per_tune=1):
    """Magenta's melody pipeline over the tunes: TFRecord of SequenceExamples and its stats."""
    from magenta.models.melody_rnn import melody_rnn_pipeline
    from magenta.pipelines import pipeline
    folder.mkdir(parents=True, exist_ok=True)
    records = folder / "training_melodies.tfrecord"
    if not records.exists():
        pipe = melody_rnn_pipeline.get_pipeline(config, eval_ratio=0.0)
        pipeline.run_pipeline_serial(pipe, transposed(tunes, shifts, keys_per_tune), str(folder))
    tf = env.load_magenta()
    count = sum(1 for _ in tf.io.tf_record_iterator(str(records)))
    return records, count


def evaluate(config, records, count, checkpoint):
    """Mean per-event loss (nats) and next-event accuracy of a checkpoint over about one pass."""
    tf = env.load_magenta()
    from magenta.models.shared import events_rnn_graph
    batches = max(1, count // config.hparams.batch_size)
    with tf.Graph().as_default():
        events_rnn_graph.get_build_graph_fn("eval", config, [str(records)])()
        loss = tf.get_collection("loss")[0]
        accuracy = tf.get_collection("metrics/accuracy")[0]
        eval_ops = tf.get_collection("eval_ops")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            saver.restore(sess, checkpoint)
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            for _ in range(batches):
                sess.run(eval_ops)
            result = sess.run({"loss": loss, "accuracy": accuracy})
            coord.request_stop()
            coord.join(threads, stop_grace_period_secs=5)
    return {k: round(float(v), 4) for k, v in result.items()} | {"sequences": batches *
                                                                config.hparams.batch_size}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--layers", default="128,128")
    parser.add_argument("--attn-length", type=int, default=40)
    parser.add_argument("--work", default="/tmp/artlab_melody_train")
    parser.add_argument("--out", default="assets/melody/course_attention_rnn.mag")
    parser.add_argument("--transpose", default="", help="LOW:HIGH semitones, e.g. =-5:6")
    parser.add_argument("--keys-per-tune", type=int, default=3,
                        help="with --transpose: each tune in this many keys (its own included)")
    parser.add_argument("--init-from", default="", help="a train_dir to start from")
    parser.add_argument("--export-only", action="store_true",
                        help="evaluate and export the latest checkpoint in --work, no training")
    parser.add_argument("--note", default="", help="a sentence for the provenance file")
    args = parser.parse_args()

    tf = env.load_magenta()
    from magenta.models.shared import events_rnn_graph, events_rnn_train
    work = Path(args.work)
    layers = [int(n) for n in args.layers.split(",")]
    shifts = (0,)
    if args.transpose:
        low, high = (int(n) for n in args.transpose.split(":"))
        shifts = tuple(range(low, high + 1))
    keep_key = bool(args.transpose)
    config = melody.attention_config(args.batch_size, layers, args.attn_length, keep_key)
    train_records, train_count = make_examples(config, music.folk_tunes("train"), work / "train",
                                               shifts, args.keys_per_tune if keep_key else 1)
    eval_records, eval_count = make_examples(config, music.folk_tunes("eval"), work / "eval")
    print(f"{train_count} training and {eval_count} eval melodies", flush=True)

    train_dir = work / "train_dir"
    if args.init_from and not tf.train.latest_checkpoint(str(train_dir)):
        start = tf.train.latest_checkpoint(args.init_from)
        train_dir.mkdir(parents=True, exist_ok=True)
        for part in Path(start).parent.glob(Path(start).name + ".*"):
            (train_dir / part.name).write_bytes(part.read_bytes())
        (train_dir / "checkpoint").write_text(f'model_checkpoint_path: "{Path(start).name}"\n')
        print(f"starting from {start}", flush=True)
    started = time.time()
    if not args.export_only:
        tf.logging.set_verbosity(tf.logging.INFO)
        events_rnn_train.run_training(
            events_rnn_graph.get_build_graph_fn("train", config, [str(train_records)]),
            str(train_dir), num_training_steps=args.steps, summary_frequency=25,
            save_checkpoint_secs=300, checkpoints_to_keep=3)
    train_seconds = time.time() - started
    tf.logging.set_verbosity(tf.logging.ERROR)
    checkpoint = tf.train.latest_checkpoint(str(work / "train_dir"))
    metrics = {"train": evaluate(config, train_records, train_count, checkpoint),
               "eval": evaluate(config, eval_records, eval_count, checkpoint)}
    print(json.dumps(metrics), flush=True)

    out = melody.write_bundle(
        checkpoint, args.out, layers, args.attn_length, "ML for Artists course attention_rnn, "
        "trained on public-domain folk tunes (music21 corpus).", keep_key)
    summary = json.loads((env.assets_dir() / "folk_melodies" / "summary.json").read_text())
    provenance = {
        "bundle": out.name, "model": "attention_rnn (Magenta 2.1.4)",
        "data": {"source": "music21 corpus: Essen Folksong, O'Neill's 1850, Ryan's Mammoth "
                           "(public domain)", "file": music.FOLK_MELODIES,
                 "sha256": summary["sha256"], "split": "md5(tune id) mod 100: train <80, "
                 "eval 80-89, test 90-99", "train_melodies": train_count,
                 "eval_melodies": eval_count},
        "pipeline": "magenta melody_rnn_pipeline (quantize 4 steps/quarter, melodies of 7+ "
                    "bars, up to 512 steps, squashed to MIDI 48-84, " + (
                        f"each tune in its own key plus {args.keys_per_tune - 1} transpositions "
                        f"picked from {shifts[0]}..{shifts[-1]} semitones by tune id, kept in "
                        "their key"
                        if keep_key else "transposed to C") + ")",
        "hparams": config.hparams.values(),
        "bundle_graph_batch_size": 1, "steps": int(checkpoint.rsplit("-", 1)[1]),
        "train_seconds_this_run": round(train_seconds),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "metrics": metrics, "metrics_note": "mean cross-entropy per melody event (nats) and "
        "next-event accuracy over whole batches of each split, dropout off",
        "command": "python scripts/train_melody_bundle.py " + " ".join(sys.argv[1:]),
    }
    if args.note:
        provenance["note"] = args.note
    out.with_suffix(".json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(f"wrote {out} ({out.stat().st_size // 1024} KB) and its provenance", flush=True)


if __name__ == "__main__":
    main()
