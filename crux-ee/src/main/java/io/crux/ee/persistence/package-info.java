/**
 * The JPA implementations of {@link io.crux.ee.spi.FlowStore} and {@link io.crux.ee.spi.SessionStore}
 * (JTA transactions, optimistic locking, one transaction per step) and the DDL installer. Not API:
 * an application replaces a store through the SPI, not by extending these classes.
 */
package io.crux.ee.persistence;
