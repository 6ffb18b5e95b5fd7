-- wrk script for the load test: cycle through a mix of pages and count every status code.
--
--   wrk -t2 -c64 -d30s -s load.lua http://127.0.0.1:PORT -- "/" "htmx /cancel/x/y/" ...
--
-- Each argument is a path, optionally preceded by "htmx " to send HX-Request: true.
-- At the end it prints one JSON line: requests, duration, socket errors, and the count of
-- responses per status code, summed over wrk's threads.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", #threads * 7)
end

function init(args)
  statuses = {}
  requests_ = {}
  for _, arg in ipairs(args) do
    local path = arg:match("^htmx (.*)$")
    if path then
      table.insert(requests_, wrk.format("GET", path, { ["HX-Request"] = "true" }))
    else
      table.insert(requests_, wrk.format("GET", arg))
    end
  end
  -- Each thread starts at its own place in the mix.
  counter = offset % #requests_
end

function request()
  counter = counter % #requests_ + 1
  return requests_[counter]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(50),
    latency:percentile(99), table.concat(parts, ", ")))
end
