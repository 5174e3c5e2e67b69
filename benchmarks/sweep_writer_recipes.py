"""How the workshop recipe was chosen: candidate GRU writers trained for the same short CPU budget
on the first 90% of a text and scored on the last 10% (one JSON line each).

Run: python benchmarks/sweep_writer_recipes.py ../shared/data/tinyshakespeare.txt [--minutes 5]
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_writer  # noqa: E402
from bench_writer import writer  # noqa: E402

CANDIDATES = [  # (GRU units, batch size, learning rate); pieces of 100 characters
    (512, 128, 0.003), (256, 128, 0.005), (512, 64, 0.002)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args()
    _, _, chars, train_ids, val_ids = bench_writer.split_text(args.path)
    for units, batch_size, rate in CANDIDATES:
        settings = {"batch_size": batch_size, "length": 100, "learning_rate": rate}
        model, steps, seconds = bench_writer.train_for(
            lambda: writer.workshop_model(len(chars), 64, units), settings, train_ids, args.minutes)
        print(json.dumps({"units": units, **settings, "minutes": args.minutes, "steps": steps,
                          "val_nats_per_char": round(writer.average_loss(model, val_ids), 4)}),
              flush=True)


if __name__ == "__main__":
    main()
