"""Writer plumbing: characters, the NumPy sampler against Keras, saving and loading."""
import numpy as np
import pytest

from artlab import ArtlabError, writer


def small_model(vocab, layers=1, units=16, cell="lstm", dropout=0.0):
    import keras
    keras.utils.set_random_seed(0)
    model = writer.writer_model(vocab, cell, units, embedding=8, layers=layers, dropout=dropout)
    # random biases too, so that a bias read from the wrong place shows
    model.set_weights([w + np.random.default_rng(1).normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def test_characters_round_trip_and_unseen_ones():
    chars = writer.Characters.of("to be or not to be")
    ids, unseen = chars.ids("To bee!")
    assert chars.text(ids) == "to bee " and unseen == ["!", "T"]


def test_close_stand_ins_for_accents_and_typographic_quotes():
    chars = writer.Characters.of("it's a cafe -- \"Romeo\"")
    ids, unseen = chars.ids("It\u2019s a caf\u00e9 \u2014 \u201cRomeo\u201d \u2603")
    assert chars.text(ids) == "it's a cafe - \"Romeo\"  "
    assert unseen == sorted("I\u2019\u00e9\u2014\u201c\u201d\u2603")
    assert abs(chars.share_known("caf\u00e9\u2603") - 0.8) < 1e-9


def test_korean_characters_round_trip():
    poem = "나 보기가 역겨워 가실 때에는"
    chars = writer.Characters.of(poem)
    ids, unseen = chars.ids(poem)
    assert chars.text(ids) == poem and unseen == []


@pytest.mark.parametrize("dropout", [0.0, 0.5])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_numpy_steps_give_kerass_logits(layers, cell, dropout):
    model = small_model(11, layers, cell=cell, dropout=dropout)
    ids = np.array([[3, 1, 4, 1, 5, 9, 2, 6]])
    expected = np.asarray(model(ids))[0]
    if dropout:  # the Dropout layers are there, and silence outputs in training only
        assert sum(type(layer).__name__ == "Dropout" for layer in model.layers) == layers
        assert np.abs(np.asarray(model(ids, training=True))[0] - expected).max() > 1e-3
    sampler = writer.FastSampler(model)
    states, got = sampler.start(), []
    for char_id in ids[0]:
        logits, states = sampler.step(char_id, states)
        got.append(logits)
    assert np.abs(np.array(got) - expected).max() < 1e-4


def test_sampling_is_repeatable_and_checked():
    sampler = writer.FastSampler(small_model(7))
    assert sampler.write([1, 2], 20, 1.0, seed=3) == sampler.write([1, 2], 20, 1.0, seed=3)
    assert len(sampler.write([1], 50, 0.01, seed=0)) == 50
    for bad in (0, -1, 99):
        with pytest.raises(ArtlabError, match="Temperature"):
            sampler.write([1], 5, bad)
    with pytest.raises(ArtlabError, match="prompt"):
        sampler.write([], 5)


def test_a_saved_writer_loads_and_writes_the_same(tmp_path):
    model = small_model(9)
    chars = writer.Characters.of("abcdefgh ")
    path = writer.save(model, chars, tmp_path / "w.zip", {"steps": 0})
    again = writer.load(path)
    assert again.chars.chars == chars.chars and again.about == {"steps": 0}
    assert again.sampler.write([1], 30, seed=1) == writer.FastSampler(model).write([1], 30, seed=1)
    assert again.write("ab", 10, seed=2).startswith("ab") and len(again.write("ab", 10)) == 12
    assert again.remarks("abc") == [] and "'Z'" in again.remarks("Z")[0]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", None])
def test_a_bad_writer_file_is_one_sentence(tmp_path, content):
    path = tmp_path / "w.zip"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ArtlabError):
        writer.load(path)


def test_pieces_are_the_text_shifted_by_one():
    inputs, targets = writer.pieces(np.arange(23), 5)
    assert inputs.shape == targets.shape == (4, 5)
    assert (targets == inputs + 1).all()
    with pytest.raises(ArtlabError, match="shorter than one training piece"):
        writer.pieces(np.arange(5), 5)


KOREAN_POEM = """나 보기가 역겨워
가실 때에는
말없이 고이 보내 드리우리다
"""


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_a_korean_poem_trains_and_writes(tmp_path, encoding):
    import keras
    from artlab import text
    path = tmp_path / "poem.txt"
    path.write_bytes((KOREAN_POEM * 60).encode(encoding))
    poem, remarks = text.read(path)
    assert ("CP949" in remarks[0]) == (encoding == "cp949")
    chars = writer.Characters.of(poem)
    ids, _ = chars.ids(poem)
    inputs, targets = writer.pieces(ids, 20)
    keras.utils.set_random_seed(0)
    model = writer.workshop_model(len(chars), embedding=8, units=32)
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    steps = []
    history = model.fit(inputs, targets, batch_size=16, epochs=8, verbose=0,
                        callbacks=writer.training_callbacks(on_batch=lambda s, l: steps.append(l)))
    assert history.history["loss"][-1] < history.history["loss"][0] - 0.5  # it learned
    assert len(steps) == 8 * int(np.ceil(len(inputs) / 16))
    prompt, _ = chars.ids("나 보기가")
    written = chars.text(writer.FastSampler(model).write(prompt, 40, 0.5, seed=0))
    assert len(written) == 40 and any("\uac00" <= c <= "\ud7a3" for c in written)
    saved = writer.save(model, chars, tmp_path / "poem-writer.zip")
    assert writer.load(saved).chars.chars == chars.chars


def test_a_writer_trained_with_ema_ends_with_the_running_average():
    import keras
    settings = {"batch_size": 4, "length": 10, "learning_rate": 0.01}
    moved = {}
    for ema in (None, 0.9999):  # an average this slow stays near the starting weights
        keras.utils.set_random_seed(0)
        model = writer.writer_model(5, units=8, embedding=4)  # no dropout: only the average differs
        start = model.get_weights()
        assert writer.fit(model, np.arange(2001) % 5, dict(settings, ema=ema), steps=20) == 20
        moved[ema] = max(np.abs(a - b).max() for a, b in zip(model.get_weights(), start))
    assert moved[None] > 0.05 and moved[0.9999] < moved[None] / 20


def test_the_embedding_rate_scales_only_the_embedding_tables_steps():
    import keras
    settings = {"batch_size": 4, "length": 10, "learning_rate": 0.01}
    moved = {}
    for rate in (None, 0.0, 1.5, 3.0):
        keras.utils.set_random_seed(0)
        model = writer.workshop_model(5, embedding=4, units=8)
        start = model.get_weights()
        writer.fit(model, np.arange(2001) % 5, dict(settings, embedding_rate=rate), steps=1)
        # Adam's first step moves a weight by about its rate (its sign times the rate)
        moved[rate] = [np.abs(a - b).max() for a, b in zip(model.get_weights(), start)]
    embedding, *others = zip(*moved.values())
    assert embedding[1] == 0 and embedding[3] == pytest.approx(2 * embedding[2], rel=1e-3)
    assert embedding[2] == pytest.approx(1.5 * 0.01, rel=0.01)  # one step a batch, on every backend
    assert all(change == pytest.approx(weight[0], rel=1e-5) for weight in others for change in weight[1:])


def test_the_time_budget_stops_training():
    model = writer.workshop_model(5, embedding=4, units=8)
    settings = {"batch_size": 4, "length": 10, "learning_rate": 0.001}
    assert writer.fit(model, np.arange(2001) % 5, settings, minutes=0.0) == 1  # one batch
    assert int(model.optimizer.iterations.numpy()) == 1


def test_the_learning_rate_falls_to_its_low_at_the_end_of_the_budget():
    import keras
    model = writer.writer_model(5, "gru", 8, embedding=4)
    rates = []

    class Watch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    callbacks = writer.training_callbacks(steps=11, decay_to=0.1) + [Watch()]
    model.fit(np.zeros((88, 3)), np.zeros((88, 3, 5)), batch_size=4, epochs=5, verbose=0,
              callbacks=callbacks)
    assert len(rates) == 11 and abs(rates[0] - 0.01) < 1e-7
    assert all(a > b for a, b in zip(rates, rates[1:]))
    assert abs(rates[5] - 0.01 * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * 5 / 11)))) < 1e-7
    assert abs(rates[-1] - 0.01 * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * 10 / 11)))) < 1e-7


