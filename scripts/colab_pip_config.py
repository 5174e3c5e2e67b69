"""Drop the local-only parts of pip settings copied into the Colab rehearsal's root.

    python3 scripts/colab_pip_config.py ROOT FILE...

Each FILE (a path inside ROOT; missing ones are skipped) is a pip.conf or a KEY=VALUE list of
PIP_* variables. Values naming a folder or file:// index that does not exist inside ROOT (this
machine's wheel caches) are removed, so pip in the root reaches the network index alone, as on
Colab, without a warning per package. Everything else (cert, timeout, index-url) is kept.
"""
import re
import sys
from pathlib import Path

LOCATION_KEYS = ("find-links", "extra-index-url", "index-url", "pip_find_links",
                 "pip_extra_index_url", "pip_index_url")


def reachable(value, root):
    path = value[len("file://"):] if value.startswith("file://") else value
    if not path.startswith("/"):
        return True  # a network address
    return (root / path.lstrip("/")).exists()


def clean_line(line, root):
    match = re.match(r"^(\s*)([A-Za-z_-]+)(\s*[=:]\s*)(.*)$", line)
    if not match or match.group(2).lower() not in LOCATION_KEYS:
        return line
    kept = [value for value in match.group(4).split() if reachable(value, root)]
    return f"{match.group(1)}{match.group(2)}{match.group(3)}{' '.join(kept)}" if kept else None


def main(root, *files):
    root = Path(root)
    for name in files:
        path = root / name.lstrip("/")
        if not path.is_file():
            continue
        lines = [clean_line(line, root) for line in path.read_text().splitlines()]
        path.write_text("".join(f"{line}\n" for line in lines if line is not None))


if __name__ == "__main__":
    main(*sys.argv[1:])
