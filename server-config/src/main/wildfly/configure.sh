#!/usr/bin/env bash
# Configures a WildFly installation for crux-ee (standalone-microprofile.xml):
#   server-config/src/main/wildfly/configure.sh <JBOSS_HOME> <postgresql driver jar>
# installs the PostgreSQL driver as the module org.postgresql, adds the users of the sample and
# the tests to the ApplicationRealm, and applies crux.cli offline (no server needs to run).
# Running it again on a configured installation does nothing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JBOSS_HOME="$(cd "$1" && pwd)"
PG_JAR="$2"
CONFIG="$JBOSS_HOME/standalone/configuration"

if grep -q 'java:jboss/datasources/crux-h2' "$CONFIG/standalone-microprofile.xml"; then
    echo "[crux] $JBOSS_HOME is configured already"
    exit 0
fi

# The PostgreSQL JDBC driver as a module (the H2 module ships with WildFly).
MODULE="$JBOSS_HOME/modules/org/postgresql/main"
mkdir -p "$MODULE"
cp "$PG_JAR" "$MODULE/"
cat > "$MODULE/module.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<module xmlns="urn:jboss:module:1.9" name="org.postgresql">
    <resources>
        <resource-root path="$(basename "$PG_JAR")"/>
    </resources>
    <dependencies>
        <module name="java.se"/>
        <module name="jakarta.transaction.api"/>
    </dependencies>
</module>
XML

# Users of the sample and the tests in the ApplicationRealm (HEX(MD5(user:realm:password)), the
# format add-user.sh writes); manager has the role crux-operator (crux.http.operator-role).
user() { printf '%s=%s\n' "$1" "$(printf '%s:ApplicationRealm:%s' "$1" "$2" | md5sum | cut -d' ' -f1)"; }
{
    user alice alice-password
    user bob bob-password
    user manager manager-password
} >> "$CONFIG/application-users.properties"
echo "manager=crux-operator" >> "$CONFIG/application-roles.properties"

"$JBOSS_HOME/bin/jboss-cli.sh" --file="$HERE/crux.cli"
echo "[crux] configured $JBOSS_HOME"
