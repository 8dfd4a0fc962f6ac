/**
 * The message catalog: every log line and exception message of crux-ee, each with its stable id
 * ({@code CRUX0001E} ...). Not API: public only because every module of crux-ee writes its messages
 * here; applications match on the ids, which README lists, not on these methods.
 */
package io.crux.ee.catalog;
