package io.crux.ee.bench.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * Publishes crux-ee's HTTP API ({@code /api/flows/...}, from crux-ee-sse in WEB-INF/lib) and the
 * benchmark resources ({@code /api/bench/...}) under {@code /api}.
 */
@ApplicationPath("api")
public class BenchHttpApplication extends Application {}
