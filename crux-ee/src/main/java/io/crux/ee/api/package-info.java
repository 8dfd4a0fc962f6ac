/**
 * The API of crux-ee: what an application uses. Declare a flow with
 * {@link io.crux.ee.api.FlowDefinition} (a {@link io.crux.ee.api.FlowHandler} or
 * {@link io.crux.ee.api.Action} methods), write its body against {@link io.crux.ee.api.FlowScope}
 * or compose {@link io.crux.ee.api.Block}s, and start and steer runs through an injected
 * {@link io.crux.ee.api.FlowHandle}.
 *
 * <p>Conventions of the package: options and results are immutable records, safe to share between
 * threads, whose {@code withX} methods copy; each type says whether its instances are thread-safe;
 * failures are unchecked {@link io.crux.ee.api.exception.CruxException}s.
 */
package io.crux.ee.api;
