/**
 * MicroProfile Health checks of crux-ee, named {@code crux-ee}: readiness (the database answers,
 * crux-ee's tables exist, maintenance ran within twice its interval), liveness (maintenance has
 * not stalled) and startup (the first maintenance pass finished). The server discovers them as CDI
 * beans; applications need nothing. Not API.
 */
package io.crux.ee.health;
