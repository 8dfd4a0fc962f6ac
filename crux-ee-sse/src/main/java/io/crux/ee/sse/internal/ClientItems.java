package io.crux.ee.sse.internal;

import java.util.List;

import io.crux.ee.api.Item;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.SessionStore;

/**
 * One page of a session's items as its client may see them: {@link Item.Audience#CLIENT} items
 * only, since model and internal items are stored for the model and the operators, never shown.
 *
 * @param items the client's items of the page, newest first
 * @param nextBefore the item id the next page starts before, or {@code null} when this page is the last
 */
public record ClientItems(List<Item> items, String nextBefore) {

    /**
     * @param sessions the store
     * @param sessionId the session
     * @param beforeItemId the id of the last item of the previous page, or {@code null} for the newest
     * @param size the most stored items the page covers (hidden ones count, so that paging goes on)
     * @return the page
     */
    public static ClientItems page(SessionStore sessions, String sessionId, String beforeItemId, int size) {
        List<ItemRecord> page = sessions.pageItems(sessionId, beforeItemId, size);
        List<Item> visible = page.stream()
                .map(ItemRecord::item)
                .filter(i -> i.audience() == Item.Audience.CLIENT)
                .toList();
        String next = page.size() == size ? page.get(page.size() - 1).item().id() : null;
        return new ClientItems(visible, next);
    }
}
