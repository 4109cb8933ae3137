-- Ends a wrk run with one machine-readable line for run.sh: the request count, the run's
-- length, every error counter and the latency percentiles (wrk measures in microseconds).
-- wrk's own --latency table stops at p99; p99.9 comes from here.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d "
      .. "p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
