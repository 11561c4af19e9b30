-- Stowage writes to rotating keys: POST <keys path><prefix><n> with a STRING value.
-- wrk -s post_keys.lua URL -- token keysPath keyPrefix valueBytes keySpace threads
-- Keys cycle through keySpace: inserts at first, overwrites once every key exists.
dofile("common.lua")

local n, space, step, path, prefix, headers, body

function init(args)
  path, prefix = args[2], args[3]
  space, step = tonumber(args[5]), tonumber(args[6])
  n = thread_id or 0
  headers = { ["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json" }
  body = '{"valueType":"STRING","stringValue":"' .. string.rep("v", tonumber(args[4])) .. '"}'
end

function request()
  local key = prefix .. string.format("%07d", n % space)
  n = n + step
  return wrk.format("POST", path .. key, headers, body)
end
