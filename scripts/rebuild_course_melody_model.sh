#!/usr/bin/env bash
# Rebuild assets/melody/course_attention_rnn.mag from scratch, as it was made (2 CPU cores:
# about 70 min for stage 1 and 3 to 4 hours for stage 2; both resume if interrupted).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
# The melody set (music21's folk corpus to assets/folk_melodies/), about 7 minutes.
[ -f assets/folk_melodies/folk_melodies_v1.jsonl.gz ] || $PY scripts/prepare_folk_melodies.py
# Stage 1: every tune moved to C, 1520 steps.
$PY scripts/train_melody_bundle.py --work /tmp/artlab_melody_train --steps 1520 \
    --out /tmp/artlab_stage1.mag
# Stage 2: transposition augmentation (each tune in its own key plus 2 others picked from -5..+6
# semitones), melodies kept in their key, continuing from stage 1 up to STEPS in all.
$PY scripts/train_melody_bundle.py --work /tmp/artlab_melody_aug --transpose=-5:6 \
    --keys-per-tune 3 --init-from /tmp/artlab_melody_train/train_dir --steps "${STEPS:-3510}"
