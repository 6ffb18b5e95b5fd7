-- wrk script: print one JSON line with the figures bench/run.py needs, and count the
-- answers the page cache served (X-Cache: hit) among those that said (hit or miss).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  hits = 0
  cached = 0
end

function response(status, headers, body)
  local seen = headers["X-Cache"]
  if seen ~= nil then
    cached = cached + 1
    if seen == "hit" then
      hits = hits + 1
    end
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  local hits, cached = 0, 0
  for _, thread in ipairs(threads) do
    hits = hits + thread:get("hits")
    cached = cached + thread:get("cached")
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "non_2xx_3xx": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d, "hits": %d, "cached": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99), latency.max, hits, cached))
end
