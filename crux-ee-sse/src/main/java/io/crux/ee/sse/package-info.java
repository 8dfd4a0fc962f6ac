/**
 * Jakarta REST resources of crux-ee. Adding the {@code crux-ee-sse} jar to a WAR that has a
 * Jakarta REST application publishes them below the application path: {@code flows/runs}.
 */
package io.crux.ee.sse;
