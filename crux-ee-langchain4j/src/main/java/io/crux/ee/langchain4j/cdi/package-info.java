/**
 * The server's model registry: models that are CDI beans qualified {@code @Named}, or are built from
 * {@code crux.models.<name>.*} configuration. Not API.
 */
package io.crux.ee.langchain4j.cdi;
