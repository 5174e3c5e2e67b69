"""A neural cellular automaton that grows a picture from one cell (after Mordvintsev et al.,
"Growing Neural Cellular Automata", Distill 2020), in Keras 3 (any backend). Notebook 05 shows
this code; scripts/train_course_nca.py trains the course's one with it.

Every cell of a grid holds CHANNELS numbers: red, green, blue, opacity, and 12 hidden ones
that only the cells read. At each step every cell looks at itself and at how each channel
changes towards its neighbours, and one small network (the same for all cells) says how to
change. Cells with no living neighbour stay empty."""
import numpy as np

CHANNELS = 16  # red, green, blue, opacity, then 12 hidden channels


def perception_kernels():
    """What a cell sees, as three 3 x 3 filters: itself, the change from left to right and the
    change from top to bottom (Sobel filters), for every channel."""
    itself = np.zeros((3, 3), np.float32)
    itself[1, 1] = 1.0
    left_to_right = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32) / 8.0
    top_to_bottom = left_to_right.T
    return np.stack([itself, left_to_right, top_to_bottom], axis=-1)  # (3, 3, 3)


def perceive(state):
    """(batch, height, width, CHANNELS) to 3 x CHANNELS numbers per cell."""
    from keras import ops
    kernel = np.repeat(perception_kernels()[:, :, None, :], CHANNELS, axis=2)  # (3, 3, C, 3)
    return ops.depthwise_conv(state, kernel, strides=1, padding="same")


def living(state):
    """Cells that are alive: some cell within one step of them is opaque enough (over 0.1)."""
    from keras import ops
    return ops.max_pool(state[..., 3:4], pool_size=3, strides=1, padding="same") > 0.1


def make_growing_model(hidden=96, fire_rate=0.5, seed=0):
    """The update rule as a Keras model: each cell's perception through a hidden layer of
    `hidden` neurons to a change of its CHANNELS numbers. Each step only about `fire_rate` of
    the cells update (chosen at random), so no cell can rely on a global clock."""
    import keras
    from keras import ops

    class GrowingModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.rule = keras.Sequential([
                keras.layers.Conv2D(hidden, 1, activation="relu"),
                keras.layers.Conv2D(CHANNELS, 1, kernel_initializer="zeros"),  # starts doing nothing
            ])
            self.dice = keras.random.SeedGenerator(seed)
            self.steps_per_call = 48  # how many steps one call grows (training sets it)

        def build(self, input_shape):  # the rule's weights exist before the first step (to load into)
            self.rule.build(tuple(input_shape[:-1]) + (3 * CHANNELS,))
            self.built = True

        def step(self, state):
            alive_before = living(state)
            change = self.rule(perceive(state))
            shape = ops.shape(state)
            fires = keras.random.uniform((shape[0], shape[1], shape[2], 1), seed=self.dice) < fire_rate
            state = state + change * ops.cast(fires, state.dtype)
            return state * ops.cast(ops.logical_and(alive_before, living(state)), state.dtype)

        def call(self, state):
            for _ in range(self.steps_per_call):
                state = self.step(state)
            return state

    model = GrowingModel()
    model.build((None, None, None, CHANNELS))
    return model


COURSE_GROWER = "images/lizard_grower.weights.h5"  # in assets/, its record beside it (.json)


def course_grower():
    """(model, record): the course's grower, trained by scripts/train_course_grower.py."""
    import json
    from pathlib import Path
    from artlab import env
    path = Path(env.assets_dir()) / COURSE_GROWER
    record = json.loads(path.with_name(path.name.replace(".weights.h5", ".json")).read_text())
    model = make_growing_model(hidden=record["hidden"])
    model.load_weights(path)
    return model, record


def seed_state(size, batch=1):
    """A grid of empty cells with one living cell in the middle (all its hidden channels on)."""
    state = np.zeros((batch, size, size, CHANNELS), np.float32)
    state[:, size // 2, size // 2, 3:] = 1.0
    return state


def erase(state, x, y, radius):
    """Empty the cells within `radius` (a share of the picture's width) of (x, y) (shares of its
    width and height from the top left): the damage it can learn to repair."""
    state = np.array(state, np.float32, copy=True)
    size_y, size_x = state.shape[1:3]
    rows, columns = np.ogrid[:size_y, :size_x]
    inside = ((columns + 0.5) / size_x - x) ** 2 + ((rows + 0.5) / size_y - y) ** 2 < radius ** 2
    state[:, inside, :] = 0.0
    return state


def random_erase(states, random):
    """Each state with a circle emptied at a random place (the training's damage)."""
    return np.stack([erase(state[None], *random.uniform(0.25, 0.75, 2), random.uniform(0.1, 0.25))[0]
                     for state in states])


def colours(state):
    """The visible part of a state: red, green, blue and opacity of every cell."""
    return np.asarray(state)[..., :4]


def train(model, target, steps, batch=8, pool_size=128, grow_steps=48, damaged=2,
          learning_rate=2e-3, on_step=None, seed=0):
    """Teach `model` to grow `target` (size x size x 4: colours times opacity, and opacity) from
    one cell and to keep it. A pool of grown states is kept; each batch takes `batch` of them,
    puts a fresh seed in place of the first (so it never forgets how to start) and damages the
    last `damaged` (so it learns to repair), grows them `grow_steps` steps, and compares their
    colours with the target (mean squared difference). The grown states go back into the pool.
    on_step(step, loss) is called after each step. Returns the model."""
    import keras
    from keras import ops
    size = target.shape[0]
    model.steps_per_call = grow_steps
    random = np.random.default_rng(seed)
    pool = seed_state(size, pool_size)
    targets = np.repeat(np.asarray(target, np.float32)[None], batch, axis=0)
    rate = keras.optimizers.schedules.CosineDecay(learning_rate, max(1, steps), alpha=0.1)
    model.compile(optimizer=keras.optimizers.Adam(rate, clipnorm=1.0),
                  loss=lambda wanted, grown: ops.mean((grown[..., :4] - wanted) ** 2))
    for step in range(steps):
        picked = random.choice(pool_size, batch, replace=False)
        states = pool[picked]
        states[0] = seed_state(size)[0]
        if damaged:
            states[-damaged:] = random_erase(states[-damaged:], random)
        loss = model.train_on_batch(states, targets)
        pool[picked] = np.asarray(model.predict_on_batch(states))
        if on_step:
            on_step(step, float(loss))
    return model
