package io.crux.ee.cdi;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.enterprise.inject.spi.WithAnnotations;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.FlowModel;

/**
 * The portable extension: finds {@link FlowDefinition} beans, checks them and every
 * {@code @Flow FlowHandle} injection point, and adds crux-ee's own beans. Problems fail the
 * deployment with a message naming the class and the fix.
 *
 * <p>crux-ee's own beans ({@link CruxRuntime}, the JPA store) are discovered from the jar's
 * {@code beans.xml} in annotated mode rather than added here: the server only performs
 * {@code @PersistenceContext} injection on classes it scanned itself.
 */
public class CruxExtension implements Extension {

    private final Set<Class<?>> definitions = new HashSet<>();
    private final Map<String, FlowModel> models = new LinkedHashMap<>();
    private final List<InjectionPoint> handlePoints = new ArrayList<>();

    <T> void collect(@Observes @WithAnnotations(FlowDefinition.class) ProcessAnnotatedType<T> event) {
        AnnotatedType<T> type = event.getAnnotatedType();
        if (type.isAnnotationPresent(FlowDefinition.class)) {
            definitions.add(type.getJavaClass());
        }
    }

    <T> void validate(@Observes ProcessManagedBean<T> event, BeanManager bm) {
        Class<?> type = event.getAnnotatedBeanClass().getJavaClass();
        if (!definitions.contains(type)) {
            return;
        }
        Bean<T> bean = event.getBean();
        FlowDefinitions.Result result = FlowDefinitions.read(type, () -> lease(bm, bean));
        for (String problem : result.problems()) {
            event.addDefinitionError(new FlowDefinitionException(problem));
        }
        FlowModel model = result.model();
        if (model == null) {
            return;
        }
        FlowModel previous = models.putIfAbsent(model.name(), model);
        if (previous != null) {
            event.addDefinitionError(new FlowDefinitionException(Messages.duplicateFlowName(
                    model.name(), previous.definitionClass().getName(), type.getName())));
        }
    }

    void collectHandles(@Observes ProcessInjectionPoint<?, ?> event) {
        Type type = event.getInjectionPoint().getType();
        Type raw = type instanceof ParameterizedType pt ? pt.getRawType() : type;
        if (raw == FlowHandle.class) {
            handlePoints.add(event.getInjectionPoint());
        }
    }

    void checkHandles(@Observes AfterDeploymentValidation event) {
        for (InjectionPoint ip : handlePoints) {
            Flow flow = ip.getQualifiers().stream()
                    .filter(Flow.class::isInstance)
                    .map(Flow.class::cast)
                    .findFirst()
                    .orElse(null);
            if (flow == null) {
                continue; // CDI itself reports an unsatisfied dependency
            }
            String where = describe(ip);
            FlowModel model = models.get(flow.value());
            if (model == null) {
                event.addDeploymentProblem(new FlowDefinitionException(Messages.unknownFlow(flow.value(), where)));
                continue;
            }
            try {
                FlowEngine.resolveAction(model, flow.action(), where);
            } catch (FlowDefinitionException e) {
                event.addDeploymentProblem(e);
            }
        }
        handlePoints.clear();
        definitions.clear();
    }

    /** @return the flows found at deployment */
    public Collection<FlowModel> models() {
        return models.values();
    }

    private static String describe(InjectionPoint ip) {
        String owner = ip.getMember() == null
                ? "?"
                : ip.getMember().getDeclaringClass().getName() + "."
                        + ip.getMember().getName();
        return "the injection point " + owner;
    }

    private static <T> FlowDefinitions.InstanceSource.Lease lease(BeanManager bm, Bean<T> bean) {
        CreationalContext<T> context = bm.createCreationalContext(bean);
        Object instance = bm.getReference(bean, bean.getBeanClass(), context);
        boolean dependent = bean.getScope() == Dependent.class;
        return new FlowDefinitions.InstanceSource.Lease() {
            @Override
            public Object instance() {
                return instance;
            }

            @Override
            public void close() {
                if (dependent) {
                    context.release();
                }
            }
        };
    }
}
