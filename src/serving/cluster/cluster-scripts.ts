/**
 * The cluster's atomic operations, as Lua run inside Redis. Every script gets the key prefix as
 * ARGV[1] and builds key names exactly as ./cluster-keys.ts does (single Redis or Sentinel; not
 * Redis Cluster, whose slots would need every key declared). Time comes from Redis (TIME), so
 * leases and heartbeats do not depend on the machines' clocks agreeing.
 */

const PRELUDE = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function live_workers(now)
  return redis.call('ZRANGEBYSCORE', P..'workers:alive', '('..now, '+inf')
end
local function live_capacity(now)
  local total = 0
  for _, id in ipairs(live_workers(now)) do
    local info = redis.call('HGET', P..'workers:info', id)
    if info then total = total + (tonumber(cjson.decode(info).capacity) or 0) end
  end
  return total
end
local function worker_alive(id, now)
  local s = redis.call('ZSCORE', P..'workers:alive', id)
  return s and tonumber(s) > now
end
-- Admits from the head of the global waiting room while live capacity has room.
local function pump(now)
  local cap = live_capacity(now)
  while redis.call('SCARD', P..'admission:active') < cap do
    local head = redis.call('ZPOPMIN', P..'admission:waiting')
    if #head == 0 then break end
    redis.call('SADD', P..'admission:active', head[1])
  end
  return cap
end
-- A dead worker's sessions go back to the assignment stream; a live worker replays them.
local function reap_worker(w)
  local set = P..'worker:'..w..':sessions'
  local requeued = 0
  for _, sid in ipairs(redis.call('SMEMBERS', set)) do
    local meta = P..'session:'..sid
    local owner = P..'session:'..sid..':owner'
    local cur = redis.call('GET', owner)
    if redis.call('EXISTS', meta) == 1 and (cur == false or cur == w) then
      redis.call('DEL', owner)
      redis.call('XADD', P..'assign:'..redis.call('HGET', meta, 'model'), '*', 'sid', sid, 'replay', '1')
      requeued = requeued + 1
    end
  end
  redis.call('DEL', set)
  redis.call('ZREM', P..'workers:alive', w)
  redis.call('HDEL', P..'workers:info', w)
  return requeued
end
-- A dead gateway's clients are gone: free their admission slots and drop their sessions.
local function end_session(sid)
  local owner = P..'session:'..sid..':owner'
  local w = redis.call('GET', owner)
  if w then redis.call('SREM', P..'worker:'..w..':sessions', sid) end
  redis.call('DEL', P..'session:'..sid, P..'session:'..sid..':audio', owner)
end
local function reap_gateway(g)
  local set = P..'gateway:'..g..':sessions'
  for _, sid in ipairs(redis.call('SMEMBERS', set)) do
    redis.call('SREM', P..'admission:active', sid)
    redis.call('ZREM', P..'admission:waiting', sid)
    end_session(sid)
  end
  redis.call('DEL', set, P..'gateway:'..g..':results')
  redis.call('ZREM', P..'gateways:alive', g)
end
local function reap(now)
  local n = 0
  for _, w in ipairs(redis.call('ZRANGEBYSCORE', P..'workers:alive', '-inf', now)) do n = n + reap_worker(w) end
  for _, g in ipairs(redis.call('ZRANGEBYSCORE', P..'gateways:alive', '-inf', now)) do reap_gateway(g) end
  return n
end
`;

function script(body: string): string {
  return PRELUDE + body;
}

/**
 * Worker heartbeat. ARGV: prefix, worker id, info JSON, ttl ms, lease ms, first (1|0), owned sids…
 * Returns {fenced (0|1), requeued by reaping, lost sids…}. A worker whose heartbeat lapsed is
 * fenced: its sessions were (or are now) handed to others, so it must drop all of them.
 */
export const WORKER_HEARTBEAT = script(`
local id, info, ttl, lease, first = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == '1'
local now = now_ms()
local fenced = 0
if not first and not worker_alive(id, now) then
  fenced = 1
  reap_worker(id)
end
local requeued = reap(now)
redis.call('ZADD', P..'workers:alive', now + ttl, id)
redis.call('HSET', P..'workers:info', id, info)
local out = {fenced, requeued}
for i = 7, #ARGV do
  local sid = ARGV[i]
  local owner = P..'session:'..sid..':owner'
  if fenced == 0 and redis.call('GET', owner) == id and redis.call('EXISTS', P..'session:'..sid) == 1 then
    redis.call('PEXPIRE', owner, lease)
  else
    table.insert(out, sid)
  end
