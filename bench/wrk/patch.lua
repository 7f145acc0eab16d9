-- PATCH <prefix><id> for the rest benchmark: wrk -s patch.lua <base url> -- <customers> <tag> [prefix]
-- (prefix default /api/customer/customer/; the floor run uses /api/bare/customer/)
-- Ids cycle over 1..customers; the two threads take odd and even ids, so no two requests in flight
-- share a customer (as the NATS `set` loop it is compared with). Every body sets a phone number the
-- customer has never had (tag + thread + counter): a `set` that changes nothing would skip its write.
customers, tag, n, headers, prefix = 1000, "h", 0, {}, "/api/customer/customer/"
thread_id, threads = 1, 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  customers = tonumber(args[1]) or customers
  tag = args[2] or tag
  prefix = args[3] or prefix
  -- wrk.format uses only the headers it is given: keep the command line's (-H Authorization).
  headers = { ["Content-Type"] = "application/json" }
  for k, v in pairs(wrk.headers) do headers[k] = v end
end

function request()
  n = n + 1
  local id = ((n * 2 + thread_id) % customers) + 1
  return wrk.format("PATCH", prefix .. id, headers,
    '{"phone":"' .. tag .. thread_id .. "-" .. n .. '"}')
end
