-- crux-ee schema for PostgreSQL. crux-ee runs this script at start-up (crux.schema.create=true, the
-- default); every statement is idempotent. DBAs who manage the schema themselves run it once and
-- set crux.schema.create=false. Statements are separated by a semicolon at the end of a line.

CREATE TABLE IF NOT EXISTS CRUX_SUSPENSION (
    ID            VARCHAR(140)  NOT NULL PRIMARY KEY,
    FLOW_ID       VARCHAR(128)  NOT NULL,
    POSITION      INTEGER       NOT NULL,
    NAME          VARCHAR(200)  NOT NULL,
    PAYLOAD_TYPE  VARCHAR(400),
    STATE         VARCHAR(16)   NOT NULL,
    SUSPENDED_AT  TIMESTAMP     NOT NULL,
    EXPIRES_AT    TIMESTAMP,
    SIGNAL_JSON   TEXT,
    SIGNALLED_AT  TIMESTAMP,
    VERSION       BIGINT        NOT NULL
);

CREATE INDEX IF NOT EXISTS CRUX_SUSPENSION_RUN ON CRUX_SUSPENSION (FLOW_ID);

CREATE TABLE IF NOT EXISTS CRUX_FLOW_RUN (
    ID             VARCHAR(128)  NOT NULL PRIMARY KEY,
    FLOW_NAME      VARCHAR(200)  NOT NULL,
    ACTION_NAME    VARCHAR(200)  NOT NULL,
    STATUS         VARCHAR(16)   NOT NULL,
    PARENT_ID      VARCHAR(128),
    SESSION_ID     VARCHAR(128),
    USER_ID        VARCHAR(128),
    PROJECT_ID     VARCHAR(128),
    EVENTS         BOOLEAN       DEFAULT FALSE NOT NULL,
    INPUT_TYPE     VARCHAR(400),
    INPUT_JSON     TEXT,
    OUTPUT_TYPE    VARCHAR(400),
    OUTPUT_JSON    TEXT,
    ERROR          VARCHAR(4000),
    SUSPENSION_ID  VARCHAR(140),
    OWNER          VARCHAR(200),
    LEASE_UNTIL    TIMESTAMP,
    TRACE_PARENT   VARCHAR(128),
    CREATED_AT     TIMESTAMP     NOT NULL,
    UPDATED_AT     TIMESTAMP     NOT NULL,
    VERSION        BIGINT        NOT NULL
);

-- Added after 0.1.0-SNAPSHOT's first schema; harmless on a new one.
ALTER TABLE CRUX_FLOW_RUN ADD COLUMN IF NOT EXISTS USER_ID VARCHAR(128);

ALTER TABLE CRUX_FLOW_RUN ADD COLUMN IF NOT EXISTS PROJECT_ID VARCHAR(128);

ALTER TABLE CRUX_FLOW_RUN ADD COLUMN IF NOT EXISTS EVENTS BOOLEAN DEFAULT FALSE NOT NULL;

-- the W3C traceparent of the run's first execution, which its later executions link to
ALTER TABLE CRUX_FLOW_RUN ADD COLUMN IF NOT EXISTS TRACE_PARENT VARCHAR(128);

CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_STATUS ON CRUX_FLOW_RUN (STATUS, LEASE_UNTIL);

CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_FLOW ON CRUX_FLOW_RUN (FLOW_NAME, CREATED_AT);

-- a cancelled run finds its open children. This index and the user's and the session's below
-- hold only the runs that have the column: a run started without them (a batch run from a handle)
-- writes no entry there, at its start nor at its end, whose update is never HOT. Queries name the
-- column with "=", which implies IS NOT NULL, so they use these indexes with bound parameters too.
-- (A schema created before they were partial keeps its full indexes; both work.)
CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_PARENT ON CRUX_FLOW_RUN (PARENT_ID) WHERE PARENT_ID IS NOT NULL;

