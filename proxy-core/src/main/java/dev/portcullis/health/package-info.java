/**
 * Backend health: active checks ({@link dev.portcullis.health.ActiveHealthChecker}), passive
 * outlier ejection ({@link dev.portcullis.health.OutlierDetector}) and the state of each backend
 * that both feed ({@link dev.portcullis.health.BackendHealth}), which decides whether the balancers
 * may choose it. {@link dev.portcullis.health.UpstreamHealth} puts the three together for one
 * upstream.
 *
 * <p>Depends on {@code upstream} (the backends it judges), {@code config} and {@code metrics}; the
 * request path reaches it only through {@link dev.portcullis.upstream.BackendObserver}, so {@code
 * upstream} does not depend on this package.
 */
@NullMarked
package dev.portcullis.health;

import org.jspecify.annotations.NullMarked;
