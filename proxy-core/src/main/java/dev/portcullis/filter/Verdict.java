package dev.portcullis.filter;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** What a filter decided about a request. */
public abstract sealed class Verdict {

    private static final Proceed PROCEED = new Proceed();

    private Verdict() {}

    /** Let the request go on to the next filter and then to the backend. */
    public static Verdict proceed() {
        return PROCEED;
    }

    /** Answer the request with this response; the backend sees nothing of it. */
    public static Verdict respond(Response response) {
        return new Respond(response);
    }

    /**
     * Read the first {@code maxBytes} of the body (or all of it, if shorter) and then ask the
     * filter again through {@link Filter#onRequestBody}. The whole body still reaches the backend.
     */
    public static Verdict inspectBody(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive (got " + maxBytes + ")");
        }
        return new InspectBody(maxBytes);
    }

    /**
     * The verdict is not known yet. Reading from the client pauses until the stage completes; when
     * it takes longer than {@code timeout}, {@code onTimeout} applies instead, and a stage that
     * fails counts as {@code onTimeout} too. The stage may complete on any thread.
     */
    public static Verdict later(
            CompletionStage<Verdict> verdict, Duration timeout, Verdict onTimeout) {
        if (onTimeout instanceof Later) {
            throw new IllegalArgumentException("the timeout verdict must not itself be later");
        }
        return new Later(verdict, timeout, onTimeout);
    }

    /** Go on. */
    public static final class Proceed extends Verdict {
        private Proceed() {}
    }

    /** Answer with a response of the proxy's own. */
    public static final class Respond extends Verdict {
        private final Response response;

        private Respond(Response response) {
            this.response = response;
        }

        public Response response() {
            return response;
        }
    }

    /** Look at a bounded prefix of the body first. */
    public static final class InspectBody extends Verdict {
        private final int maxBytes;

        private InspectBody(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        public int maxBytes() {
            return maxBytes;
        }
    }

    /** Decided later. */
    public static final class Later extends Verdict {
        private final CompletionStage<Verdict> verdict;
        private final Duration timeout;
        private final Verdict onTimeout;

        private Later(CompletionStage<Verdict> verdict, Duration timeout, Verdict onTimeout) {
            this.verdict = verdict;
            this.timeout = timeout;
            this.onTimeout = onTimeout;
        }

        public CompletionStage<Verdict> verdict() {
            return verdict;
        }

        public Duration timeout() {
            return timeout;
        }

        public Verdict onTimeout() {
            return onTimeout;
        }
    }
}
