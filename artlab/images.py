"""Pictures in and out: built-in pictures, uploaded images, the (x, y) grid a painting network
reads, showing, animating and saving (PNG, GIF). Pictures are float arrays in [0, 1], shaped
(height, width, 3), or (height, width, 4) with a transparency channel."""
import io
from pathlib import Path

import numpy as np

from artlab import ArtlabError
from artlab.i18n import _

MAX_UPLOAD_BYTES = 30_000_000  # a photo straight from a phone is 2-12 MB
MAX_PIXELS = 80_000_000  # Pillow's own bomb limit is near 179 million
# Built-in pictures: emoji drawn once from Debian's Noto Color Emoji font
# (scripts/render_pictures.py, provenance in assets/images/pictures.json), and a photograph
# matplotlib ships with itself (Grace Hopper, US Navy, public domain).
EMOJI = ("lizard", "butterfly", "sunflower", "octopus")
PHOTO = "grace_hopper"


def title(name):
    """A built-in picture's title for the artist; other names as they are."""
    titles = {"lizard": _("lizard"), "butterfly": _("butterfly"), "sunflower": _("sunflower"),
              "octopus": _("octopus"), PHOTO: _("Grace Hopper (photograph)")}
    return titles.get(name, name)


def builtin(name):
    """A built-in picture as a Pillow image (RGBA for the emoji, RGB for the photograph)."""
    from PIL import Image
    if name == PHOTO:
        from matplotlib import cbook
        with cbook.get_sample_data("grace_hopper.jpg") as handle:
            return Image.open(handle).convert("RGB")
    if name not in EMOJI:
        raise ArtlabError(_("There is no built-in picture called '{name}': choose one of {names}.")
                          .format(name=name, names=", ".join(EMOJI + (PHOTO,))))
    from artlab import env
    return Image.open(Path(env.assets_dir()) / "images" / f"{name}.png").convert("RGBA")


def from_bytes(data, name="your file"):
    """An uploaded image file (its bytes) as a Pillow image, turned upright as the camera held it;
    one ArtlabError sentence when it is empty, too big, or not a picture Pillow can read."""
    from PIL import Image, ImageOps
    if not data:
        raise ArtlabError(_("{name} is empty (0 bytes): upload it again, or choose another "
                            "picture.").format(name=name))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ArtlabError(_("{name} is {size:.0f} MB, more than the {limit:.0f} MB I take: save a "
                            "smaller copy (a few thousand pixels across is plenty) and upload that.")
                          .format(name=name, size=len(data) / 1e6, limit=MAX_UPLOAD_BYTES / 1e6))
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ArtlabError(_("{name} is {width} x {height} pixels, too many for this notebook: "
                                "save a smaller copy (a few thousand pixels across is plenty) and "
                                "upload that.").format(name=name, width=image.width,
                                                      height=image.height))
        image.load()
        return ImageOps.exif_transpose(image)
    except ArtlabError:
        raise
    except Image.DecompressionBombError:
        raise ArtlabError(_("{name} claims to be far bigger than any photograph, so I did not open "
                            "it: upload another picture.").format(name=name)) from None
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError, EOFError):
        raise ArtlabError(_("I could not read {name} as a picture: upload a PNG, JPEG, GIF or WebP "
                            "image.").format(name=name)) from None


def as_array(image, size, transparent=False):
    """A Pillow image cut to its middle square and shrunk (or grown) to size x size, as floats in
    [0, 1]: RGB on white, or RGBA with `transparent` (colours multiplied by their opacity; a
    picture with no transparent pixel loses its background: the colour of its corners)."""
    from PIL import Image
    image = image.convert("RGBA")
    if transparent and image.getextrema()[3][0] == 255:
        image = _without_background(image)
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side)).resize((size, size), Image.LANCZOS)
    rgba = np.asarray(image, dtype=np.float32) / 255.0
    rgb, alpha = rgba[..., :3], rgba[..., 3:]
    if transparent:
        return np.concatenate([rgb * alpha, alpha], axis=-1)
    return rgb * alpha + (1.0 - alpha)


def _without_background(image, tolerance=0.12):
    """The image with every pixel close to its corners' colour made transparent."""
    from PIL import Image
    rgba = np.asarray(image, dtype=np.float32) / 255.0
    corners = np.stack([rgba[0, 0], rgba[0, -1], rgba[-1, 0], rgba[-1, -1]])[:, :3]
    background = np.median(corners, axis=0)
    distance = np.sqrt(((rgba[..., :3] - background) ** 2).sum(axis=-1))
    rgba[..., 3] = np.clip((distance - tolerance) / tolerance, 0.0, 1.0)
    return Image.fromarray((rgba * 255.0 + 0.5).astype(np.uint8), "RGBA")


