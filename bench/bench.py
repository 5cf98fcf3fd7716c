#!/usr/bin/env python3
"""Run the benchmarks of bench/run and print medians, ratios and peak memory (see
bench/README.md). Exits 1 when a target is not met."""
import json
import os
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


TIME = "/usr/bin/time"  # GNU time: the peak RSS of what it runs, not of a fork of this script


def run_once(cmd, env=None, cwd=None, expect=(0, 1)):
    """Wall time (s) and peak RSS (KiB) of one whole process; its output goes to /dev/null.
    The peak RSS comes from GNU time when it is there: a child forked from this (large) Python
    process would otherwise report this process's memory as its own."""
    argv = cmd if isinstance(cmd, list) else ["sh", "-c", cmd]
    rss_file = os.path.join(DATA, ".rss")
    wrapped = [TIME, "-f", "%M", "-o", rss_file] + argv if os.path.exists(TIME) else argv
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        p = subprocess.Popen(wrapped, stdout=null, stderr=subprocess.PIPE, env=env, cwd=cwd)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - start
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in expect:
        raise SystemExit(f"{cmd!r} exited {code}:\n{err[-2000:]}")
    peak = usage.ru_maxrss
    if wrapped is not argv:
        with open(rss_file) as f:
            peak = int(f.read().split()[-1])
    return elapsed, peak


def measure(name, cmd, runs, **kw):
    """Median wall time and peak RSS (KiB) over `runs` runs after one warm-up run."""
    run_once(cmd, **kw)  # warm the page cache
    samples = [run_once(cmd, **kw) for _ in range(runs)]
    times = [t for t, _ in samples]
    med = statistics.median(times)
    peak = max(m for _, m in samples)
    print(f"  {name:<50} median {med * 1000:10.1f} ms   (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f},"
          f" n={runs}, peak RSS {peak / 1024:.1f} MiB)")
    return med, peak


def cat_of(paths_cmd):
    """`cat` of every file a shell command lists (NUL-separated), the I/O floor."""
    return f"{paths_cmd} | xargs -0 cat"


def verdict(ok):
    return "met" if ok else "NOT MET"


def same_lines(a, b, n):
    return sorted(a.splitlines()) == sorted(b.splitlines()) and len(a.splitlines()) == n


def single(rows):
    print("(a) one check: grantlint vs Python + PyYAML")
    one = os.path.join(DATA, "single.yaml")
    g, mem = measure("grantlint check", [GRANTLINT, "check", "-p", "seekout", "--grants", one, "--format", "summary"], 30)
    p, _ = measure("python baseline", [PY, BASELINE, PROFILE, one], 15)
    rows.append(("(a) one check vs Python", f"{p / g:.1f}x faster ({g * 1000:.1f} ms vs {p * 1000:.0f} ms)", ">= 20x",
                 verdict(p / g >= 20)))
    rows.append(("(a) peak memory", f"{mem / 1024:.1f} MiB", "", "-"))


def fleet(rows):
    print("(b) check --grants-dir: 10,000 and 100,000 grants files, one invocation each")
    ten = os.path.join(DATA, "fleet")
    hundred = os.path.join(DATA, "fleet100k")
    cmd10 = [GRANTLINT, "check", "-p", "seekout", "--grants-dir", ten, "--format", "summary"]
    g10, mem10 = measure("grantlint, 10,000 files (summary)", cmd10, 5)
    p10, _ = measure("python baseline, 10,000 files", [PY, BASELINE, PROFILE, "--dir", ten], 3)
    c10, _ = measure("cat of the 10,000 files", cat_of(f"find {ten} -name '*.yaml' -print0"), 5)
    ours = subprocess.run(cmd10, capture_output=True, text=True).stdout
    theirs = subprocess.run([PY, BASELINE, PROFILE, "--dir", ten], capture_output=True, text=True).stdout
    same = same_lines(ours, theirs, 10_000)
    print(f"  {'same verdicts and counts as the baseline':<50} {'yes' if same else 'NO'}")
    g100, mem100 = measure("grantlint, 100,000 files (jsonl)",
                           [GRANTLINT, "check", "-p", "seekout", "--grants-dir", hundred, "--format", "jsonl"], 3)
    c100, _ = measure("cat of the 100,000 files", cat_of(f"find {hundred} -name '*.yaml' -print0"), 3)
    p100, _ = measure("python baseline, 100,000 files (one run: minutes)",
                      [PY, BASELINE, PROFILE, "--dir", hundred], 1)
    rows += [
        ("(b) 10,000 files vs Python", f"{p10 / g10:.1f}x faster ({g10 * 1000:.0f} ms vs {p10:.1f} s)", ">= 20x",
         verdict(p10 / g10 >= 20)),
        ("(b) 10,000 files vs cat", f"{g10 / c10:.2f}x cat ({c10 * 1000:.0f} ms)", "<= 3x", verdict(g10 / c10 <= 3)),
        ("(b) same results as the baseline", "identical" if same else "DIFFERENT", "identical", verdict(same)),
        ("(b) peak memory, 10,000 files", f"{mem10 / 1024:.1f} MiB", "<= 64 MB", verdict(mem10 * 1024 <= 64_000_000)),
        ("(b) 100,000 files, jsonl, vs cat", f"{g100 / c100:.2f}x cat ({g100:.2f} s vs {c100:.2f} s)", "<= 3x",
         verdict(g100 / c100 <= 3)),
        ("(b) 100,000 files vs Python", f"{p100 / g100:.1f}x faster ({p100:.0f} s)", "", "-"),
        ("(b) peak memory, 100,000 files, jsonl", f"{mem100 / 1024:.1f} MiB", "<= 64 MB",
         verdict(mem100 * 1024 <= 64_000_000)),
        ("(b) growth 100,000 / 10,000 files", f"{g100 / g10:.1f}x", "~10x (linear)", "-"),
    ]


