package io.crux.ee.catalog;

import java.time.Duration;
import java.time.Instant;

/**
 * The message catalog. Every message crux-ee writes to a log or puts in an exception starts with
 * a stable id; the README lists them. Ids are never reused.
 */
public final class Messages {

    private Messages() {}

    private static String msg(String id, String text) {
        return id + ": " + text;
    }

    public static String duplicateFlowName(String name, String first, String second) {
        return msg(
                "CRUX0001E",
                "The flow name '" + name + "' is declared by both " + first + " and " + second
                        + ". Give one of the @FlowDefinition annotations another name.");
    }

    public static String badSignal(String flow, String signal, String problem) {
        return msg(
                "CRUX0014E",
                "The flow '" + flow + "' declares the signal '" + signal + "' " + problem
                        + ". Declare each @Signal once, with a name without '/', and an object or record type.");
    }

    public static String badItemAudience(String flow, String type, String problem) {
        return msg(
                "CRUX0220E",
                "The flow '" + flow + "' maps the item type " + type + " " + problem
                        + ". Give each @ItemAudience type once, with CLIENT, MODEL or INTERNAL.");
    }

    public static String signalTypeMismatch(String flow, String signal, String declared, String used) {
        return msg(
                "CRUX0015E",
                "The flow '" + flow + "' declares the signal '" + signal + "' with the payload type " + declared
                        + ", but suspends for it with " + used
                        + ". Suspend with the declared type, or change the @Signal.");
    }

    public static String badActionSignature(String type, String method, String problem) {
        return msg(
                "CRUX0002E",
                "The action method " + type + "." + method + " cannot be used: " + problem
                        + ". An action method is public, not static, not generic, and either takes exactly one parameter"
                        + " of type FlowScope<I>, for example: @Action(\"chat\") public Answer chat(FlowScope<Question> flow),"
                        + " or takes no parameter and returns a block, for example:"
                        + " @Action(\"chat\") public Block<Question, Answer> chat().");
    }

    public static String noActions(String type) {
        return msg(
                "CRUX0003E",
                "The flow definition " + type + " has no action. Implement FlowHandler<I, O>"
                        + " or annotate at least one method with @Action(\"name\").");
    }

    public static String duplicateAction(String type, String action) {
        return msg(
                "CRUX0004E",
                "The flow definition " + type + " declares the action '" + action
                        + "' more than once. Give each @Action method its own name.");
    }

    public static String badClientData(String type, String method) {
        return msg(
                "CRUX0009E",
                "The @ClientData method " + type + "." + method + " cannot be used. It must be public, not"
                        + " static, take one ClientData.Context and return a value, for example:"
                        + " @ClientData(\"progress\") public Progress progress(ClientData.Context state).");
    }

    public static String blankName(String type) {
        return msg(
                "CRUX0005E", "The flow definition " + type + " has a blank name. Write @FlowDefinition(\"my-flow\").");
    }

    public static String unknownFlow(String flow, String where) {
        return msg(
                "CRUX0006E",
                "No flow named '" + flow + "' is defined (asked for by " + where
                        + "). Annotate a CDI bean with @FlowDefinition(\"" + flow + "\") or correct the name.");
    }

    public static String unknownAction(String flow, String action, Iterable<String> actions, String where) {
        return msg(
                "CRUX0007E",
                "The flow '" + flow + "' has no action '" + action + "' (asked for by " + where + "). Its actions are "
                        + actions + ".");
    }

    public static String ambiguousAction(String flow, Iterable<String> actions, String where) {
        return msg(
                "CRUX0008E",
                "The flow '" + flow + "' has several actions " + actions + ", so " + where
                        + " must name one: @Flow(value = \"" + flow + "\", action = \"...\").");
    }

    public static String stepFailed(String flowId, String label, int attempts, Throwable cause) {
        return msg(
                "CRUX0010E",
                "Step '" + label + "' of run " + flowId + " failed after " + attempts
                        + (attempts == 1 ? " attempt: " : " attempts: ") + describe(cause));
    }

    public static String stepTerminal(String flowId, String label, Throwable cause) {
        return msg(
                "CRUX0011E",
                "Step '" + label + "' of run " + flowId
                        + " failed with a policy-terminal error, which is neither retried nor sent to a fallback: "
                        + describe(cause));
    }

    public static String flowFailed(String flowId, String flow, Throwable cause) {
        return msg("CRUX0012E", "Run " + flowId + " of flow '" + flow + "' failed outside a step: " + describe(cause));
    }

    public static String flowChanged(
            String flowId, int position, String recordedKind, String recorded, String kind, String label) {
        return msg(
                "CRUX0013E",
                "The code of the flow changed under run " + flowId + ": at position " + position
                        + " the run recorded " + recordedKind + " '" + recorded + "' but the flow now asks for " + kind
                        + " '"
                        + label + "'. Code between steps must be deterministic; deploy the previous version to finish"
                        + " this run, or cancel it.");
    }

