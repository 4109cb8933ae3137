package dev.portcullis.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Process signals: SIGHUP reloads the configuration, SIGTERM and SIGINT drain and exit with 0. The
 * JDK has no public API for signals; {@code sun.misc.Signal} (module jdk.unsupported) is the one
 * every JVM server uses for this.
 */
@SuppressForbidden("sun.misc.Signal is the only way to handle SIGHUP and exit 0 on SIGTERM")
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /**
     * Runs the action, on a thread of its own, whenever the signal arrives.
     *
     * @return false when the platform does not know the signal (the caller keeps the default)
     */
    static boolean on(String name, Runnable action) {
        try {
            Signal.handle(
                    new Signal(name),
                    signal -> {
                        Thread thread =
                                new Thread(
                                        action,
                                        "portcullis-sig" + name.toLowerCase(java.util.Locale.ROOT));
                        thread.setDaemon(false);
                        thread.start();
                    });
            return true;
        } catch (IllegalArgumentException unavailable) {
            LOG.debug("signal {} cannot be handled here: {}", name, unavailable.getMessage());
            return false;
        }
    }
}