def on_white(rgba):
    """RGBA (colours multiplied by opacity, as `as_array(..., transparent=True)` gives) to RGB on
    white paper; values outside [0, 1] are clipped."""
    rgba = np.clip(np.asarray(rgba, dtype=np.float32), 0.0, 1.0)
    return np.clip(1.0 - rgba[..., 3:4] + rgba[..., :3], 0.0, 1.0)


class PicturePicker:
    """A dropdown of the built-in pictures and "my upload", with an upload button (uploading
    selects it). `picture(size)` gives the chosen picture as an array, and what to tell the artist."""

    def __init__(self, default=PHOTO, choices=None, description=None):
        import ipywidgets as widgets
        self.default = default
        names = list(choices or (PHOTO,) + EMOJI)
        options = [(title(name), name) for name in names] + [(_("my upload"), "my upload")]
        self.choice = widgets.Dropdown(options=options, value=default,
                                       description=description or _("picture"),
                                       style={"description_width": "initial"})
        self.upload = widgets.FileUpload(accept="image/*", multiple=False,
                                         description=_("Upload a picture"),
                                         layout=widgets.Layout(width="auto"))
        self.upload.observe(lambda change: setattr(self.choice, "value", "my upload"), "value")
        self.box = widgets.HBox([self.choice, self.upload])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.box)

    def picture(self, size, transparent=False):
        """(array, remarks): the chosen picture at size x size. An upload that cannot be used is
        named with the reason, and the default picture comes instead."""
        if self.choice.value != "my upload":
            return as_array(builtin(self.choice.value), size, transparent), []
        from artlab.uploads import uploaded_files
        files = uploaded_files(self.upload.value)
        fallback = as_array(builtin(self.default), size, transparent)
        if not files:
            return fallback, [_("No picture is uploaded yet: using {title}.").format(
                title=title(self.default))]
        name, data = files[0]
        try:
            return as_array(from_bytes(data, name), size, transparent), []
        except ArtlabError as problem:
            return fallback, [_("{problem} Using {title} instead.").format(
                problem=problem, title=title(self.default))]


def grid(size, zoom=1.0, centre=(0.0, 0.0)):
    """The (x, y) of every pixel of a size x size picture, one row per pixel (size * size rows),
    x left to right and y top to bottom, from -1 to 1 across the picture; `zoom` 2 shows the
    middle half, around `centre`."""
    if not 1 <= size <= 8192:
        raise ArtlabError(_("A picture must be 1 to 8192 pixels across (got {size}).").format(size=size))
    if not 0 < zoom <= 1e6:
        raise ArtlabError(_("Zoom must be above 0 (got {zoom}).").format(zoom=zoom))
    steps = (np.arange(size, dtype=np.float32) + 0.5) / size * 2.0 - 1.0
    y, x = np.meshgrid(steps / zoom + centre[1], steps / zoom + centre[0], indexing="ij")
    return np.stack([x.ravel(), y.ravel()], axis=1).astype(np.float32)


def render(paint, size, zoom=1.0, centre=(0.0, 0.0), rows_at_once=262_144):
    """Ask `paint` (a function from (x, y) rows to colour rows in [0, 1]) for every pixel of a
    size x size picture, a slice of pixels at a time so that large prints fit in memory."""
    xy = grid(size, zoom, centre)
    parts = [np.asarray(paint(xy[start:start + rows_at_once]), dtype=np.float32)
             for start in range(0, len(xy), rows_at_once)]
    colours = np.concatenate(parts).reshape(size, size, -1)
    return np.clip(colours, 0.0, 1.0)


def hue_to_rgb(colours):
    """Rows of three numbers in [0, 1] read as hue, saturation and brightness, to red, green, blue
    (saturation and brightness kept above 0.4 and 0.3, so no colour turns grey or black)."""
    from matplotlib.colors import hsv_to_rgb
    colours = np.clip(np.asarray(colours, np.float32), 0.0, 1.0)
    return hsv_to_rgb(np.stack([colours[:, 0], 0.4 + 0.6 * colours[:, 1], 0.3 + 0.7 * colours[:, 2]], axis=1))


def psnr(made, original):
    """How close two pictures are, in decibels (peak signal-to-noise ratio): 20 is blurry, 30
    close, 40 hard to tell apart."""
    error = float(np.mean((np.asarray(made, np.float64) - np.asarray(original, np.float64)) ** 2))
    return float("inf") if error == 0 else 10.0 * np.log10(1.0 / error)


