"""Online extra of notebook 05: Magenta's arbitrary image stylization network (Ghiasi et al.,
2017), downloaded once from TensorFlow Hub when the internet is there, checked, and kept in the
output folder. Offline it is one sentence, like Magenta's official melody model."""
import shutil
import tarfile
from pathlib import Path

import numpy as np

from artlab import ArtlabError, env, files
from artlab.i18n import _

URLS = ("https://tfhub.dev/google/magenta/arbitrary-image-stylization-v1-256/2?tf-hub-format=compressed",
        "https://www.kaggle.com/api/v1/models/google/arbitrary-image-stylization-v1/tensorFlow1/256/2/download")
FOLDER = "arbitrary-image-stylization-v1-256"
STYLE_SIZE = 256  # the style picture's size the network was trained with


def _checked(folder):
    """The SavedModel in `folder`, loaded and tried on a small picture; ArtlabError if it is not
    a stylization network."""
    env.quiet_tensorflow()
    import tensorflow as tf
    try:
        model = tf.saved_model.load(str(folder))
        made = np.asarray(model(tf.zeros((1, 16, 16, 3)), tf.zeros((1, 32, 32, 3)))[0])
    except Exception as problem:  # whatever TensorFlow says about a wrong file, one sentence
        raise ArtlabError(_("The downloaded stylization network does not work here ({problem}).")
                          .format(problem=type(problem).__name__)) from None
    if made.shape != (1, 16, 16, 3):
        raise ArtlabError(_("The downloaded stylization network paints the wrong shape ({shape}).")
                          .format(shape=made.shape))
    return model


def fetch_stylizer(urls=URLS, timeout=30):
    """(network or None, a sentence saying what happened); never raises for the network."""
    import urllib.request
    target = env.output_dir() / "models" / FOLDER
    if (target / "saved_model.pb").is_file():
        try:
            return _checked(target), _("Magenta's stylization network, already downloaded ({path}).").format(
                path=target)
        except ArtlabError:
            shutil.rmtree(target, ignore_errors=True)
    why = None
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                data = response.read()
            break
        except OSError as problem:
            why = env.why_unreachable(problem)
    else:
        return None, _("Magenta's stylization network could not be downloaded ({why}); this extra needs "
                       "the internet. Everything else in this notebook works offline.").format(why=why)
    partial = target.parent / f".{FOLDER}.part"
    try:
        files.usable_folder(target.parent)
        shutil.rmtree(partial, ignore_errors=True)
        _unpack(data, partial)
        model = _checked(partial)
        partial.rename(target)
        return model, _("Downloaded Magenta's stylization network ({size} MB).").format(
            size=round(len(data) / 1e6, 1))
    except ArtlabError as problem:
        shutil.rmtree(partial, ignore_errors=True)
        return None, _("{problem} This extra is left out; everything else works as before.").format(
            problem=problem)
    except OSError as problem:
        shutil.rmtree(partial, ignore_errors=True)
        return None, files.why_not_saved(problem, target.parent)


def _unpack(data, folder):
    import io
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            archive.extractall(folder, filter="data")  # no paths outside the folder, no links out
    except (tarfile.TarError, EOFError):
        raise ArtlabError(_("What was downloaded is not the stylization network's archive ({size} "
                            "bytes).").format(size=len(data))) from None


def stylize(network, content, style):
    """`content` (a picture, height x width x 3) painted in the manner of `style` (a picture,
    shrunk to the 256 x 256 the network learned with)."""
    import tensorflow as tf
    from PIL import Image
    style = np.asarray(Image.fromarray((np.clip(style, 0, 1) * 255).astype(np.uint8)).resize(
        (STYLE_SIZE, STYLE_SIZE), Image.LANCZOS), np.float32) / 255.0
    made = network(tf.constant(np.asarray(content, np.float32)[None]), tf.constant(style[None]))[0]
    return np.clip(np.asarray(made)[0], 0.0, 1.0)
