#!/usr/bin/env python3
"""N concurrent uploads (async, then polled to the end) against `cadlens serve`; samples the server's RSS
and threads meanwhile (workers are separate processes, so their memory is reported apart).

    benches/serve/concurrent_uploads.py BASE_URL SERVER_PID KEY FILE [N=100]
"""
import json, os, sys, threading, time, urllib.request

base, pid, key, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 100
data = open(path, "rb").read()
boundary = "cadlens-bench-boundary"
body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{os.path.basename(path)}\"\r\n"
        f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()

def status(field, p=pid):
    try:
        for line in open(f"/proc/{p}/status"):
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0

def children_rss():
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            kids = open(f"/proc/{pid}/task/{task}/children").read().split()
        except OSError:  # the thread ended meanwhile
            continue
        total += sum(status("VmRSS:", int(c)) for c in kids)
    return total

codes, ids, barrier = [], [], threading.Barrier(n)
def upload():
    req = urllib.request.Request(base + "/v1/parse", data=body, method="POST", headers={
        "Authorization": "Bearer " + key, "Content-Type": "multipart/form-data; boundary=" + boundary})
    barrier.wait()
    with urllib.request.urlopen(req, timeout=120) as r:
        codes.append(r.status)
        ids.append(json.load(r)["jobId"])

peak = [0, 0, 0]
done = threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], status("VmRSS:"))
        peak[1] = max(peak[1], status("Threads:"))
        peak[2] = max(peak[2], children_rss())
        time.sleep(0.02)

print(f"before: server RSS {status('VmRSS:')} KiB, threads {status('Threads:')}")
sampler = threading.Thread(target=sample); sampler.start()
t = time.time()
threads = [threading.Thread(target=upload) for _ in range(n)]
for th in threads: th.start()
for th in threads: th.join()
accepted = time.time() - t
for job in ids:
    while True:
        req = urllib.request.Request(base + "/v1/jobs/" + job, headers={"Authorization": "Bearer " + key})
        st = json.load(urllib.request.urlopen(req))["status"]
        if st in ("COMPLETED", "FAILED"):
            break
        time.sleep(0.2)
done.set(); sampler.join()
print(f"{n} uploads of {len(data)} bytes: statuses {sorted(set(codes))}, all accepted in {accepted:.2f} s, "
      f"all parsed in {time.time()-t:.2f} s")
print(f"peak: server RSS {peak[0]} KiB, server threads {peak[1]}, workers' RSS together {peak[2]} KiB")
