"""Plumbing for the AI writer: characters to ids and back, a saved writer (Keras model plus its
characters), and a fast sampler that runs a trained GRU's weights in NumPy, one character at a
time, with no per-step Keras call. The model and training ideas live in notebook 03."""
import json
import zipfile
from pathlib import Path

import numpy as np

from artlab import ArtlabError


COURSE_WRITER = "text/course_writer.zip"
MAX_LENGTH = 100_000


def course_writer_path():
    """The course's pretrained writer in assets/."""
    from artlab import env
    path = env.assets_dir() / COURSE_WRITER
    if not path.is_file():
        raise ArtlabError("The course writer is not in this copy of the course (assets/"
                          f"{COURSE_WRITER}): give your own with --model, or update the course.")
    return path


TYPOGRAPHIC = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
               "\u2014": "-", "\u2026": ".", "\u00a0": " "}


class Characters:
    """The characters a writer knows, and ids for them."""

    def __init__(self, chars):
        self.chars = list(chars)
        self.index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def of(cls, text):
        return cls(sorted(set(text)))

    def __len__(self):
        return len(self.chars)

    def stand_in(self, c):
        """The id of `c`, or of the closest character this writer knows: the other case, the
        letter without its accent, plain quotes and dashes for typographic ones. None if none."""
        import unicodedata
        plain = unicodedata.normalize("NFKD", c)[:1]
        for candidate in (c, c.swapcase(), plain, plain.swapcase(), TYPOGRAPHIC.get(c)):
            if candidate in self.index:
                return self.index[candidate]
        return None

    def ids(self, text):
        """Ids of `text`; characters the writer never saw become the closest it knows (see
        `stand_in`), else a space. Returns (ids, unseen characters)."""
        unseen = sorted({c for c in text if c not in self.index})
        fallback = self.index.get(" ", 0)
        closest = {c: self.stand_in(c) for c in unseen}
        out = [self.index[c] if c in self.index else closest[c] if closest[c] is not None
               else fallback for c in text]
        return np.array(out, dtype=np.int32), unseen

    def share_known(self, text):
        """The share of `text`'s characters this writer knows, or knows a close stand-in for."""
        counts = {}
        for c in text:
            counts[c] = counts.get(c, 0) + 1
        known = sum(n for c, n in counts.items() if self.stand_in(c) is not None)
        return known / max(1, len(text))

    def text(self, ids):
        return "".join(self.chars[int(i)] for i in ids)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class FastSampler:
    """Runs Embedding -> GRU (one or more, reset_after) -> Dense weights in NumPy."""

    def __init__(self, model):
        import keras
        layers = [layer for layer in model.layers if layer.weights]
        if not (isinstance(layers[0], keras.layers.Embedding)
                and isinstance(layers[-1], keras.layers.Dense)
                and all(isinstance(layer, keras.layers.GRU) for layer in layers[1:-1])):
            raise ArtlabError("The fast sampler runs Embedding -> GRU -> Dense writers only.")
        self.embedding = np.asarray(layers[0].embeddings)
        self.grus = []
        for gru in layers[1:-1]:
            if not gru.reset_after:
                raise ArtlabError("The fast sampler needs GRU layers with reset_after=True.")
            kernel, recurrent, bias = (np.asarray(w) for w in gru.get_weights())
            self.grus.append((kernel, recurrent, bias[0], bias[1], gru.units))
        self.dense_kernel, self.dense_bias = (np.asarray(w) for w in layers[-1].get_weights())

    def start(self):
        return [np.zeros(units, dtype=np.float32) for *_, units in self.grus]

    def step(self, char_id, states):
        """Logits for the next character after `char_id`, and the new states."""
        x = self.embedding[char_id]
        new_states = []
        for (kernel, recurrent, input_bias, recurrent_bias, units), h in zip(self.grus, states):
            xs = x @ kernel + input_bias
            hs = h @ recurrent + recurrent_bias
            z = _sigmoid(xs[:units] + hs[:units])
            r = _sigmoid(xs[units:2 * units] + hs[units:2 * units])
            candidate = np.tanh(xs[2 * units:] + r * hs[2 * units:])
            h = z * h + (1.0 - z) * candidate
            new_states.append(h)
            x = h
        return x @ self.dense_kernel + self.dense_bias, new_states

    def write(self, prompt_ids, length, temperature=1.0, seed=None):
        """`length` new character ids after the prompt, drawn with `temperature`."""
        if not 0 < temperature <= 5:
            raise ArtlabError(f"Temperature must be above 0 and at most 5 (got {temperature}).")
        if len(prompt_ids) == 0:
            raise ArtlabError("Give a prompt of at least one character.")
        if not 1 <= length <= MAX_LENGTH:
            raise ArtlabError(f"Length must be from 1 to {MAX_LENGTH} characters (got {length}).")
        random = np.random.default_rng(seed)
        states = self.start()
        for char_id in prompt_ids:
            logits, states = self.step(char_id, states)
        out = []
        for _ in range(length):
            scaled = logits / temperature
            p = np.exp(scaled - scaled.max())
            char_id = int(random.choice(len(p), p=p / p.sum()))
            out.append(char_id)
            logits, states = self.step(char_id, states)
        return out


