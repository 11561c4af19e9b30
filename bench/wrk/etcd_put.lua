-- etcd v3 JSON gateway put to rotating keys: wrk -s etcd_put.lua URL -- keyPrefix valueBytes keySpace threads
dofile("common.lua")

local n, space, step, bodies

function init(args)
  space, step = tonumber(args[3]), tonumber(args[4])
  n = thread_id or 0
  local value = base64(string.rep("v", tonumber(args[2])))
  bodies = {}
  for i = 0, space - 1 do
    bodies[i] = '{"key":"' .. base64(args[1] .. string.format("%07d", i)) .. '","value":"' .. value .. '"}'
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = bodies[n % space]
  n = n + step
  return wrk.format(nil, nil, nil, body)
end
