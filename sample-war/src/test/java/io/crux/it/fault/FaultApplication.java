package io.crux.it.fault;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

@ApplicationPath("api")
public class FaultApplication extends Application {}
