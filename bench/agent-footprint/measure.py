"""Samples RSS and CPU of the given processes for a window; prints one table (run by run.sh)."""
import os, sys, time, urllib.request

minutes, node_port, specs = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
procs = []
for spec in specs:
    name, pid, disk = spec.rsplit(":", 2)
    procs.append({"name": name, "pid": int(pid), "disk": int(disk), "max_rss": 0})
tick = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick  # utime + stime, seconds

def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0

time.sleep(30)  # start-up is not the steady state
for p in procs:
    p["cpu0"] = cpu(p["pid"])
start = time.monotonic()
window = minutes * 60
next_scrape = 0.0
while (elapsed := time.monotonic() - start) < window:
    if elapsed >= next_scrape:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{node_port}/metrics", timeout=10).read()
        except OSError as e:
            print("node-exporter scrape failed:", e, file=sys.stderr)
        next_scrape += 60
    for p in procs:
        p["max_rss"] = max(p["max_rss"], rss(p["pid"]))
    time.sleep(5)
elapsed = time.monotonic() - start
print(f"window {elapsed/60:.1f} min after 30 s of start-up; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
print(f"| process | RSS at end (MiB) | highest RSS (MiB) | CPU s/hour | on disk (MiB) |")
print(f"|---|---|---|---|---|")
for p in procs:
    per_hour = (cpu(p["pid"]) - p["cpu0"]) * 3600 / elapsed
    print(f"| {p['name']} | {rss(p['pid'])/2**20:.1f} | {p['max_rss']/2**20:.1f} | {per_hour:.1f} | {p['disk']/2**20:.1f} |")