end
return out`);

/**
 * Gateway tick: heartbeat, reaping, admission pump, and the state of this gateway's waiting
 * sessions. ARGV: prefix, gateway id, ttl ms, first (1|0), waiting sids…
 * Returns JSON {fenced, capacity, workers, active, waiting, meanHoldMs, models, positions}; a position is
 * 0 once admitted, N for the N-th place, -1 when the waiting room does not know the session.
 */
export const GATEWAY_TICK = script(`
local id, ttl, first = ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local now = now_ms()
local s = redis.call('ZSCORE', P..'gateways:alive', id)
local fenced = (not first) and not (s and tonumber(s) > now)
if fenced then reap_gateway(id) end
reap(now)
redis.call('ZADD', P..'gateways:alive', now + ttl, id)
local cap = pump(now)
local models = {}
local seen = {}
local workers = live_workers(now)
for _, w in ipairs(workers) do
  local info = redis.call('HGET', P..'workers:info', w)
  if info then
    for _, m in ipairs(cjson.decode(info).models or {}) do
      if not seen[m] then seen[m] = true; table.insert(models, m) end
    end
  end
end
local positions = {}
for i = 5, #ARGV do
  local sid = ARGV[i]
  if redis.call('SISMEMBER', P..'admission:active', sid) == 1 then
    positions[i - 4] = 0
  else
    local r = redis.call('ZRANK', P..'admission:waiting', sid)
    positions[i - 4] = r and (r + 1) or -1
  end
end
return cjson.encode({
  fenced = fenced and 1 or 0, capacity = cap, workers = #workers,
  active = redis.call('SCARD', P..'admission:active'),
  waiting = redis.call('ZCARD', P..'admission:waiting'),
  meanHoldMs = tonumber(redis.call('HGET', P..'admission:stats', 'meanHoldMs') or '0'),
  models = models, positions = positions })`);

/**
 * Global admission. ARGV: prefix, sid, gateway id, max waiting.
 * Returns {state, position, pending}: state 1 admitted, 0 waiting, -1 rejected (room full).
 * Nobody overtakes the queue: with sessions waiting, a newcomer queues behind them.
 */
export const ADMIT = script(`
local sid, gw, maxWaiting = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local active, waiting = P..'admission:active', P..'admission:waiting'
if redis.call('SISMEMBER', active, sid) == 1 then return {1, 0, redis.call('ZCARD', waiting)} end
if redis.call('ZSCORE', waiting, sid) == false then
  if redis.call('ZCARD', waiting) == 0 and redis.call('SCARD', active) < live_capacity(now) then
    redis.call('SADD', active, sid)
    redis.call('SADD', P..'gateway:'..gw..':sessions', sid)
    return {1, 0, 0}
  end
  if redis.call('ZCARD', waiting) >= maxWaiting then return {-1, 0, redis.call('ZCARD', waiting)} end
  redis.call('ZADD', waiting, redis.call('INCR', P..'admission:seq'), sid)
  redis.call('SADD', P..'gateway:'..gw..':sessions', sid)
end
pump(now)
if redis.call('SISMEMBER', active, sid) == 1 then return {1, 0, redis.call('ZCARD', waiting)} end
return {0, redis.call('ZRANK', waiting, sid) + 1, redis.call('ZCARD', waiting)}`);

/**
 * A session leaves admission (ended, failed, or gave up waiting). ARGV: prefix, sid, gateway id,
 * held ms (time it held a slot; 0 when it never got one). Updates the shared mean hold time for ETAs.
 */
export const LEAVE = script(`
local sid, gw, held = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local was_active = redis.call('SREM', P..'admission:active', sid)
redis.call('ZREM', P..'admission:waiting', sid)
redis.call('SREM', P..'gateway:'..gw..':sessions', sid)
if was_active == 1 and held > 0 then
  local mean = tonumber(redis.call('HGET', P..'admission:stats', 'meanHoldMs') or '0')
  if mean == 0 then mean = held else mean = mean + 0.2 * (held - mean) end
  redis.call('HSET', P..'admission:stats', 'meanHoldMs', math.floor(mean))
