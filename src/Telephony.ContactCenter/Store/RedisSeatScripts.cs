namespace Telephony.ContactCenter.Store;

/// <summary>
/// The Lua scripts behind <see cref="RedisSeatStore"/>. Redis runs each script atomically, which is
/// what makes a reservation safe across server nodes: the check "is this seat Ready?" and the write
/// "it is Reserved now" cannot be split by another client.
/// Key layout under the prefix P (a hash tag such as "{telephony:cc}:" keeps all keys in one cluster slot):
///   P seat:EXT    hash   ext, agent, state, reason, since, idle, call, skills (csv)   times are unix ms
///   P seats       set    all extensions
///   P agent:ID    string the extension the agent is logged in at
///   P ready       zset   Ready extensions scored by idle-since (longest idle = lowest score)
///   P idle:SKILL  zset   the same, per skill
///   P hist:EXT    list   JSON transitions, capped
///   P q:QUEUE     zset   queued call ids scored (999 - priority) * 1e12 + arrival key (ms since 2025, exact in a double);
///                        equal scores order by call id, as the in-process store does
///   P call:ID     hash   queue, prio, enq, node of a queued call
///   P queues      set    names of the queues with calls waiting
///   P epoch       string an id set with the first seats; a node that finds it gone or changed knows
///                        Redis lost its state (restarted without persistence) and restores what it holds
/// Every script receives P as ARGV[1].
/// </summary>
internal static class RedisSeatScripts
{
    private const string Prelude = """
        local P = ARGV[1]
        local function seatkey(ext) return P .. 'seat:' .. ext end
        local function split(s)
          local t = {}
          if not s then return t end
          for w in string.gmatch(s, '[^,]+') do t[#t + 1] = w end
          return t
        end
        local function move(ext, to, reason, call, now)
          local k = seatkey(ext)
          local cur = redis.call('HMGET', k, 'state', 'agent', 'call', 'skills')
          local from, agent, oldcall, skills = cur[1], cur[2] or '', cur[3] or '', split(cur[4])
          if from == 'Ready' and to ~= 'Ready' then
            redis.call('ZREM', P .. 'ready', ext)
            for _, s in ipairs(skills) do redis.call('ZREM', P .. 'idle:' .. s, ext) end
          end
          local idle = ''
          if to == 'Ready' then
            idle = now
            redis.call('ZADD', P .. 'ready', now, ext)
            for _, s in ipairs(skills) do redis.call('ZADD', P .. 'idle:' .. s, now, ext) end
          end
          redis.call('HSET', k, 'state', to, 'reason', reason, 'since', now, 'idle', idle, 'call', call)
          local histcall = call
          if histcall == '' then histcall = oldcall end
          local h = P .. 'hist:' .. ext
          redis.call('RPUSH', h, cjson.encode({at = now, from = from, to = to, reason = reason, call = histcall, agent = agent}))
          redis.call('LTRIM', h, -200, -1)
        end
        local function reply(err, ext)
          if ext == nil then return {err, {}} end
          return {err, redis.call('HGETALL', seatkey(ext))}
        end
        local function longestidle(skills)
          local best = P .. 'ready'
          local bestcard = redis.call('ZCARD', best)
          for _, s in ipairs(skills) do
            local c = redis.call('ZCARD', P .. 'idle:' .. s)
            if c < bestcard then best, bestcard = P .. 'idle:' .. s, c end
          end
          if bestcard == 0 then return nil end
          for _, ext in ipairs(redis.call('ZRANGE', best, 0, -1)) do
            local ok = true
            for _, s in ipairs(skills) do
              if not redis.call('ZSCORE', P .. 'idle:' .. s, ext) then ok = false break end
            end
            if ok then return ext end
          end
          return nil
        end
        local function claim(ext, agent, skills, now)
          local k = seatkey(ext)
          if redis.call('HGET', k, 'state') ~= 'LoggedOut' then return 'SeatTaken' end
          if redis.call('EXISTS', P .. 'agent:' .. agent) == 1 then return 'AgentElsewhere' end
          redis.call('SET', P .. 'agent:' .. agent, ext)
          redis.call('HSET', k, 'agent', agent, 'skills', skills)
          move(ext, 'NotReady', 'login', '', now)
          return 'None'
        end
        local function takecall(queue, callid)
          redis.call('ZREM', P .. 'q:' .. queue, callid)
          if redis.call('ZCARD', P .. 'q:' .. queue) == 0 then redis.call('SREM', P .. 'queues', queue) end
          local info = redis.call('HMGET', P .. 'call:' .. callid, 'prio', 'enq', 'node')
          redis.call('DEL', P .. 'call:' .. callid)
          return {callid, queue, info[1] or '0', info[2] or '0', info[3] or ''}
        end

        """;

