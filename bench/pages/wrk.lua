-- One line a run for bench/pages/run.py: requests per second, latency percentiles (ms), errors, bytes a response.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "WRK {\"requests\":%d,\"rps\":%.2f,\"p50_ms\":%.2f,\"p95_ms\":%.2f,\"p99_ms\":%.2f,\"non2xx\":%d,\"socket_errors\":%d,\"bytes\":%d}\n",
    summary.requests, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout,
    summary.requests > 0 and math.floor(summary.bytes / summary.requests) or 0))
end
