#!/usr/bin/env python3
"""Run the benchmarks of bench/run and print medians and ratios (see bench/README.md)."""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
GRANTLINT = os.path.join(ROOT, "target", "release", "grantlint")
FAKE = os.path.join(ROOT, "target", "release", "fake-greenhouse")
PY = sys.executable
BASELINE = os.path.join(ROOT, "bench", "baseline.py")
PROFILE = os.path.join(ROOT, "profiles", "seekout.yaml")


def run_once(cmd, env=None, cwd=None, expect=(0, 1)):
    """Wall time (s) and peak RSS (KiB) of one whole process; its output goes to /dev/null."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=null, stderr=subprocess.PIPE, env=env, cwd=cwd, shell=isinstance(cmd, str))
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - start
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in expect:
        raise SystemExit(f"{cmd!r} exited {code}:\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss


def measure(name, cmd, runs, **kw):
    run_once(cmd, **kw)  # warm the page cache
    samples = [run_once(cmd, **kw) for _ in range(runs)]
    times = [t for t, _ in samples]
    med = statistics.median(times)
    peak = max(m for _, m in samples)
    print(f"  {name:<44} median {med * 1000:9.1f} ms   (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={runs}, peak RSS {peak / 1024:.1f} MiB)")
    return med, peak


def verdict(ok):
    return "met" if ok else "NOT MET"


def main():
    rows = []
    print("(a) one check: grantlint vs Python + PyYAML")
    single = os.path.join(DATA, "single.yaml")
    g, _ = measure("grantlint check", [GRANTLINT, "check", "-p", "seekout", "--grants", single, "--format", "summary"], 30)
    p, _ = measure("python baseline", [PY, BASELINE, PROFILE, single], 15)
    rows.append(("(a) one check vs Python", f"{p / g:.1f}x faster", ">= 20x", verdict(p / g >= 20)))

    print("(b) fleet of 10,000 grants files, one invocation")
    fleet = os.path.join(DATA, "fleet")
    g, mem = measure("grantlint check --grants-dir", [GRANTLINT, "check", "-p", "seekout", "--grants-dir", fleet, "--format", "summary"], 5)
    p, _ = measure("python baseline --dir", [PY, BASELINE, PROFILE, "--dir", fleet], 3)
    c, _ = measure("cat of the same files", f"cat {fleet}/*.yaml", 5)
    rows.append(("(b) fleet vs Python", f"{p / g:.1f}x faster", ">= 20x", verdict(p / g >= 20)))
    # The baseline must be doing the same comparison: its summary lines equal grantlint's.
    ours = subprocess.run([GRANTLINT, "check", "-p", "seekout", "--grants-dir", fleet, "--format", "summary"],
                          capture_output=True, text=True).stdout
    theirs = subprocess.run([PY, BASELINE, PROFILE, "--dir", fleet], capture_output=True, text=True).stdout
    same = sorted(ours.splitlines()) == sorted(theirs.splitlines()) and len(ours.splitlines()) == 10_000
    print(f"  {'same verdicts and counts as the baseline':<44} {'yes' if same else 'NO'}")
    rows.append(("(b) same result as the baseline", "identical" if same else "DIFFERENT", "identical", verdict(same)))
    rows.append(("(b) fleet vs cat (I/O floor)", f"{g / c:.2f}x cat", "<= 3x", verdict(g / c <= 3)))
    rows.append(("(d) peak memory of (b)", f"{mem / 1024:.1f} MiB", "<= 64 MB", verdict(mem * 1024 <= 64_000_000)))

    print("(c) audit of 1,000 live credentials against fake-greenhouse")
    import json
    with open(os.path.join(DATA, "fake.json")) as f:
        fake = json.load(f)
    latency = fake["latency_ms"] / 1000
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = subprocess.Popen([FAKE, os.path.join(DATA, "fake.json"), str(port)], stdout=subprocess.PIPE)
    try:
        server.stdout.readline()
        with open(os.path.join(DATA, "audit.toml")) as f:
            config = f.read().replace("{PORT}", str(port))
        config_path = os.path.join(DATA, "audit.port.toml")
        with open(config_path, "w") as f:
            f.write(config)
        concurrency = 16
        n = len(fake["credentials"])
        requests = 2 * n  # token + introspection per credential
        ideal = requests * latency / concurrency
        a, _ = measure(f"grantlint audit (concurrency {concurrency})",
                       [GRANTLINT, "audit", "--config", config_path, "--format", "summary", "--concurrency", str(concurrency)], 3)
        print(f"  {'ideal: requests x latency / concurrency':<44} {ideal * 1000:9.1f} ms   ({requests} x {latency * 1000:.0f} ms / {concurrency})")
        rows.append(("(c) audit vs ideal", f"{a / ideal:.2f}x ideal", "<= 1.5x", verdict(a / ideal <= 1.5)))
    finally:
        server.kill()

    print("\n| benchmark | result | target | |\n|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return 0 if all(r[3] == "met" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
