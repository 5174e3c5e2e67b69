"""Character-level writers under the same CPU wall-clock budget, in one run: one JSON line each.

Data: the text at PATH, first 90% for training and last 10% for validation, by characters (as
nanoGPT's shakespeare_char and char-rnn report). Recipes:
  tutorial_gru1024  TensorFlow's "Text generation with an RNN": Embedding 256 -> GRU 1024 ->
                    Dense, batch 64 x 100 characters, Adam (defaults)
  seed_lstm1024     the course seed's recipe: the same with an LSTM 1024 (not run by default)
  workshop          the course's recipe (artlab.writer.WORKSHOP: an LSTM)
  workshop_gru      the same recipe with a GRU, for the comparison notebook 03 shows
Figures: validation loss (nats per character) after --minutes of training each; for the workshop
recipe, the training time it took to reach the tutorial's final loss (weights taken every 15 s of
training, scored after training ends, so scoring costs no training time); sampling speed for
1,000 characters with the tutorial's one-step Keras loop against artlab's NumPy sampler on the
same model, for the tutorial's GRU and the workshop LSTM; the bundled course writer's validation
loss on the same split (it never trained on the plays in it).

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


DEFAULT = "tutorial_gru1024,workshop,workshop_gru"


def recipes(vocabulary_size):
    import keras
    workshop_gru = dict(writer.WORKSHOP, cell="gru")
    return {
        "tutorial_gru1024": (lambda: classic(vocabulary_size, keras.layers.GRU),
                             {"batch_size": 64, "length": 100, "learning_rate": 0.001}),
        "seed_lstm1024": (lambda: classic(vocabulary_size, keras.layers.LSTM),
                          {"batch_size": 64, "length": 100, "learning_rate": 0.001}),
        "workshop": (lambda: writer.workshop_model(vocabulary_size), writer.WORKSHOP),
        "workshop_gru": (lambda: writer.workshop_model(vocabulary_size, cell="gru"), workshop_gru),
    }


def train_for(build, settings, train_ids, minutes, seed=0, every=None):
    import keras
    keras.utils.set_random_seed(seed)
    model = build()
    started = time.monotonic()
    steps = writer.fit(model, train_ids, settings, minutes, every=every)
    return model, steps, time.monotonic() - started


def time_to_reach(model, marks, val_ids, target):
    """The first training time at which the weights in `marks` [(seconds, weights)] scored at
    most `target` on the validation ids, or None; and every mark's score."""
    scores = []
    for seconds, weights in marks:
        model.set_weights(weights)
        scores.append((round(seconds, 1), round(writer.average_loss(model, val_ids), 4)))
        if scores[-1][1] <= target:
            break
    reached = next((seconds for seconds, loss in scores if loss <= target), None)
    return reached, scores


