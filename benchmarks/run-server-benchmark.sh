#!/usr/bin/env bash
# In-server durable-step benchmark on PostgreSQL (see BENCHMARKS.md at the repository root).
#
# Builds benchmarks/server/target/crux-bench.war, unpacks Open Liberty from the local Maven
# repository into benchmarks/target/wlp (once), (re)creates the Liberty server 'cruxBench' there
# from server-config/src/main/liberty/config with CRUX_DB=postgresql, HTTP port 9091 and HTTPS port
# 9444, deploys the WAR, calls GET /bench/durable (and /bench/parts), prints the JSON, and stops the
# server. It touches no other Liberty server and no other port.
#
# Deployment: by default the WAR goes to the server's apps/ directory with an apps.xml that gives it
# <classloader apiTypeVisibility="+third-party"/>, as server-config's apps.xml does for the sample:
# without it crux-ee cannot see the OpenTelemetry API and records no spans (CRUX0045W), which would
# leave the tracer's cost out. DEPLOY=dropins puts it in dropins/ instead (no spans then).
#
# APP_SERVER=wildfly runs the same on WildFly 39 instead (standalone-microprofile.xml, Hibernate): it
# unpacks org.wildfly:wildfly-dist from the local Maven repository into benchmarks/target/wildfly (once),
# configures it with server-config/src/main/wildfly/configure.sh, and starts a server with its own base
# directory benchmarks/target/wildfly-bench and the port offset PORT_OFFSET (default 100: HTTP 8180,
# management 10090), with CRUX_DB=postgresql; HTTP_PORT, HTTPS_PORT, SERVER and DEPLOY do not apply.
#
# APP_SERVER=payara runs the same WAR on Payara Micro instead (benchmarks/target/payara-<SERVER>, a
# java -jar payara-micro.jar process with server-config/src/main/payara's command files and the
# PostgreSQL driver from the local Maven repository, PAYARA_VERSION=6.2025.10) on HTTP_PORT; DEPLOY
# does not apply there (Payara shows the OpenTelemetry API to applications as it is).
#
# Settings (environment variables, all optional):
#   APP_SERVER=liberty|wildfly|payara PORT_OFFSET=100 WILDFLY_VERSION=39.0.1.Final PAYARA_VERSION=6.2025.10
#   STEPS=10 ROUNDS=1000 BATCH=10 WARMUP=1000 flow size, measured runs, runs per batch, warm-up runs
#   BARE=commit|autocommit                    bare insert with explicit commit (default) or autocommit
#   PARTS=true|false                          also call /bench/parts (the breakdown)
#   TELEMETRY=true|false                      crux.telemetry.enabled (false: no OpenTelemetry spans)
#   DEPLOY=apps|dropins                       how the WAR is deployed (see above)
#   WAR=/path/to/other.war                    deploy this WAR instead of building one (for experiments)
#   BUILD=true|false                          build the WAR with Maven first
#   MVN_ARGS="-o"                             extra Maven arguments
#   DB_HOST=127.0.0.1 DB_PORT=5432 DB_NAME=test DB_USER=postgres DB_PASSWORD= DB_SCHEMA=crux_bench
#   RESET_SCHEMA=true                         drop and re-create DB_SCHEMA first (only if it is crux_bench; any other
#                                             schema is only created if missing)
#   HTTP_PORT=9091 HTTPS_PORT=9444 SERVER=cruxBench
#   CONCURRENT=1,8,32                         run the concurrent benchmark (section 7) for these client counts
#                                             instead of /bench/durable and /bench/parts (empty: benchmark 2)
#   VIA="handle http"                         its callers: FlowHandle.run in the server, and/or the HTTP API with streams
#   FLOWS=64 CROUNDS=20 CWARMUP=20            flows per phase (split over the clients; at least 4 per client),
#                                             measured and warm-up rounds (a warm-up call per kind of caller first)
#   DB_MAX_POOL_SIZE=50                       the data source's maxPoolSize (CRUX_DB_MAX_POOL_SIZE)
#   EXECUTOR_CORE_THREADS=                    Liberty only: <executor coreThreads="..."/> (empty: Liberty's default,
#                                             which starts at 2 per CPU and grows by its own measure)
#   JVM_OPTIONS="..."                         extra JVM options for the server (jvm.options), e.g. a JFR recording
#   MAINTENANCE_INTERVAL=PT10S LEASE_DURATION=PT30S
#                                             crux.maintenance-interval / crux.lease-duration (crux-ee's defaults)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
CONFIG_DIR="$ROOT/server-config/src/main/liberty/config"
M2_REPO="${M2_REPO:-$HOME/.m2/repository}"

