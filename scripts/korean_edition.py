"""The Korean edition of the notebooks, generated from the English ones and gettext catalogs.

    python scripts/korean_edition.py update   # English changed: bring locale/ko/*.po up to date
    python scripts/korean_edition.py build    # write notebooks/ko/*.ipynb from the catalogs
    python scripts/korean_edition.py check    # what `build` would change, and what is untranslated

English notebooks are the source. Each notebook has one catalog, locale/ko/<notebook>.po, whose
messages are: every paragraph of a markdown cell, every comment of a code cell, and every string
literal of a code cell that an artist reads (one with a letter and a space in it, or a label
given as description=, title=...). A message whose Korean is its English (a name, a file name)
is translated as itself. Code cells are otherwise copied token for token, so the Korean notebook
runs exactly the English code. Never edit notebooks/ko/ by hand: edit the .po, then build.

artlab's own sentences (its _("...") calls, shown with ARTLAB_LANG=ko) have one more catalog,
locale/ko/artlab.po: `update` refreshes it from artlab's source and `build` compiles it to
artlab/locale/ko/LC_MESSAGES/artlab.mo.
"""
import argparse
import ast
import copy
import io
import json
import re
import sys
import tokenize
from pathlib import Path

import nbformat
import polib

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "notebooks"
KOREAN = ENGLISH / "ko"
CATALOGS = ROOT / "locale" / "ko"
LABELS = ("description", "title", "label", "placeholder", "tooltip", "xlabel", "ylabel",
          "set_title", "set_xlabel", "set_ylabel", "suptitle")
SET_UP = 'os.environ["ARTLAB_COURSE_VERSION"]'
LANGUAGE_LINE = 'os.environ["ARTLAB_LANG"] = "ko"  # 한국어판: 도우미(artlab)도 한국어로 말합니다\n'
HELPER = ROOT / "artlab"  # the helper's own sentences: _("...") calls, one catalog, a compiled .mo
HELPER_CATALOG = CATALOGS / "artlab.po"
HELPER_MO = HELPER / "locale" / "ko" / "LC_MESSAGES" / "artlab.mo"
_STRING = re.compile(r"^(?P<prefix>[rRbBuUfF]{0,2})(?P<quote>'''|\"\"\"|'|\")(?P<body>.*)(?P=quote)$",
                     re.DOTALL)


def notebooks():
    return sorted(ENGLISH.glob("[0-9][0-9]_*.ipynb"))


def catalog_path(notebook):
    return CATALOGS / f"{notebook.stem}.po"


