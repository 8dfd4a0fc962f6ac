/**
 * Jakarta REST resources of crux-ee. Adding the {@code crux-ee-sse} jar to a WAR that has a
 * Jakarta REST application publishes them below the application path: {@code flows} (see {@link io.crux.ee.sse.FlowsResource} and {@link io.crux.ee.sse.RunsResource}).
 */
package io.crux.ee.sse;