    /// <summary>ARGV: P, now, epoch if none is set yet, ext1, ext2, ... Returns the epoch.</summary>
    public const string EnsureSeats = Prelude + """
        local now = ARGV[2]
        for i = 4, #ARGV do
          local ext = ARGV[i]
          if redis.call('EXISTS', seatkey(ext)) == 0 then
            redis.call('HSET', seatkey(ext), 'ext', ext, 'agent', '', 'state', 'LoggedOut', 'reason', '', 'since', now, 'idle', '', 'call', '', 'skills', '')
          end
          redis.call('SADD', P .. 'seats', ext)
        end
        redis.call('SET', P .. 'epoch', ARGV[3], 'NX')
        return redis.call('GET', P .. 'epoch')
        """;

    /// <summary>ARGV: P, ext, agent, skills csv, now.</summary>
    public const string Login = Prelude + """
        local ext, agent, skills, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
        local k = seatkey(ext)
        if redis.call('EXISTS', k) == 0 then return reply('UnknownSeat', nil) end
        if redis.call('HGET', k, 'agent') == agent then return reply('None', ext) end
        return reply(claim(ext, agent, skills, now), ext)
        """;

    /// <summary>ARGV: P, ext, agent, skills csv, state, reason, call, now. A login (same checks) then the state the node held.</summary>
    public const string Restore = Prelude + """
        local ext, agent, skills, state, reason, call, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
        local k = seatkey(ext)
        if redis.call('EXISTS', k) == 0 then return reply('UnknownSeat', nil) end
        if redis.call('HGET', k, 'agent') == agent then return reply('None', ext) end
        local err = claim(ext, agent, skills, now)
        if err ~= 'None' then return reply(err, ext) end
        if state ~= 'NotReady' or reason ~= 'login' then move(ext, state, reason, call, now) end
        return reply('None', ext)
        """;

    /// <summary>ARGV: P, ext, agent, allowed-from csv, now.</summary>
    public const string Logout = Prelude + """
        local ext, agent, allowed, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
        local k = seatkey(ext)
        if redis.call('EXISTS', k) == 0 then return reply('UnknownSeat', nil) end
        local cur = redis.call('HMGET', k, 'state', 'agent')
        if (cur[2] or '') ~= agent then return reply('WrongAgent', ext) end
        if not string.find(',' .. allowed .. ',', ',' .. cur[1] .. ',', 1, true) then return reply('IllegalTransition', ext) end
        move(ext, 'LoggedOut', '', '', now)
        redis.call('DEL', P .. 'agent:' .. agent)
        redis.call('HSET', k, 'agent', '', 'skills', '')
        return reply('None', ext)
        """;

    /// <summary>ARGV: P, ext, to, reason, expected agent ('' = any), expected call ('' = any), allowed-from csv, keep call (1/0), now.</summary>
    public const string Transition = Prelude + """
        local ext, to, reason, expagent, expcall, allowed, keep, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
        local k = seatkey(ext)
        if redis.call('EXISTS', k) == 0 then return reply('UnknownSeat', nil) end
        local cur = redis.call('HMGET', k, 'state', 'agent', 'call')
        if expagent ~= '' and (cur[2] or '') ~= expagent then return reply('WrongAgent', ext) end
        if expcall ~= '' and (cur[3] or '') ~= expcall then return reply('WrongCall', ext) end
        if not string.find(',' .. allowed .. ',', ',' .. cur[1] .. ',', 1, true) then return reply('IllegalTransition', ext) end
        local call = ''
        if keep == '1' then call = cur[3] or '' end
        move(ext, to, reason, call, now)
        return reply('None', ext)
        """;

    /// <summary>ARGV: P, call id, now, skill1, skill2, ...</summary>
    public const string Reserve = Prelude + """
        local callid, now = ARGV[2], ARGV[3]
        local skills = {}
        for i = 4, #ARGV do skills[#skills + 1] = ARGV[i] end
        local ext = longestidle(skills)
        if not ext then return reply('None', nil) end
        move(ext, 'Reserved', '', callid, now)
        return reply('None', ext)
        """;

