package io.crux.it.ft;

import java.math.BigDecimal;
import java.util.ArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.StepOptions;

/** Steps that call the fault-tolerant client; the server's Fault Tolerance applies its annotations. */
@ApplicationScoped
@FlowDefinition("it-ft")
public class OrderFlow {

    @Inject
    InventoryClient client;

    @Action("reserve")
    public String reserve(FlowScope<String> flow) {
        return flow.step("reserve", () -> client.reserve(flow.input()));
    }

    @Action("price")
    public BigDecimal price(FlowScope<String> flow) {
        return flow.step("price", () -> client.price(flow.input()));
    }

    @Action("stuck")
    public String stuck(FlowScope<String> flow) {
        return flow.step(
                "stuck",
                client::stuck,
                StepOptions.<String>defaults()
                        .withFallback(
                                failure -> "gave up: " + failure.getClass().getName()));
    }

    @Action("fragile")
    public ArrayList<String> fragile(FlowScope<String> flow) {
        return flow.step("fragile", () -> {
            ArrayList<String> outcomes = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                try {
                    outcomes.add(client.fragile());
                } catch (RuntimeException e) {
                    outcomes.add(e.getClass().getSimpleName());
                }
            }
            return outcomes;
        });
    }
}
