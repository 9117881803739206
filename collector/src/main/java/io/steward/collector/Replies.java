package io.steward.collector;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waiting for pipelined replies, and building arguments for commands Lettuce has no method for. */
final class Replies {

    private Replies() {}

    /**
     * The reply, or the exception the command failed with (unwrapped). Lettuce times the command out first; the
     * extra second only guards against a reply that never completes.
     */
    static <T> T await(CompletionStage<T> future, Duration timeout) throws Exception {
        try {
            return future.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException wrapped) {
            throw wrapped.getCause() instanceof Exception cause ? cause : wrapped;
        }
    }

    static CommandArgs<String, String> args(String... words) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
        for (String word : words) {
            args.add(word);
        }
        return args;
    }
}
