#!/usr/bin/env bash
# Intents and entities beside the baseline the issue names, on the same
# examples in one run:
#   crates/bench/nlu.sh [DATASETS_DIR] [WORK_DIR]
# BANKING77 and CLINC150 (with its out-of-scope queries) come from
# DATASETS_DIR; the Russian set from crates/bench/nlu/ru (made by ru_gen.py:
# train and test from disjoint templates, the test with typos, slang and
# case forms). The baseline is scikit-learn TF-IDF over character 2-5 grams
# + logistic regression (crates/bench/nlu/peers.py). Needs python3 with scikit-learn.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
datasets="${1:-$here/../../../shared/datasets}"
work="${2:-$(mktemp -d)}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/fundament-target}"
cargo build --release -q -p cli
bin="$CARGO_TARGET_DIR/release/fundament"
mkdir -p "$work"
echo "== baseline: scikit-learn TF-IDF char 2-5 + logistic regression"
python3 "$here/nlu/peers.py" "$datasets" "$work"
mkdir -p "$work/ru"
cp "$here/nlu/ru/train.yml" "$here/nlu/ru/test.yml" "$work/ru/"
for set in banking77 clinc150 ru; do
  echo "== fundament: $set"
  started=$(date +%s.%N)
  "$bin" nlu train "$work/$set/train.yml" --out "$work/$set/model"
  echo "train seconds: $(echo "$(date +%s.%N) - $started" | bc)"
  "$bin" nlu test --model "$work/$set/model" "$work/$set/test.yml" > "$work/$set/report.txt"
  sed -n '1,2p' "$work/$set/report.txt"
  grep -E "^all " "$work/$set/report.txt" || true
done
echo "== parse latency (Russian set)"
cargo bench -q -p nlu --bench parse 2>/dev/null | tail -1
