"""Turn music21's public-domain folk corpus into a compact melody set in assets/.

Sources (all public domain, all installed with the `music21` package):
Essen Folksong collection, O'Neill's Music of Ireland (1850), Ryan's Mammoth Collection.

Writes assets/folk_melodies/folk_melodies_v1.jsonl.gz (one tune per line) and summary.json.
Split by tune, deterministic: md5(tune id) mod 100 -> train < 80 <= eval < 90 <= test.

Rebuild:  python scripts/prepare_folk_melodies.py            (about 6 minutes on 2 cores)
"""
import argparse
import collections
import gzip
import hashlib
import json
import multiprocessing
import os
import sys
import time
import warnings

VERSION = 1
COLLECTIONS = ("essenFolksong", "oneills1850", "ryansMammoth")
MIN_NOTES = 8


def split_of(tune_id):
    """train/eval/test from a stable hash of the tune id."""
    bucket = int(hashlib.md5(tune_id.encode()).hexdigest(), 16) % 100
    return "train" if bucket < 80 else "eval" if bucket < 90 else "test"


def _time_signature(flat):
    """The most used time signature of a tune (pickup bars in ABC often read as 1/16)."""
    counts = collections.Counter(ts.ratioString for ts in flat.getElementsByClass("TimeSignature"))
    return counts.most_common(1)[0][0] if counts else "4/4"


def _tune_record(collection, file_stem, index, score):
    flat = score.flatten().stripTies()
    notes = []
    for element in flat.notes:
        duration = float(element.quarterLength)
        if duration <= 0:  # grace notes
            continue
        pitch = max(p.midi for p in element.pitches)  # top line of a chord
        notes.append([pitch, round(float(element.offset), 4), round(duration, 4)])
    notes.sort(key=lambda n: (n[1], -n[0]))
    melody = []
    for note in notes:  # drop notes that start together with a higher one
        if melody and melody[-1][1] == note[1]:
            continue
        melody.append(note)
    keys = list(flat.getElementsByClass("KeySignature"))
    key = keys[0] if keys else None
    key_name = (f"{key.tonic.name} {key.mode}" if hasattr(key, "tonic") else
                f"{key.sharps} sharps" if key is not None else "unknown")
    tune_id = f"{collection}/{file_stem}#{index}"
    title = (score.metadata.title if score.metadata and score.metadata.title else "") or ""
    return {"id": tune_id, "source": collection, "title": title, "key": key_name,
            "time_signature": _time_signature(flat), "split": split_of(tune_id),
            "notes": melody}


def parse_file(path):
    """All tunes of one ABC file, and the reasons for any dropped."""
    warnings.simplefilter("ignore")
    import music21
    collection = os.path.basename(os.path.dirname(path))
    stem = os.path.splitext(os.path.basename(path))[0]
    records, dropped = [], collections.Counter()
    try:
        parsed = music21.converter.parse(path)
    except Exception:  # music21 raises many kinds on bad ABC; count and move on
        return records, collections.Counter({"file did not parse": 1})
    scores = list(parsed.scores) if hasattr(parsed, "scores") and len(parsed.scores) else [parsed]
    for index, score in enumerate(scores):
        try:
            record = _tune_record(collection, stem, index, score)
        except Exception:
            dropped["tune did not parse"] += 1
            continue
        if len(record["notes"]) < MIN_NOTES:
            dropped[f"fewer than {MIN_NOTES} notes"] += 1
            continue
        records.append(record)
    return records, dropped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join("assets", "folk_melodies"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    from music21 import corpus, __version__ as m21_version

    paths = sorted(str(p) for p in corpus.getPaths(fileExtensions=("abc",))
                   if os.path.basename(os.path.dirname(str(p))) in COLLECTIONS)
    started = time.time()
    records, dropped = [], collections.Counter()
    with multiprocessing.Pool(args.workers) as pool:
        for done, (file_records, file_dropped) in enumerate(
                pool.imap_unordered(parse_file, paths, chunksize=4), 1):
            records.extend(file_records)
            dropped.update(file_dropped)
            if done % 100 == 0 or done == len(paths):
                print(f"{done}/{len(paths)} files, {len(records)} tunes, "
                      f"{time.time() - started:.0f} s", flush=True)
    records.sort(key=lambda r: r["id"])
    os.makedirs(args.out, exist_ok=True)
    data_path = os.path.join(args.out, f"folk_melodies_v{VERSION}.jsonl.gz")
    with gzip.GzipFile(data_path, "wb", mtime=0) as f:  # mtime=0: same input, same bytes
        for record in records:
            f.write((json.dumps(record, separators=(",", ":")) + "\n").encode())
    summary = {
        "version": VERSION, "music21": m21_version, "collections": COLLECTIONS,
        "files": len(paths), "tunes_kept": len(records), "tunes_dropped": dict(dropped),
        "notes": sum(len(r["notes"]) for r in records),
        "split_tunes": dict(collections.Counter(r["split"] for r in records)),
        "by_source": dict(collections.Counter(r["source"] for r in records)),
        "time_signatures": dict(collections.Counter(r["time_signature"] for r in records).most_common(12)),
        "keys": dict(collections.Counter(r["key"] for r in records).most_common(24)),
        "parse_seconds": round(time.time() - started, 1),
        "sha256": hashlib.sha256(open(data_path, "rb").read()).hexdigest(),
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
