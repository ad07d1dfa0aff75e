-- wrk: POST a ~3 KB OMI conversation with a fresh id on every request,
-- created now, as OMI delivers them: each conversation newer than the
-- last (one created_at for all would put each new one by its id among the
-- others, where OMI's go in front).
-- env: BODY_FILE (the payload with "id": "@ID@" and "created_at":
-- "@CREATED@"), WEBHOOK_PATH
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
	-- The second it is, and as its microseconds the request's number
	-- interleaved with the other threads' (up to 64), which go at the same
	-- pace: later requests are newer, give or take a few among
	-- concurrent ones, and the string keeps the fixture's length.
	local created = os.date("!%Y-%m-%dT%H:%M:%S", os.time()) ..
	    string.format(".%06d+00:00", (counter * 64 + id) % 1000000)
	local body = template:gsub("@ID@", "bench-" .. run .. "-" .. tostring(id) .. "-" .. counter)
	body = body:gsub("@CREATED@", created)
	return wrk.format("POST", os.getenv("WEBHOOK_PATH"), nil, body)
end
