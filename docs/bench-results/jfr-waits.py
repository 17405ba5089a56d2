#!/usr/bin/env python3
"""Aggregates a JFR recording's waits (socket reads/writes, parks, file force/write, monitor waits) by thread group
and the first frame of the transaction manager's or driver's code, and execution samples by thread group and top
frame. Usage: agg.py FILE.jfr [thread-prefix ...]"""
import re, subprocess, sys, collections
f = sys.argv[1]; prefixes = sys.argv[2:]
JFR = "jfr"
WAITS = "jdk.SocketRead,jdk.SocketWrite,jdk.ThreadPark,jdk.FileForce,jdk.FileWrite,jdk.JavaMonitorWait,jdk.JavaMonitorEnter"
INTERESTING = re.compile(r"^(dev\.entente\.(?!agent\.bootstrap)|com\.arjuna|com\.atomikos|org\.apache\.ratis|io\.grpc\.stub|org\.mariadb\.jdbc\.(?!client)|org\.postgresql\.(?!core)|org\.postgresql\.core\.v3\.QueryExecutorImpl)")
def events(kinds):
    out = subprocess.run([JFR, "print", "--events", kinds, "--stack-depth", "40", f], capture_output=True, text=True).stdout
    for block in re.split(r"\n(?=jdk\.\w+ \{)", out):
        m = re.match(r"(jdk\.\w+) \{", block.strip())
        if not m: continue
        kind = m.group(1)
        th = re.search(r'(?:eventThread|sampledThread) = "([^"]*)"', block)
        dur = re.search(r"duration = ([\d.]+) (ms|s|us|ns)", block)
        port = re.search(r"\bport = (\d+)", block)
        frames = re.findall(r"^\s+([\w.$<>]+)\(", block, re.M)
        d = 0.0
        if dur:
            v, u = float(dur.group(1)), dur.group(2)
            d = v * {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[u]
        yield kind, (th.group(1) if th else "?"), d, (port.group(1) if port else ""), frames
def group(name): return re.sub(r"[-_#]?\d+$", "", re.sub(r"\d+", "N", name))
def pick(frames):
    for fr in frames:
        if INTERESTING.match(fr): return fr
    return frames[0] if frames else "-"
waits = collections.defaultdict(lambda: [0.0, 0])
for kind, th, d, port, frames in events(WAITS):
    if prefixes and not any(th.startswith(p) for p in prefixes): continue
    key = (group(th), kind.replace("jdk.", ""), pick(frames) + (" port=" + port if port else ""))
    waits[key][0] += d; waits[key][1] += 1
print("-- waits (seconds, events | thread group, event, first frame of interest)")
for (g, k, fr), (d, n) in sorted(waits.items(), key=lambda x: -x[1][0])[:25]:
    print(f"{d:8.3f}s {n:6d}  {g} | {k} | {fr}")
samples = collections.Counter(); bythread = collections.Counter()
for kind, th, d, port, frames in events("jdk.ExecutionSample"):
    if prefixes and not any(th.startswith(p) for p in prefixes): continue
    bythread[group(th)] += 1
    samples[(group(th), pick(frames))] += 1
tot = sum(bythread.values()) or 1
print(f"-- execution samples: {tot} (by thread group)")
for g, n in bythread.most_common(15): print(f"{n:6d} {100*n/tot:5.1f}%  {g}")
print("-- execution samples by thread group and first frame of interest")
for (g, fr), n in samples.most_common(25): print(f"{n:6d} {100*n/tot:5.1f}%  {g} | {fr}")
