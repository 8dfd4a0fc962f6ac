package io.crux.ee.cdi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.inject.Inject;
import jakarta.validation.Validator;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.BeanValidationInputValidator;
import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.engine.EngineLimits;
import io.crux.ee.engine.EngineSettings;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.persistence.JpaFlowStore;
import io.crux.ee.persistence.SchemaInstaller;
import io.crux.ee.service.FlowService;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.telemetry.Telemetry;

/**
 * Owns the application's {@link FlowEngine}: builds it from the container's managed executors, the
 * {@link FlowStore} bean, Bean Validation, OpenTelemetry and MicroProfile Config; starts lease
 * renewal and recovery once the application is up; stops them before it goes down.
 */
@ApplicationScoped
public class CruxRuntime {

    private static final Logger LOG = Logger.getLogger(CruxRuntime.class.getName());

    @Inject
    BeanManager beanManager;

    @Inject
    Instance<FlowStore> stores;

    @Inject
    Instance<SessionStore> sessionStores;

    @Inject
    Instance<Validator> validators;

    /** The beans that blocks asked for by type, found once each (a dependent bean is created once). */
    private final Map<Class<?>, Object> services = new ConcurrentHashMap<>();

    private volatile FlowEngine engine;
    /** The datasource of crux-ee's tables ({@code crux.schema.datasource}), looked up with the engine. */
    private volatile DataSource dataSource;
    /** Whether the engine's flow store is crux-ee's JPA store, whose tables the readiness check reads. */
    private volatile boolean jpaStore;
    /** Whether the OpenTelemetry API is visible to this application, once looked at. */
    private Boolean telemetryVisible;

    /** @return the engine, built on first use */
    public FlowEngine engine() {
        FlowEngine e = engine;
        if (e == null) {
            synchronized (this) {
                e = engine;
                if (e == null) {
                    e = build();
                    engine = e;
                }
            }
        }
        return e;
    }

    /** @return the engine if it was built, else null; never builds it */
    public FlowEngine engineIfBuilt() {
        return engine;
    }

    /**
     * @return whether the readiness check reads crux-ee's tables on {@link #dataSource()}: {@code
     *     crux.health.database} (default true) and the flow store is crux-ee's JPA store
     */
    public boolean probesDatabase() {
        engine();
        return probesDatabase(
                ConfigProvider.getConfig()
                        .getOptionalValue("crux.health.database", Boolean.class)
                        .orElse(true),
                jpaStore);
    }

    /**
     * @param configured {@code crux.health.database}
     * @param jpaStore whether the flow store is crux-ee's JPA store (another store keeps its runs elsewhere)
     * @return whether the readiness check reads crux-ee's tables
     */
    static boolean probesDatabase(boolean configured, boolean jpaStore) {
        return configured && jpaStore;
    }

    /** @return whether the store is crux-ee's JPA store (or the container's proxy of it) */
    static boolean isJpaStore(FlowStore store) {
        return store instanceof JpaFlowStore;
    }

    /**
     * @return the datasource of crux-ee's tables ({@code crux.schema.datasource}), looked up in the
     *     application's naming context when the engine was built, or null if there is none
     */
    public DataSource dataSource() {
        engine();
        return dataSource;
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object event) {
        FlowEngine e = engine();
        if (!e.flows().isEmpty()) {
            e.startMaintenance();
        }
        LOG.info(Messages.started(e.nodeId(), e.flows().size()));
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        FlowEngine e = engine;
        if (e != null) {
            e.close();
        }
    }

    @Produces
    @Dependent
    @Flow("")
    <I, O> FlowHandle<I, O> handle(InjectionPoint ip) {
        Flow flow = ip.getQualifiers().stream()
                .filter(Flow.class::isInstance)
                .map(Flow.class::cast)
                .findFirst()
                .orElseThrow(() ->
                        new FlowDefinitionException(Messages.unknownFlow("", "an injection point without @Flow")));
        return engine().handle(flow.value(), flow.action());
    }

    /** @return the engine as the HTTP API (and any other edge) sees it */
    @Produces
    @ApplicationScoped
    FlowService flowService() {
        return new EngineFlowService(
                beanManager.getExtension(CruxExtension.class).models(), this::engine, this::engineIfBuilt);
    }

