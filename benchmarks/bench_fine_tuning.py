"""Notebook 02's fine-tuning cell on this machine: seconds per training step, with and without
hearing the model every `--every` steps (what the notebook shows while it learns), and the time
to get ready. One JSON line per figure, appended to benchmarks/results/bench_fine_tuning.jsonl.

The same material as the notebook with no upload: 200 O'Neill tunes, starting from the course
model, batches of 8. Each check writes the model's weights to a bundle, loads it and plays two
bars after one bar of Twinkle.

Run: .venv/bin/python benchmarks/bench_fine_tuning.py [--steps 60] [--every 20]
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import env  # noqa: E402

env.quiet_tensorflow()
from artlab import melody, music  # noqa: E402
from artlab import melody_training as training  # noqa: E402


def timed_run(model, pieces, steps, every):
    """(seconds before the first step, seconds per step after it, seconds each check played for)"""
    opening = music.typed_notes("C4 C4 G4 G4")
    stamps, playing = [], []

    def listen(step, now):
        started = time.monotonic()
        now.generate(opening, bars=2, seed=0)
        playing.append(round(time.monotonic() - started, 3))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        training.train(pieces, steps, folder, start_from=model,
                       on_step=lambda step, loss: stamps.append(time.monotonic()),
                       every=every, on_check=listen if every else None)
    return stamps[0] - started, (stamps[-1] - stamps[0]) / (steps - 1), playing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--every", type=int, default=20)
    args = parser.parse_args()
    model = melody.load()
    pieces = [music.tune_to_sequence(t) for t in music.folk_tunes("train")
              if t["source"] == "oneills1850"][:200]
    results = ROOT / "benchmarks" / "results" / "bench_fine_tuning.jsonl"
    for every in (None, args.every):
        ready, per_step, playing = timed_run(model, pieces, args.steps, every)
        line = {"figure": "fine_tuning_seconds_per_step", "checks_every": every,
                "steps": args.steps, "seconds_per_step": round(per_step, 3),
                "seconds_before_first_step": round(ready, 1), "check_play_seconds": playing,
                "load_average": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
                "date": time.strftime("%Y-%m-%d")}
        print(json.dumps(line), flush=True)
        with open(results, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
