package io.crux.it.audience;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The audience test WAR's Jakarta REST application, at /api as in the sample. */
@ApplicationPath("api")
public class AudienceApplication extends Application {}
