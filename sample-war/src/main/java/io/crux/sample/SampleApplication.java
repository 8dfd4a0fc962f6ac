package io.crux.sample;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Publishes the sample's endpoints and crux-ee's generic ones under {@code /api}. */
@ApplicationPath("api")
public class SampleApplication extends Application {}