def tutorial_one_step(model):
    """The tutorial's sampling loop: a tf.function that runs one Keras call per character,
    carrying the memory and drawing with tf.random.categorical (an LSTM carries h and c)."""
    import keras
    import tensorflow as tf
    embedding, cell, dense = [layer for layer in model.layers if layer.weights]
    lstm = isinstance(cell, keras.layers.LSTM)
    chars = keras.Input(shape=(None,), dtype="int32")
    states = [keras.Input(shape=(cell.units,)) for _ in range(2 if lstm else 1)]
    stepper = type(cell)(cell.units, return_sequences=True, return_state=True)
    out, *new_states = stepper(embedding(chars), initial_state=states)
    step_model = keras.Model([chars, *states], [dense(out), *new_states])
    stepper.set_weights(cell.get_weights())

    @tf.function
    def one_step(ids, states, temperature):
        logits, *states = step_model([ids, *states])
        drawn = tf.random.categorical(logits[:, -1, :] / temperature, num_samples=1)
        return tf.cast(drawn, tf.int32), states

    def write(prompt_ids, length, temperature=1.0, seed=0):
        tf.random.set_seed(seed)
        ids = tf.constant([list(prompt_ids)], dtype=tf.int32)
        states = [tf.zeros((1, cell.units)) for _ in range(2 if lstm else 1)]
        out_ids = []
        for _ in range(length):
            ids, states = one_step(ids, states, tf.constant(float(temperature)))
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
    parser.add_argument("--only", default=DEFAULT, help="comma-separated recipe names")
    parser.add_argument("--sample-chars", type=int, default=1000)
    args = parser.parse_args()
    corpus, split, chars, train_ids, val_ids = split_text(args.path)
    machine = f"{os.cpu_count()} cores"
    trained, final = {}, {}
    for name, (build, settings) in recipes(len(chars)).items():
        if name not in args.only.split(","):
            continue
        marks = []
        model, steps, seconds = train_for(build, settings, train_ids, args.minutes,
                                          every=(15.0, lambda s, w: marks.append((s, w))))
        trained[name] = model
        final[name] = writer.average_loss(model, val_ids)
        figures = {"figure": "val_loss_after_budget", "recipe": name,
                   "val_nats_per_char": round(final[name], 4), "minutes": args.minutes,
                   "train_seconds": round(seconds), "steps": steps,
                   "parameters": model.count_params(), "settings": settings}
        if name != "tutorial_gru1024" and "tutorial_gru1024" in final:
            last = model.get_weights()
            reached, scores = time_to_reach(model, marks, val_ids, final["tutorial_gru1024"])
            model.set_weights(last)
            figures.update({"tutorial_final_loss": round(final["tutorial_gru1024"], 4),
                            "seconds_to_reach_tutorial_final_loss": reached,
                            "share_of_tutorial_time": reached and round(reached / tutorial_seconds, 3),
                            "scores_every_15s": scores})
        if name == "tutorial_gru1024":
            tutorial_seconds = seconds
        print(json.dumps({**figures, "machine": machine}), flush=True)
    if "tutorial_gru1024" in trained:
        sampling_speeds(trained, chars, args.sample_chars, machine)
    for cell in ("gru", "lstm"):
        try:
            course = writer.load(writer.course_writer_path(cell))
        except writer.ArtlabError as problem:
            print(json.dumps({"figure": "course_writer_val_loss", "cell": cell, "skipped": str(problem)}))
            continue
        course_val_ids, unseen = course.chars.ids(corpus[split:])
        print(json.dumps({"figure": "course_writer_val_loss", "cell": cell,
                          "val_nats_per_char": round(writer.average_loss(course.model, course_val_ids), 4),
                          "unseen_characters": unseen, "parameters": course.model.count_params(),
                          "steps": course.about.get("steps"),
                          "training_minutes": course.about.get("training_minutes"),
                          "note": "trained on the offline corpus without the plays in this split "
                                  "(The Taming of the Shrew, The Tempest)", "machine": machine}),
              flush=True)


def sampling_speeds(trained, chars, count, machine):
    """Characters per second for `count` characters: the tutorial's one-step loop against
    artlab's NumPy sampler, each on the same model, for every trained model with one cell."""
    prompt, _ = chars.ids("ROMEO:")
    for name in ("tutorial_gru1024", "workshop"):
        if name not in trained:
            continue
        speeds = {}
        for label, write in (("tutorial_one_step_loop", tutorial_one_step(trained[name])),
                             ("artlab_numpy_sampler", writer.FastSampler(trained[name]).write)):
            write(prompt, 10)  # warm
            started = time.perf_counter()
            write(prompt, count, 1.0, 0)
            speeds[label] = count / (time.perf_counter() - started)
        print(json.dumps({"figure": "sampling_chars_per_second", "model": name, "chars": count,
                          **{k: round(v, 1) for k, v in speeds.items()},
                          "speedup": round(speeds["artlab_numpy_sampler"]
                                           / speeds["tutorial_one_step_loop"], 1),
                          "machine": machine}), flush=True)


if __name__ == "__main__":
    main()
