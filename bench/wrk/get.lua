-- GET of the URL given to wrk, with an optional bearer token: wrk -s get.lua URL -- [token]
dofile("common.lua")

function init(args)
  if args[1] ~= nil and args[1] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[1]
  end
end
