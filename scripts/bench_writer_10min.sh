#!/usr/bin/env bash
# Issue 14's figures in one run (2-core CPU, quiet): the tutorial's recipe, the workshop recipe and
# its GRU twin, 10 minutes each, sampling speeds, the course writers. Each line gets the date and
# the command, and is appended to benchmarks/results/bench_writer.jsonl.
# Run (2026-11-27, seventh session, after WORKSHOP took embedding_rate 20 and dropout 0.1):
#   scripts/bench_writer_10min.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command="python benchmarks/bench_writer.py ../shared/data/tinyshakespeare.txt --minutes 10"
nice -n -5 .venv/bin/python benchmarks/bench_writer.py ../shared/data/tinyshakespeare.txt --minutes 10 \
  | .venv/bin/python -c '
import json, sys, datetime
for line in sys.stdin:
    print(json.dumps({**json.loads(line), "date": str(datetime.date.today()), "command": sys.argv[1]}), flush=True)
' "$command" | tee -a benchmarks/results/bench_writer.jsonl
