package io.crux.ee.sse.openapi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import jakarta.enterprise.inject.spi.CDI;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.tags.Tag;

import io.crux.ee.catalog.Messages;
import io.crux.ee.service.FlowKind;
import io.crux.ee.service.FlowService;

/**
 * Adds each flow kind's actions to the OpenAPI document the server scanned: for every action a
 * {@code POST} on its concrete path ({@code /api/flows/help-desk/actions/ask}, and the same in an
 * existing session) whose request body is the input's published JSON schema, a component named
 * {@code <kind>.<action>.input}, with the generic action's responses. Registered by this jar's
 * {@code META-INF/microprofile-config.properties} ({@code mp.openapi.filter}); {@code
 * crux.openapi.flows=false} turns it off. It reads the flows through {@link FlowService}, which
 * lists them without building the engine: servers make the document while the application starts.
 *
 * <p>It needs MicroProfile OpenAPI 4 (OpenAPI 3.1, whose schemas are JSON Schema 2020-12, as
 * crux-ee's): with an older model the document is left as the server made it, and CRUX0180W says
 * why. Everything is made before anything is added, so that a flow whose input cannot be described,
 * or a model that refuses a schema, leaves the generic document whole; CRUX0180W gives the cause.
 * An application whose own {@code mp.openapi.filter} wins replaces this one; its filter can call
 * {@code new FlowsOpenApiFilter().filterOpenAPI(openAPI)} to keep the flows' actions.
 */
public class FlowsOpenApiFilter implements OASFilter {

