"""The course melody model against references, all in one run: one JSON line per figure.

quality     mean NLL per melody event and next-event accuracy on the held-out test split, for the
            course bundle and for an order-3 interpolated Kneser-Ney n-gram on the same events,
            trained on the same (augmented) training tunes.
musicality  16-bar continuations of 2-bar primers cut from held-out tunes, against how those tunes
            really go on: notes in the tune's key, pitch-class and interval histograms (total
            variation distance), repeated notes, range. Figure: benchmarks/results/.
speed       bench_generation.py (ours vs Magenta's stock generator, same weights, same run) and
            profile_generation.py (where the warm time goes).

Run: python benchmarks/bench_melody.py [--bundle PATH] [--primers 100] [--skip quality,speed]
"""
import argparse
import collections
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import env, melody, music  # noqa: E402
from artlab import melody_training as training  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


class KneserNey3:
    """Interpolated Kneser-Ney trigram over class numbers (discount 0.75)."""

    def __init__(self, sequences, classes, discount=0.75):
        self.classes, self.d = classes, discount
        self.tri = collections.Counter()
        for seq in sequences:
            padded = [-1, -1] + list(seq)
            for i in range(2, len(padded)):
                self.tri[tuple(padded[i - 2:i + 1])] += 1
        self.bi_cont = collections.Counter((v, w) for (_, v, w) in self.tri)  # N1+(. v w)
        self.uni_cont = collections.Counter(w for (v, w) in self.bi_cont)     # N1+(. w)
        self.ctx2 = collections.Counter()
        self.ctx2_types = collections.Counter()
        for (u, v, _), count in self.tri.items():
            self.ctx2[(u, v)] += count
            self.ctx2_types[(u, v)] += 1
        self.ctx1 = collections.Counter()
        self.ctx1_types = collections.Counter()
        for (v, _), count in self.bi_cont.items():
            self.ctx1[v] += count
            self.ctx1_types[v] += 1
        self.total_bigram_types = len(self.bi_cont)

    def probability(self, u, v, w):
        unigram = (self.uni_cont[w] + 1) / (self.total_bigram_types + self.classes)  # never 0
        p = unigram
        if self.ctx1[v]:
            p = (max(self.bi_cont[(v, w)] - self.d, 0) / self.ctx1[v]
                 + self.d * self.ctx1_types[v] / self.ctx1[v] * unigram)
        if self.ctx2[(u, v)]:
            p = (max(self.tri[(u, v, w)] - self.d, 0) / self.ctx2[(u, v)]
                 + self.d * self.ctx2_types[(u, v)] / self.ctx2[(u, v)] * p)
        return p

    def score(self, sequences):
        """Mean NLL (nats) and accuracy of the most likely class, over every label after the
        first event (the RNN is scored on the same positions)."""
        nll, right, count = 0.0, 0, 0
        for seq in sequences:
            padded = [-1, -1] + list(seq)
            for i in range(3, len(padded)):
                u, v, w = padded[i - 2], padded[i - 1], padded[i]
                probs = [self.probability(u, v, c) for c in range(self.classes)]
                nll -= math.log(probs[w] / sum(probs))
                right += int(np.argmax(probs) == w)
                count += 1
        return {"loss": round(nll / count, 4), "accuracy": round(right / count, 4),
                "events": count}


def provenance(bundle_path):
    path = Path(bundle_path).with_suffix(".json")
    return json.loads(path.read_text()) if path.is_file() else {}


def quality(model, bundle_path):
    """Course bundle vs trigram on the test split's melody events."""
    about = provenance(bundle_path).get("augmentation", {"shifts": [0, 0], "keys_per_tune": 1})
    shifts = tuple(range(about["shifts"][0], about["shifts"][1] + 1))
    config = model.config
    test = music.folk_tunes("test")
    started = time.time()
    train_labels = training.melody_labels(config, training.transposed(
        music.folk_tunes("train"), shifts, about["keys_per_tune"]))
    test_labels = training.melody_labels(config, training.transposed(test, (0,), 1))
    ngram = KneserNey3(train_labels, config.encoder_decoder.num_classes).score(test_labels)
    ngram_seconds = time.time() - started
    with tempfile.TemporaryDirectory() as folder:
        records, count = training.make_examples(
            config, training.transposed(test, (0,), 1), Path(folder))
        started = time.time()
        rnn = training.evaluate(config, records, count, model.checkpoint)
    assert count == len(test_labels), "the pipeline and melody_labels disagree"
    return {"figure": "test_nll_per_event", "split": "test", "melodies": count,
            "events": ngram["events"], "ours_nats": rnn["loss"],
            "ours_accuracy": rnn["accuracy"], "ngram3_kneser_ney_nats": ngram["loss"],
            "ngram3_accuracy": ngram["accuracy"],
            "ours_lower_by": round(1 - rnn["loss"] / ngram["loss"], 3), "target": 0.15,
            "ngram_training_melodies": len(train_labels),
            "seconds": {"ngram": round(ngram_seconds), "rnn": round(time.time() - started)}}


@lru_cache(maxsize=None)
def key_pitch_classes(key_text):
    """Pitch classes of a tune's key ('G major', 'A dorian', '4 sharps'); minor adds its
    raised seventh (the leading note)."""
    from music21 import key as m21key
    words = key_text.split()
    if words[1] == "sharps" or words[1] == "flats":
        found = m21key.KeySignature(int(words[0]) * (1 if words[1] == "sharps" else -1))
        found = found.asKey("major")
    else:
        found = m21key.Key(words[0], words[1])
    diatonic = m21key.KeySignature(found.sharps).asKey("major")  # modes share a signature
    classes = {p.pitchClass for p in diatonic.getScale("major").pitches}
    if found.mode == "minor":
        classes.add((found.tonic.pitchClass + 11) % 12)
    return frozenset(classes), found.tonic.pitchClass


