"""Turn the Bach chorales in music21's corpus into a compact four-voice set in assets/.

Source: J. S. Bach's four-part chorales (public domain), installed with the `music21` package.
Kept: every score with exactly four voiced parts (soprano, alto, tenor, bass); ties joined,
grace notes dropped, pickups kept. Chorales that appear twice in the corpus (same notes) are
kept once, so the same music cannot sit on both sides of the split.

Writes assets/chorales/bach_chorales_v1.jsonl.gz (one chorale per line: notes as
[pitch, start, length, voice] in quarter notes, voice 0 soprano .. 3 bass) and summary.json.
Split by chorale, deterministic: md5(chorale id) mod 100 -> train < 80 <= eval < 90 <= test.

Rebuild:  python scripts/prepare_chorales.py            (about 3 minutes on 2 cores)
"""
import collections
import gzip
import hashlib
import json
import multiprocessing
import sys
import time
import warnings
from pathlib import Path

VERSION = 1
OUT = Path(__file__).resolve().parent.parent / "assets" / "chorales"
SUFFIXES = (".mxl", ".xml", ".krn")


def split_of(chorale_id):
    """train/eval/test from a stable hash of the chorale id."""
    bucket = int(hashlib.md5(chorale_id.encode()).hexdigest(), 16) % 100
    return "train" if bucket < 80 else "eval" if bucket < 90 else "test"


def parse_file(path):
    """(record, None) for a four-voice chorale, else (None, the reason it was left out)."""
    warnings.simplefilter("ignore")
    import music21
    try:
        score = music21.converter.parse(path)
    except Exception:  # music21 raises many kinds on files it cannot read; count and move on
        return None, "file did not parse"
    parts = [p for p in score.parts if p.flatten().notes]
    if len(parts) != 4:
        return None, f"{len(parts)} voiced parts"
    notes = []
    for voice, part in enumerate(parts):
        for element in part.flatten().stripTies().notes:
            length = float(element.quarterLength)
            if length <= 0 or element.isChord:  # grace notes; chords inside one voice are rare
                continue
            notes.append([element.pitch.midi, round(float(element.offset), 4), round(length, 4),
                          voice])
    notes.sort(key=lambda n: (n[1], n[3]))
    flat = score.flatten()
    signatures = collections.Counter(t.ratioString for t in flat.getElementsByClass("TimeSignature"))
    analysed = score.analyze("key")
    chorale_id = Path(path).stem
    return {"id": chorale_id, "title": (score.metadata.title or "") if score.metadata else "",
            "key": f"{analysed.tonic.name} {analysed.mode}",
            "time_signature": signatures.most_common(1)[0][0] if signatures else "4/4",
            "split": split_of(chorale_id), "notes": notes}, None


def main():
    import music21
    started = time.time()
    paths = sorted(str(p) for p in music21.corpus.getComposer("bach") if p.suffix in SUFFIXES)
    with multiprocessing.Pool(2) as pool:
        results = pool.map(parse_file, paths, chunksize=4)
    kept, dropped, seen = [], collections.Counter(), set()
    for record, reason in results:
        if record is None:
            dropped[reason] += 1
            continue
        fingerprint = json.dumps(record["notes"])
        if fingerprint in seen:
            dropped["same notes as another chorale"] += 1
            continue
        seen.add(fingerprint)
        kept.append(record)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"bach_chorales_v{VERSION}.jsonl.gz"
    with gzip.GzipFile(target, "wb", mtime=0) as f:  # the same bytes on every rebuild
        for record in kept:
            f.write((json.dumps(record, separators=(",", ":")) + "\n").encode())
    summary = {
        "version": VERSION, "music21": music21.__version__, "files": len(paths),
        "chorales_kept": len(kept), "dropped": dict(dropped),
        "notes": sum(len(r["notes"]) for r in kept),
        "split_chorales": dict(collections.Counter(r["split"] for r in kept)),
        "time_signatures": dict(collections.Counter(r["time_signature"] for r in kept)),
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "command": "python scripts/prepare_chorales.py",
        "seconds": round(time.time() - started),
    }
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())