def paragraphs(markdown):
    """A markdown cell's paragraphs (split at blank lines; a table or list stays whole)."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", markdown) if p.strip()]


def _read_tokens(source):
    try:
        return list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []  # not Python (a %magic cell): copied as it is


def _is_label(tokens, index):
    """A string given as a label: description="...", ax.set_title("..."), plt.xlabel("...")."""
    before = [t for t in tokens[max(0, index - 3):index] if t.type not in (tokenize.NL, tokenize.NEWLINE)]
    names = [t.string for t in before]
    return (len(names) >= 2 and names[-1] == "=" and names[-2] in LABELS) or \
           (len(names) >= 2 and names[-1] == "(" and names[-2] in LABELS)


def _is_subscript(tokens, index):
    """A string alone in brackets after a name or a call: logs["loss"], runs["plain"]."""
    if index < 2 or index + 1 >= len(tokens):
        return False
    opening, before = tokens[index - 1], tokens[index - 2]
    return (opening.string == "[" and tokens[index + 1].string == "]"
            and (before.type in (tokenize.NAME, tokenize.STRING) or before.string in (")", "]")))


def _readable(body):
    return re.search(r"[A-Za-z]", body) and (" " in body.strip() or len(body) > 1)


def code_messages(source):
    """[(kind, text, (start, end) of the text in `source`)] for a code cell: comments, and the
    bodies of string literals an artist reads."""
    tokens = _read_tokens(source)
    offsets = [0]
    for line in source.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    where = lambda row, col: offsets[row - 1] + col
    found = []
    for index, token in enumerate(tokens):
        start, end = where(*token.start), where(*token.end)
        if token.type == tokenize.COMMENT:
            text = token.string.lstrip("#").strip()
            if re.search(r"[A-Za-z]", text):
                body_start = start + token.string.index(text) if text else end
                found.append(("comment", text, (body_start, body_start + len(text))))
        elif token.type == tokenize.STRING:
            match = _STRING.match(token.string)
            if not match or "b" in match["prefix"].lower():
                continue
            body = match["body"]
            if _is_subscript(tokens, index):
                continue  # a key: logs["loss"]
            if (" " in body.strip() and re.search(r"[A-Za-z]", body)) or (_is_label(tokens, index) and _readable(body)) \
                    or re.fullmatch(r"[A-Za-z]+: *|\([A-Za-z ]+\)", body):  # a printed label: "steps:", "(hold)"
                body_start = start + len(match["prefix"]) + len(match["quote"])
                found.append(("string", body, (body_start, body_start + len(body))))
    return found


NOTES = {
    "string": "code string: translate what an artist reads; copy values the code uses "
              "(typed notes, 'offset points'); keep every {expression} as it is",
    "comment": "code comment",
}


def messages(notebook):
    """Every message of an English notebook, in order: [(msgid, where it is)]."""
    nb = nbformat.read(notebook, as_version=4)
    result = []
    for number, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            result += [(p, f"cell {number}") for p in paragraphs(cell.source)]
        elif cell.cell_type == "code":
            result += [(text, f"cell {number} {kind}") for kind, text, _ in code_messages(cell.source)]
    return result


def merged(path, project, wanted, comment):
    """Write the catalog at `path` with the messages `wanted` ({msgid: [(file, place)]}), in order:
    known ones keep their Korean, new ones are added untranslated, and messages no longer wanted
    become obsolete (kept at the end for reference, marked #~). `comment(places)` notes each."""
    catalog = polib.pofile(str(path)) if path.exists() else polib.POFile()
    known = {entry.msgid: entry for entry in catalog if not entry.obsolete}
    fresh = polib.POFile(wrapwidth=100)
    fresh.metadata = {"Project-Id-Version": f"ML for Artists {project}", "Language": "ko",
                      "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                      "Content-Transfer-Encoding": "8bit"}
    for msgid, places in wanted.items():
        entry = known.pop(msgid, None) or polib.POEntry(msgid=msgid, msgstr="")
        entry.occurrences, entry.comment = places, comment(places)
        fresh.append(entry)
    for entry in list(known.values()) + [e for e in catalog if e.obsolete and e.msgid not in wanted]:
        entry.obsolete = True
        fresh.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh.save(str(path))
    return fresh


def update(notebook):
    """Bring the notebook's catalog up to date with its English (see `merged`)."""
    wanted = {}
    for msgid, where in messages(notebook):
        wanted.setdefault(msgid, []).append((notebook.name, where))
    return merged(catalog_path(notebook), notebook.name, wanted,
                  lambda places: NOTES.get(places[0][1].split()[-1], ""))


def translations(notebook):
    """{msgid: Korean} of the notebook's catalog (only finished, not fuzzy, entries)."""
    catalog = polib.pofile(str(catalog_path(notebook)))
    return {e.msgid: e.msgstr for e in catalog
            if not e.obsolete and e.msgstr and "fuzzy" not in e.flags}


def untranslated(notebook):
    """English messages with no finished Korean: [msgid]."""
    done = translations(notebook) if catalog_path(notebook).exists() else {}
    return sorted({m for m, _ in messages(notebook) if m not in done})


def translate_code(source, korean):
    pieces, last = [], 0
    for _, text, (start, end) in code_messages(source):
        pieces += [source[last:start], korean[text]]
        last = end
    translated = "".join(pieces) + source[last:]
    if SET_UP in translated and "ARTLAB_LANG" not in translated:
        line_start = translated.index(SET_UP)
        translated = translated[:line_start] + LANGUAGE_LINE + translated[line_start:]
    return translated


def korean_notebook(notebook):
    """The Korean notebook (a notebook node) built from the English one and its catalog."""
    korean = translations(notebook)
    missing = untranslated(notebook)
    if missing:
        raise SystemExit(f"locale/ko/{catalog_path(notebook).name}: {len(missing)} messages have "
                         f"no Korean yet, e.g. {missing[0][:80]!r}. Translate them, then build.")
    nb = copy.deepcopy(nbformat.read(notebook, as_version=4))
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts = re.split(r"(\n\s*\n)", cell.source)   # paragraphs and the blank lines between
            parts = [p.replace(p.strip("\n"), korean[p.strip("\n")]) if p.strip() else p for p in parts]
            cell.source = "".join(parts).replace("/notebooks/" + notebook.name, "/notebooks/ko/" + notebook.name)
        elif cell.cell_type == "code":
            cell.source = translate_code(cell.source, korean)
    nb.metadata["language_info"] = nb.metadata.get("language_info", {"name": "python"})
    return nb


def helper_messages():
    """{msgid: [(file, "")]} of every _("literal") call in artlab's source, in source order (files
    without line numbers, so that moving code does not change the catalog)."""
    found = {}
    for path in sorted(HELPER.glob("*.py")):
        calls = [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                 and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]
        for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
            places = found.setdefault(call.args[0].value, [])
            if (f"artlab/{path.name}", "") not in places:
                places.append((f"artlab/{path.name}", ""))
    return found


def update_helper():
    """Bring locale/ko/artlab.po up to date with artlab's _() calls (see `merged`)."""
    return merged(HELPER_CATALOG, "artlab", helper_messages(),
                  lambda places: "artlab: what the helper shows; keep every {name}, file names, "
                                 "notes, commands")


def build_helper():
    HELPER_MO.parent.mkdir(parents=True, exist_ok=True)
    polib.pofile(str(HELPER_CATALOG)).save_as_mofile(str(HELPER_MO))
    print(f"wrote {HELPER_MO.relative_to(ROOT)}")


def helper_problems():
    """artlab's messages with no finished Korean, and a .mo that is not what build writes."""
    catalog = polib.pofile(str(HELPER_CATALOG)) if HELPER_CATALOG.exists() else polib.POFile()
    done = {entry.msgid: entry.msgstr for entry in catalog.translated_entries()}
    problems = []
    missing = [msgid for msgid in helper_messages() if msgid not in done]
    if missing:
        problems.append(f"{HELPER_CATALOG.name}: {len(missing)} untranslated, e.g. {missing[0][:60]!r}")
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(HELPER_MO))} if HELPER_MO.exists() else None
    if compiled != done:
        problems.append(f"{HELPER_MO.relative_to(ROOT)} is not what build writes")
    return problems


