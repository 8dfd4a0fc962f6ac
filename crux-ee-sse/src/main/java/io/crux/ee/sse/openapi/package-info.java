/**
 * The OpenAPI document of the HTTP API: a MicroProfile OpenAPI filter, registered by this jar's
 * {@code META-INF/microprofile-config.properties}, that adds each flow kind's actions with their
 * input schemas to what the server scanned from the resources' annotations. Not API.
 */
package io.crux.ee.sse.openapi;
