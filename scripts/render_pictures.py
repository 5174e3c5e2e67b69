"""Draw the built-in pictures of notebook 05 (assets/images/*.png) from Debian's Noto Color Emoji
font, and write their provenance (assets/images/pictures.json).

Needs the font: apt-get install fonts-noto-color-emoji (Debian 12: 2.042-0+deb12u1, SIL Open
Font License 1.1, which allows pictures drawn with it to be shipped).
Run: python scripts/render_pictures.py
"""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab import images  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
CODES = {"lizard": "\U0001F98E", "butterfly": "\U0001F98B", "sunflower": "\U0001F33B",
         "octopus": "\U0001F419"}
SIZE = 128  # pixels across; the notebook shrinks them further (40 for the cellular automaton)


def draw(character):
    font = ImageFont.truetype(str(FONT), 109)  # the one size this bitmap font holds
    canvas = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((80, 80), character, font=font, embedded_color=True, anchor="mm")
    box = canvas.getbbox()
    glyph = canvas.crop(box)
    side = max(glyph.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(glyph, ((side - glyph.width) // 2, (side - glyph.height) // 2))
    return square.resize((SIZE, SIZE), Image.LANCZOS)


def main():
    if not FONT.exists():
        sys.exit(f"{FONT} is missing: apt-get install fonts-noto-color-emoji")
    out = ROOT / "assets" / "images"
    out.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "fonts-noto-color-emoji"],
                             capture_output=True, text=True).stdout or "unknown"
    record = {"made_by": "python scripts/render_pictures.py",
              "font": {"name": "Noto Color Emoji", "debian_package": "fonts-noto-color-emoji",
                       "version": version, "license": "SIL Open Font License 1.1",
                       "sha256": hashlib.sha256(FONT.read_bytes()).hexdigest()},
              "pictures": {}}
    assert set(CODES) == set(images.EMOJI), "artlab.images.EMOJI and this script must agree"
    for name, character in CODES.items():
        path = out / f"{name}.png"
        draw(character).save(path, optimize=True)
        record["pictures"][name] = {"file": path.name, "codepoint": f"U+{ord(character):X}",
                                    "pixels": SIZE, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        print(name, path.stat().st_size, "bytes")
    (out / "pictures.json").write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
