#!/usr/bin/env bash
# HTTP API benchmarks on PostgreSQL (see BENCHMARKS.md at the repository root):
#   1. hot key: GET /api/bench/hotkey?clients=C (C = 1, 8, 32): crux-ee's SessionStore.changeState (inc) on one key
#      against a bare "UPDATE BENCH_COUNTER SET N = N + 1" with autocommit, inside the server, lost updates counted,
#      with diagnostic variants (hand-written JDBC read-modify-write with and without JTA, the increment as one
#      SQL statement, whole bench-state/inc runs);
#   2. SSE: SseBenchmarkClient (src/test/java, run from target/test-classes) against the same server: a crux-ee
#      request stream of a burst of status items against a raw SseEventSink loop of the same payloads, and against
#      a raw loop that writes the event stream the way crux-ee does (raw-stream), 1 stream and 100 concurrent streams;
#   3. parts: GET /api/bench/sse-parts (server-side costs of a stream: the burst run alone, SessionStore.append
#      against bare JDBC with and without batching, envelope encoding, readEvents) and GET /api/bench/stale-read.
#
# Builds benchmarks/http/target/crux-bench-http.war, uses the Open Liberty of benchmarks/target/wlp if it is
# there (run-server-benchmark.sh unpacks it), otherwise unpacks its own copy into benchmarks/http/target/wlp,
# (re)creates the Liberty server 'cruxBenchHttp' from server-config/src/main/liberty/config with
# CRUX_DB=postgresql, HTTP port 9093 and HTTPS port 9456, deploys the WAR to apps/ with
# <classloader apiTypeVisibility="+third-party"/>, runs both benchmarks, writes their JSON to
# benchmarks/http/target/results/, prints the tables and stops the server. It touches no other Liberty
# server and no other port.
#
# Settings (environment variables, all optional):
#   HOTKEY_CLIENTS="1 8 32"      client counts of the hot-key benchmark
#   HOTKEY_TOTAL_OPS=2000        increments per round and variant (split over the clients)
#   HOTKEY_ROUNDS=5 HOTKEY_WARMUP=400
#   HOTKEY_VARIANTS="crux,atomic,crux-rmw,jdbc-rmw,jta-rmw,sql-inc,flow"   (crux and atomic are required)
#   HOTKEY_FLOW_TOTAL=200        bench-state/inc runs per round of the flow variant (split over the clients)
#   SSE_CASES="1x2000/50,100x200/50,1x200/1,100x20/1"
#                                streams x items per stream / items per step
#   SSE_VARIANTS="crux,raw,raw-stream" SSE_ROUNDS=5 SSE_WARMUP=1 RAW_AWAIT=each|end
#                                (diagnostic variants too: raw-mirror, raw-stream1, crux-replay)
#   SSE_WARMUP_SECONDS=180       warm-up rounds go on until this long has passed (the JIT compiler needs minutes)
#   STREAM_TIMEOUT=90            seconds a round's streams may stay open before the client disconnects them
#   SSE_POLL_INTERVAL=           crux.sse.poll-interval for the server (crux-ee's default PT0.2S if empty)
#   RUN="hotkey sse parts"       which benchmarks to run
#   BUILD=true|false             build with Maven first
#   BUILD_DEPS=true|false        first install crux-ee and crux-ee-sse (jars only) from this checkout
#   MVN_ARGS="-o"                extra Maven arguments
#   WAR=/path/to/other.war       deploy this WAR instead (for experiments with a patched crux-ee)
#   WLP=/path/to/wlp             the Open Liberty installation to use
#   DB_HOST=127.0.0.1 DB_PORT=5432 DB_NAME=test DB_USER=postgres DB_PASSWORD= DB_SCHEMA=crux_bench_http
#   RESET_SCHEMA=true            drop and re-create DB_SCHEMA first (only if it starts with crux_bench_http)
#   HTTP_PORT=9093 HTTPS_PORT=9456 SERVER=cruxBenchHttp
#   JVM_OPTIONS="..."            extra JVM options for the server (jvm.options), e.g. a JFR recording
#   KEEP_SERVER=false            leave the server running at the end (stop it with: $WLP/bin/server stop cruxBenchHttp)
set -euo pipefail

HTTP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="$(cd "$HTTP_DIR/.." && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
CONFIG_DIR="$ROOT/server-config/src/main/liberty/config"
M2_REPO="${M2_REPO:-$HOME/.m2/repository}"

