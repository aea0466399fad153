-- wrk script for the benchmark's ceiling runs (bench/run.py writes the arguments).
--   wrk -t N -c N -s bench/lua/askel.lua URL -- MODE PATH HTMX EXPECT RUN_ID [COOKIE|CSRF ...]
-- One connection per wrk thread, so each connection is one signed-in tablet (a session prepared
-- in Python: its cookie and CSRF token) and requests and responses alternate strictly.
-- MODE "get": GET PATH again and again.
-- MODE "answer": the answer POST (a right answer, a fresh idempotency key each time, as a tablet
--   sends) and then the page that follows it (the 303's Location, fetched as htmx fetches it).
--   A pair counts as two requests; run.py reports pairs per second.
-- Every response whose status is not the expected one is counted as unexpected.

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

local function split(s, sep)
  local out = {}
  for part in string.gmatch(s, "([^" .. sep .. "]+)") do table.insert(out, part) end
  return out
end

function init(args)
  mode, path, htmx, run_id = args[1], args[2], args[3] == "1", args[5]
  expect_get = tonumber(args[4])
  unexpected, sent = 0, 0
  local sessions = {}
  for i = 6, #args do table.insert(sessions, args[i]) end
  local headers = { ["Accept-Encoding"] = "gzip" }
  if #sessions > 0 then
    local s = sessions[((id - 1) % #sessions) + 1]
    local parts = split(s, "|")
    headers["Cookie"] = parts[1]
    csrf = parts[2]
  end
  if htmx then headers["HX-Request"] = "true" end
  get_request = wrk.format("GET", path, headers)
  if mode == "answer" then
    local question, option, follow = path:match("^(.-)#(.-)#(.*)$")
    answer_path, answer_option = question, option
    follow_request = wrk.format("GET", follow, headers)
    post_headers = {}
    for k, v in pairs(headers) do post_headers[k] = v end
    post_headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

function request()
  sent = sent + 1
  if mode == "answer" then
    if sent % 2 == 1 then
      expected = 303
      local body = "csrf_token=" .. csrf .. "&key=w" .. run_id .. "t" .. id .. "n" .. sent .. "&answer=" .. answer_option
      return wrk.format("POST", answer_path, post_headers, body)
    end
    expected = 200
    return follow_request
  end
  expected = expect_get
  return get_request
end

function response(status, headers, body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "unexpected_status": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