def line_stats(lines, keys):
    """Statistics of note lines (lists of MIDI pitches), each with its tune's key."""
    in_key, total, repeats, steps = 0, 0, 0, 0
    classes = np.zeros(12)
    intervals = np.zeros(25)
    ranges = []
    for pitches, key_text in zip(lines, keys):
        scale, tonic = key_pitch_classes(key_text)
        in_key += sum(p % 12 in scale for p in pitches)
        total += len(pitches)
        for p in pitches:
            classes[(p - tonic) % 12] += 1
        for a, b in zip(pitches, pitches[1:]):
            intervals[int(np.clip(b - a, -12, 12)) + 12] += 1
            repeats += int(a == b)
            steps += 1
        if pitches:
            ranges.append(max(pitches) - min(pitches))
    return {"notes": total, "in_key": in_key / total, "repeated_notes": repeats / steps,
            "mean_range_semitones": float(np.mean(ranges)),
            "pitch_classes": classes / classes.sum(), "intervals": intervals / intervals.sum()}


def musicality(model, count, bars=16, primer_bars=2):
    """Generated continuations of held-out primers vs the held-out tunes' own continuations."""
    tunes = [t for t in music.folk_tunes("test") if t.get("time_signature", "4/4") == "4/4"]
    tunes = [t for t in tunes if max(s + d for _, s, d in t["notes"]) >= 4 * (primer_bars + 4)]
    tunes = tunes[:count]
    generated, real, keys = [], [], []
    started = time.time()
    for seed, tune in enumerate(tunes):
        cut = 4.0 * primer_bars
        primer = music.tune_to_sequence(dict(tune, notes=[n for n in tune["notes"] if n[1] < cut]))
        primer.total_time = cut * 60.0 / music.DEFAULT_QPM
        song = model.generate(primer, bars=bars, temperature=1.0, seed=seed)
        start = primer.total_time - 1e-6
        generated.append([n.pitch for n in song.notes if n.start_time >= start])
        real.append([p for p, s, _ in tune["notes"] if cut <= s < cut + 4.0 * bars])
        keys.append(tune["key"])
    seconds = time.time() - started
    ours, theirs = line_stats(generated, keys), line_stats(real, keys)
    distance = {name: round(0.5 * float(np.abs(ours[name] - theirs[name]).sum()), 3)
                for name in ("pitch_classes", "intervals")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    figure = RESULTS / "melody_histograms.png"
    draw(ours, theirs, figure, len(tunes))
    rows = [{"figure": f"musicality_{name}", "generated": round(ours[name], 3),
             "held_out_tunes": round(theirs[name], 3)}
            for name in ("in_key", "repeated_notes", "mean_range_semitones")]
    rows += [{"figure": f"histogram_distance_{name}", "total_variation": value,
              "note": "0 = same histogram, 1 = nothing in common"}
             for name, value in distance.items()]
    for row in rows:
        row.update(continuations=len(tunes), bars=bars, primer_bars=primer_bars,
                   generated_notes=ours["notes"], real_notes=theirs["notes"])
    rows[-1]["figure_file"] = str(figure.relative_to(ROOT))
    rows[-1]["generation_seconds"] = round(seconds, 1)
    return rows


def draw(ours, theirs, path, count):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
    degrees = ["1", "b2", "2", "b3", "3", "4", "#4", "5", "b6", "6", "b7", "7"]
    x = np.arange(12)
    axes[0].bar(x - 0.2, theirs["pitch_classes"], 0.4, label="held-out tunes")
    axes[0].bar(x + 0.2, ours["pitch_classes"], 0.4, label="generated")
    axes[0].set_xticks(x, degrees); axes[0].set_xlabel("scale degree from the tune's tonic")
    x = np.arange(-12, 13)
    axes[1].bar(x - 0.2, theirs["intervals"], 0.4, label="held-out tunes")
    axes[1].bar(x + 0.2, ours["intervals"], 0.4, label="generated")
    axes[1].set_xlabel("interval to the next note (semitones, clipped at an octave)")
    for ax in axes:
        ax.legend(); ax.set_ylabel("share of notes")
    fig.suptitle(f"{count} continuations of held-out primers vs the tunes themselves")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def speed(repeats):
    """bench_generation.py's figures (warm 8/32 bars against Magenta's stock generator, cold
    CLI) and profile_generation.py's split of the warm time, in this run."""
    rows = []
    for script in ("bench_generation.py", "profile_generation.py"):
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script),
                               "--repeats", str(repeats)], capture_output=True, text=True)
        rows += [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", default=str(melody.course_bundle_path()))
    parser.add_argument("--primers", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip", default="", help="comma-separated: quality,musicality,speed")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    env.quiet_tensorflow()
    model = melody.load(args.bundle)
    machine = f"{os.cpu_count()} cores"
    rows = []
    if "quality" not in skip:
        rows.append(quality(model, args.bundle))
        print(json.dumps(rows[-1] | {"machine": machine}), flush=True)
    if "musicality" not in skip:
        for row in musicality(model, args.primers):
            print(json.dumps(row), flush=True)
    if "speed" not in skip:
        for row in speed(args.repeats):
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
