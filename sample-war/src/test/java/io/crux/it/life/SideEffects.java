package io.crux.it.life;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

/** Records each step's side effect in the database (autocommit), so a test can count real executions across restarts. */
@ApplicationScoped
public class SideEffects {

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    @PostConstruct
    void createTable() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(
                    "create table if not exists IT_SIDE_EFFECT (RUN_ID varchar(128) not null, STEP varchar(80) not null)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return how often the step ran for the run, this time included
     */
    public int record(String runId, String step) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert =
                    c.prepareStatement("insert into IT_SIDE_EFFECT (RUN_ID, STEP) values (?, ?)")) {
                insert.setString(1, runId);
                insert.setString(2, step);
                insert.executeUpdate();
            }
            return counts(c, runId).getOrDefault(step, 0);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return executions per step of the run */
    public Map<String, Integer> counts(String runId) {
        try (Connection c = dataSource.getConnection()) {
            return counts(c, runId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Integer> counts(Connection c, String runId) throws SQLException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (PreparedStatement q = c.prepareStatement(
                "select STEP, count(*) from IT_SIDE_EFFECT where RUN_ID = ? group by STEP order by STEP")) {
            q.setString(1, runId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }
}
