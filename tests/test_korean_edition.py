"""The Korean notebooks (notebooks/ko/) stay in step with the English ones: each English notebook
has a Korean twin, built by scripts/korean_edition.py from locale/ko/ catalogs that translate every
message, with the English code token for token."""
import ast
import io
import re
import shutil
import sys
import tokenize
from pathlib import Path

import nbformat
import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import korean_edition as edition  # noqa: E402

ENGLISH = edition.notebooks()
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def masked_tokens(source):
    """The cell's tokens with every comment and string literal's text hidden."""
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            kept.append("#")
        elif token.type == tokenize.STRING:
            kept.append(re.match(r"[rRbBuUfF]*('''|\"\"\"|'|\")", token.string).group(0))
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            kept.append(token.string)
    return kept


def test_every_english_notebook_has_a_korean_twin():
    assert ENGLISH
    assert sorted(p.name for p in edition.KOREAN.glob("*.ipynb")) == [p.name for p in ENGLISH]


@pytest.mark.parametrize("notebook", ENGLISH, ids=lambda p: p.stem)
def test_every_message_has_finished_korean(notebook):
    catalog = polib.pofile(str(edition.catalog_path(notebook)))
    live = [e for e in catalog if not e.obsolete]
    assert not [e.msgid[:60] for e in live if not e.msgstr], "untranslated: run the translators' step"
    assert not [e.msgid[:60] for e in live if "fuzzy" in e.flags], "fuzzy entries need a look"
    assert edition.untranslated(notebook) == [], "the English changed: `korean_edition.py update`"
    for entry in live:
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), \
            f"the {{expressions}} of {entry.msgid[:60]!r} must stay the same in Korean"


@pytest.mark.parametrize("notebook", ENGLISH, ids=lambda p: p.stem)
def test_the_korean_notebook_is_what_the_script_builds_now(notebook):
    built = edition.written(edition.korean_notebook(notebook))
    assert (edition.KOREAN / notebook.name).read_text(encoding="utf-8") == built, \
        "run `python scripts/korean_edition.py build` (never edit notebooks/ko/ by hand)"


@pytest.mark.parametrize("notebook", ENGLISH, ids=lambda p: p.stem)
def test_korean_code_is_the_english_code(notebook):
    english = nbformat.read(notebook, as_version=4)
    korean = nbformat.read(edition.KOREAN / notebook.name, as_version=4)
    assert [c.cell_type for c in korean.cells] == [c.cell_type for c in english.cells]
    for en, ko in zip(english.cells, korean.cells):
        if en.cell_type != "code":
            continue
        ko_source = ko.source.replace(edition.LANGUAGE_LINE, "", 1)
        assert masked_tokens(ko_source) == masked_tokens(en.source), en.source[:80]
        ast.parse(ko.source)  # every translated string still closes where it should
    set_up = next(c.source for c in korean.cells if edition.SET_UP in c.source)
    assert edition.LANGUAGE_LINE in set_up  # the Korean set-up cell asks artlab for Korean


def test_the_korean_notebooks_link_to_themselves():
    for notebook in ENGLISH:
        first = nbformat.read(edition.KOREAN / notebook.name, as_version=4).cells[0].source
        assert f"/notebooks/ko/{notebook.name}" in first and re.search(r"[가-힣]", first)


def test_an_english_change_fails_until_its_korean_is_updated(tmp_path, monkeypatch):
    english, catalogs, korean = tmp_path / "notebooks", tmp_path / "po", tmp_path / "notebooks" / "ko"
    catalogs.mkdir()
    korean.mkdir(parents=True)
    notebook = ENGLISH[0]
    shutil.copy(notebook, english / notebook.name)
    shutil.copy(edition.catalog_path(notebook), catalogs / f"{notebook.stem}.po")
    shutil.copy(edition.KOREAN / notebook.name, korean / notebook.name)
    monkeypatch.setattr(edition, "ENGLISH", english)
    monkeypatch.setattr(edition, "CATALOGS", catalogs)
    monkeypatch.setattr(edition, "KOREAN", korean)
    assert edition.check()
    nb = nbformat.read(english / notebook.name, as_version=4)
    nb.cells[0].source += "\n\nA new sentence in English."
    nbformat.write(nb, english / notebook.name)
    assert not edition.check()
    assert edition.untranslated(english / notebook.name) == ["A new sentence in English."]
    edition.update(english / notebook.name)  # added untranslated, so the build still refuses
    with pytest.raises(SystemExit, match="1 messages have no Korean yet"):
        edition.korean_notebook(english / notebook.name)
