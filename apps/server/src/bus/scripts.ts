// Lua run inside Redis, so that reading and writing a count, and telling the others of it, is one step no other
// process can come between. Several scripts read keys they are not given (every process's hash): that holds on one
// Redis server, which is what the bus is built for, not on a Redis Cluster.

/** The presence news a script publishes: `presence <process> <version> <user id> <connections there>`. */
const tell = `redis.call('PUBLISH', ARGV[#ARGV], 'presence ' .. ARGV[1] .. ' ' .. ARGV[3] .. ' ' .. ARGV[2] .. ' ' .. n)`;

/**
 * Admits a connection when the user has fewer than the cap on every live process together, counting it in this
 * process's hash. KEYS: processes, this process's hash. ARGV: process, user, version, cap, ttl ms, hash prefix,
 * channel. Returns the user's connections here, or -1 when refused.
 */
export const ADMIT = `
local total = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local n = redis.call('HGET', ARGV[6] .. id, ARGV[2])
  if n then total = total + tonumber(n) end
end
if total >= tonumber(ARGV[4]) then return -1 end
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('HSET', KEYS[2], 'v', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[1], ARGV[1])
${tell}
return n`;

/** A connection closed. KEYS: processes, this process's hash. ARGV: process, user, version, ttl ms, channel. */
export const RELEASE = `
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
 * Writes this process's hash whole, with a new time to live: the heartbeat. Rewriting rather than only extending
 * heals a hash that expired while the process stalled, or a count a lost reply left wrong.
 * KEYS: processes, this process's hash. ARGV: process, version, ttl ms, then user and count pairs.
 */
export const REFRESH = `
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'v', ARGV[2])
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[1], ARGV[1])
return 1`;

/**
 * Every live process's hash, as [process, [field, value, ...], ...]; a process whose hash has expired is dead and
 * leaves the set. KEYS: processes. ARGV: hash prefix.
 */
export const SNAPSHOT = `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local fields = redis.call('HGETALL', ARGV[1] .. id)
  if #fields == 0 then
    redis.call('SREM', KEYS[1], id)
  else
    table.insert(out, id)
    table.insert(out, fields)
  end
end
return out`;

/** A process stopping: its connections are gone at once. KEYS: processes, its hash. ARGV: process, channel. */
export const LEAVE = `
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], 'gone ' .. ARGV[1])
return 1`;

/**
 * A token bucket shared by every process, timed by Redis's clock so the processes' clocks need not agree. Takes up
 * to ARGV[3] tokens, stopping at the first there is none for. KEYS: the bucket. ARGV: tokens per ms, burst, wanted.
 * Returns [granted, ms until the next token when not all were].
 */
export const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local granted = math.max(0, math.min(want, math.floor(tokens)))
tokens = tokens - granted
local retry = 0
if granted < want then retry = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return {granted, retry}`;
