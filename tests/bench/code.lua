-- wrk: the authorization-code grant; every code is used once. Each thread
-- takes every Nth line of CODE_FILE and stops when its share is used up.
-- env: CODE_FILE, THREADS, REDIRECT_URI, CLIENT_ID, CLIENT_SECRET, TOKEN_PATH
local codes = {}
-- Threads are numbered in setup() (main state); each thread reads its "id".
local threads = 0
local next_code = 1

function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

function init(args)
	local n = tonumber(os.getenv("THREADS"))
	local i = 0
	for line in io.lines(os.getenv("CODE_FILE")) do
		if i % n == id - 1 then codes[#codes + 1] = line end
		i = i + 1
	end
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
	local code = codes[next_code]
	if code == nil then
		wrk.thread:stop()
		code = "exhausted"
	end
	next_code = next_code + 1
	return wrk.format("POST", os.getenv("TOKEN_PATH"), nil,
	    "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" ..
	    os.getenv("REDIRECT_URI") .. "&client_id=" .. os.getenv("CLIENT_ID") ..
	    "&client_secret=" .. os.getenv("CLIENT_SECRET"))
end

function response(status, headers, body)
	if next_code > #codes then wrk.thread:stop() end
end
