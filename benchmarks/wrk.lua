-- wrk script of the benchmark (benchmarks/load.py): replays the requests of a file and counts the
-- answers by HTTP status and, when expected bodies are given, the answers whose bytes are none of them.
--
--   wrk -t2 -c32 -d10s -s benchmarks/wrk.lua URL -- REQUESTS THREADS [EXPECTED…]
--
-- REQUESTS has one request a line: METHOD, tab, path, tab, body (JSON on one line, or nothing).
-- Thread k sends lines k, k + THREADS, k + 2 × THREADS… so that no two requests of a run are the
-- same while the file lasts (an uncached run); « repetitions » says how often it started over.
-- Each EXPECTED is a file holding bytes an answer may have (the same content, compressed fast or
-- at the best level); none given, answers vary.
-- done() prints one line « RESULTAT {json} » that load.py reads.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- args[0] is the URL, then the arguments after « -- ».
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept-Encoding"] = "gzip, br",
  }
  lines = {}
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t(.*)$")
    if body == "" then
      body = nil
    end
    lines[#lines + 1] = wrk.format(method, path, headers, body)
  end
  step = tonumber(args[2])
  for index = 3, #args do
    local file = assert(io.open(args[index], "rb"))
    expected = expected or {}
    expected[file:read("*a")] = true
    file:close()
  end
  position = id + 1
  statuses = {}
  mismatches = 0
  repetitions = 0
end

function request()
  local chosen = lines[position]
  position = position + step
  if position > #lines then
    position = (position - 1) % #lines + 1
    repetitions = repetitions + 1
  end
  return chosen
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if expected ~= nil and not expected[body] then
    mismatches = mismatches + 1
  end
end

function done(summary, latency, requests)
  local statuses, mismatches, repetitions = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      statuses[status] = (statuses[status] or 0) + count
    end
    mismatches = mismatches + thread:get("mismatches")
    repetitions = repetitions + thread:get("repetitions")
  end
  local counted = {}
  for status, count in pairs(statuses) do
    counted[#counted + 1] = string.format('"%d": %d', status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULTAT {"requetes": %d, "duree_us": %d, "statuts": {%s}, "differences": %d, '
      .. '"repetitions": %d, "erreurs_socket": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "moyenne_us": %.1f, "octets": %d}\n',
    summary.requests, summary.duration, table.concat(counted, ", "), mismatches, repetitions,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, summary.bytes
  ))
end
