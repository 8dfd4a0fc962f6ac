/**
 * Service provider interfaces: what an integrator replaces. The CDI extension wires the default
 * implementations; an application may provide its own beans of these types to replace them.
 */
package io.crux.ee.spi;
