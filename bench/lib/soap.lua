-- wrk script: POST one SOAP envelope read from $BENCH_BODY with $BENCH_SOAPACTION.
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = os.getenv("BENCH_SOAPACTION")
