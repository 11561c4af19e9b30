-- A fixed POST: wrk -s post_body.lua URL -- contentType body [authorization header value]
-- Used for the etcd range (JSON) and both token endpoints (form, Basic client authentication).
dofile("common.lua")

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = args[1]
  wrk.body = args[2]
  if args[3] ~= nil and args[3] ~= "" then
    wrk.headers["Authorization"] = args[3]
  end
end
