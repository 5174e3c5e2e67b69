"""Train the course's grower (assets/images/lizard_grower.weights.h5): a neural cellular
automaton that grows the lizard emoji from one cell and repairs it, with artlab.growing.train,
and write its record beside it (.json).

Run: python scripts/train_course_grower.py [--steps 2000] [--minutes 120] [--picture lizard] [--size 40]
Training stops after --steps rounds (the learning rate falls over them) or --minutes, whichever
comes first. Every 250 rounds the weights so far are saved to output/ (a snapshot); a run stopped
early can still give the asset: --finish-from-snapshot ROUNDS (the rounds that snapshot had).
"""
import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import numpy as np  # noqa: E402
from artlab import env, growing, images  # noqa: E402

MARGIN = 4  # empty cells around the picture
SNAPSHOT = ROOT / "output" / "course_grower_snapshot.weights.h5"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=120.0)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--picture", default="lizard", choices=images.EMOJI)
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=96)
    parser.add_argument("--finish-from-snapshot", type=int, metavar="ROUNDS",
                        help="write the asset from output/'s snapshot, taken after ROUNDS rounds")
    args = parser.parse_args()
    env.quiet_tensorflow()
    import keras
    keras.utils.set_random_seed(0)
    picture = images.as_array(images.builtin(args.picture), args.size - 2 * MARGIN, transparent=True)
    wanted = np.pad(picture, ((MARGIN, MARGIN), (MARGIN, MARGIN), (0, 0)))
    model = growing.make_growing_model(hidden=args.hidden)
    started, losses = time.monotonic(), []

    def each_step(step, loss):
        losses.append(loss)
        if (step + 1) % 250 == 0:
            SNAPSHOT.parent.mkdir(exist_ok=True)
            model.save_weights(SNAPSHOT)
        if (step + 1) % 50 == 0:
            print(json.dumps({"step": step + 1, "minutes": round((time.monotonic() - started) / 60, 1),
                              "loss_last_50": round(float(np.mean(losses[-50:])), 5)}), flush=True)
        if time.monotonic() - started > args.minutes * 60:
            raise TimeoutError

    if args.finish_from_snapshot:
        model.load_weights(SNAPSHOT)
        losses = [float("nan")] * args.finish_from_snapshot
    else:
        try:
            growing.train(model, wanted, args.steps, on_step=each_step)
        except TimeoutError:
            pass
    minutes = (time.monotonic() - started) / 60
    grown = np.asarray(model(growing.seed_state(args.size)))
    later = grown
    for _ in range(200):  # does it keep the picture long after it has grown?
        later = np.asarray(model.step(later))
    out = ROOT / "assets" / growing.COURSE_GROWER
    model.save_weights(out)
    record = {
        "picture": args.picture, "size": args.size, "margin": MARGIN, "hidden": args.hidden,
        "parameters": model.count_params(), "steps": len(losses), "planned_steps": args.steps,
        "training_minutes": None if args.finish_from_snapshot else round(minutes, 1),
        "loss_last_50_steps": None if args.finish_from_snapshot else round(float(np.mean(losses[-50:])), 5),
        "psnr_after_48_steps": round(images.psnr(images.on_white(growing.colours(grown)[0]),
                                                 images.on_white(wanted)), 2),
        "psnr_after_248_steps": round(images.psnr(images.on_white(growing.colours(later)[0]),
                                                  images.on_white(wanted)), 2),
        "recipe": "artlab.growing.train: batch 8 from a pool of 128, one fresh seed and two damaged per "
                  "batch, 48 steps per growth, Adam 0.002 falling along a cosine to a tenth, clipped",
        "picture_source": "assets/images/pictures.json (Noto Color Emoji, SIL OFL 1.1)",
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "machine": "2-core CPU, no GPU",
        "command": "python scripts/train_course_grower.py " + " ".join(sys.argv[1:]),
    }
    out.with_name(out.name.replace(".weights.h5", ".json")).write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
