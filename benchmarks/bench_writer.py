"""Character-level writers under the same CPU wall-clock budget, in one run: one JSON line each.

Data: the text at PATH, first 90% for training and last 10% for validation, by characters (as
nanoGPT's shakespeare_char and char-rnn report). Recipes:
  tutorial  TensorFlow's "Text generation with an RNN": Embedding 256 -> GRU 1024 -> Dense,
            batch 64 x 100 characters, Adam (defaults)
  seed      the course seed's recipe: the same with an LSTM 1024
  workshop  the course's recipe (artlab.writer.workshop_model and writer.WORKSHOP)
Figures: validation loss (nats per character) after --minutes of training each; sampling speed
for 1,000 characters with the tutorial's one-step Keras loop against artlab's NumPy sampler;
artlab's sampler on the workshop model; the bundled course writer's validation loss on the same
split (it never trained on the plays in it).

Run: python benchmarks/bench_writer.py ../shared/data/tinyshakespeare.txt [--minutes 10]
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import text, writer  # noqa: E402

def classic(vocabulary_size, cell):
    import keras
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocabulary_size, 256),
        cell(1024, return_sequences=True),
        keras.layers.Dense(vocabulary_size),
    ])


def recipes(vocabulary_size):
    import keras
    return {
        "tutorial_gru1024": (lambda: classic(vocabulary_size, keras.layers.GRU),
                             {"batch_size": 64, "length": 100, "learning_rate": 0.001}),
        "seed_lstm1024": (lambda: classic(vocabulary_size, keras.layers.LSTM),
                          {"batch_size": 64, "length": 100, "learning_rate": 0.001}),
        "workshop": (lambda: writer.workshop_model(vocabulary_size), writer.WORKSHOP),
    }


def train_for(build, settings, train_ids, minutes, seed=0):
    import keras
    keras.utils.set_random_seed(seed)
    model = build()
    started = time.monotonic()
    writer.fit(model, train_ids, settings, minutes)
    return model, int(model.optimizer.iterations.numpy()), time.monotonic() - started


def tutorial_one_step(model):
    """The tutorial's sampling loop: a tf.function that runs one Keras call per character,
    carrying the GRU state and drawing with tf.random.categorical."""
    import keras
    import tensorflow as tf
    embedding, gru, dense = [layer for layer in model.layers if layer.weights]
    chars = keras.Input(shape=(None,), dtype="int32")
    state = keras.Input(shape=(gru.units,))
    stepper = keras.layers.GRU(gru.units, return_sequences=True, return_state=True)
    out, new_state = stepper(embedding(chars), initial_state=state)
    step_model = keras.Model([chars, state], [dense(out), new_state])
    stepper.set_weights(gru.get_weights())

    @tf.function
    def one_step(ids, h, temperature):
        logits, h = step_model([ids, h])
        drawn = tf.random.categorical(logits[:, -1, :] / temperature, num_samples=1)
        return tf.cast(drawn, tf.int32), h

    def write(prompt_ids, length, temperature=1.0, seed=0):
        tf.random.set_seed(seed)
        ids = tf.constant([list(prompt_ids)], dtype=tf.int32)
        h = tf.zeros((1, gru.units))
        out_ids = []
        for _ in range(length):
            ids, h = one_step(ids, h, tf.constant(float(temperature)))
            out_ids.append(int(ids[0, 0]))
        return out_ids
    return write


def split_text(path):
    """The text at `path`, where it splits, its characters, and the ids of the first 90% (to
    train on) and of the last 10% (to validate on)."""
    corpus, _ = text.read(path)
    split = int(len(corpus) * 0.9)
    chars = writer.Characters.of(corpus)
    return corpus, split, chars, chars.ids(corpus[:split])[0], chars.ids(corpus[split:])[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--only", default="", help="comma-separated recipe names")
    parser.add_argument("--sample-chars", type=int, default=1000)
    args = parser.parse_args()
    corpus, split, chars, train_ids, val_ids = split_text(args.path)
    machine = f"{os.cpu_count()} cores"
    trained = {}
    for name, (build, settings) in recipes(len(chars)).items():
        if args.only and name not in args.only.split(","):
            continue
        model, steps, seconds = train_for(build, settings, train_ids, args.minutes)
        trained[name] = model
        print(json.dumps({"figure": "val_loss_after_budget", "recipe": name,
                          "val_nats_per_char": round(writer.average_loss(model, val_ids), 4),
                          "minutes": args.minutes, "train_seconds": round(seconds),
                          "steps": steps, "parameters": model.count_params(),
                          "settings": settings, "machine": machine}), flush=True)
    if "tutorial_gru1024" in trained:
        sampling_speeds(trained, chars, args.sample_chars, machine)
    try:
        course = writer.load()
    except writer.ArtlabError as problem:
        print(json.dumps({"figure": "course_writer_val_loss", "skipped": str(problem)}))
        return
    course_val_ids, unseen = course.chars.ids(corpus[split:])
    print(json.dumps({"figure": "course_writer_val_loss",
                      "val_nats_per_char": round(writer.average_loss(course.model, course_val_ids), 4),
                      "unseen_characters": unseen, "parameters": course.model.count_params(),
                      "steps": course.about.get("steps"),
                      "note": "trained on the offline corpus without the plays in this split "
                              "(The Taming of the Shrew, The Tempest)", "machine": machine}),
          flush=True)


def sampling_speeds(trained, chars, count, machine):
    """Characters per second for `count` characters: the tutorial's one-step loop on the tutorial
    model, artlab's NumPy sampler on the same model, and on the workshop model."""
    prompt, _ = chars.ids("ROMEO:")
    tutorial = trained["tutorial_gru1024"]
    runs = [("tutorial_one_step_loop", tutorial_one_step(tutorial)),
            ("artlab_numpy_sampler_same_model", writer.FastSampler(tutorial).write)]
    if "workshop" in trained:
        runs.append(("artlab_numpy_sampler_workshop_model", writer.FastSampler(trained["workshop"]).write))
    speeds = {}
    for label, write in runs:
        write(prompt, 10)  # warm
        started = time.perf_counter()
        write(prompt, count, 1.0, 0)
        speeds[label] = count / (time.perf_counter() - started)
    base = speeds["tutorial_one_step_loop"]
    print(json.dumps({"figure": "sampling_chars_per_second", "chars": count,
                      **{k: round(v, 1) for k, v in speeds.items()},
                      **{f"speedup_{k.replace('artlab_numpy_sampler_', '')}": round(v / base, 1)
                         for k, v in speeds.items() if k != "tutorial_one_step_loop"},
                      "machine": machine}), flush=True)


if __name__ == "__main__":
    main()
