package io.crux.sample;

import java.util.List;

/**
 * The part of the user's state the help desk's {@code ask} action writes.
 *
 * @param topics the topics the user asked about, in every session
 */
public record DeskUser(List<String> topics) {}
