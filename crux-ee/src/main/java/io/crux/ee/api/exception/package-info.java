/**
 * The exceptions of crux-ee: one unchecked, sealed root,
 * {@link io.crux.ee.api.exception.CruxException}, and its final subtypes, each carrying its context
 * as accessors and a stable message id.
 * Application code creates only the policy-terminal failures it may need to throw from a step or a
 * tool: {@link io.crux.ee.api.exception.ConstraintViolatedException},
 * {@link io.crux.ee.api.exception.GuardrailBlockedException} and
 * {@link io.crux.ee.api.exception.ValidationExhaustedException}.
 */
package io.crux.ee.api.exception;