    private static final Logger LOG = Logger.getLogger(FlowsOpenApiFilter.class.getName());

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        // WildFly makes the document on a thread of its own, whose context class loader is not the
        // application's: the configuration and CDI.current() are both found by this jar's class loader
        ClassLoader application = FlowsOpenApiFilter.class.getClassLoader();
        if (!ConfigProvider.getConfig(application)
                .getOptionalValue("crux.openapi.flows", Boolean.class)
                .orElse(true)) {
            return;
        }
        Paths paths = openAPI.getPaths();
        Optional<String> prefix = paths == null || paths.getPathItems() == null
                ? Optional.empty()
                : ActionOperations.prefix(paths.getPathItems().keySet());
        if (prefix.isEmpty()) {
            LOG.warning(Messages.openApiWithoutFlows("the document has no " + ActionOperations.ACT
                    + " (the server did not scan crux-ee-sse's resources)"));
            return;
        }
        Collection<FlowKind> kinds;
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(application);
            kinds = CDI.current().select(FlowService.class).get().flows();
        } catch (RuntimeException e) {
            LOG.warning(Messages.openApiWithoutFlows("the flows could not be read (" + e + ")"));
            return;
        } finally {
            thread.setContextClassLoader(caller);
        }
        apply(openAPI, prefix.get(), kinds);
    }

    /**
     * Plans and adds the kinds' operations, or, if anything fails, leaves the document as it was and
     * says why (CRUX0180W).
     *
     * @param openAPI the scanned document
     * @param prefix the application's path
     * @param kinds the flow kinds
     */
    static void apply(OpenAPI openAPI, String prefix, Collection<FlowKind> kinds) {
        try {
            List<ActionOperations.Planned> actions = ActionOperations.plan(prefix, kinds);
            add(openAPI, prefix, actions, ActionOperations.planSignals(prefix, kinds, actions));
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            // MicroProfile OpenAPI before 4.0 has no Schema.set and a single type
            boolean oldModel = String.valueOf(e.getMessage()).contains("org/eclipse/microprofile/openapi")
                    || String.valueOf(e.getMessage()).contains("org.eclipse.microprofile.openapi");
            LOG.warning(Messages.openApiWithoutFlows((oldModel
                            ? "this server's MicroProfile OpenAPI is older than 4.0 ("
                            : "the flows' operations could not be made (")
                    + e + ")"));
        } catch (LinkageError | RuntimeException e) {
            LOG.warning(Messages.openApiWithoutFlows("the flows' operations could not be made (" + e + ")"));
        }
    }

    /** Adds the planned operations, their input and payload schemas and a tag per kind. */
    static void add(
            OpenAPI openAPI,
            String prefix,
            List<ActionOperations.Planned> planned,
            List<ActionOperations.PlannedSignal> signals) {
        Map<String, PathItem> items = openAPI.getPaths().getPathItems();
        Operation act = post(items.get(prefix + ActionOperations.ACT));
        Operation actInSession = post(items.get(prefix + ActionOperations.ACT_IN_SESSION));
        // everything is made before anything is added: a failure leaves the document as it was
        Map<String, Schema> added = new LinkedHashMap<>();
        for (ActionOperations.Planned p : planned) {
            added.computeIfAbsent(p.schemaName(), n -> schema(p.inputSchema()));
        }
        List<String> tags = new ArrayList<>();
        Map<String, PathItem> paths = new LinkedHashMap<>();
        for (ActionOperations.Planned p : planned) {
            Operation generic = p.inSession() ? actInSession : act;
            Operation op = OASFactory.createOperation()
                    .operationId(p.operationId())
                    .summary((p.inSession()
                                    ? "Runs the action '%s' of the flow '%s' in an existing session"
                                    : "Runs the action '%s' of the flow '%s' in a new session")
                            .formatted(p.action(), p.kind()))
                    .description("The body is the action's input, checked against this schema, bound and validated;"
                            + " the run starts at once and the answer (202) names its request, session and run."
                            + (p.requireUser() ? " The flow needs an authenticated user." : ""))
                    .addTag(p.kind())
                    .requestBody(OASFactory.createRequestBody()
                            .required(true)
                            .content(OASFactory.createContent()
                                    .addMediaType(
                                            "application/json",
                                            OASFactory.createMediaType()
                                                    .schema(OASFactory.createSchema()
                                                            .ref(p.schemaName())))));
            if (generic != null) {
                op.setResponses(generic.getResponses());
                op.setSecurity(generic.getSecurity());
                if (p.inSession() && generic.getParameters() != null) {
                    for (Parameter parameter : generic.getParameters()) {
                        if ("sessionId".equals(parameter.getName())) {
                            op.addParameter(parameter);
                        }
                    }
                }
            }
            paths.put(p.path(), OASFactory.createPathItem().POST(op));
            if (!tags.contains(p.kind())) {
                tags.add(p.kind());
            }
        }
        Operation signal = post(items.get(prefix + ActionOperations.SIGNAL));
        for (ActionOperations.PlannedSignal p : signals) {
            Map<String, Schema> refs = new LinkedHashMap<>(); // one per distinct payload type
            p.payloads().forEach((kind, payload) -> {
                added.computeIfAbsent(payload.getKey(), n -> schema(payload.getValue()));
                refs.computeIfAbsent(
                        payload.getKey(), n -> OASFactory.createSchema().ref(n));
            });
            Operation op = OASFactory.createOperation()
                    .operationId(p.operationId())
                    .summary("Signals a run that waits for '%s'".formatted(p.signal()))
                    .description("The body is the payload the run waits for (flows: "
                            + String.join(", ", p.payloads().keySet())
                            + "), bound to the declared type and validated; the run resumes.")
                    .requestBody(OASFactory.createRequestBody()
                            .required(true)
                            .content(OASFactory.createContent()
                                    .addMediaType(
                                            "application/json",
                                            OASFactory.createMediaType()
                                                    .schema(
                                                            refs.size() == 1
                                                                    ? refs.values()
                                                                            .iterator()
                                                                            .next()
                                                                    : OASFactory.createSchema()
                                                                            .anyOf(new ArrayList<>(refs.values()))))));
            p.payloads().keySet().forEach(op::addTag);
            if (signal != null) {
                op.setResponses(signal.getResponses());
                op.setSecurity(signal.getSecurity());
            }
            // the path names {runId}: the document declares it, from the generic operation or made here
            op.addParameter(
                    signal == null || signal.getParameters() == null
                            ? runIdParameter()
                            : signal.getParameters().stream()
                                    .filter(parameter -> "runId".equals(parameter.getName()))
                                    .findFirst()
                                    .orElseGet(FlowsOpenApiFilter::runIdParameter));
            paths.put(p.path(), OASFactory.createPathItem().POST(op));
        }
        List<Tag> newTags = new ArrayList<>();
        for (String kind : tags) {
            if (openAPI.getTags() == null || openAPI.getTags().stream().noneMatch(t -> kind.equals(t.getName()))) {
                newTags.add(OASFactory.createTag().name(kind).description("The actions of the flow '" + kind + "'"));
            }
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        paths.forEach(openAPI.getPaths()::addPathItem);
        added.forEach(openAPI.getComponents()::addSchema);
        newTags.forEach(openAPI::addTag);
    }

    private static Parameter runIdParameter() {
        return OASFactory.createParameter()
                .name("runId")
                .in(Parameter.In.PATH)
                .required(true)
                .description("The run that waits for the signal")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING));
    }

    private static Operation post(PathItem item) {
        return item == null ? null : item.getPOST();
    }

    /**
     * A JSON schema as {@code io.crux.ee.codec.JsonSchemas} publishes it, in the MicroProfile model:
     * nested schemas become model schemas and every other keyword keeps its value (the model's
     * {@code set} takes any JSON Schema keyword). The {@code $schema} keyword is left out: an OpenAPI
     * 3.1 document declares the dialect once.
     */
    @SuppressWarnings("unchecked")
    static Schema schema(Map<String, Object> json) {
        Schema s = OASFactory.createSchema();
        json.forEach((key, value) -> {
            switch (key) {
                case "$schema" -> {
                    // the document's dialect
                }
                case "type" -> type(s, value instanceof List<?> l ? l : List.of(value));
                case "properties" ->
                    ((Map<String, Object>) value)
                            .forEach((name, p) -> s.addProperty(name, schema((Map<String, Object>) p)));
                case "items" -> s.setItems(schema((Map<String, Object>) value));
                case "additionalProperties" -> {
                    if (value instanceof Boolean b) {
                        s.setAdditionalPropertiesBoolean(b);
                    } else {
                        s.setAdditionalPropertiesSchema(schema((Map<String, Object>) value));
                    }
                }
                case "required" -> s.setRequired(new ArrayList<>((List<String>) value));
                case "enum" -> s.setEnumeration(new ArrayList<>((List<Object>) value));
                case "minimum" -> s.setMinimum(decimal(value));
                case "maximum" -> s.setMaximum(decimal(value));
                case "exclusiveMinimum" -> s.setExclusiveMinimum(decimal(value));
                case "exclusiveMaximum" -> s.setExclusiveMaximum(decimal(value));
                case "minLength" -> s.setMinLength(((Number) value).intValue());
                case "maxLength" -> s.setMaxLength(((Number) value).intValue());
                case "minItems" -> s.setMinItems(((Number) value).intValue());
                case "maxItems" -> s.setMaxItems(((Number) value).intValue());
                case "uniqueItems" -> s.setUniqueItems((Boolean) value);
                case "pattern" -> s.setPattern((String) value);
                case "format" -> s.setFormat((String) value);
                default -> {
                    s.set(key, value);
                }
            }
        });
        return s;
    }

    /** The schema's types, a list in MicroProfile OpenAPI 4 (MicroProfile OpenAPI 3 has one: a LinkageError). */
    private static void type(Schema s, List<?> types) {
        s.setType(types.stream()
                .map(t -> Schema.SchemaType.valueOf(t.toString().toUpperCase(Locale.ROOT)))
                .collect(Collectors.toCollection(ArrayList::new)));
    }

    private static BigDecimal decimal(Object value) {
        return value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
    }
}
