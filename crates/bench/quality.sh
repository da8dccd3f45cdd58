#!/usr/bin/env bash
# Reproduces the data-quality figures in BENCHMARKS.md on this machine:
#   crates/bench/quality.sh [DATASETS_DIR] [BIG_ENTITIES]
# DATASETS_DIR holds febrl/ (default ../shared/datasets); BIG_ENTITIES sizes the
# scale run of the Russian generator (default 650000 entities ≈ 1M records).
set -euo pipefail
cd "$(dirname "$0")/../.."
datasets="${1:-../shared/datasets}"
big="${2:-650000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/fundament-target}"
work="$(mktemp -d /var/tmp/fundament-quality.XXXXXX)"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p cli -p bench -p synth
bin="$CARGO_TARGET_DIR/release"

measure() { # label, then the command
  local label="$1"; shift
  /usr/bin/time -f "$label: %e s wall, %M KiB peak RSS" "$@" > "$work/out.txt" 2> "$work/time.txt" || { cat "$work/out.txt" "$work/time.txt"; exit 1; }
  grep -v '^$' "$work/time.txt" | tail -n 2
}

echo "== FEBRL (dedupe within a file, pairwise F1 over output clusters)"
for n in 1 2 3; do
  measure "febrl$n dedupe" "$bin/fundament" dedupe "$datasets/febrl/dataset$n.csv" --out "$work/febrl$n.csv"
  "$bin/bench-quality" clusters --clusters "$work/febrl$n.csv" --links "$datasets/febrl/true_links_dataset$n.csv"
done
echo "== FEBRL4 (link two files)"
measure "febrl4 link" "$bin/fundament" dedupe "$datasets/febrl/dataset4a.csv" --link "$datasets/febrl/dataset4b.csv" --out "$work/febrl4.csv"
"$bin/bench-quality" pairs --pairs "$work/febrl4.csv" --links "$datasets/febrl/true_links_dataset4.csv"

echo "== Russian generator (synth), 5,000 entities, seeds 1-3"
for seed in 1 2 3; do
  "$bin/synth" contacts --entities 5000 --seed "$seed" --out "$work/ru$seed.csv" --truth "$work/ru$seed-truth.csv"
  measure "synth seed $seed dedupe" "$bin/fundament" dedupe "$work/ru$seed.csv" --out "$work/ru$seed-clusters.csv"
  "$bin/bench-quality" clusters --clusters "$work/ru$seed-clusters.csv" --entities "$work/ru$seed-truth.csv"
  measure "synth seed $seed standardize" "$bin/fundament" standardize "$work/ru$seed.csv" --out "$work/ru$seed-std.csv"
  "$bin/bench-quality" standard --output "$work/ru$seed-std.csv" --truth "$work/ru$seed-truth.csv" \
    --columns "Телефон=phone_e164,Город=city,Дата рождения=birth_date"
done
"$bin/synth" link --entities 5000 --seed 7 --left "$work/a.csv" --right "$work/b.csv" --truth "$work/ab.csv"
measure "synth link" "$bin/fundament" dedupe "$work/a.csv" --link "$work/b.csv" --out "$work/ab-pairs.csv"
"$bin/bench-quality" pairs --pairs "$work/ab-pairs.csv" --links "$work/ab.csv"

echo "== PII (synth texts, 2,000 documents)"
"$bin/synth" pii --docs 2000 --seed 1 --out "$work/texts.jsonl" --truth "$work/gold.jsonl"
measure "pii detect" sh -c "'$bin/fundament' pii detect < '$work/texts.jsonl' > '$work/found.jsonl'"
"$bin/bench-quality" pii --predicted "$work/found.jsonl" --gold "$work/gold.jsonl"

echo "== Scale: $big entities of the Russian generator"
"$bin/synth" contacts --entities "$big" --seed 11 --out "$work/big.csv" --truth "$work/big-truth.csv"
wc -l "$work/big.csv"
measure "big standardize" "$bin/fundament" standardize "$work/big.csv" --out "$work/big-std.csv"
measure "big dedupe" "$bin/fundament" dedupe "$work/big.csv" --out "$work/big-clusters.csv"
"$bin/bench-quality" clusters --clusters "$work/big-clusters.csv" --entities "$work/big-truth.csv"