OL_VERSION="${OL_VERSION:-26.0.0.3}"
H2_VERSION="${H2_VERSION:-2.3.232}"
PG_DRIVER_VERSION="${PG_DRIVER_VERSION:-42.7.4}"

STEPS="${STEPS:-10}"
ROUNDS="${ROUNDS:-1000}"
BATCH="${BATCH:-10}"
WARMUP="${WARMUP:-1000}"
BARE="${BARE:-commit}"
PARTS="${PARTS:-true}"
TELEMETRY="${TELEMETRY:-true}"
BUILD="${BUILD:-true}"
WAR="${WAR:-}"
MVN_ARGS="${MVN_ARGS:-}"
DB_HOST="${DB_HOST:-127.0.0.1}"
DB_PORT="${DB_PORT:-5432}"
DB_NAME="${DB_NAME:-test}"
DB_USER="${DB_USER:-postgres}"
DB_PASSWORD="${DB_PASSWORD:-}"
DB_SCHEMA="${DB_SCHEMA:-crux_bench}"
RESET_SCHEMA="${RESET_SCHEMA:-true}"
HTTP_PORT="${HTTP_PORT:-9091}"
HTTPS_PORT="${HTTPS_PORT:-9444}"
SERVER="${SERVER:-cruxBench}"
JVM_OPTIONS="${JVM_OPTIONS:-}"
CONCURRENT="${CONCURRENT:-}"
VIA="${VIA:-handle http}"
FLOWS="${FLOWS:-64}"
CROUNDS="${CROUNDS:-20}"
CWARMUP="${CWARMUP:-20}"
DB_MAX_POOL_SIZE="${DB_MAX_POOL_SIZE:-50}"
EXECUTOR_CORE_THREADS="${EXECUTOR_CORE_THREADS:-}"
MAINTENANCE_INTERVAL="${MAINTENANCE_INTERVAL:-PT10S}"
LEASE_DURATION="${LEASE_DURATION:-PT30S}"
DEPLOY="${DEPLOY:-apps}"
APP_SERVER="${APP_SERVER:-liberty}"
PORT_OFFSET="${PORT_OFFSET:-100}"
WILDFLY_VERSION="${WILDFLY_VERSION:-39.0.1.Final}"
PAYARA_VERSION="${PAYARA_VERSION:-6.2025.10}"

WLP="$BENCH_DIR/target/wlp"
SERVER_DIR="$WLP/usr/servers/$SERVER"
BASE_URL="http://127.0.0.1:$HTTP_PORT/crux-bench/bench"
if [[ "$APP_SERVER" == "wildfly" ]]; then
    HTTP_PORT=$((8080 + PORT_OFFSET))
    BASE_URL="http://127.0.0.1:$HTTP_PORT/crux-bench/bench"
    WILDFLY_HOME="$BENCH_DIR/target/wildfly/wildfly-$WILDFLY_VERSION"
    WILDFLY_BASE="$BENCH_DIR/target/wildfly-bench"
elif [[ "$APP_SERVER" == "payara" ]]; then
    SERVER_DIR="$BENCH_DIR/target/payara-$SERVER"
    MICRO="$M2_REPO/fish/payara/extras/payara-micro/$PAYARA_VERSION/payara-micro-$PAYARA_VERSION.jar"
elif [[ "$APP_SERVER" != "liberty" ]]; then
    echo "APP_SERVER must be liberty, wildfly or payara" >&2
    exit 1
fi

log() { printf '[run-server-benchmark] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

case "$SERVER" in cruxServer|cruxBenchHttp) die "SERVER=$SERVER belongs to someone else" ;; esac
case " $HTTP_PORT $HTTPS_PORT " in *" 9080 "*|*" 9081 "*|*" 9443 "*) die "ports 9080, 9081 and 9443 belong to other servers" ;; esac

