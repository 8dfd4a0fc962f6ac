/**
 * The crux-ee runtime. Not API: plain Java with no CDI or JPA imports, so that it runs in plain
 * JUnit with an in-memory store, an injected clock and injected executors. Applications use
 * {@code io.crux.ee.api}; integrators use {@code io.crux.ee.spi}.
 */
package io.crux.ee.engine;