def save(model, chars, path, about=None):
    """A writer as one .zip: the Keras model (weights only, no optimizer state), its characters
    and a note of how it was made."""
    import tempfile
    path = Path(path)
    bare = model.__class__.from_config(model.get_config())
    bare.set_weights(model.get_weights())
    with tempfile.TemporaryDirectory() as folder:
        keras_file = Path(folder) / "model.keras"
        bare.save(keras_file)
        with zipfile.ZipFile(path, "w") as bundle:
            bundle.write(keras_file, "model.keras")
            bundle.writestr("characters.json", json.dumps(chars.chars, ensure_ascii=False))
            bundle.writestr("about.json", json.dumps(about or {}, ensure_ascii=False, indent=2))
    return path


def keep(model, chars, stem="my-writer", about=None, folder=None):
    """Save a writer under a new name (never over an earlier one) in `folder` (default: the
    output folder). Returns the path."""
    from artlab import env, files
    folder = folder or env.output_dir()  # save_new checks it
    return files.save_new(folder, stem, {"zip": lambda path: save(model, chars, path, about)})["zip"]


def keep_text(written, stem="my-writing", folder=None):
    """Save written text as UTF-8 under a new name. Returns the path."""
    from artlab import env, files
    if not written:
        raise ArtlabError("There is no text to keep yet: write something first.")
    folder = folder or env.output_dir()  # save_new checks it
    write = lambda path: path.write_text(written, encoding="utf-8")  # noqa: E731
    return files.save_new(folder, stem, {"txt": write})["txt"]


class Writer:
    """A trained writer: its Keras model, its characters, how it was made, and a fast sampler."""

    def __init__(self, model, chars, about=None):
        self.model, self.chars, self.about = model, chars, about or {}
        self.sampler = FastSampler(model)

    def remarks(self, prompt):
        """One sentence naming the prompt's characters this writer never saw (or none)."""
        unseen = self.chars.ids(prompt)[1]
        if not unseen:
            return []
        return [f"This writer never saw {''.join(unseen)!r}; it reads the closest characters "
                "it knows instead."]

    def write(self, prompt, length=400, temperature=0.8, seed=None):
        """The prompt followed by `length` new characters."""
        ids, _ = self.chars.ids(prompt)
        return prompt + self.chars.text(self.sampler.write(ids, length, temperature, seed))