OL_VERSION="${OL_VERSION:-26.0.0.3}"
H2_VERSION="${H2_VERSION:-2.3.232}"
PG_DRIVER_VERSION="${PG_DRIVER_VERSION:-42.7.4}"

HOTKEY_CLIENTS="${HOTKEY_CLIENTS:-1 8 32}"
HOTKEY_TOTAL_OPS="${HOTKEY_TOTAL_OPS:-2000}"
HOTKEY_ROUNDS="${HOTKEY_ROUNDS:-5}"
HOTKEY_WARMUP="${HOTKEY_WARMUP:-400}"
HOTKEY_VARIANTS="${HOTKEY_VARIANTS:-crux,atomic,crux-rmw,jdbc-rmw,jta-rmw,sql-inc,flow}"
HOTKEY_FLOW_TOTAL="${HOTKEY_FLOW_TOTAL:-200}"
SSE_CASES="${SSE_CASES:-1x2000/50,100x200/50,1x200/1,100x20/1}"
SSE_VARIANTS="${SSE_VARIANTS:-crux,raw,raw-stream}"
STREAM_TIMEOUT="${STREAM_TIMEOUT:-90}"
SSE_ROUNDS="${SSE_ROUNDS:-5}"
SSE_WARMUP="${SSE_WARMUP:-1}"
SSE_WARMUP_SECONDS="${SSE_WARMUP_SECONDS:-180}"
RAW_AWAIT="${RAW_AWAIT:-each}"
SSE_POLL_INTERVAL="${SSE_POLL_INTERVAL:-}"
RUN="${RUN:-hotkey sse parts}"
BUILD="${BUILD:-true}"
BUILD_DEPS="${BUILD_DEPS:-true}"
MVN_ARGS="${MVN_ARGS:--o}"
WAR="${WAR:-}"
DB_HOST="${DB_HOST:-127.0.0.1}"
DB_PORT="${DB_PORT:-5432}"
DB_NAME="${DB_NAME:-test}"
DB_USER="${DB_USER:-postgres}"
DB_PASSWORD="${DB_PASSWORD:-}"
DB_SCHEMA="${DB_SCHEMA:-crux_bench_http}"
RESET_SCHEMA="${RESET_SCHEMA:-true}"
HTTP_PORT="${HTTP_PORT:-9093}"
HTTPS_PORT="${HTTPS_PORT:-9456}"
SERVER="${SERVER:-cruxBenchHttp}"
JVM_OPTIONS="${JVM_OPTIONS:-}"
KEEP_SERVER="${KEEP_SERVER:-false}"

RESULTS="$HTTP_DIR/target/results"
BASE_URL="http://127.0.0.1:$HTTP_PORT/crux-bench-http"

