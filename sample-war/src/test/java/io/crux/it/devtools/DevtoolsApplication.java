package io.crux.it.devtools;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The devtools WARs' Jakarta REST application, at /api as in the sample. */
@ApplicationPath("api")
public class DevtoolsApplication extends Application {}
