"""Train the course's attention_rnn MelodyRNN with Magenta's own pipeline and trainer,
evaluate it on the held-out split, and write the bundle plus its provenance to assets/.

Rebuild the shipped bundle with the commands recorded in assets/melody/course_attention_rnn.json.
Training resumes from --work if it holds checkpoints, so a longer run can continue a shorter one;
--init-from starts a new --work folder from another run's latest checkpoint (same sizes).
--transpose=LOW:HIGH adds transpositions from that range of semitones (augmentation: each tune
in --keys-per-tune keys) and keeps melodies in their own key, so the model learns to continue a
tune in any key.
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artlab import env, melody, music  # noqa: E402
from artlab import melody_training as training  # noqa: E402


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
    keys = args.keys_per_tune if keep_key else 1
    train_records, train_count = training.make_examples(
        config, training.transposed(music.folk_tunes("train"), shifts, keys), work / "train")
    eval_records, eval_count = training.make_examples(
        config, training.transposed(music.folk_tunes("eval"), (0,), 1), work / "eval")
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
    metrics = {"train": training.evaluate(config, train_records, min(train_count, 1024),
                                          checkpoint),
               "eval": training.evaluate(config, eval_records, eval_count, checkpoint)}
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
        "augmentation": {"shifts": [shifts[0], shifts[-1]], "keys_per_tune": keys},
        "transpose_to_key": config.transpose_to_key,
        "hparams": config.hparams.values(),
        "bundle_graph_batch_size": 1, "steps": int(checkpoint.rsplit("-", 1)[1]),
        "train_seconds_this_run": round(train_seconds),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "metrics": metrics, "metrics_note": "mean cross-entropy per melody event (nats) and "
        "next-event accuracy, dropout off: every eval melody, the first 1024 train melodies",
        "command": "python scripts/train_melody_bundle.py " + " ".join(sys.argv[1:]),
    }
    if args.note:
        provenance["note"] = args.note
    out.with_suffix(".json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(f"wrote {out} ({out.stat().st_size // 1024} KB) and its provenance", flush=True)


if __name__ == "__main__":
    main()