def test_carried_pieces_go_on_where_the_last_batch_stopped():
    ids = np.arange(1000)
    inputs, targets = writer.carried_pieces(ids, 10, 4)
    assert inputs.shape == (4 * 24, 10) and (targets == inputs + 1).all()
    batches = inputs.reshape(24, 4, 10)
    # row i of each batch continues row i of the batch before it
    assert (batches[1:, :, 0] == batches[:-1, :, -1] + 1).all()
    assert len(set(batches[:, :, 0].ravel())) == 96  # no piece twice
    with pytest.raises(ArtlabError, match="too short"):
        writer.carried_pieces(np.arange(50), 10, 8)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_carried_memory_trains_the_same_weights_as_a_plain_writer_uses(cell):
    import keras
    keras.utils.set_random_seed(0)
    model = writer.writer_model(5, cell, 8, embedding=4)
    before = [w.copy() for w in model.get_weights()]
    settings = {"batch_size": 4, "length": 10, "learning_rate": 0.01, "carry": True,
                "decay_to": 0.1, "clipnorm": 1.0}
    marks = []
    steps = writer.fit(model, np.arange(2001) % 5, settings, steps=30,
                       every=(0.0, lambda seconds, weights: marks.append((seconds, weights))))
    assert steps == 30 and len(marks) == 30 and marks[-1][0] >= marks[0][0]
    after = model.get_weights()
    assert len(marks[-1][1]) == len(after)  # the learned weights, not the carried memory
    assert all(not np.allclose(a, b) for a, b in zip(before, after))  # trained, copied back
    assert all(np.allclose(a, b) for a, b in zip(marks[-1][1], after))
    assert not any(getattr(layer, "stateful", False) for layer in model.layers)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_memory_resets_empty_a_share_of_the_rows(cell):
    model = writer.writer_model(5, cell, 6, embedding=4, batch_size=8)
    model(np.zeros((8, 3), dtype="int32"))
    layer = next(layer for layer in model.layers if getattr(layer, "stateful", False))

    def reset_with(share):
        for state in layer.states:
            state.assign(np.ones(state.shape, dtype="float32"))
        resets = writer.memory_resets(share, seed=1)
        resets.set_model(model)
        resets.on_train_begin()
        resets.on_train_batch_begin(0)
        return [np.asarray(state) for state in layer.states]
    assert all((state == 1).all() for state in reset_with(0.0))
    assert all((state == 0).all() for state in reset_with(1.0))
    half = reset_with(0.5)
    emptied = (half[0] == 0).all(axis=1)
    assert 0 < emptied.sum() < 8 and ((half[0] == 1).all(axis=1) == ~emptied).all()
    assert all(((state == 0).all(axis=1) == emptied).all() for state in half)  # h and c together


