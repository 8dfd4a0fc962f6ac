package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.MappedSuperclass;

/**
 * The columns of the tables whose rows say when what they hold was created and last updated (runs,
 * sessions, items): {@code CREATED_AT TIMESTAMP NOT NULL} and {@code UPDATED_AT TIMESTAMP NOT NULL},
 * besides the version.
 */
@MappedSuperclass
public abstract class TimestampedRow extends VersionedRow {

    @Convert(converter = InstantConverter.class)
    @Column(name = "CREATED_AT", nullable = false)
    Instant createdAt;

    @Convert(converter = InstantConverter.class)
    @Column(name = "UPDATED_AT", nullable = false)
    Instant updatedAt;
}
