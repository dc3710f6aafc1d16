-- wrk: thread N sends to the Nth port of WRK_PORTS (space-separated, same host as the URL), so
-- `wrk -t2 -c16` with two ports spreads 8 connections over each of two servers.
local ports = {}
for p in string.gmatch(os.getenv("WRK_PORTS") or "", "%d+") do
  ports[#ports + 1] = p
end
local n = 0
function setup(thread)
  if #ports > 0 then
    n = n + 1
    thread.addr = wrk.lookup(wrk.host, ports[(n - 1) % #ports + 1])[1]
  end
end
