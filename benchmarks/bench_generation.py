"""Melody generation speed: the course's path vs Magenta's stock generator, same weights, same run.

Stock = MelodyRnnSequenceGenerator loaded from a bundle exported as Magenta's configs do
(generation graph with batch size 128). Ours = artlab.melody (graph rebuilt for the batch asked).
Prints one JSON line per figure.   Run: python benchmarks/bench_generation.py [--repeats N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import env, melody, music  # noqa: E402


def stock_generator(model, folder):
    """Magenta's own generator on a batch-128 bundle of the same weights."""
    from magenta.models.melody_rnn import melody_rnn_model, melody_rnn_sequence_generator
    import copy
    config = copy.deepcopy(model.config)
    config.hparams.batch_size = 128
    exporter = melody_rnn_sequence_generator.MelodyRnnSequenceGenerator(
        model=melody_rnn_model.MelodyRnnModel(config), details=config.details,
        steps_per_quarter=config.steps_per_quarter, checkpoint=str(model.checkpoint))
    path = Path(folder) / "stock.mag"
    exporter.create_bundle_file(str(path), "stock export")
    exporter.close()
    from magenta.models.shared import sequence_generator_bundle
    generator = melody_rnn_sequence_generator.MelodyRnnSequenceGenerator(
        model=melody_rnn_model.MelodyRnnModel(copy.deepcopy(model.config)),
        details=config.details, steps_per_quarter=config.steps_per_quarter,
        bundle=sequence_generator_bundle.read_bundle_file(str(path)))
    generator.initialize()
    return generator


def timed(fn, repeats):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    env.quiet_tensorflow()
    from note_seq.protobuf import generator_pb2
    model = melody.load()
    primer, _ = music.primer("twinkle")
    machine = f"{os.cpu_count()} cores"
    with tempfile.TemporaryDirectory() as folder, env.native_logs_hidden():
        stock = stock_generator(model, folder)
        for bars in (8, 32):
            options = generator_pb2.GeneratorOptions()
            options.args["temperature"].float_value = 1.0
            options.generate_sections.add(start_time=primer.total_time,
                                          end_time=primer.total_time + bars * 2.0)
            ours = timed(lambda: model.generate(primer, bars=bars, seed=1), args.repeats)
            theirs = timed(lambda: stock.generate(primer, options), args.repeats)
            print(json.dumps({"figure": f"warm_generate_{bars}_bars_s", "ours": ours,
                              "stock_magenta_bundle": theirs, "speedup": round(theirs / ours, 1),
                              "repeats": args.repeats, "machine": machine}), flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "artlab", "melody", "--bars", "8",
                               "--seed", "1", "--out", folder], capture_output=True, text=True)
        cold = round(time.perf_counter() - started, 2)
    print(json.dumps({"figure": "cli_cold_start_to_files_s", "ours": cold,
                      "ok": done.returncode == 0, "machine": machine}), flush=True)


if __name__ == "__main__":
    main()
