-- Key pages deep inside the big partition: each request continues after a random key from
-- the second half, through the same opaque nextPageToken a client would send.
-- wrk -s deep_pages.lua URL -- token keysPath keyPrefix keyCount pageSize
dofile("common.lua")

local requests = {}

function init(args)
  local headers = { ["Authorization"] = "Bearer " .. args[1] }
  local count = tonumber(args[4])
  math.randomseed(1000 + (thread_id or 0))
  for i = 1, 512 do
    local key = args[3] .. string.format("%07d", math.random(math.floor(count / 2), count - 2))
    -- The token is base64url(version 1, listing kind 'k', UTF-8 key): see PageToken.Encode.
    local token = base64url(string.char(1) .. "k" .. key)
    requests[i] = wrk.format("GET", args[2] .. "?pageSize=" .. args[5] .. "&nextPageToken=" .. token, headers)
  end
end

local i = 0
function request()
  i = i % #requests + 1
  return requests[i]
end
