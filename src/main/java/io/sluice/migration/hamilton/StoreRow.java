package io.sluice.migration.hamilton;

/**
 * A row as read from the store, with the text the reject file shows of it (passwords masked).
 *
 * @param row  the row as read
 * @param text its text form, masked
 */
record StoreRow<L>(L row, String text) {
    @Override
    public String toString() {
        return text;
    }
}
