-- wrk script: every request PUTs a new report under a fresh UUID (the device's id).
-- Usage: wrk -s bench/put_report.lua … with TOKEN in the environment.
local token = os.getenv("TOKEN")
local counter = 0
math.randomseed(os.time())

local function uuid()
  local t = string.format("%012x", math.floor(os.time() * 1000))
  local r = function(n) local s = "" for _ = 1, n do s = s .. string.format("%x", math.random(0, 15)) end return s end
  return t:sub(1, 8) .. "-" .. t:sub(9, 12) .. "-7" .. r(3) .. "-" .. string.format("%x", math.random(8, 11)) .. r(3) .. "-" .. r(12)
end

local body = [[{"reporter_role":"cabin_crew","phase":"in_flight","flight":"AY5","date":"2026-11-28","origin":"HEL","destination":"JFK","scheduled_arrival":"14:35","seats":["23A","23B"],"potential_victims":1,"companions":1,"indicators":["DOC-HELD-BY-OTHER","MOV-ANSWERED-FOR","BEH-FEARFUL"],"victims":[{"age_range":"teen","gender":"female","clothing":"grey hoodie"}],"companions_described":[],"disclosed":false,"companion_aware":"no","immediate_danger":false,"free_text":"He answered every question addressed to her.","considered_innocent_explanations":true}]]

request = function()
  counter = counter + 1
  return wrk.format("PUT", "/api/v1/reports/" .. uuid(), {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
