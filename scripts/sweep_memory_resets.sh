#!/usr/bin/env bash
# Issue 14: does emptying the memory now and then (reset_share) help the carried LSTM recipe?
# 10 minutes each on a quiet 2-core CPU, one after another.
# First run (2026-11-27): the control (no resets), 0.03 and 0.15.
# Second run (2026-11-27, later): 0.3 and 0.5:
#   scripts/sweep_memory_resets.sh lstm384_carried_reset30,lstm384_carried_reset50
# Third run (2026-11-27, next session): resets 0.3 with dropout before the Dense layer:
#   scripts/sweep_memory_resets.sh lstm384_carried_reset30_drop10,lstm384_carried_reset30_drop25
#   scripts/sweep_memory_resets.sh lstm2x256_carried_reset30_drop10
# Then the best recipe trained by JAX on the same CPU (the memory carried: see writer.stateful_twin):
#   KERAS_BACKEND=jax scripts/sweep_memory_resets.sh lstm384_carried_reset30
#   scripts/sweep_memory_resets.sh lstm384_carried_reset30_lr5e3
# Fourth run (2026-11-27, sixth session): ending with a running average of the weights:
#   scripts/sweep_memory_resets.sh lstm384_carried_reset30_drop10_ema995,lstm384_carried_reset30_drop10_ema998
# Fifth run (2026-11-27, seventh session): the embedding table's steps 20 times the others'
# (writer.adam; first tried for 600 steps: benchmarks/trial_embedding_rate.py), TensorFlow then JAX:
#   scripts/sweep_memory_resets.sh lstm384_carried_reset30_drop10_emb20
#   KERAS_BACKEND=jax scripts/sweep_memory_resets.sh lstm384_carried_reset30_drop10_emb20
set -euo pipefail
cd "$(dirname "$0")/.."
only="${1:-lstm384_carried,lstm384_carried_reset03,lstm384_carried_reset15}"
nice -n -5 .venv/bin/python benchmarks/sweep_writer_recipes.py ../shared/data/tinyshakespeare.txt \
  --minutes 10 --only "$only" \
  | tee -a benchmarks/results/sweep_writer_recipes.jsonl
