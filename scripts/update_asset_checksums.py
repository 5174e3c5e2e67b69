"""Write assets/checksums.json: the sha256 of every file under assets/, which
`python -m artlab doctor` compares with the files on an artist's computer.
Run it whenever an asset is added, rebuilt or removed.

    python scripts/update_asset_checksums.py          rewrite the manifest
    python scripts/update_asset_checksums.py --check  exit 1 if it is out of date (tests use this)
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from artlab.doctor import MANIFEST, asset_checksums  # noqa: E402

ASSETS = ROOT / "assets"


def main():
    manifest = ASSETS / MANIFEST
    actual = asset_checksums(ASSETS)
    stored = json.loads(manifest.read_text()) if manifest.is_file() else {}
    drifted = sorted(name for name in stored.keys() | actual.keys()
                     if stored.get(name) != actual.get(name))
    if "--check" in sys.argv:
        for name in drifted:
            what = ("is new" if name not in stored else
                    "is gone" if name not in actual else "changed")
            print(f"assets/{name} {what}: run python scripts/update_asset_checksums.py")
        return 1 if drifted else 0
    manifest.write_text(json.dumps(actual, indent=2, sort_keys=True) + "\n")
    print(f"wrote assets/{MANIFEST}: {len(actual)} files, {len(drifted)} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
