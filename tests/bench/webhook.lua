-- wrk: POST a ~3 KB OMI conversation with a fresh id on every request.
-- env: BODY_FILE (the payload with "id": "@ID@"), WEBHOOK_PATH
local counter = 0
-- The run's start, in every id: ids made by the same thread in another run
-- (a warm-up, the other concurrency) must differ too, or those deliveries
-- replace conversations instead of storing new ones.
local run = os.time()
-- Threads are numbered in setup() (main state); each thread reads its "id".
local threads = 0
local template

function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

function init(args)
	local f = assert(io.open(os.getenv("BODY_FILE"), "r"))
	template = f:read("*a")
	f:close()
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	counter = counter + 1
	local body = template:gsub("@ID@", "bench-" .. run .. "-" .. tostring(id) .. "-" .. counter)
	return wrk.format("POST", os.getenv("WEBHOOK_PATH"), nil, body)
end
