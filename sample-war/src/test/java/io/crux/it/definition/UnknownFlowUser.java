package io.crux.it.definition;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;

/** Injects a handle of a flow nobody defines: the deployment must fail. */
@ApplicationScoped
public class UnknownFlowUser {
    @Inject
    @Flow("does-not-exist")
    FlowHandle<String, String> handle;
}