    public static String runNotFound(String flowId, String flow) {
        return msg("CRUX0020E", "There is no run " + flowId + " of flow '" + flow + "'.");
    }

    public static String runFinished(String flowId, String status, String operation) {
        return msg("CRUX0021E", "Run " + flowId + " is " + status + ", so it cannot be " + operation + ".");
    }

    public static String runBusy(String flowId, String owner) {
        return msg(
                "CRUX0022E",
                "Run " + flowId + " is being executed by node " + owner
                        + "; a concurrent resume, signal or recovery won.");
    }

    public static String runChanged(String flowId) {
        return msg(
                "CRUX0023E",
                "Run " + flowId + " was changed by another caller at the same time; nothing was executed.");
    }

    public static String runIdTaken(String flowId) {
        return msg("CRUX0024E", "A run with id " + flowId + " already exists.");
    }

    public static String engineClosed() {
        return msg(
                "CRUX0047E",
                "The application is stopping; crux-ee starts no new runs. Runs in progress are recovered"
                        + " when a server starts again.");
    }

    public static String eventLost(String flowId, String type, Throwable cause) {
        return msg(
                "CRUX0050W",
                "The event " + type + " of request " + flowId + " could not be stored: " + describe(cause));
    }

    public static String sessionTaken(String id) {
        return msg("CRUX0048E", "A session with id " + id + " already exists.");
    }

    public static String noScope(String flowId, String scope) {
        return msg(
                "CRUX0049E",
                "Run " + flowId + " has no " + scope + ", so it has no " + scope + " state."
                        + " Start it with RunOptions.with" + Character.toUpperCase(scope.charAt(0)) + scope.substring(1)
                        + "Id(...).");
    }

    public static String wrongSignal(String flowId, String expected, String name) {
        return msg("CRUX0025E", "Run " + flowId + " waits for the signal '" + expected + "', not '" + name + "'.");
    }

    public static String invalidInput(String what, String flow, Object violations) {
        return msg("CRUX0026E", "The " + what + " for flow '" + flow + "' is not valid: " + violations);
    }

    public static String notDurable(String flow, String operation) {
        return msg(
                "CRUX0027E",
                "The flow '" + flow + "' is declared with durable = false, so it cannot " + operation
                        + ". Remove durable = false to let it suspend.");
    }

    public static String lostLease(String flowId, String owner) {
        return msg("CRUX0028E", "Run " + flowId + " is now held by node " + owner + "; this node lost its lease.");
    }

    public static String cancelled(String flowId, String reason) {
        return msg("CRUX0029I", "Run " + flowId + " was cancelled: " + reason);
    }

    public static String persistenceFailed(String operation, String flowId, Throwable cause) {
        return msg(
                "CRUX0030E",
                "The store failed to " + operation + (flowId == null ? "" : " for run " + flowId) + ": "
                        + describe(cause));
    }

    public static String cannotEncode(String type, Throwable cause) {
        return msg(
                "CRUX0031E",
                "A value of type " + type + " cannot be stored as JSON: " + describe(cause)
                        + ". Step outputs, inputs and signal payloads must be JSON-B serializable.");
    }

    public static String cannotDecode(String type, Throwable cause) {
        return msg("CRUX0032E", "A stored value of type " + type + " cannot be read back: " + describe(cause));
    }

    public static String recovering(String flowId, String flow) {
        return msg("CRUX0040I", "Recovering run " + flowId + " of flow '" + flow + "' from its last checkpoint.");
    }

    public static String recoveryFailed(String flowId, Throwable cause) {
        return msg("CRUX0041W", "Run " + flowId + " could not be recovered now: " + describe(cause));
    }

    public static String started(String node, int flows) {
        return msg("CRUX0042I", "crux-ee started on node " + node + " with " + flows + " flow definition(s).");
    }

    public static String maintenanceFailed(Throwable cause) {
        return msg("CRUX0043W", "The lease renewal or recovery scan failed and will run again: " + describe(cause));
    }

    public static String resultLost(String flowId, Throwable cause) {
        return msg(
                "CRUX0044W",
                "Run " + flowId + " could not record its end and stays RUNNING until recovered: " + describe(cause));
    }

    public static String unsupportedDatabase(String product) {
        return msg(
                "CRUX0046E",
                "crux-ee ships DDL for PostgreSQL and H2, not for " + product + ". Create the tables"
                        + " yourself (see META-INF/crux/ddl in the crux-ee jar) and set crux.schema.create=false.");
    }

    public static String telemetryInvisible() {
        return msg(
                "CRUX0045W",
                "The OpenTelemetry API is not visible to the application, so crux-ee records no spans and no metrics."
                        + " Enable MicroProfile Telemetry; on Open Liberty also give the application"
                        + " <classloader apiTypeVisibility=\"+third-party\"/>, or set crux.telemetry.enabled=false to silence this.");
    }

