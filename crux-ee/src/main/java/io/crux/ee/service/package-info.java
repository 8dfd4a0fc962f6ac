/**
 * The engine as edges see it: {@link io.crux.ee.service.FlowService}, what the HTTP API (or any other
 * module that receives requests from outside) may ask of the engine, without depending on its classes.
 */
package io.crux.ee.service;
