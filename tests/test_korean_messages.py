"""artlab speaks Korean with ARTLAB_LANG=ko: every sentence it shows an artist goes through
artlab.i18n._, locale/ko/artlab.po translates each one, and the shipped .mo is that catalog compiled.
Without the variable, artlab's English is what it always was."""
import ast
import re
import symtable
import sys
from pathlib import Path

import polib
import pytest

from artlab import ArtlabError, env, i18n, music

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import korean_edition as edition  # noqa: E402

HELPER_FILES = sorted((ROOT / "artlab").glob("*.py"))
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
HANGUL = re.compile(r"[가-힣]")
SHOWN = {"ArtlabError", "print", "out", "Check", "_offline", "_timed"}  # what they're given is shown
LABELS = {"description", "tooltip", "label", "title", "desc", "help"}


def _is_translated(node):
    """_("...") or _("...").format(...): what is inside was given through gettext."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        node = node.func.value
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"


def _literals(node, label=False):
    """String literals in `node` an artist would read (outside _() calls): a string with a letter
    and a space (any letter, for a label), or an f-string whose text has a letter."""
    if _is_translated(node):
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if re.search(r"[A-Za-z]", node.value) and (label or " " in node.value.strip()):
            yield node
        return
    if isinstance(node, ast.JoinedStr):
        if any(isinstance(part, ast.Constant) and re.search(r"[A-Za-z]", part.value)
               for part in node.values):
            yield node
            return
    for child in ast.iter_child_nodes(node):
        yield from _literals(child, label)


def _remarks(node):
    return isinstance(node, ast.Name) and node.id.endswith("remarks")


def unwrapped_messages(source):
    """[(line, text)] of artist-facing sentences in `source` not given through _(): what is given to
    ArtlabError(), print() and doctor's checks, added to remarks, or given as a widget's
    description=/tooltip= (and label=, title=, desc=, help=)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        shown, labels = [], []
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "Check":
                shown += node.args[1:2]
            elif name in SHOWN or (name == "append" and _remarks(getattr(func, "value", None))):
                shown += node.args
            labels += [keyword.value for keyword in node.keywords if keyword.arg in LABELS]
        elif isinstance(node, ast.Assign) and any(_remarks(target) for target in node.targets):
            shown.append(node.value)
        elif isinstance(node, ast.BinOp) and (_remarks(node.left) or _remarks(node.right)):
            shown += [node.left, node.right]
        for part, label in [(p, False) for p in shown] + [(p, True) for p in labels]:
            found += [(literal.lineno, ast.unparse(literal)) for literal in _literals(part, label)]
    return sorted(set(found))


def test_the_scanner_sees_an_unwrapped_message():
    snippet = (
        "from artlab import ArtlabError\n"
        "from artlab.i18n import _\n"
        "def read(path, remarks):\n"
        "    remarks.append('Drum notes were left out.')\n"
        "    print(_('Using {name}.').format(name=path))\n"
        "    button = Button(description='keep', tooltip=_('save and download'))\n"
        "    raise ArtlabError(f'There is no file at {path}: check the name and folder.')\n")
    assert [line for line, _ in unwrapped_messages(snippet)] == [4, 6, 7]


@pytest.mark.parametrize("path", HELPER_FILES, ids=lambda p: p.name)
def test_every_sentence_artlab_shows_goes_through_gettext(path):
    assert unwrapped_messages(path.read_text(encoding="utf-8")) == []


def _calls_of_underscore(tree):
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"]


@pytest.mark.parametrize("path", HELPER_FILES, ids=lambda p: p.name)
def test_every_message_is_a_plain_literal_and_formatted_by_name(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    formatted = {id(node.func.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute) and node.func.attr == "format"}
    for call in _calls_of_underscore(tree):
        assert len(call.args) == 1 and isinstance(call.args[0], ast.Constant) \
            and isinstance(call.args[0].value, str), f"{path.name}:{call.lineno}: _() needs one string literal"
        message = call.args[0].value
        names = PLACEHOLDER.findall(message)
        assert all(re.fullmatch(r"\{[a-z_]+(:[^{}]*)?\}", name) for name in names), \
            f"{path.name}:{call.lineno}: placeholders are named: {names}"
        assert bool(names) == (id(call) in formatted), \
            f"{path.name}:{call.lineno}: a message with {{names}} is .format()ted, one without is not"


@pytest.mark.parametrize("path", HELPER_FILES, ids=lambda p: p.name)
def test_no_function_hides_gettext_behind_a_local_underscore(path):
    """`x, _ = ...` in a function that also calls _() would make _ local there (UnboundLocalError)."""
    def scopes(table):
        yield table
        for child in table.get_children():
            yield from scopes(child)
    for table in scopes(symtable.symtable(path.read_text(encoding="utf-8"), str(path), "exec")):
        if table.get_type() == "module" or "_" not in table.get_identifiers():
            continue
        symbol = table.lookup("_")
        assert not (symbol.is_local() and symbol.is_referenced()), \
            f"{path.name}: {table.get_name()} (line {table.get_lineno()}) binds _ and uses it"


def test_every_message_has_finished_korean():
    catalog = polib.pofile(str(edition.HELPER_CATALOG))
    entries = {entry.msgid: entry for entry in catalog if not entry.obsolete}
    messages = edition.helper_messages()
    assert messages, "no _() calls found in artlab"
    missing = [m for m in messages if m not in entries]
    assert not missing, f"not in locale/ko/artlab.po: run `korean_edition.py update` ({missing[:3]})"
    for msgid in messages:
        entry = entries[msgid]
        assert entry.msgstr and "fuzzy" not in entry.flags, f"no finished Korean for {msgid[:60]!r}"
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), \
            f"the {{names}} of {msgid[:60]!r} must stay the same in Korean"


