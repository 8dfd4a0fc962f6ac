package io.crux.ee.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

import io.crux.ee.persistence.JpaFlowStore;
import io.crux.ee.spi.FlowStore;

/** The readiness check reads crux-ee's tables only where crux-ee keeps its runs in them. */
class CruxRuntimeHealthTest {

    @Test
    void theDatabaseIsProbedForTheJpaStoreUnlessTurnedOff() {
        assertThat(CruxRuntime.isJpaStore(new JpaFlowStore() {})).isTrue(); // as the container's proxy is
        assertThat(CruxRuntime.probesDatabase(true, true)).isTrue();
        assertThat(CruxRuntime.probesDatabase(false, true)).isFalse();
    }

    @Test
    void aStoreOfTheApplicationsOwnIsNotProbed() {
        FlowStore own = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (p, m, a) -> null);

        assertThat(CruxRuntime.isJpaStore(own)).isFalse();
        assertThat(CruxRuntime.probesDatabase(true, CruxRuntime.isJpaStore(own)))
                .isFalse();
    }
}
