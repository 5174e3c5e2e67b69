"""Does the embedding table learn too slowly? The workshop recipe trained for a fixed number of
steps with the embedding's steps `embedding_rate` times the others' (writer.adam), then scored
on the first 30,000 characters of the last 10% of the text. One JSON line.

TensorFlow updates a table row once per time its character occurs in a batch; JAX once per
batch: compare both with KERAS_BACKEND=jax in front.

Run: python benchmarks/trial_embedding_rate.py ../shared/data/tinyshakespeare.txt 600 20
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_writer  # noqa: E402
from bench_writer import writer  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("steps", type=int)
    parser.add_argument("embedding_rate", type=float)
    args = parser.parse_args()
    import keras
    _, _, chars, train_ids, val_ids = bench_writer.split_text(args.path)
    settings = dict(writer.WORKSHOP, embedding_rate=args.embedding_rate)
    keras.utils.set_random_seed(0)
    model = writer.model_for(len(chars), settings)
    table = model.layers[0]
    start = keras.ops.convert_to_numpy(table.embeddings).copy()
    started = time.monotonic()
    steps = writer.fit(model, train_ids, settings, steps=args.steps)
    seconds = time.monotonic() - started
    moved = abs(keras.ops.convert_to_numpy(table.embeddings) - start).mean()
    print(json.dumps({"keras_backend": keras.backend.backend(), "recipe": "workshop",
                      "embedding_rate": args.embedding_rate, "steps": steps,
                      "train_seconds": round(seconds), "embedding_mean_change": round(float(moved), 4),
                      "val_nats_per_char_first_30k": round(writer.average_loss(model, val_ids[:30000]), 4)}))


if __name__ == "__main__":
    main()