    public static String modelNotFound(String name, String kind, java.util.Collection<String> known) {
        return msg(
                "CRUX0051E",
                "No " + kind + " named '" + name + "' is available. Known models: " + known
                        + ". Declare a CDI bean of that type qualified @Named(\"" + name + "\"), or set crux.models."
                        + name
                        + ".base-url and crux.models." + name + ".model-name.");
    }

    public static String serviceNotFound(String type, java.util.List<String> given) {
        return msg(
                "CRUX0052E",
                "A block asked for a service of type " + type + ", which the engine does not have. Services"
                        + " given: " + given
                        + ". Give it with FlowEngine.Builder.service (in tests, FlowTest.service), or in the"
                        + " server declare a CDI bean of that type (crux-ee-langchain4j declares its ModelRegistry).");
    }

    public static String blockRunInLeaf(String flowId, String path, String child) {
        return msg(
                "CRUX0060E",
                "Block '" + path + "' of run " + flowId + " is a leaf that runs inside one step, so it cannot"
                        + " run the block '" + child
                        + "'. Only composite blocks (sequencers, routers, or blocks whose isLeaf()"
                        + " returns false) run children through BlockContext.run.");
    }

    public static String blockOrderChanged(String flowId, String lane, String label, String before) {
        return msg(
                "CRUX0061E",
                "The code of the flow changed under run " + flowId + ": in '" + (lane.isEmpty() ? "/" : lane)
                        + "' the run recorded '" + label + "' before '" + before
                        + "', but the flow now asks for it after."
                        + " Deploy the previous version to finish this run, or cancel it.");
    }

    public static String blockInserted(String flowId, String lane, String fresh, String label) {
        return msg(
                "CRUX0062E",
                "The code of the flow changed under run " + flowId + ": in '" + (lane.isEmpty() ? "/" : lane)
                        + "' the flow now runs '" + fresh + "', which the run did not record, before the recorded '"
                        + label
                        + "'. Deploy the previous version to finish this run, or cancel it.");
    }

    public static String routerChoiceUnknown(String path, String chosen, java.util.Collection<String> candidates) {
        return msg(
                "CRUX0063E",
                "Router '" + path + "' chose '" + chosen + "', which is not one of its candidates " + candidates
                        + ". Return one of the blocks given to Router.of.");
    }

    public static String loopLimit(String path, int iterations, String condition) {
        return msg(
                "CRUX0064E",
                "Loop '" + path + "' reached its bound of " + iterations + " iteration(s) and its condition ("
                        + condition
                        + ") still asked for another one. Raise the bound, or choose OnLimit.RETURN_LAST to end the loop"
                        + " with the last value.");
    }

    public static String blockActionReturnedNull(String type, String method) {
        return msg("CRUX0065E", "The action method " + type + "." + method + " returned null instead of a Block.");
    }

    public static String stepInCallersTransaction() {
        return msg(
                "CRUX0033E",
                "A transactional step cannot begin its transaction: the thread that runs it has a transaction"
                        + " already. Steps run on the engine's threads, which have none; run the flow through a"
                        + " FlowHandle instead of calling its body inside a transaction.");
    }

    public static String childRunInTransaction(String flowId, String step, String child) {
        return msg(
                "CRUX0035E",
                "The transactional step '" + step + "' of run " + flowId + " tried to start a run of '" + child
                        + "'. A run started there would be stored in the step's transaction but executed outside it."
                        + " Start it from a step that is not transactional.");
    }

    public static String stepRolledBack(String flowId, String label, int attempt) {
        return msg(
                "CRUX0034E",
                "The transaction of attempt " + attempt + " of the transactional step '" + label + "' of run "
                        + flowId + " was rolled back at its commit (its timeout passed, or a resource marked it"
                        + " rollback-only): nothing it wrote was kept, its checkpoint included.");
    }

    public static String idempotencyKeyOutsideStep(String flowId) {
        return msg(
                "CRUX0069E",
                "Run " + flowId + " asked for an idempotency key outside a step. The key names a step: call"
                        + " idempotencyKey() inside the step's function (or a handler block's body).");
    }

    public static String notABlockRun(Object scope) {
        return msg(
                "CRUX0066E",
                "A block action can only run inside a run of crux-ee's engine, not with the scope " + scope + ".");
    }

    public static String unmockedModel(String name, String kind, java.util.Collection<String> mocked) {
        return msg(
                "CRUX0067E",
                "The test called the " + kind + " '" + name + "', which is not mocked. Mocked models: " + mocked
                        + ". Give it to the test with .model(\"" + name + "\", mock) or .models(...).");
    }

    public static String badTestDefinition(String type, java.util.List<String> problems) {
        return msg(
                "CRUX0068E",
                "The class " + type + " cannot be tested as a flow definition: " + String.join(" ", problems));
    }

    public static String blockActionTypes(String type) {
        return "its return type " + type
                + " does not name the input and output types of the Block (write Block<In, Out>,"
                + " not a raw type, a wildcard or a type variable)";
    }

