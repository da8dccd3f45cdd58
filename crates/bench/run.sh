#!/usr/bin/env bash
# Reproduces the figures in BENCHMARKS.md on this machine:
#   crates/bench/run.sh [ROWS]
# Needs PostgreSQL on 127.0.0.1:5432 (as .ci/run sets up) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/fundament-target}"
pg_admin="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
work="$(mktemp -d /var/tmp/fundament-bench.XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; psql "$pg_admin" -qc "DROP DATABASE IF EXISTS fundament_bench WITH (FORCE)" -c "DROP DATABASE IF EXISTS fundament_bench_small WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

cargo build --release -q -p cli -p bench
bin="$CARGO_TARGET_DIR/release"

echo "== generating $rows contacts"
"$bin/bench-data" --rows "$rows" --out "$work/contacts.csv"
"$bin/bench-data" --rows $((rows / 10)) --out "$work/contacts-small.csv"
ls -l "$work"/*.csv

measure() { # label, then the command
  local label="$1"; shift
  /usr/bin/time -f "$label: %e s wall, %M KiB peak RSS" "$@" > "$work/out.txt" 2> "$work/time.txt" || { cat "$work/out.txt" "$work/time.txt"; exit 1; }
  grep -v '^$' "$work/out.txt" | head -n 2
  tail -n 1 "$work/time.txt"
}

echo "== import into SQLite"
measure "sqlite $((rows / 10)) rows" "$bin/fundament" import --data-dir "$work/small" --preset bitrix24-contacts "$work/contacts-small.csv"
measure "sqlite $rows rows" "$bin/fundament" import --data-dir "$work/sqlite" --preset bitrix24-contacts "$work/contacts.csv"
measure "sqlite $rows rows again (all updates)" "$bin/fundament" import --data-dir "$work/sqlite" --preset bitrix24-contacts "$work/contacts.csv"

echo "== HTTP API on SQLite ($rows contacts)"
key=$("$bin/fundament" keys create --data-dir "$work/sqlite" --role analyst --name bench 2>/dev/null | tail -n 1)
"$bin/fundament" serve --data-dir "$work/sqlite" --listen 127.0.0.1:18080 > "$work/serve.log" 2>&1 &
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
# 5,000 random ids to read; export stops with an error once `head` has enough.
{ "$bin/fundament" export --data-dir "$work/sqlite" --entity contacts 2>/dev/null || true; } | head -n 5000 \
  | grep -o '"id":"[0-9a-f-]*"' | sed 's/"id":"\(.*\)"/\/api\/v1\/contacts\/\1/' | shuf --random-source=<(yes) > "$work/by-id.txt"
printf '%s\n' '/api/v1/contacts?city=%D0%9A%D0%B0%D0%B7%D0%B0%D0%BD%D1%8C&limit=50' '/api/v1/contacts?source=%D0%A1%D0%B0%D0%B9%D1%82&limit=50&sort=-created_at' > "$work/lists.txt"
echo "GET by id, 2000 rps:"; "$bin/bench-http" --base http://127.0.0.1:18080 --key "$key" --paths "$work/by-id.txt" --rate 2000 --seconds 20
echo "GET by id, 5000 rps:"; "$bin/bench-http" --base http://127.0.0.1:18080 --key "$key" --paths "$work/by-id.txt" --rate 5000 --seconds 10
echo "filtered list (limit 50), 500 rps:"; "$bin/bench-http" --base http://127.0.0.1:18080 --key "$key" --paths "$work/lists.txt" --rate 500 --seconds 10 --warmup 500
kill %1 2>/dev/null || true

echo "== import into PostgreSQL"
psql "$pg_admin" -qc "DROP DATABASE IF EXISTS fundament_bench WITH (FORCE)" >/dev/null
psql "$pg_admin" -qc "CREATE DATABASE fundament_bench" >/dev/null
psql "$pg_admin" -qc "DROP DATABASE IF EXISTS fundament_bench_small WITH (FORCE)" >/dev/null
psql "$pg_admin" -qc "CREATE DATABASE fundament_bench_small" >/dev/null
pg_url="${pg_admin%/*}/fundament_bench"
measure "postgres $((rows / 10)) rows" "$bin/fundament" import --db "${pg_admin%/*}/fundament_bench_small" --data-dir "$work/pg-small" --preset bitrix24-contacts "$work/contacts-small.csv"
measure "postgres $rows rows" timeout "${PG_TIMEOUT:-900}" "$bin/fundament" import --db "$pg_url" --data-dir "$work/pg" --preset bitrix24-contacts "$work/contacts.csv"

