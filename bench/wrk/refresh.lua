-- The refresh_token grant: wrk -s refresh.lua URL -- tokensFile authorizationHeaderValue
-- Refresh tokens rotate, and sending a spent one again revokes its whole chain, so no token
-- is ever sent twice: tokensFile holds one fresh refresh token per connection (the harness
-- writes it before every run), each the head of its own chain, and one spare per wrk thread:
-- wrk 4.1 (Debian's) asks each thread for one request before it opens its connections and
-- never sends it. A request takes a token from
-- the pool; its answer puts the new refresh token back. With one request in flight per
-- connection, each chain is carried forward by one request at a time and the pool never runs
-- dry; wrk does not tell the script which connection a request is on, so a chain may move
-- between connections, which changes nothing for the server.
dofile("common.lua")

local pool = {}
local authorization

local function escape(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

function init(args)
  authorization = args[2]
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then
      pool[#pool + 1] = line
    end
  end
  file:close()
end

function request()
  -- An empty pool means an answer came back without a new token (an error, counted as
  -- such): the request then carries no valid token and is refused, never a spent one.
  local token = table.remove(pool) or "exhausted"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = authorization,
  }, "grant_type=refresh_token&refresh_token=" .. escape(token))
end

function response(status, headers, body)
  local token = body and body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then
    pool[#pool + 1] = token
  end
end
