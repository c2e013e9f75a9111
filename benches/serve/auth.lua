-- wrk: every request carries the API key from $KEY.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
