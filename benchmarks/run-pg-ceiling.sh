#!/usr/bin/env bash
# What PostgreSQL alone allows for section 7 of BENCHMARKS.md: pgbench runs, against crux-ee's shipped
# DDL, the statements a 10-step run of section 7 sends (as pg_stat_statements counted them: the run
# row's insert with the database clock, ten fenced checkpoint inserts each one autocommitted statement, the
# run's read and end update), beside ten bare insert + commit transactions of the same payload, with
# the same number of clients. No application server, no JTA, no JVM: the ratio of the two is the ceiling
# of section 7's "durable steps/s over bare inserts/s" with crux-ee's schema and statements.
#
# GROUP=k also runs the checkpoints of k runs in one transaction (clients/k clients, each holding k runs):
# what PostgreSQL would do for a server that combines concurrent checkpoints into one commit. With
# GROUP_AS=statement the k checkpoints are one autocommitted statement instead (a multi-row fenced insert
# that locks the k runs' rows in id order), as the lanes prototype of BENCHMARKS.md section 7 sent them.
#
# Settings (environment variables, all optional):
#   CLIENTS=8 SECONDS_EACH=20 PAIRS=2 GROUP=   pgbench clients, seconds per run, A B B A pairs, group size
#   GROUP_AS=transaction|statement             how a group's checkpoints go together (see above)
#   DB_HOST=127.0.0.1 DB_PORT=5432 DB_NAME=test DB_USER=postgres SCHEMA=crux_pgbench (dropped and re-created)
set -euo pipefail
shopt -s inherit_errexit # a failed pgbench inside $(…) ends the script

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DDL="$ROOT/crux-ee/src/main/resources/META-INF/crux/ddl/postgresql.sql"
CLIENTS="${CLIENTS:-8}"
SECONDS_EACH="${SECONDS_EACH:-20}"
PAIRS="${PAIRS:-2}"
GROUP="${GROUP:-}"
GROUP_AS="${GROUP_AS:-transaction}"
DB_HOST="${DB_HOST:-127.0.0.1}"
DB_PORT="${DB_PORT:-5432}"
DB_NAME="${DB_NAME:-test}"
DB_USER="${DB_USER:-postgres}"
SCHEMA="${SCHEMA:-crux_pgbench}"

