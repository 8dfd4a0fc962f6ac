/**
 * The lifecycle of runs as CDI events: {@link io.crux.ee.api.event.RunStarted}, {@link
 * io.crux.ee.api.event.RunSuspended}, {@link io.crux.ee.api.event.RunResumed}, {@link
 * io.crux.ee.api.event.RunCompleted}, {@link io.crux.ee.api.event.RunFailed}, {@link
 * io.crux.ee.api.event.RunCancelled}, {@link io.crux.ee.api.event.RunExpired} and {@link
 * io.crux.ee.api.event.StepFailed}, all {@link io.crux.ee.api.event.FlowLifecycleEvent}s, qualified
 * with {@link io.crux.ee.api.event.FlowEvent} by the flow's name.
 *
 * <pre>{@code
 * void onDone(@Observes @FlowEvent("expense-approval") RunCompleted e) { ... } // one flow
 * void onAnyFailure(@Observes RunFailed e) { ... }                          // every flow
 * void later(@ObservesAsync RunCompleted e) { ... }                         // on the managed executor
 * }</pre>
 *
 * <p>The engine fires an event once per transition, on the server that made it, after the
 * transaction that stored the transition committed (never for one that rolled back). An observer's
 * failure is logged (CRUX0200W, CRUX0201W) and never changes the run. The events are immutable
 * records, safe to share between threads.
 */
package io.crux.ee.api.event;
