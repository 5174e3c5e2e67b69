"""Upload boxes: both ipywidgets value shapes, and bad files that fall back with a sentence."""
import pytest

from artlab import env, music
from artlab.uploads import uploaded_files


def widgets7_value(name, content):
    return {name: {"metadata": {"name": name, "type": "audio/midi", "size": len(content)},
                   "content": content}}


def widgets8_value(name, content):
    return ({"name": name, "type": "audio/midi", "size": len(content),
             "content": memoryview(content), "last_modified": 0},)


@pytest.mark.parametrize("shape", [widgets7_value, widgets8_value])
def test_both_ipywidgets_value_shapes_give_names_and_bytes(shape):
    assert uploaded_files(shape("tune.mid", b"MThd123")) == [("tune.mid", b"MThd123")]


@pytest.mark.parametrize("empty", [{}, (), None])
def test_nothing_uploaded_is_an_empty_list(empty):
    assert uploaded_files(empty) == []


@pytest.mark.parametrize("shape", [widgets7_value, widgets8_value])
def test_an_uploaded_midi_is_the_primer(shape, midi_files):
    melody, remarks = music.uploaded_primer(
        shape("good.mid", midi_files["good"].read_bytes()), fallback="twinkle")
    assert [n.pitch for n in melody.notes] == [60, 62, 64, 65, 67, 65, 64, 62]
    assert remarks[0] == "Using good.mid."


@pytest.mark.parametrize("bad", ["empty", "corrupt", "text", "drums", "no_notes"])
def test_a_bad_upload_says_why_and_the_fallback_plays(bad, midi_files):
    name = midi_files[bad].name
    melody, remarks = music.uploaded_primer(
        widgets8_value(name, midi_files[bad].read_bytes()), fallback="twinkle")
    assert [n.pitch for n in melody.notes] == [n.pitch for n in music.primer("twinkle")[0].notes]
    assert remarks[0].startswith(f"{name}: ") and remarks[0].endswith("Using twinkle instead.")


def test_no_upload_gives_the_fallback():
    melody, remarks = music.uploaded_primer((), fallback="arirang")
    assert remarks == [] and melody.time_signatures[0].numerator == 3


def test_in_a_notebook_an_artlab_error_is_one_sentence_not_a_traceback(capfd):
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        env.show_errors_as_sentences()
        shell.run_cell("from artlab import music\nmusic.primer('yankee doodle')")
        shell.run_cell("1 / 0")
        env.show_errors_as_sentences()  # a second set-up run wraps nothing twice
        shell.run_cell("import ipywidgets\nipywidgets.interact(lambda name: music.primer(name), "
                       "name='nothing known');")
    finally:
        InteractiveShell.clear_instance()
    err = capfd.readouterr()
    output = err.out + err.err
    assert "⚠ 'yankee doodle' is not a primer I know." in output
    assert "⚠ 'nothing known' is not a primer I know." in output  # from a slider callback
    assert output.count("Traceback") == 1 and "ZeroDivisionError" in output  # others unchanged
