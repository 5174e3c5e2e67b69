"""Pictures: built-ins, uploads good and bad (both ipywidgets shapes), the pixel grid, rendering
in slices, saving PNG and GIF under new names, and the growing cellular automaton."""
import io

import numpy as np
import pytest
from PIL import Image

from artlab import ArtlabError, growing, images
from test_uploads import widgets7_value, widgets8_value


def png_of(width, height, mode="RGB", colour=(200, 30, 30)):
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("name", images.EMOJI + (images.PHOTO,))
def test_every_built_in_picture_loads_as_a_square_array(name):
    picture = images.as_array(images.builtin(name), 32)
    assert picture.shape == (32, 32, 3) and 0 <= picture.min() and picture.max() <= 1
    assert picture.std() > 0.05  # a picture, not a blank


def test_an_emoji_keeps_its_transparency_when_asked():
    rgba = images.as_array(images.builtin("lizard"), 40, transparent=True)
    assert rgba.shape == (40, 40, 4)
    assert rgba[0, 0, 3] == 0 and rgba[..., 3].max() == pytest.approx(1.0)
    assert np.all(rgba[..., :3] <= rgba[..., 3:] + 1e-6)  # colours multiplied by opacity
    assert np.allclose(images.on_white(rgba[:1, :1])[0, 0], 1.0)  # empty corners are white paper


def test_an_unknown_built_in_names_the_choices():
    with pytest.raises(ArtlabError, match="lizard"):
        images.builtin("mona_lisa")


@pytest.mark.parametrize("data, words", [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "could not read"),
    (b"just some text, not a picture", "could not read"),
    (png_of(64, 64)[:60], "could not read"),  # cut short
])
def test_a_bad_picture_file_is_one_sentence(data, words):
    with pytest.raises(ArtlabError, match=words):
        images.from_bytes(data, "holiday.png")


def test_a_huge_file_or_picture_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ArtlabError, match="MB, more than"):
        images.from_bytes(png_of(64, 64) + b"\0" * 200, "big.png")
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 30_000_000)
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with pytest.raises(ArtlabError, match="64 x 64 pixels, too many"):
        images.from_bytes(png_of(64, 64), "wide.png")


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # Pillow's own guard, at a tiny limit
    with pytest.raises(ArtlabError, match="far bigger"):
        images.from_bytes(png_of(64, 64), "bomb.png")


def test_a_portrait_is_cut_to_its_middle_square():
    out = io.BytesIO()
    picture = Image.new("RGB", (20, 60), (0, 0, 255))
    picture.paste((255, 0, 0), (0, 20, 20, 40))  # the red middle third
    picture.save(out, format="PNG")
    middle = images.as_array(images.from_bytes(out.getvalue()), 10)
    assert np.allclose(middle[..., 0], 1.0, atol=0.02) and middle[..., 2].max() < 0.05


@pytest.mark.parametrize("shape", [widgets7_value, widgets8_value])
def test_the_picker_uses_an_upload_in_either_ipywidgets_shape(shape):
    picker = images.PicturePicker()
    picker.choice.value = "my upload"
    picker.upload = type("Upload", (), {"value": shape("red.png", png_of(30, 30))})()
    picture, remarks = picker.picture(8)
    assert remarks == [] and np.allclose(picture[..., 0], 200 / 255, atol=0.01)


def test_the_picker_falls_back_with_a_sentence():
    picker = images.PicturePicker(default="sunflower")
    picker.choice.value = "my upload"
    picture, remarks = picker.picture(16)
    assert remarks == ["No picture is uploaded yet: using sunflower."]
    assert np.allclose(picture, images.as_array(images.builtin("sunflower"), 16))
    picker.upload = type("Upload", (), {"value": widgets8_value("notes.png", b"not a picture")})()
    picture, remarks = picker.picture(16)
    assert remarks[0].startswith("I could not read notes.png as a picture")
    assert remarks[0].endswith("Using sunflower instead.")


def test_uploading_selects_the_upload():
    import datetime
    picker = images.PicturePicker()
    data = png_of(4, 4)
    picker.upload.value = ({"name": "a.png", "type": "image/png", "size": len(data), "content": memoryview(data),
                            "last_modified": datetime.datetime.now(datetime.timezone.utc)},)
    assert picker.choice.value == "my upload"


def test_the_grid_runs_left_to_right_then_top_to_bottom():
    xy = images.grid(4)
    assert xy.shape == (16, 2)
    assert np.allclose(xy[:4, 0], [-0.75, -0.25, 0.25, 0.75]) and np.allclose(xy[:4, 1], -0.75)
    assert np.allclose(images.grid(4, zoom=2, centre=(0.5, 0))[:4, 0], [0.125, 0.375, 0.625, 0.875])


@pytest.mark.parametrize("size, zoom", [(0, 1), (9000, 1), (8, 0), (8, -1)])
def test_extreme_sizes_and_zooms_are_refused(size, zoom):
    with pytest.raises(ArtlabError):
        images.grid(size, zoom)


def test_rendering_in_slices_gives_the_same_picture():
    paint = lambda xy: np.stack([xy[:, 0] ** 2, (xy[:, 1] + 1) / 2, np.sin(9 * xy[:, 0] * xy[:, 1])], 1)
    whole = images.render(paint, 50)
    assert np.array_equal(whole, images.render(paint, 50, rows_at_once=7))
    assert whole.shape == (50, 50, 3) and whole.min() >= 0  # clipped into [0, 1]