# One run at a time: a second run would stop and re-create this run's server.
mkdir -p "$BENCH_DIR/target"
exec 9>"$BENCH_DIR/target/.run-server-benchmark.lock"
flock -n 9 || die "another run-server-benchmark.sh is running"

# Liberty must use its own defaults, not an environment meant for another server.
unset WLP_USER_DIR WLP_OUTPUT_DIR SERVER_NAME 2>/dev/null || true

# ---------------------------------------------------------------- 1. the WAR
if [[ -z "$WAR" ]]; then
    if [[ "$BUILD" == "true" ]]; then
        log "building the WAR (mvn -q -f benchmarks/server/pom.xml package -DskipTests $MVN_ARGS)"
        (cd "$ROOT" && mvn -q -f benchmarks/server/pom.xml package -DskipTests $MVN_ARGS) >&2
    fi
    WAR="$BENCH_DIR/server/target/crux-bench.war"
fi
[[ -f "$WAR" ]] || die "no WAR at $WAR"
CRUX_JAR_SHA="$(unzip -p "$WAR" 'WEB-INF/lib/crux-ee-[0-9]*.jar' | sha256sum | cut -c1-16)"
log "WAR $WAR; its crux-ee jar has SHA-256 $CRUX_JAR_SHA..."

# ---------------------------------------------------------------- 2. Open Liberty (or WildFly, Payara)
if [[ "$APP_SERVER" == "payara" ]]; then
    [[ -f "$MICRO" ]] || die "Payara Micro $PAYARA_VERSION is not in the local Maven repository ($MICRO);
  fetch it once with: mvn dependency:get -Dartifact=fish.payara.extras:payara-micro:$PAYARA_VERSION"
    # a server left running by an interrupted run holds connections to the schema dropped below
    if [[ -f "$SERVER_DIR/pid" ]] && kill -0 "$(cat "$SERVER_DIR/pid")" 2>/dev/null; then
        log "stopping a running $SERVER first"
        kill "$(cat "$SERVER_DIR/pid")"
        while kill -0 "$(cat "$SERVER_DIR/pid")" 2>/dev/null; do sleep 1; done
    fi
elif [[ "$APP_SERVER" == "wildfly" ]]; then
    if [[ ! -x "$WILDFLY_HOME/bin/standalone.sh" ]]; then
        ZIP="$M2_REPO/org/wildfly/wildfly-dist/$WILDFLY_VERSION/wildfly-dist-$WILDFLY_VERSION.zip"
        [[ -f "$ZIP" ]] || die "WildFly $WILDFLY_VERSION is not in the local Maven repository ($ZIP);
  fetch it once with: mvn dependency:get -Dartifact=org.wildfly:wildfly-dist:$WILDFLY_VERSION:zip"
        log "unpacking $ZIP into $BENCH_DIR/target/wildfly"
        mkdir -p "$BENCH_DIR/target/wildfly"
        unzip -q -o "$ZIP" -d "$BENCH_DIR/target/wildfly"
    fi
    "$ROOT/server-config/src/main/wildfly/configure.sh" "$WILDFLY_HOME" \
        "$M2_REPO/org/postgresql/postgresql/$PG_DRIVER_VERSION/postgresql-$PG_DRIVER_VERSION.jar" >&2
    if [[ -f "$WILDFLY_BASE/server.pid" ]] && kill -0 "$(cat "$WILDFLY_BASE/server.pid")" 2>/dev/null; then
        log "stopping a running WildFly benchmark server first"
        kill "$(cat "$WILDFLY_BASE/server.pid")"
        while kill -0 "$(cat "$WILDFLY_BASE/server.pid")" 2>/dev/null; do sleep 1; done
    fi
elif [[ ! -x "$WLP/bin/server" ]]; then
    ZIP="$M2_REPO/io/openliberty/openliberty-runtime/$OL_VERSION/openliberty-runtime-$OL_VERSION.zip"
    [[ -f "$ZIP" ]] || die "Open Liberty $OL_VERSION is not in the local Maven repository ($ZIP);
  fetch it once with: mvn dependency:get -Dartifact=io.openliberty:openliberty-runtime:$OL_VERSION:zip"
    log "unpacking $ZIP into $BENCH_DIR/target"
    mkdir -p "$BENCH_DIR/target"
    unzip -q -o "$ZIP" -d "$BENCH_DIR/target"
fi