    public static String modelConfigInvalid(String name, String key, String value, String expected) {
        return msg(
                "CRUX0080E",
                "The model '" + name + "' is configured with " + key + "=" + value + ", which is not " + expected
                        + ". Correct the MicroProfile Config property.");
    }

    public static String modelConfigIncomplete(String name, String presentKey, String missingKey) {
        return msg(
                "CRUX0081E",
                "The model '" + name + "' is configured with " + presentKey + " but " + missingKey
                        + " is missing. An OpenAI-compatible model needs both crux.models." + name
                        + ".base-url and crux.models."
                        + name + ".model-name.");
    }

    public static String modelAmbiguous(String name, String kind, java.util.Collection<String> beans) {
        return msg(
                "CRUX0082E",
                "Several " + kind + " beans are qualified @Named(\"" + name + "\"): " + beans
                        + ". Keep one, or mark the one to use @Alternative @Priority(...).");
    }

    public static String toolRoundsExceeded(String path, String model, int rounds) {
        return msg(
                "CRUX0083E",
                "The generator '" + path + "' stopped after " + rounds + " tool round(s): model '" + model
                        + "' still asks for tools. Raise maxToolRounds(...) if the task needs more, or make the prompt say when"
                        + " to stop calling tools.");
    }

    public static String validationExhausted(String path, String model, String type, int repairs, String problem) {
        return msg(
                "CRUX0084E",
                "The generator '" + path + "' got no valid " + type + " from model '" + model + "' after " + repairs
                        + (repairs == 1 ? " repair" : " repairs") + "; the last reply was rejected because " + problem);
    }

    public static String guardrailBlocked(String path, String direction, String failures) {
        return msg(
                "CRUX0085E",
                "An " + direction + " guardrail of the generator '" + path + "' blocked the model call: " + failures);
    }

    public static String unmockedModelCall(String model, String request) {
        return msg(
                "CRUX0086E",
                "Unmocked model call: the scripted model '" + model + "' has no rule that matches and no"
                        + " scripted reply left for " + request
                        + ". Add a reply(...) to its script or a when(...).reply(...) rule.");
    }

    public static String badTools(String type, String problem) {
        return msg(
                "CRUX0087E",
                "The tools of " + type + " cannot be used: " + problem + ". A tool is a public method"
                        + " annotated @dev.langchain4j.agent.tool.Tool, and tool names are unique within a generator.");
    }

    public static String emptyConversation(String path) {
        return msg(
                "CRUX0221E",
                "The generator at " + path + " has nothing to send: its history holds no message for the model"
                        + " and it has no prompt. Declare the action's user message (@Action(value = \"...\", userMessage ="
                        + " \"text\")) or emit it before the generator, or give the generator a prompt.");
    }

    public static String noPrompt(String name) {
        return msg(
                "CRUX0088E",
                "The generator '" + name + "' has no prompt. Give it prompt((input, ctx) -> \"...\")"
                        + ", messages((input, ctx) -> List.of(...)) or history().");
    }

    public static String emptyReply(String path, String model) {
        return msg(
                "CRUX0089E",
                "The generator '" + path + "' got a reply with neither text nor tool calls from model '" + model
                        + "'.");
    }

    public static String noBeanValidation() {
        return msg(
                "CRUX0090W",
                "No Bean Validation provider is available, so the structured output of generators is"
                        + " parsed but not validated. Add a provider such as Hibernate Validator, or run in a Jakarta EE server.");
    }

    public static String nestedStep(String flowId, String outer, String kind, String label) {
        return msg(
                "CRUX0140E",
                "Run " + flowId + " called " + kind + " '" + label + "' inside the body of step '" + outer
                        + "'. A completed step is replayed without running its body, so nothing inside it may record a checkpoint"
                        + " of its own: call " + kind + " '" + label + "' from the flow body before or after step '"
                        + outer
                        + "', or use blocks, whose children are steps of their own.");
    }

    public static String limitExceeded(String flowId, String what, long actual, long limit, String unit, String key) {
        return msg(
                "CRUX0141E",
                "Run " + flowId + ": " + what + " is " + actual + " " + unit + ", over the limit of " + limit
                        + " " + unit
                        + ", so it is not stored. Make it smaller, or raise the limit with the configuration key " + key
                        + ".");
    }

    public static String attemptLogUnreadable(String where, RuntimeException cause) {
        return msg(
                "CRUX0143W",
                "The stored log of failed attempts of " + where + " cannot be read and is shown empty; the"
                        + " checkpoint itself loads: " + describe(cause));
    }

    public static String leftForRecovery(String flowId, int attempts, Throwable cause) {
        return msg(
                "CRUX0142W",
                "Run " + flowId + " could not save a checkpoint in " + attempts + " attempts and is left"
                        + " RUNNING, to be recovered from its last checkpoint by maintenance on this or another server; the step"
                        + " whose checkpoint was lost runs again then: " + describe(cause));
    }

