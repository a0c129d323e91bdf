-- wrk script: POST SOAP envelopes read from $BENCH_BODY (one envelope per line) with
-- $BENCH_SOAPACTION, cycling through them so that a run is not one request repeated (a cache
-- in the server would otherwise serve one row for the whole run). Requests are formatted once,
-- in init, so that wrk's own cost per request stays that of sending bytes.
local requests = {}
local next_request = 0

init = function(args)
  local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
  local headers = { ["Content-Type"] = "text/xml; charset=utf-8", ["SOAPAction"] = os.getenv("BENCH_SOAPACTION") }
  for line in f:lines() do
    if #line > 0 then
      table.insert(requests, wrk.format("POST", nil, headers, line))
    end
  end
  f:close()
  assert(#requests > 0, "no request bodies in " .. os.getenv("BENCH_BODY"))
  -- Threads start at different places in the list.
  next_request = math.random(0, #requests - 1)
end

request = function()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