# a cruxBench left running by an interrupted run holds connections to the schema dropped below
if [[ "$APP_SERVER" == "liberty" && -d "$SERVER_DIR" ]] && "$WLP/bin/server" status "$SERVER" >/dev/null 2>&1; then
    log "stopping a running $SERVER first"
    "$WLP/bin/server" stop "$SERVER" >/dev/null
fi

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
if [[ "$RESET_SCHEMA" == "true" && "$DB_SCHEMA" == "crux_bench" ]]; then
    log "dropping and re-creating schema $DB_SCHEMA (fresh tables for every run)"
    psql_ -c "drop schema if exists $DB_SCHEMA cascade" -c "create schema $DB_SCHEMA"
else
    psql_ -c "create schema if not exists $DB_SCHEMA"
fi

# ---------------------------------------------------------------- 4. the server
if (exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT") 2>/dev/null; then
    die "port $HTTP_PORT is in use by another process"
fi

if [[ "$APP_SERVER" == "payara" ]]; then
    log "creating Payara Micro $SERVER in $SERVER_DIR"
    rm -rf "$SERVER_DIR"
    mkdir -p "$SERVER_DIR"
    cp "$WAR" "$SERVER_DIR/crux-bench.war"
    stop_payara() {
        log "stopping $SERVER"
        kill "$(cat "$SERVER_DIR/pid")" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$(cat "$SERVER_DIR/pid")" 2>/dev/null || break; sleep 1; done
    }
    trap stop_payara EXIT
    log "starting $SERVER (http://127.0.0.1:$HTTP_PORT)"
    # shellcheck disable=SC2086
    (cd "$SERVER_DIR" && exec env CRUX_DB=postgresql CRUX_DB_HOST="$DB_HOST" CRUX_DB_PORT="$DB_PORT" \
        CRUX_DB_NAME="$DB_NAME" CRUX_DB_USER="$DB_USER" CRUX_DB_PASSWORD="$DB_PASSWORD" CRUX_DB_SCHEMA="$DB_SCHEMA" CRUX_DB_MAX_POOL_SIZE="$DB_MAX_POOL_SIZE" \
        CRUX_PAYARA_CONFIG="$ROOT/server-config/src/main/payara" CRUX_TELEMETRY_ENABLED="$TELEMETRY" \
        CRUX_MAINTENANCE_INTERVAL="$MAINTENANCE_INTERVAL" CRUX_LEASE_DURATION="$LEASE_DURATION" \
        java $JVM_OPTIONS -jar "$MICRO" --nocluster --port "$HTTP_PORT" --rootdir "$SERVER_DIR/root" \
        --addlibs "$M2_REPO/org/postgresql/postgresql/$PG_DRIVER_VERSION/postgresql-$PG_DRIVER_VERSION.jar" \
        --prebootcommandfile "$ROOT/server-config/src/main/payara/pre-boot-commands.asadmin" \
        --postbootcommandfile "$ROOT/server-config/src/main/payara/post-boot-commands.asadmin" \
        --deploy "$SERVER_DIR/crux-bench.war" > "$SERVER_DIR/server.log" 2>&1) &
    echo $! > "$SERVER_DIR/pid"
    MESSAGES="$SERVER_DIR/server.log"
    for _ in $(seq 1 240); do
        if grep -q 'Payara Micro .* ready in' "$MESSAGES" 2>/dev/null; then
            break
        fi
        kill -0 "$(cat "$SERVER_DIR/pid")" 2>/dev/null || die "Payara Micro exited (see $MESSAGES)"
        sleep 1
    done
    grep -q 'Payara Micro .* ready in' "$MESSAGES" || die "Payara Micro did not start in 240 s (see $MESSAGES)"
    grep -q 'Deployed 1 archive' "$MESSAGES" || die "the application failed to deploy (see $MESSAGES)"
elif [[ "$APP_SERVER" == "wildfly" ]]; then
    log "creating the WildFly server in $WILDFLY_BASE"
    rm -rf "$WILDFLY_BASE"
    mkdir -p "$WILDFLY_BASE/deployments"
    cp -r "$WILDFLY_HOME/standalone/configuration" "$WILDFLY_BASE/"
    cp "$WAR" "$WILDFLY_BASE/deployments/crux-bench.war"
    stop_server() {
        log "stopping WildFly"
        if [[ -f "$WILDFLY_BASE/server.pid" ]]; then
            local pid
            pid="$(cat "$WILDFLY_BASE/server.pid")"
            kill "$pid" 2>/dev/null || true
            while kill -0 "$pid" 2>/dev/null; do sleep 1; done
        fi
    }
    trap stop_server EXIT
    log "starting WildFly (http://127.0.0.1:$HTTP_PORT, port offset $PORT_OFFSET)"
    JAVA_OPTS="-Xms512m -Xmx1g -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=512m -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true $JVM_OPTIONS" \
    JBOSS_PIDFILE="$WILDFLY_BASE/server.pid" LAUNCH_JBOSS_IN_BACKGROUND=true \
    CRUX_DB=postgresql CRUX_DB_HOST="$DB_HOST" CRUX_DB_PORT="$DB_PORT" CRUX_DB_NAME="$DB_NAME" \
    CRUX_DB_USER="$DB_USER" CRUX_DB_PASSWORD="${DB_PASSWORD:-postgres}" CRUX_DB_SCHEMA="$DB_SCHEMA" CRUX_DB_MAX_POOL_SIZE="$DB_MAX_POOL_SIZE" \
    CRUX_TELEMETRY_ENABLED="$TELEMETRY" CRUX_MAINTENANCE_INTERVAL="$MAINTENANCE_INTERVAL" \
    CRUX_LEASE_DURATION="$LEASE_DURATION" OTEL_SDK_DISABLED=false OTEL_TRACES_EXPORTER=none \
    OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none \
        nohup "$WILDFLY_HOME/bin/standalone.sh" -c standalone-microprofile.xml \
        -Djboss.server.base.dir="$WILDFLY_BASE" -Djboss.socket.binding.port-offset="$PORT_OFFSET" \
        > "$WILDFLY_BASE/console.out" 2>&1 &
    MESSAGES="$WILDFLY_BASE/log/server.log"
    for _ in $(seq 1 240); do
        if grep -q 'WFLYSRV0010: Deployed "crux-bench.war"' "$MESSAGES" 2>/dev/null; then
            break
        fi
        if grep -qE 'WFLYSRV0026|WFLYCTL0186|WFLYSRV0022' "$MESSAGES" 2>/dev/null; then
            grep -E ' ERROR ' "$MESSAGES" >&2 || true
            die "the application failed to start (see $MESSAGES)"
        fi
        sleep 1
    done
    grep -q 'WFLYSRV0010: Deployed "crux-bench.war"' "$MESSAGES" 2>/dev/null \
        || die "the application did not start in 240 s (see $MESSAGES)"
else
log "creating server $SERVER in $SERVER_DIR"
rm -rf "$SERVER_DIR"
mkdir -p "$SERVER_DIR/lib/jdbc" "$SERVER_DIR/dropins" "$SERVER_DIR/apps"
cp "$CONFIG_DIR"/* "$SERVER_DIR/"
cat >> "$SERVER_DIR/bootstrap.properties" <<EOF

# cruxBench (run-server-benchmark.sh): its own ports, away from cruxServer (9080) and the lifecycle server (9081).
http.port=$HTTP_PORT
https.port=$HTTPS_PORT
EOF
cat >> "$SERVER_DIR/server.env" <<EOF

# cruxBench (run-server-benchmark.sh)
CRUX_DB=postgresql
CRUX_DB_HOST=$DB_HOST
CRUX_DB_PORT=$DB_PORT
CRUX_DB_NAME=$DB_NAME
CRUX_DB_USER=$DB_USER
CRUX_DB_PASSWORD=$DB_PASSWORD
CRUX_DB_SCHEMA=$DB_SCHEMA
CRUX_DB_MAX_POOL_SIZE=$DB_MAX_POOL_SIZE
CRUX_TELEMETRY_ENABLED=$TELEMETRY
CRUX_MAINTENANCE_INTERVAL=$MAINTENANCE_INTERVAL
CRUX_LEASE_DURATION=$LEASE_DURATION
EOF
for option in $JVM_OPTIONS; do
    printf '%s\n' "$option" >> "$SERVER_DIR/jvm.options"
done
if [[ -n "$EXECUTOR_CORE_THREADS" ]]; then
    mkdir -p "$SERVER_DIR/configDropins/overrides"
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<server>\n    <executor coreThreads="%s"/>\n</server>\n' \
        "$EXECUTOR_CORE_THREADS" > "$SERVER_DIR/configDropins/overrides/executor.xml"
fi
cp "$M2_REPO/com/h2database/h2/$H2_VERSION/h2-$H2_VERSION.jar" "$SERVER_DIR/lib/jdbc/"
cp "$M2_REPO/org/postgresql/postgresql/$PG_DRIVER_VERSION/postgresql-$PG_DRIVER_VERSION.jar" "$SERVER_DIR/lib/jdbc/"
case "$DEPLOY" in
    apps)
        cp "$WAR" "$SERVER_DIR/apps/crux-bench.war"
        cat > "$SERVER_DIR/apps.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<server>
    <!-- cruxBench (run-server-benchmark.sh) replaces server-config's apps.xml: only the benchmark WAR,
         with the API visibility crux-ee needs for its OpenTelemetry spans. -->
    <webApplication id="crux-bench" location="crux-bench.war" contextRoot="/crux-bench">
        <classloader apiTypeVisibility="+third-party"/>
    </webApplication>
</server>
EOF
        ;;
    dropins)
        cp "$WAR" "$SERVER_DIR/dropins/crux-bench.war"
        printf '<?xml version="1.0" encoding="UTF-8"?>\n<server/>\n' > "$SERVER_DIR/apps.xml"
        ;;
    *) die "DEPLOY must be apps or dropins" ;;
esac

stop_server() {
    log "stopping $SERVER"
    "$WLP/bin/server" stop "$SERVER" >/dev/null 2>&1 || true
}
trap stop_server EXIT

log "starting $SERVER (http://127.0.0.1:$HTTP_PORT)"
"$WLP/bin/server" start "$SERVER" >/dev/null
MESSAGES="$SERVER_DIR/logs/messages.log"
for _ in $(seq 1 240); do
    if grep -q 'CWWKZ0001I.*crux-bench' "$MESSAGES" 2>/dev/null; then
        break
    fi
    if grep -qE 'CWWKZ0002E|CWWKZ0004E|CWWKZ0012I|CWWKF0002E' "$MESSAGES" 2>/dev/null; then
        grep -E ' E ' "$MESSAGES" >&2 || true
        die "the application failed to start (see $MESSAGES)"
    fi
    sleep 1
done
grep -q 'CWWKZ0001I.*crux-bench' "$MESSAGES" 2>/dev/null || die "the application did not start in 240 s (see $MESSAGES)"
fi
if grep -q 'CRUX0045W' "$MESSAGES"; then
    log "note: crux-ee records no OpenTelemetry spans in this deployment (CRUX0045W)"
fi

pretty() { if command -v python3 >/dev/null; then python3 -m json.tool; else cat; echo; fi; }
call() {
    local url="$1" out
    log "GET $url"
    out="$(curl -sS --fail-with-body --max-time 3600 "$url")" || { echo "$out" >&2; die "request failed: $url"; }
    printf '%s' "$out" | pretty
}

if [[ -n "$CONCURRENT" ]]; then
    # section 7: a warm-up call per kind of caller (8 clients, its output thrown away: the JIT compiler
    # works on these paths for minutes), then each client count and kind of caller in one server; a
    # phase has FLOWS flows, or 4 per client if that is more
    for via in $VIA; do
        log "warm-up ($via): not measured"
        call "$BASE_URL/concurrent?clients=8&via=$via&flows=$FLOWS&steps=$STEPS&rounds=1&warmup=$CWARMUP" >/dev/null
    done
    for clients in ${CONCURRENT//,/ }; do
        for via in $VIA; do
            flows=$(( FLOWS > 4 * clients ? FLOWS : 4 * clients ))
            call "$BASE_URL/concurrent?clients=$clients&via=$via&flows=$flows&steps=$STEPS&rounds=$CROUNDS&warmup=$CWARMUP"
        done
    done
else
    call "$BASE_URL/durable?steps=$STEPS&rounds=$ROUNDS&batch=$BATCH&warmup=$WARMUP&bare=$BARE"
    if [[ "$PARTS" == "true" ]]; then
        call "$BASE_URL/parts?steps=$STEPS"
    fi
fi
