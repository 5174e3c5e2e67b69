"""Where warm generation time goes: one JSON line splitting a warm 8-bar melody (course bundle)
into TensorFlow's own compute, the Python side of Session.run (feeds, fetches), and Magenta's
Python around it (encoding events, sampling, beam bookkeeping).
Run: python benchmarks/profile_generation.py [--bars 8] [--repeats 5]"""
import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from artlab import env, melody, music  # noqa: E402


def cumulative(stats, file_part, function):
    """Cumulative seconds of functions named `function` (or built-ins containing it)."""
    return sum(row[3] for (path, _, name), row in stats.stats.items()
               if file_part in path and (name == function or
                                         name.startswith("<built-in") and function in name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    env.quiet_tensorflow()
    model = melody.load()
    primer, _ = music.primer("twinkle")
    model.generate(primer, bars=args.bars, seed=0)  # warm
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for seed in range(args.repeats):
        model.generate(primer, bars=args.bars, seed=seed)
    profile.disable()
    total = (time.perf_counter() - started) / args.repeats
    stats = pstats.Stats(profile)
    compute = cumulative(stats, "", "TF_SessionRun_wrapper") / args.repeats
    session = cumulative(stats, "client/session.py", "run") / args.repeats
    steps = stats.stats and max(row[0] for (path, _, name), row in stats.stats.items()
                                if name == "_generate_step") / args.repeats
    print(json.dumps({
        "figure": "warm_generation_time_split", "bars": args.bars, "seconds": round(total, 3),
        "rnn_steps": int(steps), "ms_per_step": round(1000 * total / steps, 2),
        "tensorflow_compute_share": round(compute / total, 2),
        "session_run_python_share": round((session - compute) / total, 2),
        "magenta_python_share": round(1 - session / total, 2),
        "note": "cProfile adds overhead to the Python shares", "machine": f"{os.cpu_count()} cores"}))


if __name__ == "__main__":
    main()