log() { printf '[run-http-benchmark] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$SERVER" in cruxServer|cruxBench) die "SERVER=$SERVER belongs to someone else" ;; esac
if (( HTTP_PORT >= 9080 && HTTP_PORT <= 9092 )) || (( HTTPS_PORT >= 9443 && HTTPS_PORT <= 9455 )); then
    die "ports 9080-9092 and 9443-9455 belong to other servers"
fi

# One run at a time: a second run would stop and re-create this run's server.
mkdir -p "$HTTP_DIR/target"
exec 9>"$HTTP_DIR/target/.run-http-benchmark.lock"
flock -n 9 || die "another run-http-benchmark.sh is running"

# Liberty must use its own defaults, not an environment meant for another server.
unset WLP_USER_DIR WLP_OUTPUT_DIR SERVER_NAME 2>/dev/null || true

# ---------------------------------------------------------------- 1. the WAR and the client
if [[ -z "$WAR" ]]; then
    if [[ "$BUILD" == "true" ]]; then
        if [[ "$BUILD_DEPS" == "true" ]]; then
            log "installing crux-ee and crux-ee-sse (mvn -B -q install -DskipTests -pl crux-ee,crux-ee-sse $MVN_ARGS)"
            (cd "$ROOT" && mvn -B -q install -DskipTests -pl crux-ee,crux-ee-sse $MVN_ARGS)
        fi
        log "building the WAR and the client (mvn -B -q -f benchmarks/http/pom.xml package -DskipTests $MVN_ARGS)"
        (cd "$ROOT" && mvn -B -q -f benchmarks/http/pom.xml package -DskipTests $MVN_ARGS)
    fi
    WAR="$HTTP_DIR/target/crux-bench-http.war"
fi
[[ -f "$WAR" ]] || die "no WAR at $WAR"
[[ -f "$HTTP_DIR/target/test-classes/io/crux/ee/bench/http/SseBenchmarkClient.class" ]] \
    || die "no SseBenchmarkClient in $HTTP_DIR/target/test-classes (build with BUILD=true)"
CRUX_JAR_SHA="$(unzip -p "$WAR" 'WEB-INF/lib/crux-ee-0*.jar' | sha256sum | cut -c1-16)"
SSE_JAR_SHA="$(unzip -p "$WAR" 'WEB-INF/lib/crux-ee-sse-*.jar' | sha256sum | cut -c1-16)"
log "WAR $WAR; crux-ee jar SHA-256 $CRUX_JAR_SHA..., crux-ee-sse jar SHA-256 $SSE_JAR_SHA..."

# ---------------------------------------------------------------- 2. Open Liberty
if [[ -z "${WLP:-}" ]]; then
    if [[ -x "$BENCH_DIR/target/wlp/bin/server" ]]; then
        WLP="$BENCH_DIR/target/wlp"
    else
        WLP="$HTTP_DIR/target/wlp"
    fi
fi
if [[ ! -x "$WLP/bin/server" ]]; then
    [[ "$WLP" == "$HTTP_DIR/target/wlp" ]] || die "no Open Liberty at $WLP"
    ZIP="$M2_REPO/io/openliberty/openliberty-runtime/$OL_VERSION/openliberty-runtime-$OL_VERSION.zip"
    [[ -f "$ZIP" ]] || die "Open Liberty $OL_VERSION is not in the local Maven repository ($ZIP);
  fetch it once with: mvn dependency:get -Dartifact=io.openliberty:openliberty-runtime:$OL_VERSION:zip"
    log "unpacking $ZIP into $HTTP_DIR/target"
    unzip -q -o "$ZIP" -d "$HTTP_DIR/target"
fi
SERVER_DIR="$WLP/usr/servers/$SERVER"
log "Open Liberty: $WLP"

# ---------------------------------------------------------------- 3. PostgreSQL
export PGPASSWORD="$DB_PASSWORD"
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" "$@"; }
if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
    if [[ "$DB_HOST" == "127.0.0.1" || "$DB_HOST" == "localhost" ]] && command -v pg_ctlcluster >/dev/null; then
        log "PostgreSQL is down; starting the local cluster"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
        sleep 2
    fi
    pg_isready -q -h "$DB_HOST" -p "$DB_PORT" || die "PostgreSQL at $DB_HOST:$DB_PORT is not reachable"
fi
if [[ "$RESET_SCHEMA" == "true" && "$DB_SCHEMA" == crux_bench_http* ]]; then
    log "dropping and re-creating schema $DB_SCHEMA"
    psql_ -c "drop schema if exists $DB_SCHEMA cascade" -c "create schema $DB_SCHEMA"
else
    psql_ -c "create schema if not exists $DB_SCHEMA"
fi
PG_SETTINGS="$(psql_ -Atc "select version()" | cut -d, -f1); fsync=$(psql_ -Atc 'show fsync'), synchronous_commit=$(psql_ -Atc 'show synchronous_commit')"

# ---------------------------------------------------------------- 4. the server
if [[ -d "$SERVER_DIR" ]] && "$WLP/bin/server" status "$SERVER" >/dev/null 2>&1; then
    log "stopping a running $SERVER first"
    "$WLP/bin/server" stop "$SERVER" >/dev/null
fi
for port in "$HTTP_PORT" "$HTTPS_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port is in use by another process"
    fi
done

log "creating server $SERVER in $SERVER_DIR"
rm -rf "$SERVER_DIR"
mkdir -p "$SERVER_DIR/lib/jdbc" "$SERVER_DIR/dropins" "$SERVER_DIR/apps"
cp "$CONFIG_DIR"/* "$SERVER_DIR/"
cat >> "$SERVER_DIR/bootstrap.properties" <<EOF

# cruxBenchHttp (benchmarks/http/run-http-benchmark.sh): its own ports, away from every other server.
http.port=$HTTP_PORT
https.port=$HTTPS_PORT
EOF
cat >> "$SERVER_DIR/server.env" <<EOF

# cruxBenchHttp (benchmarks/http/run-http-benchmark.sh)
CRUX_DB=postgresql
CRUX_DB_HOST=$DB_HOST
CRUX_DB_PORT=$DB_PORT
CRUX_DB_NAME=$DB_NAME
CRUX_DB_USER=$DB_USER
CRUX_DB_PASSWORD=$DB_PASSWORD
CRUX_DB_SCHEMA=$DB_SCHEMA
EOF
if [[ -n "$SSE_POLL_INTERVAL" ]]; then
    echo "CRUX_SSE_POLL_INTERVAL=$SSE_POLL_INTERVAL" >> "$SERVER_DIR/server.env"
fi
for option in $JVM_OPTIONS; do
    printf '%s\n' "$option" >> "$SERVER_DIR/jvm.options"
done
cp "$M2_REPO/com/h2database/h2/$H2_VERSION/h2-$H2_VERSION.jar" "$SERVER_DIR/lib/jdbc/"
cp "$M2_REPO/org/postgresql/postgresql/$PG_DRIVER_VERSION/postgresql-$PG_DRIVER_VERSION.jar" "$SERVER_DIR/lib/jdbc/"
cp "$WAR" "$SERVER_DIR/apps/crux-bench-http.war"
cat > "$SERVER_DIR/apps.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<server>
    <!-- cruxBenchHttp (run-http-benchmark.sh) replaces server-config's apps.xml: only the benchmark WAR,
         with the API visibility crux-ee needs for its OpenTelemetry spans. -->
    <webApplication id="crux-bench-http" location="crux-bench-http.war" contextRoot="/crux-bench-http">
        <classloader apiTypeVisibility="+third-party"/>
    </webApplication>
</server>
EOF

stop_server() {
    if [[ "$KEEP_SERVER" == "true" ]]; then
        log "leaving $SERVER running (stop it with: $WLP/bin/server stop $SERVER)"
        return
    fi
    log "stopping $SERVER"
    "$WLP/bin/server" stop "$SERVER" >/dev/null 2>&1 || true
}
trap stop_server EXIT

log "starting $SERVER (http://127.0.0.1:$HTTP_PORT)"
"$WLP/bin/server" start "$SERVER" >/dev/null 9>&-   # the server must not inherit the lock
MESSAGES="$SERVER_DIR/logs/messages.log"
for _ in $(seq 1 240); do
    if grep -q 'CWWKZ0001I.*crux-bench-http' "$MESSAGES" 2>/dev/null; then
        break
    fi
    if grep -qE 'CWWKZ0002E|CWWKZ0004E|CWWKZ0012I|CWWKF0002E' "$MESSAGES" 2>/dev/null; then
        grep -E ' E ' "$MESSAGES" >&2 || true
        die "the application failed to start (see $MESSAGES)"
    fi
    sleep 1
done
grep -q 'CWWKZ0001I.*crux-bench-http' "$MESSAGES" 2>/dev/null || die "the application did not start in 240 s (see $MESSAGES)"

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GB"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "open liberty: $OL_VERSION ($WLP)"
    echo "postgresql: $PG_SETTINGS"
    echo "crux-ee jar: $CRUX_JAR_SHA, crux-ee-sse jar: $SSE_JAR_SHA"
    echo "crux.sse.poll-interval: ${SSE_POLL_INTERVAL:-PT0.2S (default)}"
} > "$RESULTS/environment.txt"
cat "$RESULTS/environment.txt" >&2

# ---------------------------------------------------------------- 5. hot key
if [[ " $RUN " == *" hotkey "* ]]; then
    for clients in $HOTKEY_CLIENTS; do
        ops=$(( (HOTKEY_TOTAL_OPS + clients - 1) / clients ))
        flow_ops=$(( (HOTKEY_FLOW_TOTAL + clients - 1) / clients ))
        url="$BASE_URL/api/bench/hotkey?clients=$clients&ops=$ops&rounds=$HOTKEY_ROUNDS&warmup=$HOTKEY_WARMUP&variants=$HOTKEY_VARIANTS&flowOps=$flow_ops"
        log "GET $url"
        curl -sS --fail-with-body --max-time 3600 "$url" > "$RESULTS/hotkey-$clients.json" \
            || { cat "$RESULTS/hotkey-$clients.json" >&2; die "request failed: $url"; }
    done
fi

# ---------------------------------------------------------------- 6. SSE
if [[ " $RUN " == *" sse "* ]]; then
    log "SSE client: cases $SSE_CASES, variants $SSE_VARIANTS, $SSE_ROUNDS rounds after $SSE_WARMUP warm-up rounds and at least ${SSE_WARMUP_SECONDS} s"
    java -Xmx1g -cp "$HTTP_DIR/target/test-classes" io.crux.ee.bench.http.SseBenchmarkClient \
        --base "$BASE_URL" --user alice:alice-password --cases "$SSE_CASES" --variants "$SSE_VARIANTS" \
        --rounds "$SSE_ROUNDS" --warmup "$SSE_WARMUP" --warmup-seconds "$SSE_WARMUP_SECONDS" --raw-await "$RAW_AWAIT" --stream-timeout "$STREAM_TIMEOUT" \
        --json "$RESULTS/sse.json" > "$RESULTS/sse.md"
fi

# ---------------------------------------------------------------- 7. parts
if [[ " $RUN " == *" parts "* ]]; then
    for url in "$BASE_URL/api/bench/sse-parts?items=2000&perStep=50&repeat=${PARTS_REPEAT:-3}" "$BASE_URL/api/bench/stale-read"; do
        log "GET $url"
        name="$(basename "${url%%\?*}")"
        curl -sS --fail-with-body --max-time 3600 "$url" > "$RESULTS/$name.json" \
            || { cat "$RESULTS/$name.json" >&2; die "request failed: $url"; }
    done
fi
{
    echo "J2CA0045E (no pooled connection within 30 s): $(grep -c J2CA0045E "$MESSAGES" || true)"
    echo "CRUX0040I (runs recovered by this node's maintenance): $(grep -c CRUX0040I "$MESSAGES" || true)"
    echo "CRUX0050W (events that could not be stored): $(grep -c CRUX0050W "$MESSAGES" || true)"
} > "$RESULTS/server-log-counts.txt"

# ---------------------------------------------------------------- 8. the tables
echo
cat "$RESULTS/environment.txt"
if ls "$RESULTS"/hotkey-*.json >/dev/null 2>&1; then
    echo
    echo "Hot key: increments of one key, ops/s (aggregate of $HOTKEY_ROUNDS rounds), crux = SessionStore.changeState(Increment), atomic = UPDATE ... SET N = N + 1"
    echo
    if command -v python3 >/dev/null; then
        python3 - "$RESULTS" $HOTKEY_CLIENTS <<'EOF'
import json, sys
d = sys.argv[1]
rows = [(c, json.load(open(f"{d}/hotkey-{c}.json"))) for c in sys.argv[2:]]
print("| clients | crux ops/s | atomic ops/s | crux/atomic (target >= 0.8 at 8) | median round ratio | crux p50 / p99 ms | atomic p50 / p99 ms | lost updates | duplicate values |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for c, r in rows:
    cx, at = r["crux"], r["atomic"]
    print(f"| {c} | {cx['opsPerSecond']:.0f} | {at['opsPerSecond']:.0f} | {r['ratio']:.2f} | {r['medianRoundRatio']:.2f} | "
          f"{cx['p50Ms']:.2f} / {cx['p99Ms']:.2f} | {at['p50Ms']:.2f} / {at['p99Ms']:.2f} | {r['lostUpdates']} | {r['duplicateValues']} |")
variants = [v for v in ["crux", "atomic", "crux-rmw", "jdbc-rmw", "jta-rmw", "sql-inc", "flow"] if v in rows[0][1]]
print()
print("All variants: ops/s (ratio to atomic), Java CPU us per op")
print()
print("| clients | " + " | ".join(variants) + " |")
print("|---:|" + "---:|" * len(variants))
for c, r in rows:
    cells = []
    for v in variants:
        x = r[v]
        ratio = f" ({x['ratioToAtomic']:.2f})" if "ratioToAtomic" in x else ""
        cells.append(f"{x['opsPerSecond']:.0f}{ratio}, {x['cpuUsPerOp']:.0f} us")
    print(f"| {c} | " + " | ".join(cells) + " |")
p = rows[0][1]["parts"]
print()
print(f"One thread, no contention: empty UserTransaction {p['emptyUserTransactionUs']} us, JSON-B parse+encode of the "
      f"document {p['jsonbParseAndEncodeUs']} us, SessionStore.readState {p['storeReadStateUs']} us")
EOF
    else
        cat "$RESULTS"/hotkey-*.json
    fi
fi
if [[ -f "$RESULTS/sse.md" ]]; then
    echo
    echo "SSE: item.done events per second received by the client (first to last item), latency = receive time - envelope ts"
    cat "$RESULTS/sse.md"
fi
if [[ -f "$RESULTS/sse-parts.json" ]]; then
    echo
    echo "Server-side parts of a stream (one thread, no client; µs):"
    cat "$RESULTS/sse-parts.json"; echo
    echo "Stale-read check (same managed task reads a document before and after another thread's commit):"
    cat "$RESULTS/stale-read.json"; echo
fi
echo
cat "$RESULTS/server-log-counts.txt"
echo
log "JSON results in $RESULTS"