    public static String streamGapBridged(String requestId, long from, long to, java.time.Duration waited) {
        return msg(
                "CRUX0120W",
                "The stream of request " + requestId + " went on past events " + from + " to " + to
                        + ", which were missing from the event log for " + waited
                        + " while later events were stored. A run's"
                        + " events commit in order, so they were lost by a write that failed (see the server log) and will not"
                        + " come.");
    }

    public static String badLastEventId(String requestId, String lastEventId) {
        return msg(
                "CRUX0121E",
                "The Last-Event-ID '" + lastEventId + "' is not an event of request " + requestId + ": it must be "
                        + requestId + ":<seq>, the id of an event this request's stream sent.");
    }

    public static String pastLastEvent(String requestId, long seq, long last) {
        return msg(
                "CRUX0122E",
                "The stream of request " + requestId + " cannot resume after event " + seq + ": its last event is "
                        + last + ".");
    }

    public static String fenced(String flowId, String node, String holder, String status) {
        return msg(
                "CRUX0160E",
                "Node " + node + " no longer holds run " + flowId + " (status " + status + ", held by "
                        + (holder == null ? "no node" : "node " + holder)
                        + "): the store refused its write, and it stops"
                        + " executing the run without writing anything more. Its lease ran out (the server stalled longer than"
                        + " crux.lease-duration) and another server took the run over, or the run ended elsewhere.");
    }

    public static String cancelledElsewhere(String flowId, String reason) {
        return msg(
                "CRUX0161I",
                "Run " + flowId + " was cancelled by another caller (" + reason
                        + "): its step's checkpoint was not written and no further step starts.");
    }

    public static String commitUnknown(String stateId, int checks) {
        return msg(
                "CRUX0162E",
                "The connection was lost while the increment of the state " + stateId + " committed, and"
                        + " the database still had not ended its transaction after " + checks
                        + " checks: the increment may"
                        + " have been applied. Read the state before you repeat it.");
    }

    public static String nodeIdInUse(String node, String host, long pid, Instant seenAt, Duration lease) {
        return msg(
                "CRUX0163E",
                "Node id " + node + " is held by another live server (host " + host + ", process " + pid
                        + ", last renewed at " + seenAt + "), which may execute runs under it: this server"
                        + " starts and takes over no durable run until that server stops, or does not renew its"
                        + " hold for crux.lease-duration (" + lease + "). Give each server its own crux.node-id.");
    }

    public static String nodeIdLost(String node, String host, long pid) {
        return msg(
                "CRUX0164E",
                "Another server (host " + host + ", process " + pid + ") took node id " + node
                        + " over: this server did not renew its hold for crux.lease-duration (it stalled, or lost"
                        + " its database). It stops executing its runs, which the other server continues, and"
                        + " starts none until the id is free again. Give each server its own crux.node-id.");
    }

    public static String nodeIdUnavailable() {
        return msg(
                "CRUX0166E",
                "This server cannot start or continue runs now: another server holds its node id. Its log"
                        + " tells which (CRUX0163E); try again later, or on another server.");
    }

    public static String nodeIdWithoutApplication(Throwable cause) {
        return msg(
                "CRUX0167W",
                "The application's name (java:app/AppName) could not be read, so the default node id leaves it out"
                        + " (" + describe(cause) + "): two applications of this server that share a database would"
                        + " have one id, and the second would refuse runs. Set crux.node-id.");
    }

    public static String nodeIdOfEndedProcess(String node, String host, long pid) {
        return msg(
                "CRUX0165I",
                "Node id " + node + " was held by process " + pid + " on this host (" + host
                        + "), which has ended: this server takes the id, and the runs left under it, over now.");
    }

    public static String inputTooDeep(int maxDepth) {
        return msg(
                "CRUX0100E",
                "The JSON value is nested deeper than " + maxDepth + " levels of arrays and objects"
                        + " (crux.input.max-depth).");
    }

    public static String credentialsRefused() {
        return msg("CRUX0105E", "The credentials sent with the request were refused by the server's user registry.");
    }

    public static String crossSiteRefused(String method, String from) {
        return msg(
                "CRUX0106E",
                "A " + method + " from another site (" + from + ") is refused: a browser page of another origin"
                        + " may not change runs with the user's login. Add the page's origin to"
                        + " crux.http.trusted-origins if it is yours (a reverse proxy).");
    }

    public static String numberTooLong(int maxLength) {
        return msg(
                "CRUX0107E",
                "A JSON number is written with more than " + maxLength + " characters; no value crux-ee reads"
                        + " needs that many.");
    }

    public static String malformedRequestUri() {
        return msg(
                "CRUX0108E",
                "The request's URI does not parse: a percent sign not followed by two hexadecimal digits (a"
                        + " literal one is written %25), or a character that a URI must escape.");
    }

