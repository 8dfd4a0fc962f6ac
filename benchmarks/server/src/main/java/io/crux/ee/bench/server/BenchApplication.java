package io.crux.ee.bench.server;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves {@link DurableStepBenchmark} under the WAR's context root. */
@ApplicationPath("/")
public class BenchApplication extends Application {}
