package io.crux.it.fault;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Ends every PostgreSQL session of this server's pool, called by a Byteman rule at a named point
 * ({@link HaltPoints#END_CONNECTIONS}): the connections stay in the pool, dead, as after a
 * database failover, and the next statement on any of them fails.
 */
public final class Connections {

    private Connections() {}

    /** Ends the other sessions, then its own. */
    public static void endAll() {
        try {
            DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/DefaultDataSource");
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("select pg_terminate_backend(pid) from pg_stat_activity where backend_type = 'client backend'"
                        + " and pid <> pg_backend_pid()");
                try {
                    s.execute("select pg_terminate_backend(pg_backend_pid())");
                } catch (SQLException expected) {
                    // this session ended too
                }
            }
        } catch (NamingException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