    public static String nulInRequest() {
        return msg(
                "CRUX0109E",
                "The request's path or query holds a NUL character (%00), which no id, name or reason may"
                        + " contain.");
    }

    public static String serverFailed(String messageId, String reference) {
        return msg(
                "CRUX0110E",
                "The server failed (" + messageId + "); its log records the cause under reference " + reference + ".");
    }

    public static String runsNeedUser() {
        return msg(
                "CRUX0101E",
                "The runs API needs an authenticated user: a run is visible only to its own user and to"
                        + " the operator role.");
    }

    public static String badCursor(String cursor) {
        return msg(
                "CRUX0102E",
                "The cursor '" + cursor + "' is not one this API returned. Pass the 'next' value of the"
                        + " previous page unchanged.");
    }

    public static String badLimit(int limit, int max) {
        return msg("CRUX0103E", "The limit " + limit + " is not between 1 and " + max + ".");
    }

    public static String badOffset(int offset) {
        return msg("CRUX0104E", "The offset " + offset + " is negative; the first page has offset 0.");
    }

    public static String devtoolsNeedUser() {
        return msg("CRUX0190E", "The devtools need an authenticated user in the operator role.");
    }

    public static String devtoolsNeedRole(String user, String role) {
        return msg("CRUX0191E", "User " + user + " is not in the operator role " + role + " that the devtools need.");
    }

    public static String devtoolsDisabled() {
        return msg("CRUX0192E", "The devtools are off; set crux.devtools.enabled=true to turn them on.");
    }

    public static String badQueryParameter(String name, String value, String expected) {
        return msg("CRUX0193E", "The parameter " + name + "=" + value + " is not valid: " + expected + ".");
    }

    public static String runAlreadyEnded(String flowId, Object status) {
        return msg("CRUX0194E", "Run " + flowId + " has already ended (" + status + "); it cannot be cancelled.");
    }

    public static String lifecycleObserverFailed(String event, String flowId, Throwable failure) {
        return msg(
                "CRUX0200W",
                "An observer of " + event + " of run " + flowId + " failed (" + describe(failure)
                        + "); the run's outcome is unchanged.");
    }

    public static String lifecycleAsyncObserverFailed(String event, String flowId, Throwable failure) {
        return msg(
                "CRUX0201W",
                "An asynchronous observer of " + event + " of run " + flowId + " failed, or the executor refused"
                        + " to notify it (" + describe(failure) + "); the run's outcome is unchanged.");
    }

    public static String lifecycleNotDelivered(String event, String flowId, Throwable failure) {
        return msg(
                "CRUX0202W",
                "The lifecycle event " + event + " of run " + flowId + " was not delivered: the store could not"
                        + " wait for the commit (" + describe(failure) + "); the run's outcome is unchanged.");
    }

    public static String metricsFailed(String method, Throwable failure) {
        return msg(
                "CRUX0170W",
                "The metrics implementation failed in " + method + " (" + describe(failure)
                        + "); the runs go on unchanged. Further failures of " + method + " are not logged.");
    }

    public static String suspendedNotCounted(Throwable failure) {
        return msg(
                "CRUX0171W",
                "The suspended runs could not be counted for crux.runs.suspended (" + describe(failure)
                        + "); the gauge keeps its last count and the next maintenance pass tries again.");
    }

    public static String describe(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + m;
    }

    public static String openApiWithoutFlows(String why) {
        return msg(
                "CRUX0180W",
                "The OpenAPI document lists the generic HTTP API only, not each flow's actions: " + why
                        + ". Set crux.openapi.flows=false to leave them out without this warning.");
    }

    // CRUX0310-0315: cassettes and the judge of crux-ee-langchain4j (0300-0309 and 0316 on: crux-ee-eval's catalog)

    public static String cassetteNoMatch(String file, String model, String mode, String request, String closest) {
        return msg(
                "CRUX0310E",
                "The cassette " + file + " has no recording of this request to the model '" + model + "' (mode " + mode
                        + "): " + request + ". " + closest
                        + " Record it again against a real model with -Dcrux.cassette.mode=RECORD_MISSING (or RECORD),"
                        + " or change the request back.");
    }

    public static String cassetteNoRealModel(String file, String model, String kind, String mode) {
        return msg(
                "CRUX0311E",
                "The cassette " + file + " cannot record a call to the " + kind + " '" + model + "' in mode " + mode
                        + ": no real model of that name was given. Give Cassette.registry(...) the registry of the"
                        + " real models, or replay with -Dcrux.cassette.mode=REPLAY.");
    }

    public static String cassetteUnreadable(String file, String problem) {
        return msg(
                "CRUX0312E",
                "The cassette " + file + " cannot be read: " + problem
                        + ". Fix the file, or delete it and record it again with -Dcrux.cassette.mode=RECORD.");
    }

    public static String cassetteUnwritable(String file, String problem) {
        return msg("CRUX0313E", "The cassette " + file + " cannot be written: " + problem + ".");
    }