end
pump(now)
return was_active`);

/**
 * A gateway opens a decoding session: metadata, membership, and an assignment request.
 * ARGV: prefix, sid, gateway id, model, spec JSON. Returns 1.
 */
export const OPEN_SESSION = script(`
local sid, gw, model, spec = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
redis.call('HSET', P..'session:'..sid, 'gw', gw, 'model', model, 'spec', spec, 'epoch', 0, 'acked', -1)
redis.call('SADD', P..'gateway:'..gw..':sessions', sid)
redis.call('XADD', P..'assign:'..model, '*', 'sid', sid)
return 1`);

/**
 * Appends one audio chunk (kind 'a'), or the end-of-input marker (kind 'eof'), tagged with the
 * chunk's sequence number. ARGV: prefix, sid, seq, kind, bytes. Returns 0 when the session no
 * longer exists (Redis lost it, or the gateway was declared dead): the caller must fail the
 * session rather than write audio nobody will ever decode.
 */
export const APPEND_AUDIO = script(`
local sid = ARGV[2]
if redis.call('EXISTS', P..'session:'..sid) == 0 then return 0 end
redis.call('XADD', P..'session:'..sid..':audio', '*', 'n', ARGV[3], 'k', ARGV[4], 'd', ARGV[5])
return 1`);

/** The gateway delivered final `u` to its client. ARGV: prefix, sid, u. */
export const ACK_FINAL = script(`
local meta = P..'session:'..ARGV[2]
if redis.call('EXISTS', meta) == 0 then return 0 end
local u = tonumber(ARGV[3])
if u > tonumber(redis.call('HGET', meta, 'acked') or '-1') then redis.call('HSET', meta, 'acked', u) end
return 1`);

/** The session is over (end delivered, error, or client gone): remove every trace. ARGV: prefix, sid. */
export const END_SESSION = script(`
end_session(ARGV[2])
return 1`);

/**
 * A worker takes a session from the assignment stream. ARGV: prefix, sid, worker id, lease ms.
 * Returns {epoch, acked, gateway, spec} when it now owns the session (epoch grows with every
 * claim), {-1} when the session is gone, {-2} when another live worker owns it, {-3} when it
 * already owns it (a duplicate request).
 */
export const CLAIM = script(`
local sid, me, lease = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local meta = P..'session:'..sid
if redis.call('EXISTS', meta) == 0 then return {-1} end
local owner = P..'session:'..sid..':owner'
local cur = redis.call('GET', owner)
if cur == me then return {-3} end
if cur and worker_alive(cur, now) then return {-2} end
if cur then redis.call('SREM', P..'worker:'..cur..':sessions', sid) end
redis.call('SET', owner, me, 'PX', lease)
redis.call('SADD', P..'worker:'..me..':sessions', sid)
local epoch = redis.call('HINCRBY', meta, 'epoch', 1)
local f = redis.call('HMGET', meta, 'acked', 'gw', 'spec')
return {epoch, tonumber(f[1]) or -1, f[2], f[3]}`);

/**
 * A worker publishes one result to the session's gateway, fenced by ownership: a worker that
 * lost its lease (declared dead, session moved) can never deliver again.
 * ARGV: prefix, sid, worker id, gateway id, field, value, … Returns 1, or 0 when not the owner.
 */
export const PUBLISH_RESULT = script(`
local sid, me, gw = ARGV[2], ARGV[3], ARGV[4]
if redis.call('GET', P..'session:'..sid..':owner') ~= me or redis.call('EXISTS', P..'session:'..sid) == 0 then return 0 end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', P..'gateway:'..gw..':results', 'MAXLEN', '~', 100000, '*', 'sid', sid, unpack(fields))
return 1`);

/** A worker is done with a session (its end/error was published). ARGV: prefix, sid, worker id. */
export const RELEASE = script(`
local sid, me = ARGV[2], ARGV[3]
local owner = P..'session:'..sid..':owner'
if redis.call('GET', owner) == me then redis.call('DEL', owner) end
redis.call('SREM', P..'worker:'..me..':sessions', sid)
return 1`);

/** A worker leaves on purpose: its sessions go to others now instead of after the heartbeat TTL. ARGV: prefix, worker id. */
export const DEREGISTER_WORKER = script(`
return reap_worker(ARGV[2])`);

/** A gateway leaves on purpose. ARGV: prefix, gateway id. */
export const DEREGISTER_GATEWAY = script(`
reap_gateway(ARGV[2])
return 1`);
