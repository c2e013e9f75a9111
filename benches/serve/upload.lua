-- wrk: POST the file named by $FILE as multipart/form-data (part "file") with the API key from $KEY.
local f = assert(io.open(os.getenv("FILE"), "rb"))
local data = f:read("*all")
f:close()
local boundary = "cadlens-load-7MA4YWxkTrZu0gW"
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. "Content-Disposition: form-data; name=\"file\"; filename=\"load.dxf\"\r\n"
  .. "Content-Type: application/octet-stream\r\n\r\n"
  .. data .. "\r\n--" .. boundary .. "--\r\n"