    public static String cassetteBadMode(String key, String value) {
        return msg(
                "CRUX0314E",
                "The cassette mode " + key + "=" + value
                        + " is not one of REPLAY, RECORD, RECORD_MISSING (or its alias AUTO).");
    }

    public static String judgeUnparsable(String model, int repairs, String problem) {
        return msg(
                "CRUX0315E",
                "The judge model '" + model + "' gave no usable verdict after " + repairs
                        + (repairs == 1 ? " repair" : " repairs") + "; the last reply was rejected because " + problem
                        + ". Use a model that follows JSON instructions, or allow more repairs with withMaxRepairs(n).");
    }

    public static String badUserMessage(String type, String action, String problem) {
        return msg(
                "CRUX0210E",
                "The user message of the action '" + action + "' of " + type + " cannot be used: " + problem
                        + ". Name a String property of the action's input (a record component, or a JSON-B property)"
                        + " in userMessage, or leave it empty and let the input implement io.crux.ee.api.UserMessage.");
    }

    public static String ephemeralSessionJoined(String flow, String sessionId) {
        return msg(
                "CRUX0211E",
                "The flow '" + flow + "' is declared with sessions = EPHEMERAL: each request has a session of its own"
                        + " that is never stored, so a run cannot join the session '" + sessionId
                        + "'. Start it without a session id (the run id is its session id), or declare the flow"
                        + " with sessions = PERSISTED to keep sessions across requests.");
    }

    public static String ephemeralSuspend(String flow, String operation, String name) {
        return msg(
                "CRUX0212E",
                "The flow '" + flow + "' is declared with sessions = EPHEMERAL, so it cannot " + operation + " ('"
                        + name + "'): its session state lives in memory for one request and would be lost."
                        + " Declare the flow with sessions = PERSISTED to let it suspend.");
    }

    public static String ephemeralRecovered(String flowId, String flow) {
        return msg(
                "CRUX0213E",
                "Run " + flowId + " of the flow '" + flow + "' (sessions = EPHEMERAL) was left unfinished by a server"
                        + " that stopped; its session state lived in that server's memory and is lost, so the run fails"
                        + " instead of going on without it. Start the request again.");
    }

    public static String ephemeralNoSession(String flow, String sessionId) {
        return msg(
                "CRUX0214E",
                "There is no session '" + sessionId + "' of flow '" + flow + "': its sessions are EPHEMERAL and live"
                        + " for one request only, so none is stored (read the request and its stream instead).");
    }

    public static String ephemeralSessionCreated(String flow) {
        return msg(
                "CRUX0215E",
                "The flow '" + flow + "' is declared with sessions = EPHEMERAL: a session is made by each action and"
                        + " lives for its request, so none can be created on its own. POST the action instead.");
    }

    public static String ephemeralSeeded(String flow) {
        return msg(
                "CRUX0216E",
                "Test kit: the flow '" + flow + "' is declared with sessions = EPHEMERAL, so every request starts with"
                        + " an empty session that is never stored; sessionState(...) cannot seed it. Seed the user or"
                        + " project state, or put what the run needs in its input.");
    }

    public static String ephemeralSessionResource(String flow, String resource) {
        return msg(
                "CRUX0217E",
                "The flow '" + flow + "' is declared with sessions = EPHEMERAL, so it has no session resources:"
                        + " the resource '" + resource + "' of scope SESSION would be stored under the run id and"
                        + " never deleted. Give the resource the scope USER or PROJECT, or declare the flow with"
                        + " sessions = PERSISTED.");
    }

    // ---------------------------------------------------------------- typed scope state

    public static String stateFieldConflict(
            String flow, String scope, String field, String firstType, String first, String secondType, String second) {
        return msg(
                "CRUX0230E",
                "The flow '" + flow + "' declares the " + scope + " state key '" + field + "' as " + firstType + " in "
                        + first + " and as " + secondType + " in " + second
                        + ". Give the key one type in every @ScopeState record of that scope.");
    }

    public static String badStateDeclaration(String flow, String where, String problem) {
        return msg(
                "CRUX0231E",
                "The flow '" + flow + "' has an unusable @ScopeState on " + where + ": " + problem
                        + ". Declare each scope once per class or @Action method, with a record type.");
    }

    public static String undeclaredStateKeys(String flow, String scope, java.util.Collection<String> keys) {
        return msg(
                "CRUX0232E",
                "The flow '" + flow + "' declares no " + scope + " state key " + String.join(", ", keys)
                        + "; the write was refused. Add the key to a @ScopeState record of that scope.");
    }

    public static String invalidStateValue(String flow, String scope, Object violations) {
        return msg(
                "CRUX0233E",
                "A write to the " + scope + " state of the flow '" + flow
                        + "' does not fit the declared types and constraints; nothing was written: " + violations);
    }

