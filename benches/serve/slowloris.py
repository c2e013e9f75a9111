#!/usr/bin/env python3
"""Slowloris against `cadlens serve`: N connections send a request head one byte per second while a normal
client keeps asking GET /v1/health; prints the normal client's latency and the server's threads and RSS.

    benches/serve/slowloris.py BASE_URL SERVER_PID [CONNECTIONS=1000] [SECONDS=15]
"""
import socket, sys, time, urllib.request

base, pid = sys.argv[1], int(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 15
host, port = base.removeprefix("http://").split(":")

def proc(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1])

def normal():
    t = time.perf_counter()
    with urllib.request.urlopen(base + "/v1/health", timeout=30) as r:
        assert r.status == 200
    return time.perf_counter() - t

print(f"before: threads {proc('Threads:')} RSS {proc('VmRSS:')} KiB; baseline health latency {normal()*1000:.1f} ms")
conns = []
for _ in range(n):
    s = socket.create_connection((host, int(port)))
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    conns.append(s)
lat, start = [], time.time()
while time.time() - start < seconds:
    open_ = 0
    for s in conns:
        try:
            s.sendall(b"a")
            open_ += 1
        except OSError:
            pass
    for _ in range(10):
        lat.append(normal())
    print(f"t={time.time()-start:4.1f}s slow conns still open {open_:4d} server threads {proc('Threads:')} RSS {proc('VmRSS:')} KiB")
    time.sleep(1)
lat.sort()
q = lambda p: lat[int((len(lat) - 1) * p)] * 1000
print(f"normal client during the attack: n={len(lat)} p50={q(0.5):.1f} ms p99={q(0.99):.1f} ms max={q(1.0):.1f} ms")