def load(path=None):
    """The writer saved at `path` (default: the course writer), as a `Writer`."""
    import tempfile
    import keras
    path = Path(path) if path else course_writer_path()
    if not path.is_file():
        raise ArtlabError(f"There is no writer at {path}: give the path of a writer .zip.")
    try:
        with zipfile.ZipFile(path) as bundle, tempfile.TemporaryDirectory() as folder:
            bundle.extract("model.keras", folder)
            model = keras.saving.load_model(Path(folder) / "model.keras", compile=False)
            chars = Characters(json.loads(bundle.read("characters.json").decode("utf-8")))
            about = json.loads(bundle.read("about.json").decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ArtlabError(f"{path.name} is not a writer saved by the course: train one in "
                          "notebook 03, or leave the model out to use the course writer.") from None
    return Writer(model, chars, about)


def average_loss(model, ids, length=100, batch_size=64, most=None):
    """How surprised `model` is by a row of ids: the mean cross-entropy of each next character,
    in nats per character (over at most `most` characters)."""
    import keras
    inputs, targets = pieces(ids[:most + 1] if most else ids, length)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    total, count = 0.0, 0
    for start in range(0, len(inputs), batch_size):
        logits = model(inputs[start:start + batch_size], training=False)
        batch = targets[start:start + batch_size]
        total += float(loss(batch, logits)) * batch.size
        count += batch.size
    return total / count


# Chosen by benchmarks/sweep_writer_recipes.py and bench_writer.py (results in benchmarks/results).
WORKSHOP = {"batch_size": 128, "length": 100, "learning_rate": 0.003}


def pieces(ids, length):
    """Cut a long row of ids into training pieces: inputs are `length` characters, targets the
    same characters one step later (the next character at every position)."""
    count = (len(ids) - 1) // length
    if count < 1:
        raise ArtlabError(f"The text is shorter than one training piece ({length + 1} "
                          "characters): give more text.")
    usable = np.asarray(ids[:count * length + 1])
    return usable[:-1].reshape(count, length), usable[1:].reshape(count, length)


def workshop_model(vocabulary_size, embedding=64, units=512):
    """The course's workshop recipe: a character embedding, one GRU, a Dense layer of logits."""
    import keras
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        keras.layers.Embedding(vocabulary_size, embedding),
        keras.layers.GRU(units, return_sequences=True),
        keras.layers.Dense(vocabulary_size),
    ])


def training_callbacks(minutes=None, on_batch=None, steps=None, on_check=None):
    """Keras callbacks: stop after `minutes` of training or `steps` batches, whichever comes
    first; call on_batch(step, loss of that batch), and on_check(step, validation loss) after
    each epoch when fit was given validation data."""
    import time
    import keras

    class Budget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.started, self.step = time.monotonic(), 0

        def on_epoch_begin(self, epoch, logs=None):
            self.mean_so_far = 0.0

        def on_train_batch_end(self, batch, logs=None):
            # Keras reports the epoch's running mean; undo it to get this batch's own loss.
            mean = float(logs["loss"])
            if on_batch:
                on_batch(self.step, (batch + 1) * mean - batch * self.mean_so_far)
            self.mean_so_far = mean
            self.step += 1
            out_of_time = minutes is not None and time.monotonic() - self.started > minutes * 60
            if out_of_time or (steps is not None and self.step >= steps):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if on_check and logs and "val_loss" in logs:
                on_check(self.step, float(logs["val_loss"]))

    return [Budget()]


def fit(model, ids, settings, minutes=None, on_batch=None, steps=None):
    """Compile and train `model` on a row of character ids with `settings` (batch_size, length,
    learning_rate) until `minutes` have passed or `steps` batches. Returns the Keras history."""
    import keras
    model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    inputs, targets = pieces(ids, settings["length"])
    return model.fit(inputs, targets, batch_size=settings["batch_size"], epochs=10_000,
                     shuffle=True, verbose=0, callbacks=training_callbacks(minutes, on_batch, steps))


def train_on(corpus, minutes, out_folder, stem="my-writer", settings=None):
    """Train the workshop recipe on `corpus` for `minutes` with a progress bar (time) and save
    it under a new name in `out_folder`. Returns the path."""
    import time
    from tqdm.auto import tqdm
    from artlab import files
    if not 0 < minutes <= 24 * 60:
        raise ArtlabError(f"Minutes must be above 0 and at most a day (got {minutes}).")
    out_folder = files.usable_folder(out_folder)  # before the minutes of training, not after
    settings = settings or WORKSHOP
    chars = Characters.of(corpus)
    ids, _ = chars.ids(corpus)
    pieces(ids, settings["length"])  # too short: say so before building anything
    model = workshop_model(len(chars))
    bar = tqdm(total=round(minutes * 60), desc="training", unit="s")
    started = time.monotonic()

    def tick(step, loss):
        bar.n = min(bar.total, round(time.monotonic() - started))
        bar.set_postfix(loss=f"{loss:.3f}", step=step + 1)

    history = fit(model, ids, settings, minutes, tick)
    bar.close()
    return keep(model, chars, stem, folder=out_folder, about={
        "recipe": "workshop", "settings": settings, "characters": len(corpus),
        "steps": int(model.optimizer.iterations.numpy()),
        "final_loss": round(float(history.history["loss"][-1]), 4), "minutes": minutes})
