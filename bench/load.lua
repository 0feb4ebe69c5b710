-- wrk script for bench/http_bench.py: the SONIX RUSH AI traffic mix over realistic ids.
--
--   wrk -t1 -c64 -d10s -s bench/load.lua http://127.0.0.1:7860 -- MODE IDS_FILE DEMO_USERS FEED_USERS [PREFIX]
--
-- MODE       mixed    = POST /interact x3, GET /recommend/feed/{user_id} x1, GET /health x1
--            interact | feed | health | road | trail  = that endpoint alone
-- IDS_FILE   one catalog shoe id per line (from data/*.csv)
-- DEMO_USERS demo runners 1..N exist in the store (feed users are drawn from them: always 200)
-- FEED_USERS the feed-alone run asks for runners 1..FEED_USERS only, so that after the warm-up
--            every answer is a cache hit in every worker (the warm feed); default DEMO_USERS
-- PREFIX     put before every path: "/v1" for this service (its current API; the unversioned
--            paths are deprecated aliases), "" (the default) for the peer and the ceiling
--
-- Interactions: 85% from demo runners, 15% from new runners (ids >= 1,000,000); half likes, half
-- 1-5 star ratings. Road: random questionnaires (each field present with probability 0.7).
--
-- realistic (bench/soak.py --mode realistic; issue 21): the mixed shape (3 interact : 1 feed :
-- 1 health) with a population that grows: a quarter of the interactions come from runners new to
-- the store (a fresh id each, >= 2,000,000), returning runners are skewed toward the heavy ones
-- (rank r drawn with p ~ 1/r over the runners seen so far, demo runners first), shoes follow a
-- Zipf-like skew over the whole catalog (rank k with p ~ 1/k over a fixed shuffle of the ids), and
-- feeds are asked only for runners who have acted (in this run).
--
-- wrk gives no per-request hook that knows which connection (and so which request) a response
-- belongs to, so this script tallies requests *issued* per endpoint (issued - completed <= the
-- connection count) and prints one JSON line at the end (latency over all requests, in us).

local mode, ids_file, demo_users, feed_users
local prefix = ""
local shoe_ids = {}
local bodies = {}
local trail_bodies = {}
local threads = {}
local counter = 0
local acted = {} -- realistic: runners who acted, in order of first action
local acted_n = 0
local new_seq = 0

n_interact, n_feed, n_health, n_road, n_trail = 0, 0, 0, 0, 0

local headers = { ["Content-Type"] = "application/json" }

local road_fields = {
  { "pace", { "Easy", "Steady", "Fast" } },
  { "arch_type", { "Flat", "Normal", "High" } },
  { "strike_pattern", { "Heel", "Mid", "Forefoot" } },
  { "foot_width", { "Narrow", "Regular", "Wide" } },
  { "season", { "Summer", "Spring & Fall", "Winter" } },
  { "orthotic_usage", { "Yes", "No" } },
  { "running_purpose", { "Daily", "Tempo", "Race" } },
  { "cushion_preferences", { "Soft", "Balanced", "Firm" } },
  { "stability_need", { "Neutral", "Guided" } },
}

local trail_fields = {
  { "pace", { "Easy", "Steady", "Fast" } },
  { "arch_type", { "Flat", "Normal", "High" } },
  { "strike_pattern", { "Heel", "Mid", "Forefoot" } },
  { "foot_width", { "Narrow", "Regular", "Wide" } },
  { "season", { "Summer", "Spring & Fall", "Winter" } },
  { "orthotic_usage", { "Yes", "No" } },
  { "terrain", { "Light", "Mixed", "Rocky", "Muddy" } },
  { "rock_sensitive", { "Yes", "No" } },
  { "water_resistance", { "Waterproof", "Water Repellent" } },
}

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

local function pick(t)
  return t[math.random(#t)]
end

local function questionnaire_body(fields)
  local parts = {}
  for _, f in ipairs(fields) do
    if math.random() < 0.7 then
      parts[#parts + 1] = string.format('"%s":"%s"', f[1], pick(f[2]))
    end
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function init(args)
  mode = args[1] or "mixed"
  ids_file = args[2]
  demo_users = tonumber(args[3] or "2000")
  feed_users = tonumber(args[4] or args[3] or "2000")
  prefix = args[5] or ""
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
  if ids_file then
    for line in io.lines(ids_file) do
      local id = line:match("^%s*(%S+)%s*$")
      if id then
        shoe_ids[#shoe_ids + 1] = id
      end
    end
  end
  if #shoe_ids == 0 then
    shoe_ids = { "R001", "T001" }
  end
  if mode == "realistic" then
    math.randomseed(12345 + (thread_id or 0))
    for i = #shoe_ids, 2, -1 do -- a fixed shuffle: popularity is not catalog order
      local j = math.random(i)
      shoe_ids[i], shoe_ids[j] = shoe_ids[j], shoe_ids[i]
    end
    math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
  end
  -- 512 prebuilt questionnaires, so generating a request costs next to nothing.
  for i = 1, 512 do
    bodies[i] = questionnaire_body(road_fields)
    trail_bodies[i] = questionnaire_body(trail_fields)
  end
end

local function skewed(n)
  -- rank in 1..n with p ~ 1/rank (log-uniform): the Zipf-like skew of the realistic mode
  local k = math.floor(n ^ math.random())
  if k < 1 then k = 1 end
  if k > n then k = n end
  return k
end

local function realistic_interact()
  n_interact = n_interact + 1
  local user
  if acted_n == 0 or math.random() < 0.25 then
    new_seq = new_seq + 1
    user = 2000000 + (thread_id or 0) * 10000000 + new_seq
    acted_n = acted_n + 1
    acted[acted_n] = user
  else
    user = acted[skewed(acted_n)]
  end
  local shoe = shoe_ids[skewed(#shoe_ids)]
  local body
  if math.random() < 0.5 then
    body = string.format('{"user_id":%d,"shoe_id":"%s","action_type":"like"}', user, shoe)
  else
    body = string.format(
      '{"user_id":%d,"shoe_id":"%s","action_type":"rate","value":%d}', user, shoe, math.random(1, 5)
    )
  end
  return wrk.format("POST", prefix .. "/interact", headers, body)
end

local function realistic_feed()
  n_feed = n_feed + 1
  return wrk.format("GET", prefix .. "/recommend/feed/" .. acted[skewed(acted_n)], nil, nil)
end

local function interact()
  n_interact = n_interact + 1
  local user
  if math.random() < 0.15 then
    user = 1000000 + math.random(0, 49999)
  else
    user = math.random(1, demo_users)
  end
  local body
  if math.random() < 0.5 then
    body = string.format('{"user_id":%d,"shoe_id":"%s","action_type":"like"}', user, pick(shoe_ids))
  else
    body = string.format(
      '{"user_id":%d,"shoe_id":"%s","action_type":"rate","value":%d}', user, pick(shoe_ids), math.random(1, 5)
    )
  end
  return wrk.format("POST", prefix .. "/interact", headers, body)
end

local function feed(users)
  n_feed = n_feed + 1
  return wrk.format("GET", prefix .. "/recommend/feed/" .. math.random(1, users), nil, nil)
end

local function health()
  n_health = n_health + 1
  return wrk.format("GET", prefix .. "/health", nil, nil)
end

local function road()
  n_road = n_road + 1
  return wrk.format("POST", prefix .. "/recommend/road", headers, bodies[math.random(#bodies)])
end

local function trail()
  n_trail = n_trail + 1
  return wrk.format("POST", prefix .. "/recommend/trail", headers, trail_bodies[math.random(#trail_bodies)])
end

function request()
  if mode == "interact" then
    return interact()
  elseif mode == "feed" then
    return feed(feed_users)
  elseif mode == "health" then
    return health()
  elseif mode == "road" then
    return road()
  elseif mode == "trail" then
    return trail()
  elseif mode == "realistic" then
    local r = math.random(5)
    if r <= 3 or acted_n == 0 then
      return realistic_interact()
    elseif r == 4 then
      return realistic_feed()
    end
    return health()
  end
  local r = math.random(5) -- mixed: 3 interact : 1 feed : 1 health
  if r <= 3 then
    return interact()
  elseif r == 4 then
    return feed(demo_users)
  end
  return health()
end

function done(summary, latency, requests)
  local issued = { interact = 0, feed = 0, health = 0, road = 0, trail = 0 }
  for _, t in ipairs(threads) do
    issued.interact = issued.interact + (t:get("n_interact") or 0)
    issued.feed = issued.feed + (t:get("n_feed") or 0)
    issued.health = issued.health + (t:get("n_health") or 0)
    issued.road = issued.road + (t:get("n_road") or 0)
    issued.trail = issued.trail + (t:get("n_trail") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d},'
      .. '"issued":{"interact":%d,"feed":%d,"health":%d,"road":%d,"trail":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency:percentile(99.9),
    issued.interact, issued.feed, issued.health, issued.road, issued.trail
  ))
end