def test_psnr():
    picture = np.full((8, 8, 3), 0.5)
    assert images.psnr(picture, picture) == float("inf")
    assert images.psnr(picture + 0.1, picture) == pytest.approx(20.0)


def test_pictures_and_animations_save_under_new_names(tmp_path):
    picture = np.random.default_rng(0).random((20, 20, 3))
    first = images.save_picture(picture, "my picture", tmp_path)["png"]
    second = images.save_picture(picture, "my picture", tmp_path)["png"]
    assert (first.name, second.name) == ("my_picture-001.png", "my_picture-002.png")
    assert np.allclose(np.asarray(Image.open(first)) / 255, picture, atol=1 / 255)
    frames = [np.full((10, 10, 3), shade) for shade in (0.0, 0.5, 1.0)]  # each frame its own colour
    gif = images.save_animation(frames, "loop", folder=tmp_path)["gif"]
    with Image.open(gif) as shown:
        assert shown.n_frames == 3 and shown.info["loop"] == 0
        shades = []
        for number in range(3):
            shown.seek(number)
            shades.append(np.asarray(shown.convert("L"))[0, 0])
        assert list(shades) == [0, 128, 255]


def test_an_animation_can_be_shrunk_and_an_empty_one_is_refused():
    frames = [np.zeros((64, 64, 3)), np.ones((64, 64, 3))]
    with Image.open(io.BytesIO(images.gif_bytes(frames, width=16))) as shown:
        assert shown.size == (16, 16)
    with pytest.raises(ArtlabError, match="no frames"):
        images.gif_bytes([])


def test_hues_stay_coloured():
    rgb = images.hue_to_rgb(np.array([[0.0, 0.0, 0.0], [0.5, 1.0, 1.0]]))
    assert rgb.shape == (2, 3) and rgb[0].max() == pytest.approx(0.3)  # dark, never black
    assert np.allclose(rgb[1], [0, 1, 1])


# The growing cellular automaton

def test_a_new_grower_changes_nothing_and_a_lonely_cell_survives_only_with_neighbours():
    model = growing.make_growing_model(hidden=8)
    start = growing.seed_state(9)
    assert np.array_equal(np.asarray(model.step(start)), start)  # its last layer starts at zero
    alone = np.zeros_like(start)
    alone[0, 2, 2, 3] = 0.05  # too faint to count as alive, and no living neighbour
    assert not np.asarray(model.step(alone)).any()


def test_perception_sees_itself_and_the_changes_across():
    state = np.zeros((1, 5, 5, growing.CHANNELS), np.float32)
    state[0, :, :, 0] = np.arange(5)[None, :]  # red grows left to right
    seen = np.asarray(growing.perceive(state))[0, 2, 2]
    assert seen.shape == (3 * growing.CHANNELS,)
    assert seen[:3] == pytest.approx([2.0, 1.0, 0.0])  # itself, left to right, top to bottom


def test_erasing_empties_a_circle_only():
    state = np.ones((1, 20, 20, growing.CHANNELS), np.float32)
    hurt = growing.erase(state, 0.5, 0.5, 0.2)
    assert not hurt[0, 10, 10].any() and hurt[0, 0, 0].all() and state.all()  # a copy


def test_training_scores_the_colours_against_the_target_and_the_weights_round_trip(tmp_path):
    import keras
    keras.utils.set_random_seed(0)
    wanted = np.pad(images.as_array(images.builtin("lizard"), 8, transparent=True),
                    ((2, 2), (2, 2), (0, 0)))
    model = growing.make_growing_model(hidden=16)
    losses = []
    growing.train(model, wanted, 3, batch=4, pool_size=8, grow_steps=8, damaged=0,
                  learning_rate=0.01, on_step=lambda step, loss: losses.append(loss))
    # A new grower changes nothing, so the first round scores one living cell against the target.
    one_cell = growing.seed_state(12)[0, ..., :4]
    assert losses[0] == pytest.approx(float(np.mean((one_cell - wanted) ** 2)), rel=1e-5)
    assert len(losses) == 3 and np.abs(model.get_weights()[-2]).max() > 0  # it learned something
    model.save_weights(tmp_path / "g.weights.h5")
    again = growing.make_growing_model(hidden=16)
    assert [w.shape for w in again.get_weights()] == [(1, 1, 48, 16), (16,), (1, 1, 16, 16), (16,)]
    again.load_weights(tmp_path / "g.weights.h5")
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), again.get_weights()))


def test_the_course_grower_grows_its_picture_from_one_cell():
    grower, about = growing.course_grower()
    margin = about["margin"]
    picture = images.as_array(images.builtin(about["picture"]), about["size"] - 2 * margin, transparent=True)
    wanted = images.on_white(np.pad(picture, ((margin, margin), (margin, margin), (0, 0))))
    state = growing.seed_state(about["size"])
    for _ in range(96):
        state = np.asarray(grower.step(state))
    grown = images.on_white(growing.colours(state)[0])
    blank = np.ones_like(wanted)  # white paper: what a grower that grows nothing shows
    assert images.psnr(grown, wanted) > images.psnr(blank, wanted) + 6  # decibels
