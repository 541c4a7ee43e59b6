// Lua run inside Redis, so that reading and writing a count, and telling the others of it, is one step no other
// process can come between. Several scripts read keys they are not given (every process's hash): that holds on one
// Redis server, which is what the bus is built for, not on a Redis Cluster.

/** The presence news a script publishes: `presence <process> <version> <user id> <connections there>`. */
const tell = `redis.call('PUBLISH', ARGV[#ARGV], 'presence ' .. ARGV[1] .. ' ' .. ARGV[3] .. ' ' .. ARGV[2] .. ' ' .. n)`;

/** What ADMIT and RELEASE return when this process's hash is not in Redis: the process must write it whole. */
export const HASH_MISSING = -2;

/**
 * This process's hash is gone (Redis restarted empty, or the hash expired while the process stalled). Counting one
 * connection into an empty hash would show the others a hash with that user alone, newer than all they knew of this
 * process, and every other user connected here would go offline for them until the next heartbeat. So nothing is
 * written; the process writes its hash whole at once (RedisBus.beat). `then` runs first: ADMIT's cap check.
 */
function ifHashMissing(then: string): string {
  return `if redis.call('EXISTS', KEYS[2]) == 0 then
  ${then}
  return ${HASH_MISSING}
end`;
}

/**
 * Admits a connection when the user has fewer than the cap on every live process together, counting it in this
 * process's hash. KEYS: processes, this process's hash. ARGV: process, user, version, cap, ttl ms, hash prefix,
 * the user's connections here before this one, channel. Returns the user's connections here, -1 when refused, or
 * HASH_MISSING when admitted without being counted.
 */
export const ADMIT = `
local total = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local n = redis.call('HGET', ARGV[6] .. id, ARGV[2])
  if n then total = total + tonumber(n) end
end
${ifHashMissing(`if total + tonumber(ARGV[7]) >= tonumber(ARGV[4]) then return -1 end`)}
if total >= tonumber(ARGV[4]) then return -1 end
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('HSET', KEYS[2], 'v', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[1], ARGV[1])
${tell}
return n`;

/**
 * A connection closed. KEYS: processes, this process's hash. ARGV: process, user, version, ttl ms, channel. Returns
 * the user's connections here, or HASH_MISSING.
 */
export const RELEASE = `
${ifHashMissing('')}
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
if n <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
  n = 0
end
redis.call('HSET', KEYS[2], 'v', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[1], ARGV[1])
${tell}
return n`;

/**
 * The heartbeat: writes this process's hash whole, with a new time to live, then reads every live process's hash.
 * Rewriting rather than only extending heals a hash that expired while the process stalled or that Redis lost, and
 * a count a lost reply left wrong. A process whose hash has expired is dead and leaves the set.
 *
 * Redis may have restarted empty a moment ago: then the hashes of processes that have not beaten since are missing
 * though those processes live. KEYS[3] holds the time, by Redis's clock, of the first beat Redis saw since it was
 * empty; until a hash's time to live has passed since, some live process may not have written its hash yet, so the
 * snapshot is not whole and must not be taken to say that a process whose hash is missing died.
 * KEYS: processes, this process's hash, when the hashes began. ARGV: process, version, ttl ms, hash prefix, then
 * user and count pairs. Returns [1 when whole else 0, [process, [field, value, ...], ...]].
 */
export const BEAT = `
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'v', ARGV[2])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[1], ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('SET', KEYS[3], now, 'NX')
local whole = 0
if now - tonumber(redis.call('GET', KEYS[3])) >= tonumber(ARGV[3]) then whole = 1 end
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local fields = redis.call('HGETALL', ARGV[4] .. id)
  if #fields == 0 then
    redis.call('SREM', KEYS[1], id)
  else
    table.insert(out, id)
    table.insert(out, fields)
  end
end
return {whole, out}`;

/** A process stopping: its connections are gone at once. KEYS: processes, its hash. ARGV: process, channel. */
export const LEAVE = `
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], 'gone ' .. ARGV[1])
return 1`;

/**
 * A token bucket shared by every process, timed by Redis's clock so the processes' clocks need not agree. Takes up
 * to ARGV[3] tokens, stopping at the first there is none for; with ARGV[4] = 1, all of them (at most the burst) or
 * none. KEYS: the bucket. ARGV: tokens per ms, burst, wanted, all or none. Returns [granted, ms until the next token
 * when not all were, or until all of them are there].
 */
export const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local whole = ARGV[4] == '1'
if whole then want = math.min(want, burst) end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local granted = math.max(0, math.min(want, math.floor(tokens)))
if whole and granted < want then granted = 0 end
tokens = tokens - granted
local retry = 0
if granted < want then
  local short = 1
  if whole then short = want end
  retry = math.ceil((short - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return {granted, retry}`;