    private FlowEngine build() {
        Config config = ConfigProvider.getConfig();
        EngineSettings settings = new EngineSettings(
                config.getOptionalValue("crux.node-id", String.class).orElseGet(CruxRuntime::defaultNodeId),
                config.getOptionalValue("crux.lease-duration", String.class)
                        .map(Duration::parse)
                        .orElse(Duration.ofSeconds(30)),
                config.getOptionalValue("crux.maintenance-interval", String.class)
                        .map(Duration::parse)
                        .orElse(Duration.ofSeconds(10)));
        EngineLimits defaults = EngineLimits.defaults();
        EngineLimits limits = new EngineLimits(
                config.getOptionalValue(EngineLimits.STEP_OUTPUT_BYTES, Integer.class)
                        .orElse(defaults.stepOutputBytes()),
                config.getOptionalValue(EngineLimits.ITEM_BYTES, Integer.class).orElse(defaults.itemBytes()),
                config.getOptionalValue(EngineLimits.LABEL_LENGTH, Integer.class)
                        .orElse(defaults.labelLength()),
                config.getOptionalValue(EngineLimits.SUSPENSION_NAME_LENGTH, Integer.class)
                        .orElse(defaults.suspensionNameLength()));
        if (config.getOptionalValue("crux.schema.create", Boolean.class).orElse(true)) {
            dataSource = lookup(config, "crux.schema.datasource", "java:comp/DefaultDataSource", DataSource.class);
            SchemaInstaller.install(dataSource);
        } else {
            try { // for the health checks only: an application that creates the tables itself may bind none there
                dataSource = lookup(config, "crux.schema.datasource", "java:comp/DefaultDataSource", DataSource.class);
            } catch (IllegalStateException | ClassCastException absent) {
                LOG.fine(absent::toString);
            }
        }
        InputValidator validator =
                validators.isResolvable() ? new BeanValidationInputValidator(validators.get()) : InputValidator.NONE;
        FlowStore store = stores.get();
        jpaStore = isJpaStore(store);
        ExecutorService executor =
                lookup(config, "crux.executor", "java:comp/DefaultManagedExecutorService", ExecutorService.class);
        FlowEngine e = FlowEngine.builder()
                .store(store)
                .sessions(sessionStores.get())
                .executor(executor)
                .scheduler(lookup(
                        config,
                        "crux.scheduler",
                        "java:comp/DefaultManagedScheduledExecutorService",
                        ScheduledExecutorService.class))
                .tracer(tracer(config))
                .metrics(telemetryVisible(config) ? Telemetry.metrics(beanManager) : FlowMetrics.NOOP)
                .lifecycle(new CdiLifecycleEvents(beanManager, executor))
                .validator(validator)
                .services(this::bean)
                .settings(settings)
                .limits(limits)
                .build();
        try {
            for (FlowModel model : beanManager.getExtension(CruxExtension.class).models()) {
                e.register(model);
            }
        } catch (RuntimeException | Error failed) {
            // the engine is not kept, so stop() cannot close it: close it here, with its metric callbacks
            try {
                e.close();
            } catch (RuntimeException closing) {
                failed.addSuppressed(closing);
            }
            throw failed;
        }
        return e;
    }

    /** A block's service, as the CDI bean of its type, or null when there is none or several. */
    private Object bean(Class<?> type) {
        Object known = services.get(type);
        if (known != null) {
            return known;
        }
        Instance<?> instance = beanManager.createInstance().select(type);
        return instance.isResolvable() ? services.computeIfAbsent(type, t -> instance.get()) : null;
    }

    private FlowTracer tracer(Config config) {
        return telemetryVisible(config) ? Telemetry.tracer(beanManager) : FlowTracer.NOOP;
    }

    /** @return whether telemetry is enabled and this application sees the OpenTelemetry API; warns once if not */
    private boolean telemetryVisible(Config config) {
        if (!config.getOptionalValue("crux.telemetry.enabled", Boolean.class).orElse(true)) {
            return false;
        }
        if (telemetryVisible == null) {
            try {
                Class.forName("io.opentelemetry.api.OpenTelemetry", false, CruxRuntime.class.getClassLoader());
                telemetryVisible = true;
            } catch (ClassNotFoundException | LinkageError absent) {
                LOG.warning(Messages.telemetryInvisible());
                telemetryVisible = false;
            }
        }
        return telemetryVisible;
    }

    private static <T> T lookup(Config config, String key, String fallback, Class<T> type) {
        String name = config.getOptionalValue(key, String.class).orElse(fallback);
        try {
            return type.cast(new InitialContext().lookup(name));
        } catch (NamingException e) {
            throw new IllegalStateException(
                    "crux-ee needs the resource " + name + " (set " + key
                            + " to another JNDI name if your server binds it elsewhere)",
                    e);
        }
    }

    /**
     * The node id when {@code crux.node-id} is not set: {@link #defaultNodeId(String, UnaryOperator, String)}
     * of this JVM and application.
     */
    static String defaultNodeId() {
        String application;
        try {
            application = (String) new InitialContext().lookup("java:app/AppName");
        } catch (NamingException | RuntimeException e) {
            LOG.warning(Messages.nodeIdWithoutApplication(e));
            application = null;
        }
        return defaultNodeId(EngineSettings.hostName(), System::getProperty, application);
    }

    /**
     * The host name and a hash of the server's own directory, which tells apart the servers of one
     * host and stays the same when one restarts (so that it takes its runs back at once). WildFly's
     * is its base directory ({@code jboss.server.base.dir}): its start script does not make it the
     * working directory, and two servers started from one directory, each with a base directory of
     * its own, would otherwise have one id and take each other's runs for runs of their own, to
     * execute a second time. (A bootable JAR's base directory is made afresh at every start: its id
     * changes with it, which is safe, and its runs are taken back once their lease runs out; set
     * {@code crux.node-id} to take them back at once.) Elsewhere it is the working directory, where
     * Open Liberty starts each server (its output directory).
     *
     * The application's name goes into the hash too: two applications of one server that share a
     * database are two nodes (each engine holds its id, and a second of one id would refuse runs).
     *
     * @param properties the JVM's system properties
     * @param application the application's name ({@code java:app/AppName}), or {@code null}
     */
    static String defaultNodeId(String host, UnaryOperator<String> properties, String application) {
        String base = properties.apply("jboss.server.base.dir");
        Path dir = Path.of(base == null || base.isBlank() ? properties.apply("user.dir") : base);
        String where = dir.toAbsolutePath().normalize().toString();
        return host + ":" + Integer.toHexString((application == null ? where : where + "|" + application).hashCode());
    }
}