def test_the_shipped_mo_is_the_catalog_compiled_now(tmp_path):
    assert edition.HELPER_MO == i18n.CATALOG and i18n.CATALOG.is_file()
    fresh = tmp_path / "artlab.mo"
    polib.pofile(str(edition.HELPER_CATALOG)).save_as_mofile(str(fresh))
    parsed = lambda path: {(e.msgid, e.msgstr) for e in polib.mofile(str(path))}  # noqa: E731
    assert parsed(i18n.CATALOG) == parsed(fresh), "run `python scripts/korean_edition.py build`"
    assert edition.helper_problems() == []


def test_the_catalog_ships_with_the_package():
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'artlab\s*=\s*\[[^\]]*"locale/\*/LC_MESSAGES/\*\.mo"', pyproject)


@pytest.fixture
def korean(monkeypatch):
    monkeypatch.setenv("ARTLAB_LANG", "ko")


@pytest.fixture
def english(monkeypatch):
    monkeypatch.delenv("ARTLAB_LANG", raising=False)


@pytest.mark.parametrize("value, language", [("ko", "ko"), ("ko_KR.UTF-8", "ko"), ("en", "en"),
                                             ("", "en")])
def test_the_language_is_read_when_asked(monkeypatch, value, language):
    monkeypatch.setenv("ARTLAB_LANG", value)
    assert i18n.language() == language


def test_a_message_the_catalog_lacks_stays_english(korean):
    assert i18n._("A sentence no catalog has.") == "A sentence no catalog has."
    assert i18n._("Drum notes were left out.") != "Drum notes were left out."


def test_a_typing_mistake_is_named_in_korean(korean):
    with pytest.raises(ArtlabError) as problem:
        music.typed_notes("C4 H4")
    assert HANGUL.search(str(problem.value)) and "'H4'" in str(problem.value)


def test_a_typing_mistake_is_named_in_english_by_default(english):
    with pytest.raises(ArtlabError) as problem:
        music.typed_notes("C4 H4")
    assert str(problem.value) == ("I could not read 'H4' as a note: write notes like C4, F#4 or "
                                  "Bb3, with a length in beats if you like (C4:2), and r for a rest.")


def test_the_korean_picker_puts_arirang_first(korean):
    pytest.importorskip("ipywidgets")
    from artlab import pickers
    picker = pickers.TunePicker()
    names = picker.names()
    assert names[0] == "arirang" and names[-2:] == ["내 음표", "내 파일"]
    assert picker.choice.description == "곡" and picker.upload.description == "MIDI 업로드"
    assert picker.tune("내 음표")[0].notes  # the Korean dropdown's choices still work
    assert picker.tune("my notes")[0].notes  # and so do the English names
    picker.notes.value = "C4 H4"
    melody, remarks = picker.tune("내 음표")
    assert melody.notes and HANGUL.search(remarks[0]) and "H4" in remarks[0]


def test_the_english_picker_is_as_it_was(english):
    pytest.importorskip("ipywidgets")
    from artlab import pickers
    assert pickers.TunePicker().names() == ["twinkle", "ode_to_joy", "arirang", "my notes", "my upload"]


def test_smoke_mode_says_so_in_korean(korean, monkeypatch, capsys):
    monkeypatch.setenv("ARTLAB_SMOKE", "1")
    assert env.cap_for_smoke(100, 5) == 5
    said = capsys.readouterr().out
    assert HANGUL.search(said) and "5" in said and "100" in said


def test_smoke_mode_says_so_in_english_by_default(english, monkeypatch, capsys):
    monkeypatch.setenv("ARTLAB_SMOKE", "1")
    assert env.cap_for_smoke(100, 5) == 5
    assert capsys.readouterr().out == "(smoke mode: training steps capped at 5 instead of 100)\n"


def test_the_keep_button_speaks_korean(korean):
    pytest.importorskip("ipywidgets")
    from artlab import gallery
    button = gallery.keep_button(lambda: {}, "tune:").children[0]
    assert button.description == "저장" and HANGUL.search(button.tooltip)