def written(nb):
    return nbformat.writes(nb) + "\n"


def build():
    build_helper()
    KOREAN.mkdir(exist_ok=True)
    for notebook in notebooks():
        (KOREAN / notebook.name).write_text(written(korean_notebook(notebook)), encoding="utf-8")
        print(f"wrote notebooks/ko/{notebook.name}")


def check():
    problems = helper_problems()
    for notebook in notebooks():
        missing = untranslated(notebook)
        if missing:
            problems.append(f"{catalog_path(notebook).name}: {len(missing)} untranslated")
            continue
        target = KOREAN / notebook.name
        if not target.exists() or target.read_text(encoding="utf-8") != written(korean_notebook(notebook)):
            problems.append(f"notebooks/ko/{notebook.name} is not what build writes")
    print("\n".join(problems) or "The Korean edition is up to date.")
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["update", "build", "check"])
    args = parser.parse_args()
    if args.command == "update":
        for notebook in notebooks():
            catalog = update(notebook)
            print(f"{catalog_path(notebook).relative_to(ROOT)}: {len(catalog)} messages, "
                  f"{len(untranslated(notebook))} untranslated")
        catalog = update_helper()
        print(f"{HELPER_CATALOG.relative_to(ROOT)}: {len(catalog)} messages, "
              f"{len(catalog.untranslated_entries())} untranslated")
    elif args.command == "build":
        build()
    else:
        sys.exit(0 if check() else 1)


if __name__ == "__main__":
    main()
