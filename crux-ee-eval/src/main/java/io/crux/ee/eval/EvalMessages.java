package io.crux.ee.eval;

import java.util.Collection;

/**
 * The message catalog of crux-ee-eval: every message it puts in an exception or an assertion starts
 * with a stable id from {@code CRUX0300E} on that crux-ee's own catalog, {@code io.crux.ee.catalog.Messages},
 * does not hold (it keeps the lower ids, and {@code CRUX0310}–{@code 0315} for crux-ee-langchain4j). Ids are
 * never reused; {@code MessageIdsTest} checks that no number is given twice across the two catalogs.
 */
public final class EvalMessages {

    private EvalMessages() {}

    private static String msg(String id, String text) {
        return id + ": " + text;
    }

    /**
     * @param source the file or resource
     * @param line the line number, from 1
     * @param problem what is wrong
     * @return CRUX0300E
     */
    public static String badDataSetLine(String source, int line, String problem) {
        return msg(
                "CRUX0300E",
                "The data set " + source + " has a malformed case at line " + line + ": " + problem
                        + ". A JSONL line is one object {\"id\": ..., \"input\": ..., \"expected\": ..., \"tags\": [...]};"
                        + " a CSV row has one cell per header column.");
    }

    /**
     * @param resource the resource name
     * @return CRUX0301E
     */
    public static String dataSetNotFound(String resource) {
        return msg(
                "CRUX0301E",
                "The data set resource '" + resource + "' is not on the class path."
                        + " Put it under src/test/resources, or pass a Path.");
    }

    /**
     * @param source the file or resource
     * @param id the repeated case id
     * @return CRUX0302E
     */
    public static String duplicateCaseId(String source, String id) {
        return msg(
                "CRUX0302E",
                "The data set " + source + " has the case id '" + id + "' twice. Give each case its own id.");
    }

    /**
     * @param source the file or resource
     * @param columns the unknown columns
     * @param known the record's components
     * @return CRUX0303E
     */
    public static String unknownCsvColumns(String source, Collection<String> columns, Collection<String> known) {
        return msg(
                "CRUX0303E",
                "The CSV data set " + source + " has the columns " + columns + ", which the input type does not have."
                        + " Its components are " + known + "; the columns id, expected and tags are the case's own.");
    }

    /**
     * @param evaluation the evaluation's name
     * @param failures one line per failed gate and failing case
     * @return CRUX0304E
     */
    public static String gatesFailed(String evaluation, String failures) {
        return msg("CRUX0304E", "The evaluation '" + evaluation + "' did not pass its gates:\n" + failures);
    }

    /**
     * @param evaluation the evaluation's name
     * @param name the scorer name a gate asks for
     * @param known the evaluation's scorers
     * @return CRUX0305E
     */
    public static String unknownScorer(String evaluation, String name, Collection<String> known) {
        return msg(
                "CRUX0305E",
                "A gate of the evaluation '" + evaluation + "' names the scorer '" + name
                        + "', which it does not have. Its scorers are " + known + ".");
    }

    /**
     * @param model the judge's model name
     * @return CRUX0306E
     */
    public static String judgeWithoutRegistry(String model) {
        return msg(
                "CRUX0306E",
                "The judge scorer for the model '" + model + "' found no ModelRegistry: give the evaluated FlowTest"
                        + " one with service(ModelRegistry.class, ...), or pass the registry to Scorers.judge.");
    }

    /**
     * @param evaluation the evaluation's name
     * @param problem what is missing or repeated
     * @return CRUX0307E
     */
    public static String badEvaluation(String evaluation, String problem) {
        return msg("CRUX0307E", "The evaluation '" + evaluation + "' cannot run: " + problem + ".");
    }

    /**
     * @param dir the report directory
     * @param problem the I/O failure
     * @return CRUX0308E
     */
    public static String reportNotWritten(String dir, String problem) {
        return msg("CRUX0308E", "The evaluation report could not be written to " + dir + ": " + problem);
    }

    /**
     * @param uri the devtools URL
     * @param status 401 or 403
     * @param credentials whether credentials were sent
     * @return CRUX0309E
     */
    public static String devtoolsRefused(String uri, int status, boolean credentials) {
        return msg(
                "CRUX0309E",
                "The devtools API at " + uri + " answered " + status + ": "
                        + (credentials
                                ? "the user is not in the operator role (crux.http.operator-role, default crux-operator)"
                                        + " or the password is wrong."
                                : "it needs a user in the operator role: call basicAuth(user, password)."));
    }

    /**
     * @param uri the devtools URL
     * @return CRUX0316E
     */
    public static String devtoolsNotFound(String uri) {
        return msg(
                "CRUX0316E",
                "The devtools API at " + uri + " answered 404: the devtools are off in that application"
                        + " (crux.devtools.enabled=true turns them on), the base is not the application's REST root"
                        + " (the context root plus crux.devtools.api-path, such as http://host/app/api), or the run is"
                        + " gone.");
    }

    /**
     * @param runId the stored run
     * @param flow its flow
     * @param type the input type
     * @param problem what JSON-B said
     * @return CRUX0317E
     */
    public static String runInputNotBound(String runId, String flow, String type, String problem) {
        return msg(
                "CRUX0317E",
                "The stored input of the run " + runId + " of '" + flow + "' does not bind to " + type + ": " + problem
                        + ". Give the action's input type, or filter the runs by flow.");
    }

    /**
     * @param uri the devtools URL
     * @param problem the failure
     * @return CRUX0318E
     */
    public static String devtoolsFailed(String uri, String problem) {
        return msg("CRUX0318E", "The devtools API at " + uri + " could not be read: " + problem);
    }
}
