-- wrk script: POSTs a small order with a quoted Idempotency-Key header, a new key on every request (unique per
-- run, thread and request), or, with IDEMPOTENCY_REPLAY=1, the same key every time (every request but the first a
-- replay). The header is sent to both twins alike, so the plain endpoint pays for parsing it too.
-- At the end it prints "REQUESTS <n> NON2XX <m>" so run.sh can check the handler counters.
local counter = 0
local threads = {}
local replay = os.getenv("IDEMPOTENCY_REPLAY") == "1"
local run = os.getenv("BENCH_RUN_ID") or tostring(os.time())
local body = '{"item":"sku_1","qty":1}'

function setup(thread)
	table.insert(threads, thread)
	thread:set("tid", #threads)
end

function request()
	counter = counter + 1
	local key
	if replay then
		key = "replay-" .. run
	else
		key = "k-" .. run .. "-" .. tostring(tid) .. "-" .. tostring(counter)
	end
	return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Idempotency-Key"] = '"' .. key .. '"' },
		body)
end

function done(summary, latency, requests)
	local non2xx = summary.errors.status
	io.write(string.format("REQUESTS %d NON2XX %d\n", summary.requests, non2xx))
end