def test_a_carried_writer_trains_with_memory_resets_and_dropout():
    model = writer.writer_model(5, "lstm", 8, embedding=4, dropout=0.2)
    before = [w.copy() for w in model.get_weights()]
    settings = {"batch_size": 4, "length": 10, "learning_rate": 0.01, "carry": True, "reset_share": 0.2}
    assert writer.fit(model, np.arange(2001) % 5, settings, steps=12) == 12
    # the carried twin (with its Dropout) trained, and its weights came back
    assert not any(np.allclose(a, b) for a, b in zip(before, model.get_weights()) if a.ndim == 2)


def test_drawing_follows_the_odds():
    sampler = writer.FastSampler(small_model(4))
    drawn = np.array(sampler.write([1], 4000, 1.0, seed=0))
    # the odds of each next character, from the sampler's own steps
    states, counts, expected = sampler.start(), np.zeros((4, 4)), np.zeros((4, 4))
    logits, states = sampler.step(1, states)
    previous = 1
    for char_id in drawn:
        odds = np.exp(logits - logits.max())
        expected[previous] += odds / odds.sum()
        counts[previous, char_id] += 1
        logits, states = sampler.step(char_id, states)
        previous = char_id
    assert (np.abs(counts - expected) < 4 * np.sqrt(expected) + 5).all()  # within 4 sd each


def test_too_long_a_text_to_write_is_refused():
    with pytest.raises(ArtlabError, match="Length"):
        writer.FastSampler(small_model(5)).write([1], writer.MAX_LENGTH + 1)


def test_steps_cap_training_and_each_batch_reports_its_own_loss():
    import keras
    model = small_model(5)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    inputs = np.random.default_rng(0).integers(0, 5, (40, 10))
    mine, running = [], []

    class Running(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            running.append(float(logs["loss"]))
    model.fit(inputs, (inputs + 1) % 5, batch_size=8, epochs=3, verbose=0, shuffle=False,
              callbacks=writer.training_callbacks(on_batch=lambda s, l: mine.append(l), steps=7)
              + [Running()])
    assert len(mine) == 7 and int(model.optimizer.iterations.numpy()) == 7
    # the mean of an epoch's batch losses is Keras's running mean at the epoch's end
    assert abs(np.mean(mine[:5]) - running[4]) < 1e-5 and mine[1] != running[1]


def test_validation_losses_are_reported_after_each_epoch():
    import keras
    model = small_model(5)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    inputs = np.random.default_rng(0).integers(0, 5, (16, 10))
    checks = []
    history = model.fit(inputs, (inputs + 1) % 5, batch_size=8, epochs=3, verbose=0,
                        validation_data=(inputs[:4], (inputs[:4] + 1) % 5),
                        callbacks=writer.training_callbacks(on_check=lambda s, l: checks.append((s, l))))
    assert [s for s, _ in checks] == [2, 4, 6]
    assert [round(l, 5) for _, l in checks] == [round(l, 5) for l in history.history["val_loss"]]


def test_average_loss_is_cross_entropy_per_character():
    model = small_model(6)
    ids = np.random.default_rng(1).integers(0, 6, 501)
    logits = np.asarray(model(ids[:500].reshape(5, 100)))
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    expected = -np.take_along_axis(logp, ids[1:].reshape(5, 100, 1), -1).mean()
    assert abs(writer.average_loss(model, ids) - expected) < 1e-4
    assert abs(writer.average_loss(model, ids, most=200) -
               writer.average_loss(model, ids[:201])) < 1e-6


def test_saved_writers_leave_the_optimizer_out(tmp_path):
    import keras
    model = small_model(9, units=256)
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((2, 3)), np.zeros((2, 3, 9)), verbose=0)
    path = writer.save(model, writer.Characters.of("abcdefgh "), tmp_path / "w.zip")
    weights = sum(w.size for w in model.get_weights()) * 4
    assert path.stat().st_size < 1.5 * weights  # Adam's two moments would triple it


