package io.crux.ee.bench.http;

/**
 * Input of {@code bench-sse/burst}.
 *
 * @param events how many status items to emit
 * @param perStep how many items each step emits; they are stored in one transaction at the step's end
 */
public record Burst(int events, int perStep) {}
