-- wrk script: every request reads a generated guide that no request of the phase has read
-- before (bench/run.py gives each run its own block of them), so each is the first read of
-- that guide, as after its edit: neither a worker nor the page cache holds it yet. The
-- figures and the page cache's counts come from report.lua.
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

local counted = setup
local thread_number = 0

function setup(thread)
  thread:set("number", thread_number)
  thread_number = thread_number + 1
  counted(thread)
end

local report_init = init

function init(args)
  report_init(args)
  first, last, width, stride = tonumber(args[1]), tonumber(args[2]), args[3], tonumber(args[4])
  next_guide = first + number
  repeats = 0
end

function request()
  if next_guide > last then -- the block is used up: reads from here on are not first reads
    next_guide = first + number
    repeats = repeats + 1
  end
  local path = string.format("/cancel/synthetic-provider-%0" .. width .. "d/", next_guide)
  next_guide = next_guide + stride
  return wrk.format(nil, path)
end
