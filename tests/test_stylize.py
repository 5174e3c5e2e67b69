"""The online extra of notebook 05: the stylization network downloaded, unpacked, checked and
used (a small stand-in network with the same call, served from this machine), and every way the
download can fail gives one sentence."""
import functools
import http.server
import io
import tarfile
import threading

import numpy as np
import pytest

from artlab import stylize


@pytest.fixture(scope="module")
def stand_in_archive(tmp_path_factory):
    """A .tar.gz of a SavedModel called like Magenta's: (content, style) -> [content in style's
    average colour]."""
    import tensorflow as tf

    class StandIn(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32)] * 2)
        def __call__(self, content, style):
            return [0.5 * content + 0.5 * tf.reduce_mean(style, axis=[1, 2], keepdims=True)]

    folder = tmp_path_factory.mktemp("stand_in")
    tf.saved_model.save(StandIn(), str(folder / "model"))
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for path in (folder / "model").rglob("*"):
            archive.add(path, arcname=str(path.relative_to(folder / "model")), recursive=False)
    return out.getvalue()


@pytest.fixture
def server(tmp_path):
    """A web server on this machine that serves the files put in its folder."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def output(tmp_path, monkeypatch):
    monkeypatch.setenv("ARTLAB_OUTPUT", str(tmp_path / "made"))
    return tmp_path / "made"


def test_downloaded_once_checked_and_used(stand_in_archive, server, output):
    folder, address = server
    (folder / "model.tar.gz").write_bytes(stand_in_archive)
    network, said = stylize.fetch_stylizer([f"{address}/missing", f"{address}/model.tar.gz"])
    assert network is not None and said.startswith("Downloaded Magenta's stylization network")
    content = np.full((20, 30, 3), 0.2, np.float32)
    style = np.zeros((50, 40, 3), np.float32)
    style[..., 0] = 1.0  # all red
    made = stylize.stylize(network, content, style)
    assert made.shape == (20, 30, 3) and np.allclose(made[0, 0], [0.6, 0.1, 0.1], atol=1e-3)
    (folder / "model.tar.gz").unlink()  # a second time it needs no network
    network, said = stylize.fetch_stylizer([f"{address}/model.tar.gz"])
    assert network is not None and "already downloaded" in said


def test_offline_is_one_sentence(output):
    network, said = stylize.fetch_stylizer(["http://127.0.0.1:9/nothing-listens-here"], timeout=2)
    assert network is None and "needs the internet" in said and "works offline" in said


@pytest.mark.parametrize("sent, words", [(b"<html>Sign in to continue</html>", "not the stylization"),
                                         ("not_a_model", "does not work here")])
def test_something_else_downloaded_is_one_sentence_and_nothing_is_kept(sent, words, server, output):
    folder, address = server
    if sent == "not_a_model":  # a real archive, but of something else
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w:gz") as archive:
            info = tarfile.TarInfo("saved_model.pb")
            info.size = 5
            archive.addfile(info, io.BytesIO(b"hello"))
        sent = out.getvalue()
    (folder / "model.tar.gz").write_bytes(sent)
    network, said = stylize.fetch_stylizer([f"{address}/model.tar.gz"])
    assert network is None and words in said
    assert not list((output / "models").iterdir())  # nothing half-made left behind
