-- wrk: a POST of POST_BYTES bytes (a form body, as the token endpoint gets)
-- to the URL's path: the hello-world CGI's yardstick for POST endpoints.
function init(args)
	local n = tonumber(os.getenv("POST_BYTES") or "200")
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
	wrk.body = "x=" .. string.rep("a", n - 2)
end
