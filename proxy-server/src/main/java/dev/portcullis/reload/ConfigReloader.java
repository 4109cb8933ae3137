package dev.portcullis.reload;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigResult;
import dev.portcullis.config.validate.ConfigProblem;
import dev.portcullis.server.ProxyServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the configuration file again, validates it, and asks the server to swap it in. An invalid
 * file is refused with every problem logged, and the running configuration stays. Reloads are
 * serialised: whatever triggers them (file change, SIGHUP, admin API), one runs at a time.
 */
public final class ConfigReloader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Path file;
    private final Map<String, String> env;
    private final ProxyServer server;
    private final Counter applied;
    private final Counter invalid;
    private final Counter failed;
    private final AtomicLong lastSuccessSeconds = new AtomicLong();

    /** What a reload did, and a line for the operator. */
    public record Outcome(boolean applied, String message) {}

    public ConfigReloader(
            Path file, Map<String, String> env, ProxyServer server, MeterRegistry registry) {
        this.file = file;
        this.env = Map.copyOf(env);
        this.server = server;
        this.applied = counter(registry, "applied");
        this.invalid = counter(registry, "invalid");
        this.failed = counter(registry, "failed");
        Gauge.builder("portcullis.config.last.reload.success", lastSuccessSeconds, AtomicLong::get)
                .description("Unix time of the last configuration reload that was applied")
                .baseUnit("seconds")
                .register(registry);
        lastSuccessSeconds.set(System.currentTimeMillis() / 1000);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("portcullis.config.reloads")
                .description("Configuration reloads, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    /**
     * Reloads now.
     *
     * @param trigger what asked for it, for the log line
     */
    public synchronized Outcome reload(String trigger) {
        ConfigResult result = ConfigLoader.load(file, env);
        if (result instanceof ConfigResult.Invalid problems) {
            invalid.increment();
            StringJoiner lines = new StringJoiner("\n  ", "", "");
            for (ConfigProblem problem : problems.problems()) {
                lines.add(problem.toString());
            }
            LOG.error(
                    "Reload ({}) refused: {} is not valid; the running configuration stays:\n  {}",
                    trigger,
                    file,
                    lines);
            return new Outcome(false, file + " is not valid:\n  " + lines + "\n");
        }
        ProxyServer.ReloadOutcome outcome = server.reload(((ConfigResult.Valid) result).config());
        if (!outcome.applied()) {
            failed.increment();
            List<String> problems = outcome.problems();
            LOG.error("Reload ({}) of {} failed: {}", trigger, file, String.join("; ", problems));
            return new Outcome(false, "reload failed: " + String.join("; ", problems) + "\n");
        }
        applied.increment();
        lastSuccessSeconds.set(System.currentTimeMillis() / 1000);
        LOG.info("Reload ({}) of {} applied: {}", trigger, file, outcome.summary());
        return new Outcome(true, "reloaded: " + outcome.summary() + "\n");
    }
}
