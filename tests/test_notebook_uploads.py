"""The branches a plain notebook run never takes: each notebook with files in its upload boxes
(as if an artist had chosen them), and notebook 03 with a text the course writer cannot read
(Korean), which trains a fresh writer. Smoke mode keeps the training short."""
import pytest

import notebook_runs as nbr

ROOT = nbr.ROOT
KOREAN = ("진달래꽃\n나 보기가 역겨워\n가실 때에는\n말없이 고이 보내 드리우리다\n\n"
          "영변에 약산\n진달래꽃\n아름 따다 가실 길에 뿌리우리다\n\n")  # Kim Sowol (1902-1934)


@pytest.fixture
def output(tmp_path, monkeypatch):
    """The kernel saves here; the course's own output/ must not change."""
    folder = tmp_path / "made"
    monkeypatch.setenv("ARTLAB_OUTPUT", str(folder))
    before = sorted((ROOT / "output").rglob("*")) if (ROOT / "output").exists() else []
    yield folder
    after = sorted((ROOT / "output").rglob("*")) if (ROOT / "output").exists() else []
    assert after == before, "a notebook test wrote into the course's own output/"


@pytest.fixture(scope="module")
def folk_midi_files(tmp_path_factory):
    """Three MIDI files of held-out folk tunes, several tunes each: enough to fine-tune on."""
    import note_seq
    from artlab import music
    folder = tmp_path_factory.mktemp("folk")
    tunes = music.folk_tunes("test")[:12]
    paths = {}
    for n in range(3):
        seq = music.tune_to_sequence(tunes[n * 4])
        for tune in tunes[n * 4 + 1:n * 4 + 4]:
            more, offset = music.tune_to_sequence(tune), seq.total_time + 2.0
            for note in more.notes:
                seq.notes.add(pitch=note.pitch, velocity=90, start_time=note.start_time + offset,
                              end_time=note.end_time + offset)
            seq.total_time = offset + more.total_time
        paths[f"folk-{n}.mid"] = folder / f"folk-{n}.mid"
        note_seq.sequence_proto_to_midi_file(seq, str(paths[f"folk-{n}.mid"]))
    return paths


def test_01_with_an_uploaded_midi_file(midi_files, output):
    nb = nbr.with_cell_after(nbr.load("01_music_tokens.ipynb"), "pickers.TunePicker(",
                             nbr.upload_cell("picker.upload", {"late.mid": midi_files["late_start"]}))
    nb = nbr.with_cell_after(nb, "def play_continuation(", nbr.click_cell("keep this tune"))
    said = nbr.text_of(nbr.run(nb))
    assert "Using late.mid." in said and "silent for its first 20 bars" in said
    assert len(list(output.glob("my-next-notes-001.*"))) == 3


def test_02_with_an_uploaded_tune_and_music_to_learn_from(midi_files, folk_midi_files, output):
    nb = nbr.load("02_melody_rnn.ipynb")
    nb = nbr.with_cell_after(nb, "pickers.TunePicker(",
                             nbr.upload_cell("picker.upload", {"chords.mid": midi_files["polyphonic"]}))
    nb = nbr.with_cell_after(nb, "def studio(", nbr.click_cell("keep variation 2"))
    nb = nbr.with_cell_after(nb, 'description="Upload MIDI files"',
                             nbr.upload_cell("my_music", folk_midi_files) + "\nfrom_nothing.value = True")
    said = nbr.text_of(nbr.run(nb))
    assert "Using chords.mid." in said and "top line" in said
    assert sorted(p.name for p in output.glob("my-melody-2-*")) == [
        "my-melody-2-001.mid", "my-melody-2-001.png", "my-melody-2-001.wav"]
    assert "No upload" not in said and "3 pieces ready." in said
    assert "before training:" in said and "after 3 steps:" in said  # what it played, as it learned
    assert [p.name for p in output.glob("*.mag")] == ["my-melody-model-001.mag"]
    from artlab import melody
    about = melody.read_bundle(output / "my-melody-model-001.mag").bundle_details.description
    assert "on 3 pieces" in about and "starting from" not in about  # the uploads, from nothing


