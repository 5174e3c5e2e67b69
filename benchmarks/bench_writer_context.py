"""The two course writers scored on the held-out plays from an empty memory, with pieces of 100
and of 1,000 characters: how much each loses at the start of a piece. One JSON line per writer.

Run: python benchmarks/bench_writer_context.py [--characters 60000]
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from artlab import env, writer  # noqa: E402
import train_course_writer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", type=int, default=60_000,
                        help="how much of the held-out plays to score (from their start)")
    args = parser.parse_args()
    env.quiet_tensorflow()
    parts = train_course_writer.works()
    held_out = "\n\n\n".join(parts[name] for name in train_course_writer.HELD_OUT)
    held_out = held_out[:args.characters]
    for cell in ("gru", "lstm"):
        course = writer.load(writer.course_writer_path(cell))
        ids, _ = course.chars.ids(held_out)
        print(json.dumps({"figure": "held_out_loss_by_piece_length", "writer": cell,
                          "characters": len(held_out),
                          **{f"pieces_of_{n}": round(writer.average_loss(course.model, ids, n), 4)
                             for n in (100, 1000)}}), flush=True)


if __name__ == "__main__":
    main()
