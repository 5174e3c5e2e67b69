"""Texts for the AI writer: read an upload or a file in UTF-8 or Korean CP949 / EUC-KR, and
refuse, in one sentence, what cannot be learned from (empty, binary, too short); cap huge ones."""
import re
from pathlib import Path

from artlab import ArtlabError
from artlab.i18n import _

MIN_CHARACTERS = 1000
MAX_CHARACTERS = 5_000_000


def _hangul_share(text):
    letters = [c for c in text if not c.isascii() and not c.isspace()]
    return sum("\uac00" <= c <= "\ud7a3" for c in letters) / len(letters) if letters else 0.0


def decode(data, name=None):
    """Bytes to (text, remarks). UTF-8 first, then CP949 (which includes EUC-KR) when the
    result reads as Korean; anything else is refused with what to do."""
    data, name = bytes(data), name or _("the text")
    if not data.strip():
        raise ArtlabError(_("{name} is empty: give a .txt file with some writing in it.").format(
            name=name))
    if b"\x00" in data[:65536]:
        raise ArtlabError(_("{name} looks like a binary file (a picture, a PDF, a Word file?), not "
                            "plain text: save it as .txt (UTF-8) and try again.").format(name=name))
    try:
        text, remark = data.decode("utf-8-sig"), _("Read {name} as UTF-8.").format(name=name)
    except UnicodeDecodeError:
        try:
            text = data.decode("cp949")
        except UnicodeDecodeError:
            text = None
        if text is None or _hangul_share(text) < 0.5:
            raise ArtlabError(_("{name} is not UTF-8 or Korean (CP949/EUC-KR) text: open it in a "
                                "text editor and save it as UTF-8.").format(name=name)) from None
        remark = _("Read {name} as Korean CP949 / EUC-KR (not UTF-8).").format(name=name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\t")
    if controls > 0.01 * len(text):
        raise ArtlabError(_("{name} is full of control characters, not writing: save it as plain "
                            "text (.txt) and try again.").format(name=name))
    remarks = [remark]
    if len(text) > MAX_CHARACTERS:
        text = text[:MAX_CHARACTERS]
        remarks.append(_("It is long, so only its first {most:,} characters are used.").format(
            most=MAX_CHARACTERS))
    if len(text.strip()) < MIN_CHARACTERS:
        raise ArtlabError(_("{name} has {count} characters; a model needs at least {least:,} to "
                            "learn from (a few pages).").format(name=name, count=len(text.strip()),
                                                                least=MIN_CHARACTERS))
    return text, remarks


def read(source):
    """A path or (name, bytes) upload to (text, remarks)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ArtlabError(_("There is no file at {path}: check the name and folder.").format(
                path=path))
        return decode(path.read_bytes(), path.name)
    name, data = source
    return decode(data, name)


SHAKESPEARE = "text/shakespeare_v1.txt.gz"
WORK_HEADER = re.compile(r"^.+\n\n?by William Shakespeare$", re.M)


def shakespeare():
    """The course's offline Shakespeare corpus (42 plays and poems, public domain)."""
    import gzip
    from artlab import env
    with gzip.open(env.assets_dir() / SHAKESPEARE, "rt", encoding="utf-8") as f:
        return f.read()


def shakespeare_works():
    """{work name: text} of the offline corpus, in its order (names from its summary)."""
    import json
    from artlab import env
    corpus = shakespeare()
    names = json.loads((env.assets_dir() / "text" / "shakespeare_v1.json").read_text())["works"]
    starts = [m.start() for m in WORK_HEADER.finditer(corpus)]
    if len(starts) != len(names):
        raise ArtlabError(_("The course's Shakespeare corpus is damaged: update the course."))
    return dict(zip(names, (corpus[a:b] for a, b in zip(starts, starts[1:] + [len(corpus)]))))


def sonnets():
    """Shakespeare's Sonnets: poems the course writer never read (left out of its training)."""
    return shakespeare_works()["sonnets"]


KOREAN_TRADITIONAL = "korean_traditional.txt"


def korean_traditional():
    """Traditional Korean proverbs, sijo and folk-song verses (public domain; provenance in
    assets/text/korean_traditional.json): the Korean edition's text to learn from."""
    from artlab import env
    return (env.assets_dir() / "text" / KOREAN_TRADITIONAL).read_text(encoding="utf-8")


TINY_SHAKESPEARE_URL = "https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt"
TINY_SHAKESPEARE_MD5 = "6fb458f1232090904fb40fe944165e91"


def course_text(online=None, url=TINY_SHAKESPEARE_URL, timeout=15):
    """Shakespeare to learn from, and a sentence saying which. Online (by default on Colab):
    TensorFlow's tinyshakespeare, downloaded once and checked by its MD5. Otherwise, or when that
    fails: the course's own corpus from assets/. Never raises for the network."""
    import hashlib
    import urllib.request
    from artlab import env
    online = env.on_colab() if online is None else online
    if online:
        cached = env.output_dir() / "text" / "tinyshakespeare.txt"
        try:
            if cached.is_file():
                data = cached.read_bytes()
            else:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    data = response.read()
            if hashlib.md5(data).hexdigest() == TINY_SHAKESPEARE_MD5:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(data)
                return data.decode("utf-8"), _("TensorFlow's tinyshakespeare (1.1 million "
                                               "characters, checksum checked).")
            why = _("what {url} sent is not the expected file (checksum differs)").format(url=url)
        except OSError as problem:
            why = _("it could not be downloaded ({why})").format(why=env.why_unreachable(problem))
        return shakespeare(), _("Using the course's own Shakespeare: tinyshakespeare {why}.").format(
            why=why)
    return shakespeare(), _("The course's own Shakespeare corpus (42 works, 5 million characters).")


def uploaded_text(upload_value=None, pasted="", fallback=None):
    """The text to learn from: an uploaded file (ipywidgets 7 or 8), else pasted text, else
    `fallback` (default: Shakespeare's Sonnets; in Korean, traditional Korean proverbs, sijo and
    folk songs). Returns (text, remarks). Bad input never stops the
    notebook: the remarks say what was wrong and which text is used instead."""
    from artlab import uploads
    remarks = []
    try:
        files = uploads.uploaded_files(upload_value)
        if files:
            name, data = files[0]
            if not data:
                raise ArtlabError(_(
                    "{name} arrived empty. Colab's upload box can lose files over about 1 MB: "
                    "in a new cell run `from google.colab import files; uploaded = "
                    "files.upload()`, then use `text.uploaded_text(uploaded)` instead.").format(
                        name=name))
            return decode(data, name)
        if pasted and pasted.strip():
            return decode(pasted.encode("utf-8"), _("your pasted text"))
    except ArtlabError as problem:
        remarks.append(str(problem))
    from artlab import i18n
    if fallback is None and i18n.language() == "ko":
        fallback = korean_traditional()
        said = _("traditional Korean proverbs, sijo and folk songs ({count:,} characters), in "
                 "letters the course writer never saw.").format(count=len(fallback))
    elif fallback is None:
        fallback = sonnets()
        said = _("Shakespeare's Sonnets ({count:,} characters): poems, which the course writer "
                 "never read.").format(count=len(fallback))
    else:
        said = _("The text given instead.")
    return fallback, remarks + [_("Nothing usable was given, so: {said}").format(said=said)]