def _to_pillow(picture):
    from PIL import Image
    picture = np.asarray(picture, dtype=np.float32)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    return Image.fromarray((np.clip(picture, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8))


def png_bytes(picture):
    """A picture as the bytes of a PNG file."""
    out = io.BytesIO()
    _to_pillow(picture).save(out, format="PNG")
    return out.getvalue()


def gif_bytes(frames, fps=12, width=None):
    """Frames (pictures of one size) as the bytes of a looping GIF, `width` pixels wide if given
    (small frames are enlarged with sharp pixels, large ones shrunk smoothly)."""
    from PIL import Image
    if not len(frames):
        raise ArtlabError(_("There are no frames to animate."))
    pictures = [_to_pillow(frame).convert("RGB") for frame in frames]
    if width and width != pictures[0].width:
        height = round(pictures[0].height * width / pictures[0].width)
        smoothly = Image.LANCZOS if width < pictures[0].width else Image.NEAREST
        pictures = [picture.resize((width, height), smoothly) for picture in pictures]
    # One palette for all frames, from up to 8 of them side by side (so no frame's colours are missing).
    sample = pictures[::max(1, len(pictures) // 8)][:8]
    mosaic = Image.new("RGB", (sample[0].width * len(sample), sample[0].height))
    for place, frame in enumerate(sample):
        mosaic.paste(frame, (place * frame.width, 0))
    palette = mosaic.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    quantized = [picture.quantize(palette=palette, dither=Image.Dither.NONE) for picture in pictures]
    out = io.BytesIO()
    quantized[0].save(out, format="GIF", save_all=True, append_images=quantized[1:],
                      duration=round(1000 / max(1, fps)), loop=0, optimize=False)
    return out.getvalue()


def picture(picture, width=None, sharp=True):
    """A picture to display in the notebook (PNG), shown `width` pixels wide; enlarged with sharp
    pixels, or smoothly with `sharp=False`."""
    import base64
    from IPython.display import HTML
    data = base64.b64encode(png_bytes(picture)).decode("ascii")
    width = width or np.asarray(picture).shape[1]
    style = ' style="image-rendering:pixelated"' if sharp else ""
    return HTML(f'<img src="data:image/png;base64,{data}" width="{width}"{style}>')


def animation(frames, fps=12, width=None, sharp=True):
    """Frames to display in the notebook as a looping GIF, shown `width` pixels wide if given
    (small frames are enlarged by the browser: with sharp pixels, or smoothly with `sharp=False`)."""
    import base64
    from IPython.display import HTML
    across = np.asarray(frames[0]).shape[1] if len(frames) else 0
    data = base64.b64encode(gif_bytes(frames, fps, width if width and width < across else None))
    shown = f' width="{width}"' if width else ""
    style = ' style="image-rendering:pixelated"' if sharp else ""
    return HTML(f'<img src="data:image/gif;base64,{data.decode("ascii")}"{shown}{style}>')


def show(pictures, titles=None, per_row=4, inches=3.0):
    """Pictures side by side with their titles (matplotlib), `per_row` to a row."""
    import matplotlib.pyplot as plt
    titles = titles or [""] * len(pictures)
    rows = -(-len(pictures) // per_row)
    columns = min(per_row, len(pictures))
    fig, axes = plt.subplots(rows, columns, figsize=(inches * columns, inches * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, shown, name in zip(axes.ravel(), pictures, titles):
        shown = np.clip(np.asarray(shown, dtype=np.float32), 0.0, 1.0)
        ax.imshow(shown[..., 0] if shown.shape[-1] == 1 else shown, cmap="gray",
                  interpolation="nearest", vmin=0, vmax=1)
        ax.set_title(name, fontsize=10)
    fig.tight_layout()
    plt.show()


def save_picture(picture, stem="my-picture", folder=None):
    """Save a picture as a PNG under a new name in `folder` (output/ by default): {"png": path}."""
    from artlab import env, files
    data = png_bytes(picture)
    return files.save_new(folder or env.output_dir(), stem, {"png": lambda path: path.write_bytes(data)})


def save_animation(frames, stem="my-animation", fps=12, folder=None, width=None):
    """Save frames as a looping GIF (`width` pixels wide if given) under a new name in `folder`:
    {"gif": path}."""
    from artlab import env, files
    data = gif_bytes(frames, fps, width)
    return files.save_new(folder or env.output_dir(), stem, {"gif": lambda path: path.write_bytes(data)})
