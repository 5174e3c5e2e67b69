"""Score course writers (.zip) on As You Like It (the play training scripts pick with) and on the
held-out plays; with --average, score the mean of their weights instead (all of one shape) and
save that writer to --out.

Run: python scripts/score_course_writers.py WRITER.zip ... [--average --out PATH]
Prints one JSON line per writer (or one for the average)."""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import train_course_writer as course  # noqa: E402
from artlab import env, writer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("writers", nargs="+", type=Path)
    parser.add_argument("--average", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("output/averaged_writer.zip"))
    args = parser.parse_args()
    env.quiet_tensorflow()
    parts = course.works()
    loaded = [writer.load(path) for path in args.writers]
    chars = loaded[0].chars
    pick = chars.ids(course.joined(parts, ["as_you_like_it"]))[0]
    held_out = chars.ids(course.joined(parts, course.HELD_OUT))[0]

    def scores(model):
        return {"as_you_like_it": round(writer.average_loss(model, pick, batch_size=512), 4),
                "held_out": round(writer.average_loss(model, held_out, batch_size=512), 4)}

    if args.average:
        model = loaded[0].model
        model.set_weights([np.mean(group, axis=0)
                           for group in zip(*[w.model.get_weights() for w in loaded])])
        names = [str(path) for path in args.writers]
        print(json.dumps(dict({"average_of": names}, **scores(model))), flush=True)
        writer.save(model, chars, args.out, dict(loaded[-1].about, averaged=names))
    else:
        for path, one in zip(args.writers, loaded):
            print(json.dumps(dict({"writer": str(path)}, **scores(one.model))), flush=True)


if __name__ == "__main__":
    main()
