"""Texts for the AI writer: read an upload or a file in UTF-8 or Korean CP949 / EUC-KR, and
refuse, in one sentence, what cannot be learned from (empty, binary, too short); cap huge ones."""
from pathlib import Path

from artlab import ArtlabError

MIN_CHARACTERS = 1000
MAX_CHARACTERS = 5_000_000


def _hangul_share(text):
    letters = [c for c in text if not c.isascii() and not c.isspace()]
    return sum("\uac00" <= c <= "\ud7a3" for c in letters) / len(letters) if letters else 0.0


def decode(data, name="the text"):
    """Bytes to (text, remarks). UTF-8 first, then CP949 (which includes EUC-KR) when the
    result reads as Korean; anything else is refused with what to do."""
    data = bytes(data)
    if not data.strip():
        raise ArtlabError(f"{name} is empty: give a .txt file with some writing in it.")
    if b"\x00" in data[:65536]:
        raise ArtlabError(f"{name} looks like a binary file (a picture, a PDF, a Word file?), "
                          "not plain text: save it as .txt (UTF-8) and try again.")
    try:
        text, remark = data.decode("utf-8-sig"), f"Read {name} as UTF-8."
    except UnicodeDecodeError:
        try:
            text = data.decode("cp949")
        except UnicodeDecodeError:
            text = None
        if text is None or _hangul_share(text) < 0.5:
            raise ArtlabError(f"{name} is not UTF-8 or Korean (CP949/EUC-KR) text: open it in "
                              "a text editor and save it as UTF-8.") from None
        remark = f"Read {name} as Korean CP949 / EUC-KR (not UTF-8)."
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\t")
    if controls > 0.01 * len(text):
        raise ArtlabError(f"{name} is full of control characters, not writing: save it as "
                          "plain text (.txt) and try again.")
    remarks = [remark]
    if len(text) > MAX_CHARACTERS:
        text = text[:MAX_CHARACTERS]
        remarks.append(f"It is long, so only its first {MAX_CHARACTERS:,} characters are used.")
    if len(text.strip()) < MIN_CHARACTERS:
        raise ArtlabError(f"{name} has {len(text.strip())} characters; a model needs at least "
                          f"{MIN_CHARACTERS:,} to learn from (a few pages).")
    return text, remarks


def read(source):
    """A path or (name, bytes) upload to (text, remarks)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ArtlabError(f"There is no file at {path}: check the name and folder.")
        return decode(path.read_bytes(), path.name)
    name, data = source
    return decode(data, name)


SHAKESPEARE = "text/shakespeare_v1.txt.gz"


def shakespeare():
    """The course's offline Shakespeare corpus (42 plays and poems, public domain)."""
    import gzip
    from artlab import env
    with gzip.open(env.assets_dir() / SHAKESPEARE, "rt", encoding="utf-8") as f:
        return f.read()
