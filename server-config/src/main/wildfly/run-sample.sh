#!/usr/bin/env bash
# Runs the sample in the foreground on the WildFly that the sample-war profile `wildfly` prepared:
#   mvn -q -pl sample-war -am -Dcrux.server=wildfly -DskipTests package
#   server-config/src/main/wildfly/run-sample.sh [standalone.sh arguments, e.g. -Djboss.socket.binding.port-offset=100]
# It deploys sample-war/target/crux-sample.war and starts standalone.sh -c standalone-microprofile.xml
# with CRUX_DB (h2 unless set) and MicroProfile Telemetry on, exporting nowhere unless OTEL_* say otherwise.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
JBOSS_HOME="${JBOSS_HOME:-$ROOT/sample-war/target/wildfly/wildfly-39.0.1.Final}"
[[ -x "$JBOSS_HOME/bin/standalone.sh" ]] || { echo "no WildFly at $JBOSS_HOME: run the mvn package above first" >&2; exit 1; }
cp "$ROOT/sample-war/target/crux-sample.war" "$JBOSS_HOME/standalone/deployments/"
export CRUX_DB="${CRUX_DB:-h2}"
export OTEL_SDK_DISABLED="${OTEL_SDK_DISABLED:-false}" OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-none}"
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}" OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
exec "$JBOSS_HOME/bin/standalone.sh" -c standalone-microprofile.xml "$@"
