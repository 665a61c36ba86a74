package dev.dynamini.migrate;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;
import dev.dynamini.dynamo.UnconfirmedCommitException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Waits out DynamoDB's throttling around one item's work. An import writes as fast as DynamoDB takes
 * it, so on provisioned (or cold on-demand) tables it runs into throttling that the SDK's few quick
 * retries do not outlast. Doing an item again is safe: it starts by reading what is there. After
 * the last attempt the throttling goes up and stops the run, which a rerun resumes.
 */
final class Patience {
    static final int ATTEMPTS = 10;
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private final Duration firstPause;
    private final PrintStream out;

    Patience(Duration firstPause, PrintStream out) {
        this.firstPause = firstPause;
        this.out = out;
    }

    <T> T apply(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (!throttled(e) || attempt >= ATTEMPTS) {
                    throw e;
                }
                Duration pause = firstPause.multipliedBy(1L << Math.min(attempt - 1, 16));
                pause = pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
                out.println("DynamoDB is throttling; pausing " + pause.toMillis() + " ms (attempt " + attempt + " of " + ATTEMPTS + ")");
                sleep(pause);
            }
        }
    }

    static boolean throttled(Throwable e) {
        if (e instanceof UnconfirmedCommitException unconfirmed) {
            // a version written, its head not moved: the next attempt finds it and goes on from it
            return throttled(unconfirmed.getCause());
        }
        if (e instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()) {
            return cancelled.cancellationReasons().stream()
                    .anyMatch(r -> "ThrottlingError".equals(r.code()) || "ProvisionedThroughputExceeded".equals(r.code()));
        }
        return e instanceof AwsServiceException service && service.isThrottlingException();
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting out throttling", e);
        }
    }
}
