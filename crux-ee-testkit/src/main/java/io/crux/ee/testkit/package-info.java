/**
 * The test kit: runs a flow or a block in plain JUnit (or TestNG, or any framework) with crux-ee's
 * own engine, in-memory stores, the services it is given (scripted models) and no server. Start with
 * {@link io.crux.ee.testkit.CruxTest#testFlow(Object)} or
 * {@link io.crux.ee.testkit.CruxTest#testBlock(io.crux.ee.api.Block)}.
 */
package io.crux.ee.testkit;
