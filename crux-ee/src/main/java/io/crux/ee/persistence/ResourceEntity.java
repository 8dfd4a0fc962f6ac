package io.crux.ee.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.crux.ee.spi.ResourceRecord;

/** One entry of a resource: its value as JSON, keyed by scope, owner, resource name and key. */
@Entity
@Table(name = "CRUX_RESOURCE")
@IdClass(ResourceEntity.Key.class)
public class ResourceEntity extends VersionedRow {

    @Id
    @Column(name = "SCOPE", length = 16)
    String scope;

    @Id
    @Column(name = "OWNER_ID", length = 128)
    String owner;

    @Id
    @Column(name = "NAME", length = 64)
    String name;

    @Id
    @Column(name = "ENTRY_KEY", length = 200)
    String entryKey; // not "key": KEY is a reserved identifier of JPQL

    @Column(name = "VALUE_JSON", nullable = false)
    String json;

    @Convert(converter = InstantConverter.class)
    @Column(name = "UPDATED_AT", nullable = false)
    Instant updatedAt;

    /** A new entry. */
    static ResourceEntity of(String scope, String owner, String name, String key, String json) {
        ResourceEntity e = new ResourceEntity();
        e.scope = scope;
        e.owner = owner;
        e.name = name;
        e.entryKey = key;
        e.write(json);
        return e;
    }

    /** Replaces the value, written now. */
    void write(String json) {
        this.json = json;
        this.updatedAt = Instant.now();
    }

    ResourceRecord toRecord() {
        return new ResourceRecord(scope, owner, name, entryKey, json, version, updatedAt);
    }

    /** The primary key of {@link ResourceEntity}. */
    public static class Key implements Serializable {

        private static final long serialVersionUID = 1L;

        String scope;
        String owner;
        String name;
        String entryKey;

        /** For the provider. */
        public Key() {}

        Key(String scope, String owner, String name, String key) {
            this.scope = scope;
            this.owner = owner;
            this.name = name;
            this.entryKey = key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && scope.equals(k.scope)
                    && owner.equals(k.owner)
                    && name.equals(k.name)
                    && entryKey.equals(k.entryKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scope, owner, name, entryKey);
        }
    }
}
