/**
 * The CDI portable extension that discovers {@code @FlowDefinition} beans, and the runtime that
 * builds the engine from the container's managed executors, stores, Bean Validation, OpenTelemetry
 * and MicroProfile Config. Not API: applications inject {@code FlowHandle}; the HTTP API injects
 * {@code io.crux.ee.service.FlowService}.
 */
package io.crux.ee.cdi;