    /// <summary>ARGV: P, queue, call id, priority, enqueued ms, node, arrival key (0..1e12). Returns the 1-based position.</summary>
    public const string Enqueue = Prelude + EnqueueBody;

    /// <summary>
    /// ARGV: as <see cref="Enqueue"/>, then group, limit. Returns the 1-based position, or -1 when the
    /// queues named group or group+... already hold limit calls (a call already queued is never refused).
    /// </summary>
    public const string EnqueueWithinLimit = Prelude + """
        local group, limit = ARGV[8], tonumber(ARGV[9])
        if redis.call('EXISTS', P .. 'call:' .. ARGV[3]) == 0 then
          local n, prefix = 0, group .. '+'
          for _, name in ipairs(redis.call('SMEMBERS', P .. 'queues')) do
            if name == group or string.sub(name, 1, #prefix) == prefix then n = n + redis.call('ZCARD', P .. 'q:' .. name) end
          end
          if n >= limit then return -1 end
        end
        """ + "\n" + EnqueueBody;

    private const string EnqueueBody = """
        local queue, callid, prio, enq, node = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
        local q = P .. 'q:' .. queue
        if redis.call('EXISTS', P .. 'call:' .. callid) == 0 then
          local score = string.format('%.0f', (999 - prio) * 1e12 + tonumber(ARGV[7]))
          redis.call('ZADD', q, score, callid)
          redis.call('SADD', P .. 'queues', queue)
          redis.call('HSET', P .. 'call:' .. callid, 'queue', queue, 'prio', ARGV[4], 'enq', enq, 'node', node)
        end
        local rank = redis.call('ZRANK', P .. 'q:' .. redis.call('HGET', P .. 'call:' .. callid, 'queue'), callid)
        return rank + 1
        """;

    /// <summary>ARGV: P, queue, call id. Returns 1 when removed.</summary>
    public const string Dequeue = Prelude + """
        local queue, callid = ARGV[2], ARGV[3]
        if redis.call('HGET', P .. 'call:' .. callid, 'queue') ~= queue then return 0 end
        takecall(queue, callid)
        return 1
        """;

    /// <summary>ARGV: P, queue. Returns the entries in serving order.</summary>
    public const string ListQueue = Prelude + """
        local queue = ARGV[2]
        local out = {}
        for _, callid in ipairs(redis.call('ZRANGE', P .. 'q:' .. queue, 0, -1)) do
          local info = redis.call('HMGET', P .. 'call:' .. callid, 'prio', 'enq', 'node')
          out[#out + 1] = {callid, queue, info[1] or '0', info[2] or '0', info[3] or ''}
        end
        return out
        """;

    /// <summary>ARGV: P, queue, now, skill1, ... Returns {} or {call entry, seat}.</summary>
    public const string AssignQueueHead = Prelude + """
        local queue, now = ARGV[2], ARGV[3]
        local head = redis.call('ZRANGE', P .. 'q:' .. queue, 0, 0)[1]
        if not head then return {} end
        local skills = {}
        for i = 4, #ARGV do skills[#skills + 1] = ARGV[i] end
        local ext = longestidle(skills)
        if not ext then return {} end
        local entry = takecall(queue, head)
        move(ext, 'Reserved', '', head, now)
        return {entry, redis.call('HGETALL', seatkey(ext))}
        """;

    /// <summary>ARGV: P, ext, now, queue1, ... Returns {} or {call entry, seat}.</summary>
    public const string AssignSeat = Prelude + """
        local ext, now = ARGV[2], ARGV[3]
        if redis.call('HGET', seatkey(ext), 'state') ~= 'Ready' then return {} end
        local bestq, bestcall, bestscore = nil, nil, nil
        for i = 4, #ARGV do
          local head = redis.call('ZRANGE', P .. 'q:' .. ARGV[i], 0, 0, 'WITHSCORES')
          if head[1] and (bestscore == nil or tonumber(head[2]) < bestscore) then
            bestq, bestcall, bestscore = ARGV[i], head[1], tonumber(head[2])
          end
        end
        if not bestcall then return {} end
        local entry = takecall(bestq, bestcall)
        move(ext, 'Reserved', '', bestcall, now)
        return {entry, redis.call('HGETALL', seatkey(ext))}
        """;
}
