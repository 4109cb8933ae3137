package dev.portcullis.health;

import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.config.HealthCheckKind;
import dev.portcullis.config.unit.Durations;
import dev.portcullis.metrics.MeterNames;
import dev.portcullis.metrics.ProxyMetrics;
import dev.portcullis.upstream.Backend;
import io.micrometer.core.instrument.Counter;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active health checks of one upstream: each backend is probed every {@code interval} (± the
 * jitter) and the result goes to its {@link BackendHealth}.
 *
 * <h2>A check</h2>
 *
 * <p>HTTP: a fresh connection, {@code GET path HTTP/1.1} with {@code Host} ({@code host} or the
 * backend's {@code host:port}) and {@code Connection: close}; the response head is parsed strictly
 * and the check passes iff its status is in the expected range. The body is not read. TCP: the
 * check passes when the connection is accepted. Either way {@code timeout} bounds connect and
 * response together, and the connection is closed when the check ends.
 *
 * <h2>Threads and bounds</h2>
 *
 * <p>Each backend's checks run on one event loop of the group, chosen at construction, and all its
 * check state is confined to that loop. The next check is scheduled only when the current one has
 * ended, so at most one check per backend is in flight and checks never pile up behind a slow
 * backend. Nothing blocks: backend names are resolved once, in the constructor.
 *
 * <h2>Life cycle</h2>
 *
 * <p>{@link #start()} checks every backend at once and returns a future that completes when each
 * has had its first result (pass, fail or timeout), so that the server can wait for it before
 * taking traffic. {@link #close()} stops everything: checks in flight are abandoned, their
 * connections closed and their results, should any still arrive, ignored.
 */
public final class ActiveHealthChecker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActiveHealthChecker.class);

    private static final String USER_AGENT = "portcullis-health-check";
    private static final long CLOSE_WAIT_MILLIS = 1000;

    private final String upstream;
    private final HealthCheckConfig config;
    private final EventLoopGroup group;
    private final List<Target> targets = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * Resolves the host names of backends that carry no address yet, so it blocks: call it before
     * serving, never on an event loop.
     *
     * @param backends the health of each backend to check
     * @param group runs the checks; its I/O handler must match {@code channelType}
     * @throws UnknownHostException when a backend's host name does not resolve
     */
    ActiveHealthChecker(
            String upstream,
            HealthCheckConfig config,
            List<BackendHealth> backends,
            EventLoopGroup group,
            Class<? extends Channel> channelType,
            ProxyMetrics metrics)
            throws UnknownHostException {
        this.upstream = upstream;
        this.config = config;
        this.group = group;
        HttpDecoderConfig decoderConfig = responseDecoderConfig();
        for (BackendHealth health : backends) {
            Backend backend = health.backend();
            // A host name with several addresses is several backends: each is checked at its own.
            InetAddress known = backend.address();
            InetSocketAddress address =
                    new InetSocketAddress(
                            known != null ? known : InetAddress.getByName(backend.config().host()),
                            backend.config().port());
            EventLoop loop = group.next();
            targets.add(
                    new Target(
                            health,
                            loop,
                            bootstrap(loop, channelType, address),
                            decoderConfig,
                            metrics.healthChecks(upstream, backend.id(), MeterNames.RESULT_SUCCESS),
                            metrics.healthChecks(
                                    upstream, backend.id(), MeterNames.RESULT_FAILURE)));
        }
    }

    /**
     * Checks every backend now and from then on every interval.
     *
     * @return completes when every backend has had its first check, or when the checker closes
     * @throws IllegalStateException when called twice
     */
    public CompletableFuture<Void> start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("health checks of upstream " + upstream + " started");
        }
        CompletableFuture<?>[] first = new CompletableFuture<?>[targets.size()];
        for (int i = 0; i < first.length; i++) {
            Target target = targets.get(i);
            first[i] = target.firstResult;
            execute(target.loop, target::check, target);
        }
        return CompletableFuture.allOf(first);
    }

    /**
     * Stops checking. From a thread that is not one of the group's event loops it waits, at most a
     * second, until every check in flight is abandoned and its connection closed.
     */
    @Override
    public void close() {
        closed = true;
        List<Future<?>> stopping = new ArrayList<>();
        for (Target target : targets) {
            if (target.loop.inEventLoop()) {
                target.stop();
                continue;
            }
            try {
                stopping.add(target.loop.submit(target::stop));
            } catch (RejectedExecutionException e) {
                target.firstResult.complete(null);
            }
        }
        if (onGroupThread()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        for (Future<?> stop : stopping) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !stop.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return;
            }
        }
    }

    private boolean onGroupThread() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private static void execute(EventLoop loop, Runnable task, Target target) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            target.firstResult.complete(null);
        }
    }

    private Bootstrap bootstrap(
            EventLoop loop, Class<? extends Channel> channelType, InetSocketAddress address) {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .remoteAddress(address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                // A TCP check reads nothing; an HTTP check reads only until the response head.
                .option(ChannelOption.AUTO_READ, config.kind() == HealthCheckKind.HTTP);
    }

    /** Small limits: a health response head has no business being large. */
    private static HttpDecoderConfig responseDecoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(4 * 1024)
                .setMaxHeaderSize(16 * 1024)
                .setMaxChunkSize(8 * 1024)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }

    private long nextDelayNanos() {
        long interval = config.interval().toNanos();
        long spread = (long) (interval * config.jitter());
        if (spread == 0) {
            return interval;
        }
        return interval - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** One backend's checks; every field is touched only on {@link #loop}. */
    private final class Target {
        private final BackendHealth health;
        private final EventLoop loop;
        private final Bootstrap bootstrap;
        private final HttpDecoderConfig decoderConfig;
        private final Counter passed;
        private final Counter failed;
        private final CompletableFuture<Void> firstResult = new CompletableFuture<>();
        private @Nullable Probe probe;
        private @Nullable ScheduledFuture<?> next;

        Target(
                BackendHealth health,
                EventLoop loop,
                Bootstrap bootstrap,
                HttpDecoderConfig decoderConfig,
                Counter passed,
                Counter failed) {
            this.health = health;
            this.loop = loop;
            this.bootstrap = bootstrap;
            this.decoderConfig = decoderConfig;
            this.passed = passed;
            this.failed = failed;
        }

        void check() {
            next = null;
            if (closed || probe != null) {
                return;
            }
            Probe started = new Probe(this);
            probe = started;
            started.start();
        }

        void finished(Probe finished, boolean ok, String detail) {
            if (probe != finished) {
                return;
            }
            probe = null;
            if (closed) {
                // A check that ended while the checker closed says nothing anyone asked for.
                return;
            }
            LOG.debug(
                    "health check upstream={} backend={} passed={} detail=\"{}\"",
                    upstream,
                    health.backend().id(),
                    ok,
                    detail);
            if (ok) {
                passed.increment();
                health.checkPassed(detail);
            } else {
                failed.increment();
                health.checkFailed(detail);
            }
            firstResult.complete(null);
            try {
                next = loop.schedule(this::check, nextDelayNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The event loops are shutting down.
            }
        }

        void stop() {
            ScheduledFuture<?> scheduled = next;
            next = null;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            Probe running = probe;
            probe = null;
            if (running != null) {
                running.abandon();
            }
            firstResult.complete(null);
        }

        Bootstrap bootstrapFor(Probe probe) {
            return bootstrap
                    .clone()
                    .handler(
                            new ChannelInitializer<Channel>() {
                                @Override
                                protected void initChannel(Channel channel) {
                                    if (config.kind() == HealthCheckKind.HTTP) {
                                        channel.pipeline()
                                                .addLast(
                                                        new HttpClientCodec(
                                                                decoderConfig, false, false))
                                                .addLast(probe.new HttpHandler());
                                    }
                                }
                            });
        }
    }

    /** One check of one backend, from connect to verdict; confined to the target's loop. */
    private final class Probe {
        private final Target target;
        private @Nullable Channel channel;
        private @Nullable ScheduledFuture<?> timer;
        private boolean done;

        Probe(Target target) {
            this.target = target;
        }

        void start() {
            timer =
                    target.loop.schedule(
                            () ->
                                    finish(
                                            false,
                                            "no answer within "
                                                    + Durations.format(config.timeout())),
                            config.timeout().toNanos(),
                            TimeUnit.NANOSECONDS);
            ChannelFuture connecting = target.bootstrapFor(this).connect();
            channel = connecting.channel();
            connecting.addListener(
                    future -> {
                        if (!future.isSuccess()) {
                            finish(false, "connect failed: " + describe(future.cause()));
                        } else if (config.kind() == HealthCheckKind.TCP) {
                            finish(true, "connected");
                        }
                    });
        }

        void finish(boolean ok, String detail) {
            if (done) {
                return;
            }
            done = true;
            release();
            target.finished(this, ok, detail);
        }

        void abandon() {
            done = true;
            release();
        }

        private void release() {
            ScheduledFuture<?> scheduled = timer;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            Channel open = channel;
            if (open != null) {
                open.close();
            }
        }

        private FullHttpRequest request() {
            FullHttpRequest request =
                    new DefaultFullHttpRequest(
                            HttpVersion.HTTP_1_1,
                            HttpMethod.GET,
                            config.path(),
                            Unpooled.EMPTY_BUFFER);
            String host = config.hostHeader();
            request.headers()
                    .set(HttpHeaderNames.HOST, host != null ? host : target.health.backend().id())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                    .set(HttpHeaderNames.ACCEPT, "*/*");
            return request;
        }

        /** Sends the request and judges the response head; consumes and releases every message. */
        private final class HttpHandler extends ChannelInboundHandlerAdapter {

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(request())
                        .addListener(
                                written -> {
                                    if (!written.isSuccess()) {
                                        finish(
                                                false,
                                                "request not sent: " + describe(written.cause()));
                                    }
                                });
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
                        finish(
                                false,
                                "invalid response: " + describe(object.decoderResult().cause()));
                    } else if (msg instanceof HttpResponse response
                            && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                        int status = response.status().code();
                        finish(config.passes(status), "status " + status);
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                finish(false, "connection closed before a response");
                ctx.fireChannelInactive();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                finish(false, "connection failed: " + describe(cause));
            }
        }
    }
}
