package io.crux.it.life;

import org.jboss.shrinkwrap.api.spec.WebArchive;

import io.crux.it.support.Deployments;

/** The WAR the lifecycle tests deploy to their own server. */
final class LifeWar {

    static final String NAME = "it-life";

    private LifeWar() {}

    static WebArchive build() {
        return Deployments.war(
                NAME,
                LifeApplication.class,
                LifeResource.class,
                SideEffects.class,
                CrashFlow.class,
                ParentFlow.class,
                ChildFlow.class);
    }
}
