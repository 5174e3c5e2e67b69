"""The sentences artlab shows, in English or (with ARTLAB_LANG=ko) in Korean, through gettext.

Every sentence is written `_("English with {name}s").format(name=...)`: the English is the
message id, and the course's locale/ko/artlab.po (compiled to artlab/locale/ko/LC_MESSAGES/artlab.mo by
`python scripts/korean_edition.py build`) gives its Korean. A message the catalog lacks stays
English.
"""
import functools
import gettext
import os
from pathlib import Path

DOMAIN = "artlab"
LOCALE = Path(__file__).resolve().parent / "locale"
CATALOG = LOCALE / "ko" / "LC_MESSAGES" / f"{DOMAIN}.mo"


def language():
    """"ko" when ARTLAB_LANG starts with "ko" (read now, so a notebook can set it any time),
    else "en"."""
    return "ko" if os.environ.get("ARTLAB_LANG", "").strip().lower().startswith("ko") else "en"


@functools.lru_cache(maxsize=1)
def _korean():
    try:
        with open(CATALOG, "rb") as stream:
            return gettext.GNUTranslations(stream)
    except OSError:  # missing, or not a catalog
        return gettext.NullTranslations()  # no catalog: English


def _(message):
    """`message` in the artist's language (Korean with ARTLAB_LANG=ko, else as it is)."""
    return _korean().gettext(message) if language() == "ko" else message


def use_korean_font():
    """Let charts show Hangul: add NanumGothic (from the koreanize-matplotlib wheel, used only as
    the font's carrier, or Debian's fonts-nanum) to matplotlib, first in the font list. Returns
    the font's name, or None when neither is installed."""
    import importlib.util
    from matplotlib import font_manager, rcParams
    spec = importlib.util.find_spec("koreanize_matplotlib")  # not imported: it needs distutils
    places = list(spec.submodule_search_locations or []) if spec else []
    candidates = [Path(place) / "fonts" / "NanumGothic.ttf" for place in places]
    candidates.append(Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"))
    for path in candidates:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            name = font_manager.FontProperties(fname=str(path)).get_name()
            rcParams["font.family"] = [name, "DejaVu Sans"]  # Hangul from it, the rest as before
            rcParams["axes.unicode_minus"] = False  # its minus sign is missing from NanumGothic
            return name
    return None
