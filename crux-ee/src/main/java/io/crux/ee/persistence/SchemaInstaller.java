package io.crux.ee.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import javax.sql.DataSource;

import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.catalog.Messages;

/**
 * Creates crux-ee's tables from the shipped, idempotent DDL ({@code META-INF/crux/ddl/<database>.sql}),
 * one statement per transaction, so that an existing table never aborts the rest (PostgreSQL
 * aborts a whole transaction on the first error, which defeats JPA providers' own generation).
 */
public final class SchemaInstaller {

    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class.getName());

    private SchemaInstaller() {}

    /**
     * @param dataSource the datasource of the {@code crux} persistence unit
     */
    public static void install(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            String script = scriptFor(product);
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                for (String statement : statements(read(script))) {
                    s.execute(statement);
                }
            }
            LOG.fine(() -> "crux-ee schema checked with " + script);
        } catch (SQLException | IOException e) {
            throw new CruxPersistenceException(
                    Messages.persistenceFailed("create the crux-ee tables", null, e), null, e);
        }
    }

    static String scriptFor(String databaseProduct) {
        String p = databaseProduct.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return "META-INF/crux/ddl/postgresql.sql";
        }
        if (p.contains("h2")) {
            return "META-INF/crux/ddl/h2.sql";
        }
        throw new CruxPersistenceException(Messages.unsupportedDatabase(databaseProduct), null, null);
    }

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        return statements;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = SchemaInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