command -v pgbench >/dev/null || { echo "pgbench is missing (Debian: apt-get install postgresql-client)" >&2; exit 1; }
psql_() { PGOPTIONS="-c client_min_messages=warning" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" -v ON_ERROR_STOP=1 -q "$@"; }

psql_ -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" \
  -c "SET search_path = $SCHEMA" -f "$DDL" \
  -c "CREATE TABLE $SCHEMA.BENCH_BARE_INSERT (ID VARCHAR(140) NOT NULL PRIMARY KEY, PAYLOAD TEXT)" >/dev/null

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# a 200-byte JSON payload, about the size of benchmark 2's BenchPayload
PAY='{"id":"0123456789","name":"bench payload","tags":["a","b","c"],"text":"'"$(printf 'x%.0s' $(seq 1 120))"'","n":42}'
RUN="'r' || :client_id || '-' || :r"

# the statements of one 10-step run, in the transactions the engine uses
run_script() { # $1: group size (runs per client, one step of each per checkpoint transaction)
  local k="$1" i j
  echo "\\set r random(1, 9000000000000000000)"
  echo "BEGIN;"
  echo "SELECT CURRENT_TIMESTAMP;"
  for ((j = 0; j < k; j++)); do
    echo "INSERT INTO $SCHEMA.CRUX_FLOW_RUN (ID, FLOW_NAME, ACTION_NAME, STATUS, EVENTS, OWNER, LEASE_UNTIL, CREATED_AT, UPDATED_AT, VERSION)" \
      "VALUES ($RUN || '-$j', 'bench-concurrent', 'run', 'RUNNING', false, 'node', LOCALTIMESTAMP + INTERVAL '30 seconds', LOCALTIMESTAMP, LOCALTIMESTAMP, 1);"
  done
  echo "COMMIT;"
  for i in 0 1 2 3 4 5 6 7 8 9; do
    if ((k > 1)) && [ "$GROUP_AS" = statement ]; then
      local ids="" rows=""
      for ((j = 0; j < k; j++)); do
        ids="$ids${ids:+, }$RUN || '-$j'"
        rows="$rows${rows:+, }($RUN || '-$j:$i', $RUN || '-$j', $i, 'step-$i', 'STEP', 'io.crux.ee.bench.server.BenchPayload', '$PAY', 1, false, LOCALTIMESTAMP, LOCALTIMESTAMP, NULL, 'node')"
      done
      echo "WITH HELD AS MATERIALIZED (SELECT ID, OWNER, STATUS FROM $SCHEMA.CRUX_FLOW_RUN WHERE ID IN ($ids) ORDER BY ID FOR UPDATE)" \
        "INSERT INTO $SCHEMA.CRUX_STEP (ID, FLOW_ID, POSITION, LABEL, KIND, OUTPUT_TYPE, OUTPUT_JSON, ATTEMPTS, FALLBACK, COMPLETED_AT, STARTED_AT, ATTEMPT_LOG, VERSION)" \
        "SELECT V.ID, V.FLOW_ID, V.POSITION, V.LABEL, V.KIND, V.OUTPUT_TYPE, V.OUTPUT_JSON, V.ATTEMPTS, V.FALLBACK, V.COMPLETED_AT, V.STARTED_AT, V.ATTEMPT_LOG, 1" \
        "FROM (VALUES $rows) AS V (ID, FLOW_ID, POSITION, LABEL, KIND, OUTPUT_TYPE, OUTPUT_JSON, ATTEMPTS, FALLBACK, COMPLETED_AT, STARTED_AT, ATTEMPT_LOG, OWNER)" \
        "JOIN HELD ON HELD.ID = V.FLOW_ID AND HELD.OWNER = V.OWNER AND HELD.STATUS = 'RUNNING' RETURNING ID;"
      continue
    fi
    # one run: each checkpoint is one autocommitted statement, as crux-ee sends it; k runs: one transaction
    ((k > 1)) && echo "BEGIN;"
    for ((j = 0; j < k; j++)); do
      echo "WITH HELD AS MATERIALIZED (SELECT OWNER, STATUS FROM $SCHEMA.CRUX_FLOW_RUN WHERE ID = $RUN || '-$j' FOR UPDATE)" \
        "INSERT INTO $SCHEMA.CRUX_STEP (ID, FLOW_ID, POSITION, LABEL, KIND, OUTPUT_TYPE, OUTPUT_JSON, ATTEMPTS, FALLBACK, COMPLETED_AT, STARTED_AT, ATTEMPT_LOG, VERSION)" \
        "SELECT $RUN || '-$j:$i', $RUN || '-$j', $i, 'step-$i', 'STEP', 'io.crux.ee.bench.server.BenchPayload', '$PAY', 1, false, LOCALTIMESTAMP, LOCALTIMESTAMP, NULL, 1" \
        "FROM HELD WHERE OWNER = 'node' AND STATUS = 'RUNNING';"
    done
    ((k > 1)) && echo "COMMIT;"
  done
  echo "BEGIN;"
  for ((j = 0; j < k; j++)); do
    echo "SELECT * FROM $SCHEMA.CRUX_FLOW_RUN WHERE ID = $RUN || '-$j';"
    echo "UPDATE $SCHEMA.CRUX_FLOW_RUN SET LEASE_UNTIL = NULL, OUTPUT_JSON = '$PAY', OUTPUT_TYPE = 'io.crux.ee.bench.server.BenchPayload'," \
      "OWNER = NULL, STATUS = 'COMPLETED', UPDATED_AT = LOCALTIMESTAMP, VERSION = 2 WHERE ID = $RUN || '-$j' AND VERSION = 1;"
  done
  echo "COMMIT;"
}
run_script 1 >"$WORK/run.sql"
{
  echo "\\set r random(1, 9000000000000000000)"
  for i in 0 1 2 3 4 5 6 7 8 9; do
    echo "BEGIN;"
    echo "INSERT INTO $SCHEMA.BENCH_BARE_INSERT (ID, PAYLOAD) VALUES ('b' || :client_id || '-' || :r || ':$i', '$PAY');"
    echo "COMMIT;"
  done
} >"$WORK/bare.sql"
if [ -n "$GROUP" ]; then
  run_script "$GROUP" >"$WORK/group.sql"
fi

# transactions per second of one script: each transaction of run.sql and bare.sql is 10 steps or inserts;
# a pgbench that fails, or a client that aborts (a failed statement), ends the script instead of printing a rate
tps() { # $1: script, $2: clients
  local out rate
  if ! out="$(pgbench -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -n -M prepared -c "$2" -j "$(( $2 < 2 ? 1 : 2 ))" \
    -T "$SECONDS_EACH" -f "$1" "$DB_NAME" 2>&1)" || grep -q "aborted" <<<"$out"; then
    echo "pgbench failed on $(basename "$1"):" >&2
    echo "$out" | tail -20 >&2
    exit 1
  fi
  rate="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")"
  [[ "$rate" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "no rate in pgbench's output for $(basename "$1"):" >&2; echo "$out" >&2; exit 1; }
  echo "$rate"
}
measure() { # $1: label; prints the label, the rate and the runs per transaction
  local rate
  case "$1" in
    bare) rate="$(tps "$WORK/bare.sql" "$CLIENTS")"; echo "bare $rate 1" ;;
    run) rate="$(tps "$WORK/run.sql" "$CLIENTS")"; echo "run $rate 1" ;;
    group) rate="$(tps "$WORK/group.sql" $(( CLIENTS / GROUP > 0 ? CLIENTS / GROUP : 1 )))"; echo "group-$GROUP_AS $rate $GROUP" ;;
  esac
}

echo "PostgreSQL $(psql_ -Atc 'SHOW server_version'), $CLIENTS clients, ${SECONDS_EACH}s a run, schema $SCHEMA"
order=()
for ((p = 0; p < PAIRS; p++)); do
  if ((p % 2 == 0)); then order+=(bare run); else order+=(run bare); fi
  [ -n "$GROUP" ] && order+=(group)
done
for label in "${order[@]}"; do
  result="$(measure "$label")" # exits here if pgbench failed
  read -r name rate k <<<"$result"
  # each transaction of a script is 10 inserts (bare) or 10 steps of k runs (run, group)
  printf '%-6s %10.1f steps or inserts/s\n' "$name" "$(echo "$rate * 10 * $k" | bc -l)"
done
