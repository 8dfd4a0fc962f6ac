/**
 * The JPA implementations of {@link io.crux.ee.spi.FlowStore} and {@link io.crux.ee.spi.SessionStore}
 * (JTA transactions, optimistic locking, one transaction per step) and the DDL installer. Not API:
 * an application replaces a store through the SPI, not by extending these classes.
 *
 * <p>The JSON columns ({@code TEXT} on PostgreSQL, {@code CHARACTER LARGE OBJECT} on H2) are plain
 * {@code String} attributes, not {@code @Lob}: Hibernate reads a {@code @Lob String} on PostgreSQL as
 * a large object, by the OID it expects in the column, which fails on text. Both providers bind and
 * read a plain {@code String} with {@code setString}/{@code getString}, which both databases accept
 * for these columns. No provider generates the schema (see {@code META-INF/crux/ddl}).
 */
package io.crux.ee.persistence;
