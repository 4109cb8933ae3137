package dev.portcullis.config;

import dev.portcullis.config.validate.ConfigProblem;
import java.util.List;

/** The outcome of loading a configuration: a valid {@link ProxyConfig}, or every problem found. */
public sealed interface ConfigResult permits ConfigResult.Valid, ConfigResult.Invalid {

    /** The configuration passed every rule and may be run. */
    record Valid(ProxyConfig config) implements ConfigResult {}

    /**
     * The configuration must not be run.
     *
     * @param problems at least one, sorted by line, then path
     */
    record Invalid(List<ConfigProblem> problems) implements ConfigResult {

        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid configuration needs a problem");
            }
        }
    }
}
