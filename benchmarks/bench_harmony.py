"""Notebook 04's four-voice model on this machine, each figure beside its reference in one run.
One JSON line per figure, appended to benchmarks/results/bench_harmony.jsonl, and a picture,
benchmarks/results/bench_harmony.png.

- Test-split surprise: mean negative log-likelihood per polyphonic event (nats) of the course
  PolyphonyRNN on the held-out chorales (pieces as in training, no transposition), against an
  interpolated Witten-Bell n-gram on the same events, trained on the same training pieces, its
  order chosen on the eval split.
- Speed: warm seconds to harmonize 8 bars, the course's generator (weights in a graph of batch
  size 1) against Magenta's stock generator (its polyphony config, batch size 64) with the same
  weights and options; also an uploaded MIDI file to four voices.
- Music: every test chorale's soprano harmonized by the model, against Bach's own three lower
  voices: share of their notes in the chorale's key, parallel fifths and octaves per 100
  voice-leading steps (between chords of four sounding notes, voices by height, the same
  function for both), share of time with four notes sounding, and the voices' ranges.

Run: .venv/bin/python benchmarks/bench_harmony.py [--work /tmp/artlab_harmony_train]
(about 5 minutes on 2 cores with the training's examples, 15 without)
"""
import argparse
import collections
import datetime
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import env  # noqa: E402

env.quiet_tensorflow()
from artlab import harmony, music  # noqa: E402
from artlab.melody import graph_softmax  # noqa: E402

MAJOR, MINOR = {0, 2, 4, 5, 7, 9, 11}, {0, 2, 3, 5, 7, 8, 9, 10, 11}  # minor: raised 6, 7 too
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
FLATS = {"D-": "C#", "E-": "D#", "G-": "F#", "A-": "G#", "B-": "A#", "C-": "B", "F-": "E"}


def labels_of(records):
    """The class numbers (events after START) of every example in a TFRecord."""
    tf = env.load_magenta()
    found = []
    for record in tf.io.tf_record_iterator(str(records)):
        example = tf.train.SequenceExample.FromString(record)
        found.append([f.int64_list.value[0] for f in
                      example.feature_lists.feature_list["labels"].feature])
    return found


class WittenBell:
    """Interpolated Witten-Bell n-gram over event classes (the usual smoothed baseline)."""

    def __init__(self, sequences, order, classes):
        self.order, self.classes = order, classes
        self.counts = [collections.defaultdict(collections.Counter) for _ in range(order)]
        for sequence in sequences:
            padded = [-1] * (order - 1) + list(sequence)
            for i in range(order - 1, len(padded)):
                for k in range(order):  # context of k events before
                    self.counts[k][tuple(padded[i - k:i])][padded[i]] += 1

    def probability(self, context, event):
        p = 1.0 / self.classes
        for k in range(self.order):
            seen = self.counts[k].get(tuple(context[len(context) - k:]) if k else ())
            if not seen:
                break
            total, kinds = sum(seen.values()), len(seen)
            p = (seen[event] + kinds * p) / (total + kinds)
        return p

    def surprise(self, sequences):
        nats, events = 0.0, 0
        for sequence in sequences:
            padded = [-1] * (self.order - 1) + list(sequence)
            for i in range(self.order - 1, len(padded)):
                nats -= math.log(self.probability(padded[i - self.order + 1:i], padded[i]))
                events += 1
        return nats / events


def model_surprise(model, records):
    """Mean NLL per event of the model over every example (exact, one example at a time)."""
    tf = env.load_magenta()
    generator = model.generator()
    nats, events = 0.0, 0
    for record in tf.io.tf_record_iterator(str(records)):
        example = tf.train.SequenceExample.FromString(record)
        inputs = np.array([f.float_list.value for f in
                           example.feature_lists.feature_list["inputs"].feature], np.float32)
        labels = [f.int64_list.value[0] for f in
                  example.feature_lists.feature_list["labels"].feature]
        softmax = graph_softmax(generator, inputs[None], 1.0)[0]
        nats -= float(np.log(softmax[np.arange(len(labels)), labels] + 1e-12).sum())
        events += len(labels)
    return nats / events, events


def stock_generator(model):
    """Magenta's own generator as polyphony_rnn_generate makes it: the polyphony config (batch
    size 64 in its graph), our layer sizes, the bundle's weights. With the course's step limit
    added (harmony.MAX_EVENTS_PER_STEP): without it Magenta's loop ran for over 10 minutes on
    8 bars of Twinkle here (2026-11-27) and was stopped, so the two differ in batch size only."""
    generator = harmony.stepping_generator(harmony.polyphony_config(64, model.layers), model.checkpoint)
    generator.initialize()
    return generator


