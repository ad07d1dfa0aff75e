-- wrk: the refresh-token grant, one rotation chain per thread (run with as
-- many threads as connections, so each response's new refresh token is the
-- next request's). env: RT_FILE (one refresh token per line), CLIENT_ID,
-- CLIENT_SECRET, TOKEN_PATH
local tokens = {}
-- Threads are numbered in setup() (main state); each thread reads its "id".
local threads = 0
local rt
local failed = 0

function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

function init(args)
	local i = 0
	for line in io.lines(os.getenv("RT_FILE")) do
		i = i + 1
		if i == id then rt = line end
	end
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
	local body = "grant_type=refresh_token&refresh_token=" .. rt ..
	    "&client_id=" .. os.getenv("CLIENT_ID") .. "&client_secret=" .. os.getenv("CLIENT_SECRET")
	return wrk.format("POST", os.getenv("TOKEN_PATH"), nil, body)
end

function response(status, headers, body)
	local new = body:match('"refresh_token":"([^"]+)"')
	if status == 200 and new then
		rt = new
	else
		failed = failed + 1
		wrk.thread:stop()
	end
end