-- The devtools (the operator's view): the step that failed a run for good, with its failed
-- attempts (JSON); and the indexes of their filters, each ending with the page's order.
ALTER TABLE CRUX_FLOW_RUN ADD COLUMN IF NOT EXISTS FAILURE_LOG TEXT;

CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_CREATED ON CRUX_FLOW_RUN (CREATED_AT, ID);

CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_STATUS_CREATED ON CRUX_FLOW_RUN (STATUS, CREATED_AT, ID);

CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_USER ON CRUX_FLOW_RUN (USER_ID, CREATED_AT, ID) WHERE USER_ID IS NOT NULL;

CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_SESSION ON CRUX_FLOW_RUN (SESSION_ID, CREATED_AT, ID) WHERE SESSION_ID IS NOT NULL;

-- the devtools' live list reads the runs written since its last look
CREATE INDEX IF NOT EXISTS CRUX_FLOW_RUN_UPDATED ON CRUX_FLOW_RUN (UPDATED_AT);

-- A run's checkpoints by position: the primary key is the one index a checkpoint's insert writes
-- to, and a run's rows load through it in order. ID (the run's id and the position) is what the
-- JPA entity is known by; nothing looks a row up by it. A schema created before the key was
-- (FLOW_ID, POSITION) has ID as its key and the index CRUX_STEP_RUN for the loads; both work.
CREATE TABLE IF NOT EXISTS CRUX_STEP (
    ID            VARCHAR(140)  NOT NULL,
    FLOW_ID       VARCHAR(128)  NOT NULL,
    POSITION      INTEGER       NOT NULL,
    LABEL         VARCHAR(200)  NOT NULL,
    KIND          VARCHAR(16)   NOT NULL,
    OUTPUT_TYPE   VARCHAR(400),
    OUTPUT_JSON   TEXT,
    ATTEMPTS      INTEGER       NOT NULL,
    FALLBACK      BOOLEAN       NOT NULL,
    COMPLETED_AT  TIMESTAMP     NOT NULL,
    VERSION       BIGINT        NOT NULL,
    PRIMARY KEY (FLOW_ID, POSITION)
);

-- When a step's first attempt started, and its failed attempts before it completed (JSON).
ALTER TABLE CRUX_STEP ADD COLUMN IF NOT EXISTS STARTED_AT TIMESTAMP;

ALTER TABLE CRUX_STEP ADD COLUMN IF NOT EXISTS ATTEMPT_LOG TEXT;

CREATE TABLE IF NOT EXISTS CRUX_SESSION (
    ID          VARCHAR(128)  NOT NULL PRIMARY KEY,
    KIND        VARCHAR(200)  NOT NULL,
    USER_ID     VARCHAR(128),
    CREATED_AT  TIMESTAMP     NOT NULL,
    UPDATED_AT  TIMESTAMP     NOT NULL,
    VERSION     BIGINT        NOT NULL
);

CREATE INDEX IF NOT EXISTS CRUX_SESSION_OWNER ON CRUX_SESSION (KIND, USER_ID, CREATED_AT);

CREATE TABLE IF NOT EXISTS CRUX_STATE (
    ID          VARCHAR(160)  NOT NULL PRIMARY KEY,
    SCOPE       VARCHAR(16)   NOT NULL,
    SCOPE_KEY   VARCHAR(128)  NOT NULL,
    DOC         TEXT          NOT NULL,
    UPDATED_AT  TIMESTAMP     NOT NULL,
    VERSION     BIGINT        NOT NULL
);

-- One entry of a resource (a named, typed store of a session, user or project), its value as
-- JSON. Keys are compared and ordered bytewise (COLLATE "C"), so pages follow the keys' binary order.
CREATE TABLE IF NOT EXISTS CRUX_RESOURCE (
    SCOPE       VARCHAR(16)   NOT NULL,
    OWNER_ID    VARCHAR(128)  NOT NULL,
    NAME        VARCHAR(64)   NOT NULL,
    ENTRY_KEY   VARCHAR(200) COLLATE "C" NOT NULL,
    VALUE_JSON  TEXT NOT NULL,
    UPDATED_AT  TIMESTAMP     NOT NULL,
    VERSION     BIGINT        NOT NULL,
    PRIMARY KEY (SCOPE, OWNER_ID, NAME, ENTRY_KEY)
);

