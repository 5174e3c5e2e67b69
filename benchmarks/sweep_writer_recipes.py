"""How the workshop recipe was chosen: candidate writers trained for the same CPU budget on the
first 90% of a text and scored on the last 10% (one JSON line each, in the order run).

Every candidate: Embedding 64 -> one LSTM or GRU -> Dense, Adam. What varies: the cell, its size,
batch and piece length, the learning rate, whether the rate falls (half cosine) to `decay_to`
times its start at the end of the time budget, gradient clipping, and whether the memory is
carried from one piece to the next (stateful training on consecutive pieces), and, when it is,
the share of rows whose memory is emptied before each batch (`reset_share`): scoring starts each
piece from an empty memory, which carried training alone rarely practises; and how fast the
embedding table learns (`embedding_rate`, see writer.adam).

Run: python benchmarks/sweep_writer_recipes.py ../shared/data/tinyshakespeare.txt [--minutes 10]
     [--only name,name]       (KERAS_BACKEND=jax in front: the same candidates trained by JAX)
"""
import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_writer  # noqa: E402
from bench_writer import writer  # noqa: E402

FALLING = {"decay_to": 0.05, "clipnorm": 1.0}
CANDIDATES = {
    "lstm512_falling": dict(cell="lstm", units=512, batch_size=128, length=100,
                            learning_rate=0.003, **FALLING),
    "lstm512_carried": dict(cell="lstm", units=512, batch_size=64, length=64,
                            learning_rate=0.003, carry=True, **FALLING),
    "lstm256_carried_b32": dict(cell="lstm", units=256, batch_size=32, length=64,
                                learning_rate=0.005, carry=True, **FALLING),
    "gru512_falling": dict(cell="gru", units=512, batch_size=128, length=100,
                           learning_rate=0.003, **FALLING),
    "lstm384_carried": dict(cell="lstm", units=384, batch_size=64, length=64,
                            learning_rate=0.004, carry=True, **FALLING),
    "lstm256_carried_b128": dict(cell="lstm", units=256, batch_size=128, length=64,
                                 learning_rate=0.005, carry=True, **FALLING),
}
# The best carried LSTM, its memory emptied now and then (each row, before each batch).
CANDIDATES.update({f"lstm384_carried_reset{round(share * 100):02d}":
                   dict(CANDIDATES["lstm384_carried"], reset_share=share) for share in (0.03, 0.15, 0.3, 0.5)})
# With resets (0.3), a Dropout layer between the memory and the guess: ten minutes are about nine
# passes over tinyshakespeare, so the writer may be learning the text by heart.
CANDIDATES.update({f"lstm{units}_carried_reset30_drop{round(rate * 100):02d}":
                   dict(CANDIDATES["lstm384_carried_reset30"], units=units, dropout=rate)
                   for units, rate in ((384, 0.1), (384, 0.25), (512, 0.25))})
# A faster rate with resets.
CANDIDATES["lstm384_carried_reset30_lr5e3"] = dict(CANDIDATES["lstm384_carried_reset30"], learning_rate=0.005)
# Two smaller LSTMs, one on the other, for about the same work per character as one of 384.
CANDIDATES["lstm2x256_carried_reset30_drop10"] = dict(CANDIDATES["lstm384_carried_reset30_drop10"],
                                                      units=256, layers=2)

# Ending with a running average of the weights (Adam's use_ema), over about the last 200 or 500 steps.
CANDIDATES.update({f"lstm384_carried_reset30_drop10_ema{round(momentum * 1000)}":
                   dict(CANDIDATES["lstm384_carried_reset30_drop10"], ema=momentum)
                   for momentum in (0.995, 0.998)})

# The embedding table's steps 20 times the others' (writer.adam): JAX, and TensorFlow too, learned
# more per step so in a 600-step trial on this CPU.
CANDIDATES["lstm384_carried_reset30_drop10_emb20"] = dict(CANDIDATES["lstm384_carried_reset30_drop10"],
                                                          embedding_rate=20.0)


def writer_backend():
    import keras
    return keras.backend.backend()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--only", default="", help="comma-separated candidate names")
    args = parser.parse_args()
    _, _, chars, train_ids, val_ids = bench_writer.split_text(args.path)
    for name, settings in CANDIDATES.items():
        if args.only and name not in args.only.split(","):
            continue
        build = lambda: writer.model_for(len(chars), settings)  # noqa: E731
        model, steps, seconds = bench_writer.train_for(build, settings, train_ids, args.minutes)
        print(json.dumps({"candidate": name, **settings, "minutes": args.minutes, "steps": steps,
                          "train_seconds": round(seconds),
                          "val_nats_per_char": round(writer.average_loss(model, val_ids), 4),
                          "load_average_1min_after": round(os.getloadavg()[0], 2),
                          "keras_backend": writer_backend(),
                          "machine": f"{os.cpu_count()} cores"}), flush=True)


if __name__ == "__main__":
    main()
