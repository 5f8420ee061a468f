-- wrk script: POSTs a Stripe-shaped event with a new id on every request (unique per thread and per request),
-- or, with WEBHOOK_REPLAY=1 in the environment, the same id every time (duplicate deliveries).
local counter = 0
local threads = 0
local replay = os.getenv("WEBHOOK_REPLAY") == "1"
local run = tostring(os.time())

function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end

function request()
	counter = counter + 1
	local id
	if replay then
		id = "evt_replay"
	else
		id = "evt_" .. run .. "_" .. tostring(tid) .. "_" .. tostring(counter)
	end
	local body = '{"id":"' .. id .. '","object":"event","type":"checkout.session.completed"}'
	return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
