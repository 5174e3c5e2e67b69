"""Plumbing for the AI writer: characters to ids and back, a saved writer (Keras model plus its
characters), and a fast sampler that runs a trained LSTM's or GRU's weights in NumPy, one
character at a time, with no per-step Keras call. The model and training ideas live in notebook 03."""
import json
import zipfile
from pathlib import Path

import numpy as np

from artlab import ArtlabError
from artlab.i18n import _


COURSE_WRITER = "text/course_writer.zip"  # the course writer: an LSTM (the workshop recipe)
COURSE_WRITER_GRU = "text/course_writer_gru.zip"  # a GRU, notebook 03's comparison
MAX_LENGTH = 100_000


def course_writer_path(cell="lstm"):
    """The course's pretrained writer in assets/ (the LSTM, or with cell="gru" the GRU)."""
    from artlab import env
    name = COURSE_WRITER_GRU if cell == "gru" else COURSE_WRITER
    path = env.assets_dir() / name
    if not path.is_file():
        raise ArtlabError(_("The course writer is not in this copy of the course (assets/{name}): "
                            "give your own with --model, or update the course.").format(name=name))
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
    """Runs Embedding -> LSTM or GRU layers (one or more) -> Dense weights in NumPy, one character
    at a time. The first layer's input part is looked up, not multiplied: each character's
    embedding times the kernel is worked out once for the whole alphabet."""

    def __init__(self, model):
        import keras
        layers = [layer for layer in model.layers if layer.weights]
        cells = (keras.layers.LSTM, keras.layers.GRU)
        if not (isinstance(layers[0], keras.layers.Embedding)
                and isinstance(layers[-1], keras.layers.Dense)
                and all(isinstance(layer, cells) for layer in layers[1:-1])):
            raise ArtlabError(_("The fast sampler runs Embedding -> LSTM/GRU -> Dense writers only."))
        x = np.asarray(layers[0].embeddings, dtype=np.float32)
        self.layers = []
        for layer in layers[1:-1]:
            kernel, recurrent, bias = (np.asarray(w, dtype=np.float32) for w in layer.get_weights())
            if isinstance(layer, keras.layers.GRU) and not layer.reset_after:
                raise ArtlabError(_("The fast sampler needs GRU layers with reset_after=True."))
            # GRU (reset_after) keeps two biases: one for the input part, one for the memory part.
            input_bias, recurrent_bias = (bias[0], bias[1]) if bias.ndim == 2 else (bias, 0 * bias)
            kind = "lstm" if isinstance(layer, keras.layers.LSTM) else "gru"
            self.layers.append((kind, kernel, recurrent, input_bias, recurrent_bias, layer.units))
        kind, kernel, *rest = self.layers[0]
        self.first_inputs = x @ kernel + rest[1]  # one row per character: embedding @ kernel + bias
        self.dense_kernel, self.dense_bias = (np.asarray(w, dtype=np.float32)
                                              for w in layers[-1].get_weights())

    def start(self):
        """The empty memory: per layer h (and, for an LSTM, its cell c)."""
        return [tuple(np.zeros(units, dtype=np.float32) for _ in range(2 if kind == "lstm" else 1))
                for kind, *_, units in self.layers]

    def step(self, char_id, states):
        """Logits for the next character after `char_id`, and the new states."""
        new_states, x = [], None
        for n, ((kind, kernel, recurrent, input_bias, recurrent_bias, units), state) in \
                enumerate(zip(self.layers, states)):
            xs = self.first_inputs[char_id] if n == 0 else x @ kernel + input_bias
            h = state[0]
            if kind == "lstm":  # gates in Keras' order: input, forget, cell, output
                gates = xs + h @ recurrent
                i, f = _sigmoid(gates[:units]), _sigmoid(gates[units:2 * units])
                c = f * state[1] + i * np.tanh(gates[2 * units:3 * units])
                h = _sigmoid(gates[3 * units:]) * np.tanh(c)
                new_states.append((h, c))
            else:  # update, reset, candidate
                hs = h @ recurrent + recurrent_bias
                z = _sigmoid(xs[:units] + hs[:units])
                r = _sigmoid(xs[units:2 * units] + hs[units:2 * units])
                candidate = np.tanh(xs[2 * units:] + r * hs[2 * units:])
                h = z * h + (1.0 - z) * candidate
                new_states.append((h,))
            x = h
        return x @ self.dense_kernel + self.dense_bias, new_states

    def write(self, prompt_ids, length, temperature=1.0, seed=None):
        """`length` new character ids after the prompt, drawn with `temperature`."""
        if not 0 < temperature <= 5:
            raise ArtlabError(_("Temperature must be above 0 and at most 5 (got {temperature}).").format(
                temperature=temperature))
        if len(prompt_ids) == 0:
            raise ArtlabError(_("Give a prompt of at least one character."))
        if not 1 <= length <= MAX_LENGTH:
            raise ArtlabError(_("Length must be from 1 to {most} characters (got {length}).").format(
                most=MAX_LENGTH, length=length))
        random = np.random.default_rng(seed)
        states = self.start()
        for char_id in prompt_ids:
            logits, states = self.step(char_id, states)
        out = []
        for _step in range(length):
            scaled = logits / temperature
            odds = np.cumsum(np.exp(scaled - scaled.max()))
            # draw from the odds: where a uniform number falls along their running total
            char_id = min(int(np.searchsorted(odds, random.random() * odds[-1], "right")),
                          len(odds) - 1)
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
        raise ArtlabError(_("There is no text to keep yet: write something first."))
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
        return [_("This writer never saw {characters}; it reads the closest characters it knows "
                  "instead.").format(characters=repr("".join(unseen)))]

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
        raise ArtlabError(_("There is no writer at {path}: give the path of a writer .zip.").format(
            path=path))
    try:
        with zipfile.ZipFile(path) as bundle, tempfile.TemporaryDirectory() as folder:
            bundle.extract("model.keras", folder)
            model = keras.saving.load_model(Path(folder) / "model.keras", compile=False)
            chars = Characters(json.loads(bundle.read("characters.json").decode("utf-8")))
            about = json.loads(bundle.read("about.json").decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ArtlabError(_("{name} is not a writer saved by the course: train one in notebook 03, "
                            "or leave the model out to use the course writer.").format(
                                name=path.name)) from None
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
# An LSTM of 384 cells; batches of 64 pieces of 64 characters, each piece going on where the one
# before it in its row stopped, with the memory carried over; Adam at 0.004, falling along a half
# cosine to 5% of that by the end of the time given; gradients clipped to length 1; before each
# batch, each row's memory is emptied with probability 0.3 (so it also learns to start afresh);
# dropout 0.1 after the LSTM; the embedding table's steps 20 times the others' (see adam).
WORKSHOP = {"cell": "lstm", "units": 384, "batch_size": 64, "length": 64, "learning_rate": 0.004,
            "decay_to": 0.05, "clipnorm": 1.0, "carry": True, "reset_share": 0.3, "dropout": 0.1,
            "embedding_rate": 20.0}
CELLS = ("lstm", "gru")


def pieces(ids, length):
    """Cut a long row of ids into training pieces: inputs are `length` characters, targets the
    same characters one step later (the next character at every position)."""
    count = (len(ids) - 1) // length
    if count < 1:
        raise ArtlabError(_("The text is shorter than one training piece ({size} characters): give "
                            "more text.").format(size=length + 1))
    usable = np.asarray(ids[:count * length + 1])
    return usable[:-1].reshape(count, length), usable[1:].reshape(count, length)


def carried_pieces(ids, length, batch_size):
    """Pieces in the order that lets a stateful model carry its memory from one batch to the next:
    the text is cut into `batch_size` long streams, and row i of batch k+1 goes on where row i of
    batch k stopped."""
    stream = (len(ids) - 1) // batch_size
    inputs, targets = pieces(ids[:stream * batch_size + 1], length)  # checks the length
    per_stream = stream // length
    if per_stream < 1:
        raise ArtlabError(_("The text is too short for {streams} streams of {size} characters: give "
                            "more text or a smaller batch.").format(streams=batch_size, size=length + 1))
    ids = np.asarray(ids)
    starts = np.arange(batch_size) * stream
    order = [start + k * length for k in range(per_stream) for start in starts]
    take = np.array(order)[:, None] + np.arange(length)
    return ids[take], ids[take + 1]


def writer_model(vocabulary_size, cell="lstm", units=512, embedding=64, layers=1, batch_size=None,
                 dropout=0.0):
    """A character writer: an embedding, `layers` recurrent layers (LSTM or GRU, Keras' defaults,
    the settings under which TensorFlow runs them with cuDNN on a GPU), a Dense layer of logits.
    With `batch_size`, the recurrent layers are stateful (they carry memory between batches).
    With `dropout`, a Dropout layer after each recurrent layer (active in training only)."""
    import keras
    if cell not in CELLS:
        raise ArtlabError(_("The writer's cell is 'lstm' or 'gru' (got {cell}).").format(cell=repr(cell)))
    layer = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    stack = [keras.Input(batch_shape=(batch_size, None), dtype="int32"),
             keras.layers.Embedding(vocabulary_size, embedding)]
    for number in range(layers):
        stack.append(layer(units, return_sequences=True, stateful=batch_size is not None))
        if dropout:
            stack.append(keras.layers.Dropout(dropout))
    return keras.Sequential(stack + [keras.layers.Dense(vocabulary_size)])


def model_for(vocabulary_size, settings, embedding=64):
    """The writer a recipe's `settings` describe (cell, units, layers, dropout; where one is
    missing, writer_model's default: an LSTM of 512 cells, one layer, no dropout)."""
    return writer_model(vocabulary_size, settings.get("cell", "lstm"), settings.get("units", 512),
                        embedding, settings.get("layers", 1), dropout=settings.get("dropout", 0.0))


def workshop_model(vocabulary_size, embedding=64, units=None, cell=None):
    """The course's workshop recipe (WORKSHOP's cell, size, layers and dropout)."""
    changed = {key: value for key, value in (("units", units), ("cell", cell)) if value}
    return model_for(vocabulary_size, dict(WORKSHOP, **changed), embedding)


def memory_resets(share, seed=0):
    """A Keras callback for writers that carry their memory between batches: before each batch,
    each row's memory is emptied with probability `share`, so the writer also practises starting
    from nothing, as it does when it is scored on short pieces or begins a new text."""
    import keras

    class MemoryResets(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.random = np.random.default_rng(seed)

        def on_train_batch_begin(self, batch, logs=None):
            for layer in self.model.layers:
                if getattr(layer, "stateful", False) and getattr(layer, "states", None):
                    rows = layer.states[0].shape[0]
                    kept = (self.random.random((rows, 1)) >= share).astype("float32")
                    for state in layer.states:
                        state.assign(keras.ops.convert_to_tensor(kept) * state)

    return MemoryResets()


def training_callbacks(minutes=None, on_batch=None, steps=None, on_check=None, decay_to=None,
                       every=None):
    """Keras callbacks: stop after `minutes` of training or `steps` batches, whichever comes
    first; call on_batch(step, loss of that batch), and on_check(step, validation loss) after
    each epoch when fit was given validation data. With `decay_to`, the learning rate falls
    along a half cosine from the optimizer's to `decay_to` times it, reaching the low at the end
    of the budget (of time or steps, whichever is nearer). With `every` = (seconds, fn), fn(seconds
    trained, model weights) is called each time that many more seconds have passed."""
    import math
    import time
    import keras

    class Budget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.started, self.step, self.next_mark = time.monotonic(), 0, every and every[0]
            self.base_rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

        def elapsed(self):
            return time.monotonic() - self.started

        def on_epoch_begin(self, epoch, logs=None):
            self.mean_so_far = 0.0
            for layer in self.model.layers:
                if getattr(layer, "stateful", False):
                    layer.reset_state()  # a new pass starts each stream afresh

        def on_train_batch_begin(self, batch, logs=None):
            if decay_to is None:
                return
            done = max(self.elapsed() / (minutes * 60) if minutes else 0.0,
                       self.step / steps if steps else 0.0)
            share = decay_to + (1 - decay_to) * 0.5 * (1 + math.cos(math.pi * min(1.0, done)))
            self.model.optimizer.learning_rate.assign(self.base_rate * share)

        def on_train_batch_end(self, batch, logs=None):
            # Keras reports the epoch's running mean; undo it to get this batch's own loss.
            mean = float(logs["loss"])
            if on_batch:
                on_batch(self.step, (batch + 1) * mean - batch * self.mean_so_far)
            if every and self.elapsed() >= self.next_mark:
                every[1](self.elapsed(), learned_weights(self.model))
                self.next_mark += every[0]
            self.mean_so_far = mean
            self.step += 1
            out_of_time = minutes is not None and self.elapsed() > minutes * 60
            if out_of_time or (steps is not None and self.step >= steps):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if on_check and logs and "val_loss" in logs:
                on_check(self.step, float(logs["val_loss"]))

    return [Budget()]


def stateful_twin(model, batch_size):
    """The same writer built to carry memory between batches of `batch_size`, sharing nothing."""
    import keras
    config = model.get_config()
    for layer in config["layers"]:
        layer.pop("build_config", None)  # built again for the fixed batch
        if layer["class_name"] == "InputLayer":
            layer["config"]["batch_shape"] = [batch_size] + list(layer["config"]["batch_shape"][1:])
        if "stateful" in layer["config"]:
            layer["config"]["stateful"] = True
    twin = keras.Sequential.from_config(config)
    twin.set_weights(model.get_weights())
    for layer in twin.layers:  # Keras leaves the memory out of the model's variables, and then
        if getattr(layer, "states", None):  # JAX's training would not carry it
            layer._tracker.unlock()
            for state in layer.states:
                layer._track_variable(state)
            layer._tracker.lock()
    return twin


def learned_weights(model):
    """The weights training learns (a carried twin also holds its memory, which is not one)."""
    import keras
    return [keras.ops.convert_to_numpy(v) for v in model.trainable_variables]


def adam(learning_rate, embedding_rate=None, **options):
    """Keras' Adam; with `embedding_rate`, the character table (the embedding) moves that many
    times as far at each step as the rest of the model, the same on every backend (TensorFlow
    hands Adam the table's gradient row by row, so a character seen n times in a batch would move
    n times; here it moves once, as under JAX)."""
    import keras
    if embedding_rate is None:
        return keras.optimizers.Adam(learning_rate, **options)

    class FasterEmbeddingAdam(keras.optimizers.Adam):
        def update_step(self, gradient, variable, learning_rate):
            name = getattr(variable, "path", None) or variable.name  # TensorFlow: 'a/embeddings:0'
            if name.split("/")[-1].split(":")[0] == "embeddings":
                learning_rate = learning_rate * embedding_rate
                if type(gradient).__name__ == "IndexedSlices":
                    import tensorflow as tf
                    gradient = tf.convert_to_tensor(gradient)
            super().update_step(gradient, variable, learning_rate)

    return FasterEmbeddingAdam(learning_rate, **options)


def fit(model, ids, settings, minutes=None, on_batch=None, steps=None, every=None):
    """Compile and train `model` on a row of character ids with `settings` (batch_size, length,
    learning_rate; optionally decay_to, clipnorm, carry, reset_share, embedding_rate (see adam),
    and ema: the momentum of a running average of the weights that the model ends with) until
    `minutes` have passed or `steps` batches (callbacks as in training_callbacks). Returns the
    number of batches trained."""
    import keras
    batch_size, length = settings["batch_size"], settings["length"]
    carry = settings.get("carry", False)
    if carry:  # a short text makes fewer streams: each needs a piece at least
        batch_size = max(1, min(batch_size, (len(ids) - 1) // length))
    trained = stateful_twin(model, batch_size) if carry else model
    ema = settings.get("ema")  # a running average of the weights, which the writer ends with
    trained.compile(optimizer=adam(settings["learning_rate"], settings.get("embedding_rate"),
                                   clipnorm=settings.get("clipnorm"),
                                   use_ema=bool(ema), ema_momentum=ema or 0.99),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    if carry:
        inputs, targets = carried_pieces(ids, length, batch_size)
    else:
        inputs, targets = pieces(ids, length)
    resets = [memory_resets(settings["reset_share"])] if carry and settings.get("reset_share") else []
    trained.fit(inputs, targets, batch_size=batch_size, epochs=10_000, shuffle=not carry,
                verbose=0, callbacks=training_callbacks(minutes, on_batch, steps,
                                                        decay_to=settings.get("decay_to"),
                                                        every=every) + resets)
    if carry:
        model.set_weights(learned_weights(trained))
    return int(keras.ops.convert_to_numpy(trained.optimizer.iterations))


def train_on(corpus, minutes, out_folder, stem="my-writer", settings=None):
    """Train the workshop recipe on `corpus` for `minutes` with a progress bar (time) and save
    it under a new name in `out_folder`. Returns the path."""
    import time
    from tqdm.auto import tqdm
    from artlab import files
    if not 0 < minutes <= 24 * 60:
        raise ArtlabError(_("Minutes must be above 0 and at most a day (got {minutes}).").format(
            minutes=minutes))
    out_folder = files.usable_folder(out_folder)  # before the minutes of training, not after
    settings = settings or WORKSHOP
    chars = Characters.of(corpus)
    ids = chars.ids(corpus)[0]
    pieces(ids, settings["length"])  # too short: say so before building anything
    model = model_for(len(chars), settings)
    bar = tqdm(total=round(minutes * 60), desc=_("training"), unit="s")
    started, losses = time.monotonic(), []

    def tick(step, loss):
        losses.append(loss)
        bar.n = min(bar.total, round(time.monotonic() - started))
        bar.set_postfix(loss=f"{loss:.3f}", step=step + 1)

    steps = fit(model, ids, settings, minutes, tick)
    bar.close()
    recent = losses[-50:]
    return keep(model, chars, stem, folder=out_folder, about={
        "recipe": f"workshop ({settings.get('cell', 'lstm').upper()})", "settings": settings, "characters": len(corpus), "steps": steps,
        "final_loss": round(sum(recent) / max(1, len(recent)), 4), "minutes": minutes})
