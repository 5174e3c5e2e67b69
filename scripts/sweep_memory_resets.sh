#!/usr/bin/env bash
# Issue 14: does emptying the memory now and then (reset_share) help the carried LSTM recipe?
# The control (no resets) runs in the same session; 10 minutes each on a quiet 2-core CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
nice -n -5 .venv/bin/python benchmarks/sweep_writer_recipes.py ../shared/data/tinyshakespeare.txt \
  --minutes 10 --only lstm384_carried,lstm384_carried_reset03,lstm384_carried_reset15 \
  | tee -a benchmarks/results/sweep_writer_recipes.jsonl