def stock_harmonize(generator, melody, seed):
    """Magenta's harmonization request (condition_on_primer off, the primer injected)."""
    melody, options, _, _ = harmony.harmonize_request(melody, 1.0, seed)
    return generator.generate(melody, options)


def warm_seconds(make, repeats=3, warm=None):
    """The median seconds of `repeats` calls after a first one, or after `warm()` (warm-up)."""
    (warm or make)(0)
    times = []
    for n in range(repeats):
        started = time.perf_counter()
        make(n + 1)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scale_of(key):
    tonic, mode = key.split()
    tonic = FLATS.get(tonic, tonic).replace("-", "")
    root = NAMES.index(tonic) if tonic in NAMES else NAMES.index(tonic[0])
    return {(root + step) % 12 for step in (MINOR if mode == "minor" else MAJOR)}


def chords(seq):
    """The pitches sounding at each onset, highest first."""
    onsets = sorted({round(n.start_time, 4) for n in seq.notes})
    return [sorted((n.pitch for n in seq.notes if n.start_time <= t + 1e-6 < n.end_time),
                   reverse=True) for t in onsets]


def parallels(seq):
    """(parallel fifths and octaves, voice-leading steps) between successive four-note chords."""
    four = [c for c in chords(seq) if len(c) == 4]
    found = steps = 0
    for a, b in zip(four, four[1:]):
        if a == b:
            continue
        steps += 1
        for i in range(4):
            for j in range(i + 1, 4):
                before, after = (a[i] - a[j]) % 12, (b[i] - b[j]) % 12
                moved = a[i] != b[i] and a[j] != b[j]
                same_way = (b[i] - a[i]) * (b[j] - a[j]) > 0
                if moved and same_way and before == after and before in (0, 7):
                    found += 1
    return found, steps


def figures(seq, key, lower_voices):
    """The musical figures of one four-voice piece; `lower_voices`: its alto/tenor/bass notes."""
    scale = scale_of(key)
    in_key = sum(n.pitch % 12 in scale for n in lower_voices)
    all_chords = chords(seq)
    found, steps = parallels(seq)
    return {"in_key": in_key, "lower_notes": len(lower_voices), "parallels": found,
            "steps": steps, "four_sounding": sum(len(c) == 4 for c in all_chords),
            "chords": len(all_chords)}


def summary(rows, ranges):
    total = lambda name: sum(r[name] for r in rows)
    return {"in_key_share": round(total("in_key") / total("lower_notes"), 4),
            "parallels_per_100_steps": round(100 * total("parallels") / max(total("steps"), 1), 2),
            "four_notes_sounding_share": round(total("four_sounding") / total("chords"), 4),
            "voice_ranges_p5_p95": {harmony.VOICES[v]: [int(np.percentile(p, 5)),
                                                       int(np.percentile(p, 95))]
                                    for v, p in sorted(ranges.items())}}