def test_03_with_a_korean_text_trains_a_fresh_writer(tmp_path, output):
    poem = tmp_path / "azaleas.txt"
    poem.write_bytes((KOREAN * 40).encode("cp949"))  # as Korean Windows saves it
    nb = nbr.with_cell_after(nbr.load("03_ai_writer.ipynb"), "widgets.FileUpload(",
                             nbr.upload_cell("my_file", {"azaleas.txt": poem}))
    nb = nbr.with_cell_after(nb, "writing_desk(yours", nbr.click_cell("keep this text"))
    said = nbr.text_of(nbr.run(nb))
    assert "a fresh LSTM writer" in said and "fine-tuning it" not in said
    assert "your writer:" in said
    assert [p.name for p in output.glob("*.zip")] == ["my-writer-001.zip"]
    kept = output / "my-writers-writing-001.txt"
    assert kept.read_text(encoding="utf-8").startswith("진달래꽃")  # the desk's text, kept by its button


def test_ko_03_with_nothing_given_learns_traditional_korean_texts_from_nothing(output):
    """The Korean edition's writer, with no text from the artist: the course's traditional Korean
    texts, in letters the course writer never saw, so a fresh writer (and Korean sentences)."""
    said = nbr.text_of(nbr.run(nbr.load("ko/03_ai_writer.ipynb")))
    assert "전통 속담·시조·민요" in said
    assert "새 LSTM 작가를 만듭니다" in said and "Nothing usable" not in said  # the helper spoke Korean


def test_04_harmonizes_an_uploaded_file_and_keeps_four_tracks(midi_files, output):
    import mido
    nb = nbr.with_cell_after(nbr.load("04_four_voices.ipynb"), "pickers.TunePicker(",
                             nbr.upload_cell("picker.upload", {"chords.mid": midi_files["polyphonic"]}))
    nb = nbr.with_cell_after(nb, "def studio(", "studio(melody=picker.names()[-1], more_bars=2, "
                             "soprano='violin', alto='violin', tenor='viola', bass='cello')\n"
                             + nbr.click_cell("keep"))  # the upload, a string quartet, kept
    said = nbr.text_of(nbr.run(nb))
    assert "Using chords.mid." in said and "top line" in said
    kept = sorted(output.glob("my-four-voices-*.mid"))
    assert len(kept) == 1 and len(list(output.glob("my-four-voices-*"))) == 3
    tracks = mido.MidiFile(kept[0]).tracks
    assert [t.name for t in tracks if t.name] == ["soprano", "alto", "tenor", "bass"]
    programs = {m.program for t in tracks for m in t if m.type == "program_change"}
    assert programs == {40, 41, 42}


def test_05_with_an_uploaded_photo_a_bad_file_and_every_keep_button(tmp_path, output):
    """Part 2 learns an uploaded photo; the second picker gets a file that is no picture (one
    sentence, the built-in sunflower instead); part 3 grows an uploaded picture on a plain
    background; and the print, animation, zoom and blend buttons save under new names."""
    from PIL import Image, ImageDraw
    photo = tmp_path / "my photo.jpg"
    Image.radial_gradient("L").convert("RGB").resize((300, 200)).save(photo)
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_bytes(b"these are notes, not a picture")
    drawing = tmp_path / "drawing.png"
    canvas = Image.new("RGB", (120, 120), (250, 250, 245))
    ImageDraw.Draw(canvas).ellipse((30, 30, 90, 90), fill=(200, 40, 60))
    canvas.save(drawing)
    nb = nbr.load("05_painting_with_networks.ipynb")
    nb = nbr.with_cell_after(nb, "def painting_desk(", nbr.click_cell("keep as a print"))
    nb = nbr.with_cell_after(nb, "def animate(", nbr.click_cell("keep this animation (384 pixels)"))
    nb = nbr.with_cell_after(nb, 'PicturePicker(default="grace_hopper")',
                             nbr.upload_cell("first_picture.upload", {"my photo.jpg": photo}))
    nb = nbr.with_cell_after(nb, "def zoom_in(", nbr.click_cell("keep the network's zoom"))
    nb = nbr.with_cell_after(nb, 'description="second picture"',
                             nbr.upload_cell("second_picture.upload", {"notes.png": not_a_picture}))
    nb = nbr.with_cell_after(nb, "def blend_animation(", nbr.click_cell("keep this animation"))
    nb = nbr.with_cell_after(nb, 'description="picture to grow"',
                             nbr.upload_cell("my_picture.upload", {"drawing.png": drawing}))
    said = nbr.text_of(nbr.run(nb))
    assert "I could not read notes.png as a picture" in said and "Using sunflower instead." in said
    assert "No picture is uploaded yet" not in said  # the photo and the drawing were used
    made = sorted(p.name for p in output.iterdir())
    assert made == ["cppn-seed7-001.png", "cppn-seed7-animation-001.gif", "network-blend-001.gif",
                    "network-zoom-001.png"], made
    with Image.open(output / "cppn-seed7-001.png") as print_:
        assert print_.size == (2048, 2048)