def audit_files(rows):
    print("(e) audit of offline credentials: configs of 1,000 and 10,000 (Airbyte profile, 10-15 scopes each)")
    results = {}
    for n, name in [(1_000, "audit1k.toml"), (10_000, "audit10k.toml")]:
        config = os.path.join(DATA, name)
        cmd = [GRANTLINT, "audit", "--config", config, "--format", "summary"]
        g, mem = measure(f"grantlint audit, {n:,} credentials", cmd, 5)
        p, _ = measure(f"python baseline --config, {n:,}", [PY, BASELINE, "--config", config], 3 if n < 10_000 else 2)
        files = f"(printf '%s\\0' {config}; find {DATA}/analytics -name '*.yaml' -print0 | sort -z | head -z -n {n})"
        c, _ = measure(f"cat of the config and its {n:,} files", cat_of(files), 5)
        ours = subprocess.run(cmd, capture_output=True, text=True).stdout
        theirs = subprocess.run([PY, BASELINE, "--config", config], capture_output=True, text=True).stdout
        same = same_lines(ours, theirs, n)
        print(f"  {'same verdicts and counts as the baseline':<50} {'yes' if same else 'NO'}")
        results[n] = (g, p, c, mem, same)
    g1, _, _, _, _ = results[1_000]
    g10, p10, c10, mem10, same10 = results[10_000]
    growth = g10 / g1
    print(f"  {'growth 10,000 / 1,000 credentials':<50} {growth:10.1f}x")
    rows += [
        ("(e) audit of 10,000 vs cat", f"{g10 / c10:.2f}x cat ({g10 * 1000:.0f} ms vs {c10 * 1000:.0f} ms)", "<= 3x",
         verdict(g10 / c10 <= 3)),
        ("(e) audit of 10,000 vs Python", f"{p10 / g10:.1f}x faster ({p10:.1f} s)", ">= 20x", verdict(p10 / g10 >= 20)),
        ("(e) audit growth 10,000 / 1,000", f"{growth:.1f}x ({g1 * 1000:.0f} ms -> {g10 * 1000:.0f} ms)", "<= 12x",
         verdict(growth <= 12)),
        ("(e) same results as the baseline", "identical" if same10 and results[1_000][4] else "DIFFERENT",
         "identical", verdict(same10 and results[1_000][4])),
        ("(e) peak memory, audit of 10,000", f"{mem10 / 1024:.1f} MiB", "<= 64 MB", verdict(mem10 * 1024 <= 64_000_000)),
    ]


def audit_live(rows):
    print("(c) audit of 1,000 live credentials against fake-greenhouse")
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
        a, mem = measure(f"grantlint audit (concurrency {concurrency})",
                         [GRANTLINT, "audit", "--config", config_path, "--format", "summary", "--concurrency",
                          str(concurrency)], 3)
        print(f"  {'ideal: requests x latency / concurrency':<50} {ideal * 1000:10.1f} ms   ({requests} x "
              f"{latency * 1000:.0f} ms / {concurrency})")
        rows.append(("(c) live audit of 1,000 vs ideal", f"{a / ideal:.2f}x ideal ({a:.2f} s vs {ideal:.2f} s)",
                     "<= 1.5x", verdict(a / ideal <= 1.5)))
        rows.append(("(c) peak memory, live audit", f"{mem / 1024:.1f} MiB", "", "-"))
    finally:
        server.kill()


def main():
    rows = []
    only = set(sys.argv[1:])
    for name, bench in [("single", single), ("fleet", fleet), ("audit", audit_files), ("live", audit_live)]:
        if not only or name in only:
            bench(rows)
    print("\n| benchmark | result | target | |\n|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    return 0 if all(r[3] in ("met", "-") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