def test_kept_writers_and_texts_never_overwrite(tmp_path):
    chars = writer.Characters.of("abc ")
    first = writer.keep(small_model(4), chars, "mine", {"n": 1}, tmp_path)
    second = writer.keep(small_model(4), chars, "mine", {"n": 2}, tmp_path)
    assert first != second and writer.load(first).about == {"n": 1}
    texts = [writer.keep_text(t, "poem", tmp_path) for t in ("하나", "two")]
    assert [p.read_text(encoding="utf-8") for p in texts] == ["하나", "two"]
    with pytest.raises(ArtlabError, match="no text to keep"):
        writer.keep_text("", "poem", tmp_path)


JAX_TRAINING = """
import json, sys
import numpy as np
import keras
from artlab import writer
assert keras.backend.backend() == "jax"
ids = np.arange(4001) % 7
trained = {}
for name, extra in [("flat", {}), ("flat_again", {}), ("falling", {"decay_to": 0.0}),
                    ("carried", {"decay_to": 0.1, "carry": True}),
                    ("carried_emptied", {"decay_to": 0.1, "carry": True, "reset_share": 1.0})]:
    keras.utils.set_random_seed(0)
    model = writer.writer_model(7, "lstm", 16, embedding=4)
    settings = {"batch_size": 8, "length": 10, "learning_rate": 0.05, "clipnorm": 1.0, **extra}
    writer.fit(model, ids, settings, steps=3)
    trained[name] = model
    writer.save(model, writer.Characters.of("abcdefg"), sys.argv[1] + f"/{name}.zip")
print(json.dumps({name: float(writer.average_loss(model, ids[:1001], 10))
                  for name, model in trained.items()}))
"""


def test_writers_train_under_jax_and_load_in_tensorflow(tmp_path):
    """The writer code uses Keras 3 alone: it trains under JAX (a GPU machine may have no
    TensorFlow), and the saved writer loads here and scores the same."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", JAX_TRAINING, str(tmp_path)], env=env,
                          capture_output=True, text=True, cwd=Path(writer.__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    scores = json.loads(done.stdout.strip().splitlines()[-1])
    ids = np.arange(4001) % 7
    loaded = {name: writer.load(tmp_path / f"{name}.zip") for name in scores}
    for name, loss in scores.items():
        assert abs(writer.average_loss(loaded[name].model, ids[:1001], 10) - loss) < 1e-4
    # the falling rate took effect under JAX: three steps with it end elsewhere than without
    flat, again, falling = (loaded[name].model.get_weights()
                            for name in ("flat", "flat_again", "falling"))
    assert all(np.array_equal(a, b) for a, b in zip(flat, again))  # training is repeatable
    assert not all(np.allclose(a, b) for a, b in zip(flat, falling))
    # the memory was carried from batch to batch: emptying it before every batch changes the
    # training (Keras 3.13 keeps a stateful layer's memory out of what JAX's training carries)
    carried, emptied = (loaded[name].model.get_weights() for name in ("carried", "carried_emptied"))
    assert not all(np.allclose(a, b) for a, b in zip(carried, emptied))


@pytest.mark.parametrize("cell, layer", [("gru", "GRU"), ("lstm", "LSTM")])
def test_both_course_writers_step_as_keras_runs_them(cell, layer):
    course = writer.load(writer.course_writer_path(cell))
    assert type(course.model.layers[1]).__name__ == layer
    ids, _ = course.chars.ids("ROMEO:\nBut soft, what light")
    expected = np.asarray(course.model(ids[None, :]))[0]
    states, got = course.sampler.start(), []
    for char_id in ids:
        logits, states = course.sampler.step(char_id, states)
        got.append(logits)
    assert np.abs(np.array(got) - expected).max() < 1e-4


def test_the_course_writer_is_the_lstm_and_the_gru_is_kept_beside_it():
    assert type(writer.load().model.layers[1]).__name__ == "LSTM"  # what `write` and notebook 03 use
    assert writer.course_writer_path() == writer.course_writer_path("lstm") != writer.course_writer_path("gru")
