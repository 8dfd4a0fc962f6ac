package io.crux.ee.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * The columns of the tables whose rows stand at a position of a run (a step's checkpoint, a
 * suspension): the key {@code ID VARCHAR(140)}, {@code FLOW_ID VARCHAR(128) NOT NULL} and
 * {@code POSITION INTEGER NOT NULL}, besides the version.
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
