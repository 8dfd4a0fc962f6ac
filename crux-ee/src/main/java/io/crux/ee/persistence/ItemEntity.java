package io.crux.ee.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * Items of a session written together, usually what one step emitted: their JSON one per line in
 * {@code json}, their creation and update times one line each in {@code times}; {@code type} and
 * {@code status} are the last item's, {@code createdAt} the first's. An item that changes is
 * written again in a later row. Rows are written and read by {@code SessionRows}; a row without
 * {@code times} (written before items were batched) holds one item. Rows never change.
 */
@Entity
@Table(name = "CRUX_ITEM", indexes = @Index(name = "CRUX_ITEM_SESSION", columnList = "SESSION_ID, CREATED_AT"))
public class ItemEntity extends TimestampedRow {

    @Id
    @Column(name = "ID", length = 64)
    String id;

    @Column(name = "SESSION_ID", length = 128)
    String sessionId;

    @Column(name = "REQUEST_ID", length = 128, nullable = false)
    String requestId;

    @Column(name = "TYPE", length = 16, nullable = false)
    String type;

    @Column(name = "STATUS", length = 16, nullable = false)
    String status;

    @Column(name = "ITEM_JSON", nullable = false)
    String json;

    @Column(name = "ITEM_TIMES")
    String times;
}
