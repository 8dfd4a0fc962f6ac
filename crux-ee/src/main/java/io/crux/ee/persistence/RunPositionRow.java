package io.crux.ee.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * The columns of the tables whose rows stand at a position of a run (a step's checkpoint, a
 * suspension): the entity's id {@code ID VARCHAR(140)} (the run's id and the position), {@code
 * FLOW_ID VARCHAR(128) NOT NULL} and {@code POSITION INTEGER NOT NULL}, besides the version. The
 * database's key is {@code ID}, except for {@code CRUX_STEP} in a PostgreSQL schema of the current
 * DDL, keyed by {@code (FLOW_ID, POSITION)}: the same rows, one index fewer.
 */
@MappedSuperclass
public abstract class RunPositionRow extends VersionedRow {

    @Id
    @Column(name = "ID", length = 140)
    String id;

    @Column(name = "FLOW_ID", length = 128, nullable = false)
    String flowId;

    @Column(name = "POSITION", nullable = false)
    int position;
}
