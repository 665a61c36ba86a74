package dev.dynamini.dynamo;

import dev.dynamini.store.CommitRejectedException;
import dev.dynamini.store.CommitRejectedException.Reason;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** A cancelled transaction's verdict, and the position of the item whose condition decided it (-1 for a conflict). */
record Rejection(CommitRejectedException exception, int position) {

    /**
     * Which condition failed decides the answer: a missing parent wins (404), then a changed head
     * or a filled version slot (re-read), then a taken name (409), then a register changed since
     * it was judged (look again); among equals, the first item. A conflict with a concurrent
     * transaction is retried; anything else (throttling) is not a rejection and goes up as it came.
     */
    static Rejection of(TransactionCanceledException cancelled, List<Reason> reasonAt) {
        List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
        Reason worst = null;
        int position = -1;
        int conflictAt = -1;
        for (int i = 0; i < reasons.size() && i < reasonAt.size(); i++) {
            String code = reasons.get(i).code();
            if ("ConditionalCheckFailed".equals(code)) {
                Reason reason = reasonAt.get(i);
                if (worst == null || reason.ordinal() > worst.ordinal()) {
                    worst = reason;
                    position = i;
                }
            } else if ("TransactionConflict".equals(code)) {
                conflictAt = conflictAt < 0 ? i : conflictAt;
            } else if (code != null && !"None".equals(code)) {
                // throttling or a validation error: not a race, so not retried here; the HTTP
                // layer answers it (429 for throttling)
                throw cancelled;
            }
        }
        if (worst == null) {
            if (conflictAt >= 0) {
                return new Rejection(new CommitRejectedException(Reason.CONFLICT, null), conflictAt);
            }
            throw cancelled;
        }
        String holder = null;
        Map<String, AttributeValue> old = reasons.get(position).item();
        if (worst == Reason.NAME_TAKEN && old != null && old.containsKey(ItemCodec.HOLDER)) {
            holder = old.get(ItemCodec.HOLDER).s();
        }
        return new Rejection(new CommitRejectedException(worst, holder), position);
    }
}
