"""Choosing a tune without editing code: a built-in, notes typed in a box, or a MIDI upload."""
from artlab import ArtlabError, music
from artlab.i18n import _, language

WIDE = {"description_width": "initial"}  # labels shown whole, never cut to "temperat…"
TYPED, UPLOADED = "my notes", "my upload"  # the English names; the dropdown shows typed(), uploaded()


def grammar():
    """How to type notes (HTML), in the artist's language."""
    return _("<small>Type notes with spaces between them: <b>C4</b> is middle C, <b>F#4</b> and "
             "<b>Bb3</b> are sharps and flats, <b>C4:2</b> lasts two beats, <b>C4:0.5</b> half a "
             "beat, <b>r</b> is a rest of one beat (<b>r:2</b> two).</small>")


def typed():
    """The dropdown's name for typed notes ("my notes", in the artist's language)."""
    return _("my notes")


def uploaded():
    """The dropdown's name for an uploaded file ("my upload", in the artist's language)."""
    return _("my upload")


def title(name):
    """A built-in tune's title for the artist ("ode_to_joy": "Ode to Joy"); other names as they are."""
    titles = {"twinkle": _("Twinkle, Twinkle"), "ode_to_joy": _("Ode to Joy"), "arirang": _("Arirang")}
    return titles.get(name, name)


class TunePicker:
    """A dropdown of tunes (the built-ins, "my notes", "my upload"), a box for typed notes and an
    upload button. Typing or uploading selects your tune; `tune()` gives the chosen melody."""

    def __init__(self, default="ode_to_joy", typed="E4 G4 A4 C5:2 A4 G4 E4:2 D4 E4 G4:2"):
        import ipywidgets as widgets
        self.default = default
        self.choice = widgets.Dropdown(options=self.choices(), value=default, description=_("tune"),
                                       style=WIDE)
        self.notes = widgets.Text(value=typed, description=_("my notes"), continuous_update=False,
                                  style=WIDE, layout=widgets.Layout(width="60%"))
        self.upload = widgets.FileUpload(accept=".mid,.midi", multiple=False,
                                         description=_("Upload MIDI"),
                                         layout=widgets.Layout(width="auto"))
        typed_name, uploaded_name = self.names()[-2:]
        self.notes.observe(lambda change: setattr(self.choice, "value", typed_name), "value")
        self.upload.observe(lambda change: setattr(self.choice, "value", uploaded_name), "value")
        self.box = widgets.VBox([self.choice, widgets.HBox([self.notes, widgets.HTML(grammar())]),
                                 self.upload])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.box)

    def names(self):
        """The dropdown's names: the built-in tunes (in Korean, arirang first), then typed() and
        uploaded()."""
        tunes = list(music.PRIMERS)
        if language() == "ko":
            tunes.sort(key=lambda name: name != "arirang")  # the Korean edition: Korean tunes first
        return tunes + [typed(), uploaded()]

    def choices(self):
        """The dropdown's options: (title shown, name) for each of names()."""
        return [(title(name), name) for name in self.names()]

    def tune(self, name=None):
        """(melody, remarks) for `name`, or for the dropdown's choice. A typed line or file that
        cannot be used is named with the reason, and the default tune plays instead."""
        name = name or self.choice.value
        if name in (UPLOADED, uploaded()):
            from artlab.uploads import uploaded_files
            if not uploaded_files(self.upload.value):
                melody, remarks = music.primer(self.default)
                return melody, [_("No MIDI file is uploaded yet: playing {tune}.").format(
                    tune=title(self.default))] + remarks
            return music.uploaded_primer(self.upload.value, fallback=self.default)
        if name in (TYPED, typed()):
            try:
                return music.typed_notes(self.notes.value), []
            except ArtlabError as problem:
                melody, remarks = music.primer(self.default)
                return melody, [_("{problem} Playing {tune} instead.").format(
                    problem=problem, tune=title(self.default))] + remarks
        return music.primer(name)
