#!/usr/bin/env bash
# Section 7's concurrent benchmark on DBOS Transact Java (see BENCHMARKS.md at the repository root).
#
# Builds benchmarks/dbos (with benchmarks/server, whose AlternatingPhases it measures with, so that DBOS
# and crux-ee are measured alike) and runs io.crux.ee.bench.dbos.DbosConcurrentBenchmark in a plain JVM
# against PostgreSQL: for each client count one JSON report, in the same form as
# GET /crux-bench/bench/concurrent's. It starts no server and touches only DB_SCHEMA.
#
# Settings (environment variables, all optional; the same names as run-server-benchmark.sh's):
#   CONCURRENT=1,8,32                 client counts, one report each (after one throw-away call at 8 clients)
#   FLOWS=64 CROUNDS=20 CWARMUP=20    flows per phase (at least 4 per client), measured and warm-up rounds
#   STEPS=10                          steps per workflow
#   DB_HOST=127.0.0.1 DB_PORT=5432 DB_NAME=test DB_USER=postgres DB_PASSWORD=
#   DB_SCHEMA=dbos_bench              dropped and made again first if it is dbos_bench; any other is only made if missing
#   DB_MAX_POOL_SIZE=50               the HikariCP pool's size (DBOS's checkpoints and the bare inserts share it)
#   BUILD=true|false MVN_ARGS="-o"    build with Maven first (crux-ee must be installed in the local repository)
#   JAVA_OPTS="..."                   extra JVM options
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DBOS_DIR="$BENCH_DIR/dbos"

if [[ "${BUILD:-true}" == "true" ]]; then
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} -f "$BENCH_DIR/pom.xml" -pl server,dbos package -DskipTests
fi
JAR="$(ls "$DBOS_DIR"/target/benchmarks-dbos-*.jar 2>/dev/null | head -1 || true)"
if [[ -z "$JAR" || ! -d "$DBOS_DIR/target/lib" ]]; then
  echo "benchmarks/dbos is not built: run with BUILD=true" >&2
  exit 1
fi

# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} \
  -Dclients="${CONCURRENT:-1,8,32}" \
  -Dflows="${FLOWS:-64}" -Dsteps="${STEPS:-10}" -Drounds="${CROUNDS:-20}" -Dwarmup="${CWARMUP:-20}" \
  -Durl="jdbc:postgresql://${DB_HOST:-127.0.0.1}:${DB_PORT:-5432}/${DB_NAME:-test}" \
  -Duser="${DB_USER:-postgres}" -Dpassword="${DB_PASSWORD:-}" -Dschema="${DB_SCHEMA:-dbos_bench}" \
  -DpoolSize="${DB_MAX_POOL_SIZE:-50}" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$JAR:$DBOS_DIR/target/lib/*" io.crux.ee.bench.dbos.DbosConcurrentBenchmark