-- One row per write of a session's items (what a step emitted): the items one per line in
-- ITEM_JSON, their creation and update times one line each in ITEM_TIMES. A changed item is
-- written again in a later row; reads keep its last content.
CREATE TABLE IF NOT EXISTS CRUX_ITEM (
    ID          VARCHAR(64)   NOT NULL PRIMARY KEY,
    SESSION_ID  VARCHAR(128),
    REQUEST_ID  VARCHAR(128)  NOT NULL,
    TYPE        VARCHAR(16)   NOT NULL,
    STATUS      VARCHAR(16)   NOT NULL,
    ITEM_JSON   TEXT          NOT NULL,
    ITEM_TIMES  TEXT,
    CREATED_AT  TIMESTAMP     NOT NULL,
    UPDATED_AT  TIMESTAMP     NOT NULL,
    VERSION     BIGINT        NOT NULL
);

-- Rows of the first schema hold one item each and have no ITEM_TIMES.
ALTER TABLE CRUX_ITEM ADD COLUMN IF NOT EXISTS ITEM_TIMES TEXT;

CREATE INDEX IF NOT EXISTS CRUX_ITEM_SESSION ON CRUX_ITEM (SESSION_ID, CREATED_AT);

-- One row per run of consecutive events of a request (what a step emitted): FIRST_SEQ to SEQ,
-- the envelopes one per line in EVENT_JSON, their types one per line in EVENT_TYPES.
CREATE TABLE IF NOT EXISTS CRUX_EVENT (
    ID           VARCHAR(160)  NOT NULL PRIMARY KEY,
    REQUEST_ID   VARCHAR(128)  NOT NULL,
    FIRST_SEQ    BIGINT,
    SEQ          BIGINT        NOT NULL,
    TYPE         VARCHAR(40)   NOT NULL,
    EVENT_TYPES  TEXT,
    EVENT_JSON   TEXT          NOT NULL,
    OCCURRED_AT  TIMESTAMP     NOT NULL,
    VERSION      BIGINT        NOT NULL
);

-- Rows of the first schema hold one event each and have neither column.
ALTER TABLE CRUX_EVENT ADD COLUMN IF NOT EXISTS FIRST_SEQ BIGINT;

ALTER TABLE CRUX_EVENT ADD COLUMN IF NOT EXISTS EVENT_TYPES TEXT;

CREATE INDEX IF NOT EXISTS CRUX_EVENT_REQUEST ON CRUX_EVENT (REQUEST_ID, SEQ);

-- A row of items or events holds what a step emitted, often tens of kilobytes: lz4 compresses it at
-- a fraction of the CPU of the default pglz. PostgreSQL 14+ built with lz4 only; elsewhere the
-- default stays. The check keeps the ALTER (and its table lock) to the first start.
DO $$ DECLARE c record; BEGIN
  IF current_setting('server_version_num')::int >= 140000 THEN
    FOR c IN SELECT a.attrelid::regclass AS t, a.attname AS n FROM pg_attribute a
        WHERE (a.attrelid, a.attname) IN (('crux_event'::regclass, 'event_json'), ('crux_item'::regclass, 'item_json'))
        AND a.attcompression <> 'l' LOOP
      EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET COMPRESSION lz4', c.t, c.n)
    ; END LOOP
  ; END IF
; EXCEPTION WHEN feature_not_supported THEN NULL
; END $$;

-- Which server holds each node id (crux.node-id), so that two live servers never execute runs under
-- one id: renewed at every maintenance pass, released when the engine closes. SEEN_AT has a time zone:
-- servers in other time zones, and a change of daylight-saving time, read one instant.
CREATE TABLE IF NOT EXISTS CRUX_NODE (
    NODE_ID          VARCHAR(200)  NOT NULL PRIMARY KEY,
    INCARNATION      VARCHAR(64),
    HOST             VARCHAR(255)  NOT NULL,
    MACHINE          VARCHAR(200)  NOT NULL,
    PID              BIGINT        NOT NULL,
    PROCESS_STARTED  BIGINT        NOT NULL,
    BEATS            BIGINT        NOT NULL,
    SEEN_AT          TIMESTAMPTZ NOT NULL
);