    public static String stateOperationType(String flow, String scope, String operation, String field, String type) {
        return msg(
                "CRUX0234E",
                "The flow '" + flow + "' cannot " + operation + " the " + scope + " state key '" + field
                        + "': it is declared as " + type
                        + ("inc".equals(operation) ? ", not an integral number" : ", not a list")
                        + ". Use set or update.");
    }

    public static String stateViewMismatch(String flow, String scope, String view, String problem) {
        return msg(
                "CRUX0235E",
                "The " + scope + " state of the flow '" + flow + "' cannot be viewed as " + view + ": " + problem
                        + ". Use the flow's @ScopeState records or parts of them with the same key types.");
    }

    public static String unreadableState(String scope, String field, String type, String problem) {
        return msg(
                "CRUX0236E",
                "The stored " + scope + " state key '" + field + "' does not read as " + type + ": " + problem
                        + ". Migrate the stored value, or declare the key with a type that reads it.");
    }

    public static String consensusTie(String path, String rule, java.util.Collection<String> tied, Object counts) {
        return msg(
                "CRUX0250E",
                "Consensus '" + path + "' ended in a tie under the rule " + rule + " between " + tied + " (votes "
                        + counts + "). Choose a tie-break with onTie(TieBreak.FIRST_VOTE), add a voter, or use"
                        + " another rule.");
    }

    public static String consensusNone(String path, String rule, Object counts) {
        return msg(
                "CRUX0251E",
                "Consensus '" + path + "' reached no decision under the rule " + rule + " (votes " + counts
                        + "). Use a weaker rule (plurality), more voters, or rescue the failure.");
    }

    public static String swarmLimit(String path, int turns, String next) {
        return msg(
                "CRUX0252E",
                "Swarm '" + path + "' reached its bound of " + turns + " turn(s) and its chooser still picked '" + next
                        + "'. Raise maxTurns, or choose OnLimit.RETURN_LAST to end with the last state.");
    }

    public static String swarmUnknownAgent(String path, String chosen, java.util.Collection<String> agents) {
        return msg(
                "CRUX0253E",
                "Swarm '" + path + "' was asked to pass control to '" + chosen + "', which is not one of its agents "
                        + agents + ". Pick or hand off to one of the agents given to the swarm, or finish.");
    }

    public static String boardUnreadable(String path, String key, String type, Throwable cause) {
        return msg(
                "CRUX0254E",
                "The blackboard '" + path + "' cannot read the value of '" + key + "' as " + type + ": "
                        + cause.getMessage() + ". Read it with the type it was written with.");
    }

    public static String boardUnwritable(String path, String key, Throwable cause) {
        return msg(
                "CRUX0255E",
                "The blackboard '" + path + "' cannot store the value of '" + key + "' as JSON: " + cause.getMessage()
                        + ". Write JSON-B serializable values (records work best).");
    }

    public static String delegateUnknown(String path, String name, java.util.Collection<String> delegates) {
        return msg(
                "CRUX0256E",
                "The delegating generator '" + path + "' recorded a call of the delegate '" + name
                        + "', which it no longer has " + delegates
                        + ". Deploy the code that has the delegate to finish the run, or cancel it.");
    }

    public static String delegateRounds(String path, int rounds) {
        return msg(
                "CRUX0257E",
                "The delegating generator '" + path + "' reached its bound of " + rounds
                        + " delegation round(s) and the model still asks for delegates. Raise maxRounds(n), or"
                        + " tell the model in the system message to answer after the delegates reply.");
    }

    // ---------------------------------------------------------------- resources

    public static String resourceNotDeclared(String flow, String name, String type, String declared) {
        return msg(
                "CRUX0240E",
                "The flow '" + flow + "' has no resource '" + name + "' of type " + type
                        + (declared == null ? "" : " (it declares '" + name + "' of type " + declared + ")")
                        + ". Declare it on the flow class with @FlowResource(name = \"" + name + "\", type = ...),"
                        + " or use a ResourceDecl.");
    }

    public static String badResource(String flow, String name, String problem) {
        return msg("CRUX0241E", "The flow '" + flow + "' declares the resource '" + name + "' " + problem + ".");
    }

    public static String resourceConflict(
            String scope, String owner, String name, String key, long expected, long actual) {
        return msg(
                "CRUX0242E",
                "The entry '" + key + "' of the " + scope + " resource '" + name + "' of " + owner + " "
                        + (actual < 0 ? "does not exist" : "has version " + actual) + ", but the write expected "
                        + (expected < 0 ? "none" : "version " + expected)
                        + ". Nothing was written: read the entry again and decide.");
    }

    public static String invalidResourceValue(String name, String key, Object violations) {
        return msg(
                "CRUX0243E",
                "The value for the entry '" + key + "' of the resource '" + name + "' is not valid: " + violations
                        + ". Nothing was written.");
    }

    public static String badResourceUse(String name, String problem) {
        return msg("CRUX0244E", "The resource '" + name + "' was given " + problem + ".");
    }
}
