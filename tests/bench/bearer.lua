-- wrk: a GET with the bearer token from the environment (TOKEN).
function init(args)
	wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end
