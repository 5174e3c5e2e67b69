"""Tiny untrained Magenta bundles for fast tests (random weights, right format)."""
import tempfile
from pathlib import Path

import numpy as np


def same_every_time(tf, session):
    """Give every weight values drawn from a seeded NumPy generator, by name: TensorFlow's seeded
    initializers gave some kernels other values in each new process (tests flickered)."""
    draw = np.random.default_rng(0)
    for variable in sorted(tf.global_variables(), key=lambda v: v.op.name):
        if not variable.dtype.base_dtype.is_floating:
            continue
        shape = variable.shape.as_list()
        if "bias" in variable.op.name:
            value = np.zeros(shape)
        else:  # Glorot's uniform range
            reach = np.sqrt(6.0 / (sum(shape[-2:]) if len(shape) > 1 else 2 * shape[0]))
            value = draw.uniform(-reach, reach, shape)
        variable.load(value.astype(variable.dtype.base_dtype.as_numpy_dtype), session)


def untrained_checkpoint(config, write):
    """Random weights for Magenta's generating graph of `config`, saved to a checkpoint that
    write(checkpoint) turns into a bundle; returns what write returns."""
    from artlab import env
    tf = env.load_magenta()
    from magenta.models.shared import events_rnn_graph
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = str(Path(folder) / "model.ckpt")
        with tf.Graph().as_default():
            tf.set_random_seed(0)
            events_rnn_graph.get_build_graph_fn("generate", config)()
            with tf.Session() as session:
                session.run(tf.global_variables_initializer())
                same_every_time(tf, session)
                tf.train.Saver().save(session, checkpoint)
        return write(checkpoint)


def make_tiny_bundle(path, layers=(16, 16), attn_length=8, keep_key=False):
    """An untrained attention_rnn (melody) bundle."""
    from artlab import melody
    return untrained_checkpoint(
        melody.attention_config(1, layers, attn_length),
        lambda checkpoint: melody.write_bundle(checkpoint, path, layers, attn_length,
                                               "tiny test bundle", keep_key))
