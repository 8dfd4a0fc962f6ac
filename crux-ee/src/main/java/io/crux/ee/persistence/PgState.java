package io.crux.ee.persistence;

/**
 * The named state changes as single PostgreSQL statements on {@code CRUX_STATE}. The document is
 * stored as text and changed as {@code jsonb}; every statement increments the version, so readers
 * that compare versions see the change, and takes the row lock for its own length only, so it
 * queues behind a {@code SELECT ... FOR UPDATE} of the rewrite path and the other way round.
 *
 * <p>They are run with plain JDBC on the persistence unit's connection of the current transaction.
 * The upserts share their first five parameters: id, scope, scope key, the document to insert
 * when there is none, and the time.
 */
final class PgState {

    private static final String UPSERT = "INSERT INTO CRUX_STATE AS s (ID, SCOPE, SCOPE_KEY, DOC, UPDATED_AT, VERSION)"
            + " VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (ID) DO UPDATE SET UPDATED_AT = EXCLUDED.UPDATED_AT, VERSION = s.VERSION + 1, ";

    private static final String DOC = "CAST(s.DOC AS jsonb)";

    private static final String VALUE = DOC + " -> CAST(? AS text)";

    /** 6: the removed keys as a JSON array; 7: the set values as a JSON object. */
    static final String PATCH = UPSERT + "DOC = CAST((" + DOC + " - ARRAY(SELECT jsonb_array_elements_text(CAST(? AS jsonb))))"
            + " || CAST(? AS jsonb) AS text)";

    /** 6, 7: the key; 8: the delta; 9, 10: the key. Returns the new value; no row when the value is not a number. */
    static final String INCREMENT = UPSERT + "DOC = CAST(jsonb_set(" + DOC + ", ARRAY[CAST(? AS text)],"
            + " to_jsonb(COALESCE(trunc(CAST(" + DOC + " ->> CAST(? AS text) AS numeric)), 0) + CAST(? AS bigint))) AS text)"
            + " WHERE COALESCE(jsonb_typeof(" + VALUE + "), 'null') IN ('number', 'null')"
            + " RETURNING CAST(" + DOC + " ->> CAST(? AS text) AS bigint)";

    /** 6, 7, 8: the key; 9: the element wrapped in a JSON array; 10, 11: the key. Returns the list's size; no row when the value is not a list. */
    static final String APPEND = UPSERT + "DOC = CAST(jsonb_set(" + DOC + ", ARRAY[CAST(? AS text)],"
            + " CASE WHEN jsonb_typeof(" + VALUE + ") = 'array' THEN " + VALUE + " ELSE CAST('[]' AS jsonb) END"
            + " || CAST(? AS jsonb)) AS text)"
            + " WHERE COALESCE(jsonb_typeof(" + VALUE + "), 'null') IN ('array', 'null')"
            + " RETURNING jsonb_array_length(" + VALUE + ")";

    /** 1: the key; 2: the time; 3: the id; 4: the key. Changes one row if the key held a value other than null. */
    static final String REMOVE = "UPDATE CRUX_STATE AS s SET DOC = CAST(" + DOC + " - CAST(? AS text) AS text), UPDATED_AT = ?,"
            + " VERSION = s.VERSION + 1 WHERE s.ID = ? AND jsonb_typeof(" + VALUE + ") <> 'null'";

    private PgState() {}
}
