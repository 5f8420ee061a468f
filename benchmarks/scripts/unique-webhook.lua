-- wrk script: POSTs a Stripe-shaped event with a new id on every request (unique per thread and per request),
-- or, with WEBHOOK_REPLAY=1 in the environment, the same id every time (duplicate deliveries): the id
-- "evt_replay_<WEBHOOK_RUN_ID>", which the harness delivers once before the run so that every request of the run
-- is a duplicate of a completed delivery (without it, the run's first request is a first delivery and duplicates
-- arriving while it runs are answered 409 in_progress, as they should be).
-- WEBHOOK_STATUSES=1 counts the answers per HTTP status and prints them at the end ("STATUS <code> <count>").
local counter = 0
local threads = 0
local replay = os.getenv("WEBHOOK_REPLAY") == "1"
local run = tostring(os.time())
local replay_id = "evt_replay_" .. (os.getenv("WEBHOOK_RUN_ID") or "0")
local all_threads = {}

function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
	table.insert(all_threads, thread)
end

if os.getenv("WEBHOOK_STATUSES") == "1" then
	statuses = {}

	function response(status, headers, body)
		statuses[status] = (statuses[status] or 0) + 1
	end

	function done(summary, latency, requests)
		local total = {}
		for _, thread in ipairs(all_threads) do
			for code, count in pairs(thread:get("statuses")) do
				total[code] = (total[code] or 0) + count
			end
		end
		for code, count in pairs(total) do
			io.write(string.format("STATUS %d %d\n", code, count))
		end
	end
end

function request()
	counter = counter + 1
	local id
	if replay then
		id = replay_id
	else
		id = "evt_" .. run .. "_" .. tostring(tid) .. "_" .. tostring(counter)
	end
	local body = '{"id":"' .. id .. '","object":"event","type":"checkout.session.completed"}'
	return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
