"""Train the course's PolyphonyRNN on Bach chorales with Magenta's own pipeline and trainer,
score it on the held-out split, and write the bundle plus its provenance to assets/harmony/.

Data: assets/chorales/ (scripts/prepare_chorales.py), split by chorale. Training pieces are
each chorale cut into pieces of --piece-quarters quarter notes (8 bars of 4/4 by default), in
every transposition from --transpose (Magenta's own range for chorales: a major third either
way). Training resumes from --work if it holds checkpoints; stop it at any time and export the
latest checkpoint with --export-only.

Rebuild the shipped bundle with the command recorded in assets/harmony/course_polyphony_rnn.json.
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artlab import env, harmony  # noqa: E402
from artlab import melody_training as training  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--layers", default="256,256")
    parser.add_argument("--piece-quarters", type=int, default=32)
    parser.add_argument("--transpose", default="-4:4", help="LOW:HIGH semitones")
    parser.add_argument("--work", default="/tmp/artlab_harmony_train")
    parser.add_argument("--out", default="assets/harmony/course_polyphony_rnn.mag")
    parser.add_argument("--export-only", action="store_true",
                        help="score and export the latest checkpoint in --work, no training")
    parser.add_argument("--note", default="", help="a sentence for the provenance file")
    args = parser.parse_args()

    tf = env.load_magenta()
    from magenta.models.shared import events_rnn_graph, events_rnn_train
    work = Path(args.work)
    layers = [int(n) for n in args.layers.split(",")]
    low, high = (int(n) for n in args.transpose.split(":"))
    config = harmony.polyphony_config(args.batch_size, layers)

    def examples(split, shifts):
        sequences = (harmony.chorale_to_sequence(c) for c in harmony.chorales(split))
        return harmony.make_examples(config, sequences, work / split, shifts,
                                     args.piece_quarters)
    train_records, train_count = examples("train", range(low, high + 1))
    eval_records, eval_count = examples("eval", (0,))
    print(f"{train_count} training and {eval_count} eval pieces", flush=True)

    train_dir = work / "train_dir"
    started = time.time()
    if not args.export_only:
        tf.logging.set_verbosity(tf.logging.INFO)
        events_rnn_train.run_training(
            events_rnn_graph.get_build_graph_fn("train", config, [str(train_records)]),
            str(train_dir), num_training_steps=args.steps, summary_frequency=25,
            save_checkpoint_secs=300, checkpoints_to_keep=3)
    train_seconds = time.time() - started
    tf.logging.set_verbosity(tf.logging.ERROR)
    checkpoint = tf.train.latest_checkpoint(str(train_dir))
    metrics = {"train": training.evaluate(config, train_records, min(train_count, 512),
                                          checkpoint),
               "eval": training.evaluate(config, eval_records, eval_count, checkpoint)}
    print(json.dumps(metrics), flush=True)

    out = harmony.write_bundle(checkpoint, args.out, layers, "ML for Artists course "
                               "PolyphonyRNN, trained on J. S. Bach's chorales (music21 corpus).")
    summary = json.loads((env.assets_dir() / "chorales" / "summary.json").read_text())
    provenance = {
        "bundle": out.name, "model": "polyphony (Magenta 2.1.4 PolyphonyRNN)",
        "data": {"source": "music21 corpus: J. S. Bach's four-part chorales (public domain)",
                 "file": harmony.CHORALES, "sha256": summary["sha256"],
                 "split": "md5(chorale id) mod 100: train <80, eval 80-89, test 90-99",
                 "train_pieces": train_count, "eval_pieces": eval_count},
        "pipeline": f"time-signature splitter, pieces of {args.piece_quarters} quarter notes, "
                    f"quantize {config.steps_per_quarter} steps/quarter, transposed by every "
                    f"shift from {low} to {high} semitones (eval: none), Magenta's polyphonic "
                    "extractor and one-hot encoder",
        "augmentation": {"shifts": [low, high], "piece_quarters": args.piece_quarters},
        "hparams": config.hparams.values(),
        "bundle_graph_batch_size": 1, "steps": int(checkpoint.rsplit("-", 1)[1]),
        "train_seconds_this_run": round(train_seconds),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "metrics": metrics, "metrics_note": "mean cross-entropy per polyphonic event (nats) and "
        "next-event accuracy, dropout off: every eval piece, the first 512 training pieces",
        "command": "python scripts/train_harmony_bundle.py " + " ".join(sys.argv[1:]).split(
            " --note")[0] + (" --note '...'" if args.note else ""),
    }
    if args.note:
        provenance["note"] = args.note
    out.with_suffix(".json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(f"wrote {out} ({out.stat().st_size // 1024} KB) and its provenance", flush=True)


if __name__ == "__main__":
    main()