def draw(result, chorale_id, examples, title, path):
    """The figures as bars, and the first chorale by Bach and by the model as piano rolls."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(12, 9))
    top = fig.add_gridspec(3, 3)
    names = [("in_key_share", "notes of alto, tenor, bass in the key"),
             ("parallels_per_100_steps", "parallel 5ths/8ves per 100 steps"),
             ("four_notes_sounding_share", "chords with four notes sounding")]
    for i, (name, label) in enumerate(names):
        ax = fig.add_subplot(top[0, i])
        ax.bar(["Bach", "model"], [result["bach"][name], result["model"][name]],
               color=["tab:grey", "tab:orange"])
        ax.set_title(label, fontsize=10)
    for i, (who, seq) in enumerate(zip(["Bach", "the model, from Bach's soprano"],
                                       examples)):
        ax = fig.add_subplot(top[1 + i, :])
        music.piano_roll(seq, title=f"{chorale_id}: {who}", ax=ax,
                         voice_names=harmony.VOICES)
        ax.set_xlim(0, 16)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", default="2,3,4,5,6,8", help="n-gram orders to try on eval")
    parser.add_argument("--chorales", type=int, default=0, help="test chorales (0: all)")
    parser.add_argument("--figures", default="nll,music,speed",
                        help="which figures to measure (comma-separated)")
    parser.add_argument("--work", default="", help="the training's --work folder, to reuse "
                        "its examples (train, eval; test is made there too)")
    args = parser.parse_args()
    stamp = {"machine": f"{__import__('os').cpu_count()} cores", "date": str(datetime.date.today()),
             "command": "python benchmarks/bench_harmony.py " + " ".join(sys.argv[1:])}
    out = ROOT / "benchmarks" / "results" / "bench_harmony.jsonl"
    lines = []

    def emit(line):
        line = dict(line, **stamp)
        print(json.dumps(line), flush=True)
        lines.append(line)

    model = harmony.load()
    wanted = set(args.figures.split(","))
    if "nll" in wanted:
        provenance = json.loads(harmony.course_bundle_path().with_suffix(".json").read_text())
        low, high = provenance["augmentation"]["shifts"]
        with tempfile.TemporaryDirectory() as scratch:
            def examples(split, shifts):
                """The training run's examples where --work holds them (they take 10 minutes to
                make), else made here the same way."""
                folder = Path(args.work or scratch) / split
                sequences = (harmony.chorale_to_sequence(c) for c in harmony.chorales(split))
                return harmony.make_examples(model.config, sequences, folder, shifts,
                                             provenance["augmentation"]["piece_quarters"])[0]
            train = labels_of(examples("train", range(low, high + 1)))
            evaluation = labels_of(examples("eval", (0,)))
            test_records = examples("test", (0,))
            test = labels_of(test_records)
            classes = model.config.encoder_decoder.num_classes
            tried = {}
            for order in (int(n) for n in args.orders.split(",")):
                tried[order] = WittenBell(train, order, classes).surprise(evaluation)
            best = min(tried, key=tried.get)
            ngram = WittenBell(train, best, classes).surprise(test)
            ours, events = model_surprise(model, test_records)
        print(f"n-gram orders on eval: {tried}", file=sys.stderr, flush=True)
        emit({"figure": "test_nll_per_event", "polyphony_rnn": round(ours, 4),
              f"witten_bell_{best}gram": round(ngram, 4), "events": events,
              "ngram_eval_by_order": {k: round(v, 4) for k, v in tried.items()},
              "lower_by": round(1 - ours / ngram, 4), "target_lower_by": 0.15})

    if "music" in wanted:
        chosen = harmony.chorales("test")
        chosen = chosen[:args.chorales] if args.chorales else chosen
        rows = {"bach": [], "model": []}
        ranges = {"bach": collections.defaultdict(list), "model": collections.defaultdict(list)}
        examples_to_draw = []
        with env.native_logs_hidden():
            for n, chorale in enumerate(chosen):
                bach = harmony.chorale_to_sequence(chorale)
                soprano = harmony.chorale_to_sequence(
                    dict(chorale, notes=[x for x in chorale["notes"] if x[3] == 0]))
                made = model.harmonize(soprano, seed=n)
                for who, seq in (("bach", bach), ("model", made)):
                    lower = [x for x in seq.notes if x.instrument != 0]
                    rows[who].append(figures(seq, chorale["key"], lower))
                    for x in seq.notes:
                        ranges[who][x.instrument].append(x.pitch)
                if n == 0:
                    examples_to_draw = [bach, made]
        result = {who: summary(rows[who], ranges[who]) for who in rows}
        emit({"figure": "music_against_bach", "chorales": len(chosen), **result,
              "note": "the model harmonizes each test chorale's soprano (seed = its place); its "
                      "voices are by height, Bach's as written"})

        draw(result, chosen[0]["id"], examples_to_draw, f"Four voices, {len(chosen)} held-out "
             f"chorales ({stamp['date']})", ROOT / "benchmarks" / "results" / "bench_harmony.png")
    if "speed" in wanted:
        twinkle_twice = music.typed_notes(" ".join([music.PRIMERS["twinkle"]] * 2))  # 8 bars
        stock = stock_generator(model)
        with env.native_logs_hidden():
            ours_s = warm_seconds(lambda seed: model.harmonize(twinkle_twice, seed=seed))
            stock_s = warm_seconds(lambda seed: stock_harmonize(stock, twinkle_twice, seed),
                                   repeats=1,  # minutes a call; warmed up on one bar
                                   warm=lambda seed: stock_harmonize(stock, music.typed_notes("C4"),
                                                                     seed))
        stock.close()
        tune = music.tune_to_sequence(music.folk_tunes("test")[0])
        midi = tempfile.NamedTemporaryFile(suffix=".mid", delete=False)
        import note_seq
        note_seq.sequence_proto_to_midi_file(tune, midi.name)
        upload = Path(midi.name).read_bytes()
        with env.native_logs_hidden():
            upload_s = warm_seconds(lambda seed: model.harmonize(music.primer(upload)[0], seed=seed))
        Path(midi.name).unlink()
        emit({"figure": "warm_seconds_harmonize_8_bars", "course_generator": round(ours_s, 3),
              "magenta_stock_generator_batch_64": round(stock_s, 3),
              "speedup": round(stock_s / ours_s, 1), "target_s": 1.0,
              "uploaded_midi_to_four_voices_s": round(upload_s, 3),
              "uploaded_bars": round(tune.total_time / 2.0, 1)})

    with open(out, "a") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
