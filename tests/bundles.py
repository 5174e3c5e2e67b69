"""A tiny untrained attention_rnn bundle for fast tests (random weights, right format)."""
import tempfile
from pathlib import Path


def make_tiny_bundle(path, layers=(16, 16), attn_length=8, keep_key=False):
    from artlab import env, melody
    tf = env.load_magenta()
    from magenta.models.shared import events_rnn_graph
    config = melody.attention_config(1, layers, attn_length)
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = str(Path(folder) / "model.ckpt")
        with tf.Graph().as_default():
            tf.set_random_seed(0)
            events_rnn_graph.get_build_graph_fn("generate", config)()
            with tf.Session() as session:
                session.run(tf.global_variables_initializer())
                tf.train.Saver().save(session, checkpoint)
        return melody.write_bundle(checkpoint, path, layers, attn_length, "tiny test bundle",
                                   keep_key)
