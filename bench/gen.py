#!/usr/bin/env python3
"""Generate benchmark data in bench/data/ (deterministic, seeded):
- fleet/: 10,000 grants files, half Harvest v1 keys and half v3 credentials, each missing some
  of SeekOut's permissions and carrying random excess ones; fleet100k/: 100,000 such files;
- analytics/: 10,000 v3 credentials of 10-15 scopes each (most from the Airbyte profile, a few
  others), and audit1k.toml / audit10k.toml, configs of 1,000 and 10,000 offline credentials
  reading them (the fleet of issue "Fleet at scale");
- single.yaml, one grants file; fake.json and audit.toml, 1,000 live credentials."""
import csv
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from baseline import normalize  # noqa: E402  (the same loose label matching)
DATA = os.path.join(ROOT, "bench", "data")
rng = random.Random(20261201)


def rows(name):
    with open(os.path.join(ROOT, "catalog", name), newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


V3 = [r["scope"] for r in rows("v3_scopes.tsv")]
V1 = rows("v1_permissions.tsv")
SEEKOUT_V1 = [
    "Get: Retrieve Application", "Get: List Applications", "Patch: Update Application", "Post: Advance Application",
    "Post: Move Application", "Post: Reject Application", "Post: Moves Application to Job", "Post: Unreject Application",
    "Get: Retrieve Candidate", "Get: List Candidates", "Get: Retrieve Job", "Get: List Jobs", "Get: List Job Posts",
    "Get: Retrieve Job Post for Job", "Get: List Job Posts for Job", "Get: Retrieve Job Stage", "Get: List Job Stages",
    "Get: List Job Stages for Job", "Get: Retrieve User", "Get: List Users", "Get: List Openings For a Job",
    "Get: Get close reasons",
]
SEEKOUT_V3 = [
    "harvest:applications:list", "harvest:applications:update", "harvest:applications:move",
    "harvest:applications:reject", "harvest:applications:unreject", "harvest:rejection_details:update",
    "harvest:candidates:list", "harvest:jobs:list", "harvest:job_posts:list", "harvest:job_interview_stages:list",
    "harvest:openings:list", "harvest:users:list", "harvest:close_reasons:list",
]


def v1_file(i):
    keep = [l for l in SEEKOUT_V1 if rng.random() > 0.08]
    extra = [r["label"] for r in rng.sample(V1, rng.randint(0, 6))]
    groups = {}
    unique = {normalize(l): l for l in reversed(keep + extra)}  # one spelling per permission
    for label in reversed(list(unique.values())):
        groups.setdefault("Applications" if "Application" in label else "Other", []).append(label)
    lines = [f"# v1 key {i}", f"credential: v1-key-{i:05}", "api: harvest-v1", "granted:"]
    for g, labels in groups.items():
        lines.append(f"  {g}:")
        lines += [f'    - "{l}"' for l in labels]
    return "\n".join(lines) + "\n"


def v3_file(i):
    keep = [s for s in SEEKOUT_V3 if rng.random() > 0.08]
    extra = rng.sample(V3, rng.randint(0, 8))
    scopes = list(dict.fromkeys(keep + extra))
    return "\n".join([f"credential: v3-client-{i:05}", "api: harvest-v3", "granted:"] + [f"  - {s}" for s in scopes]) + "\n"


def airbyte_scopes():
    with open(os.path.join(ROOT, "profiles", "airbyte.yaml")) as f:
        return [l.strip()[2:].split()[0] for l in f if l.strip().startswith("- harvest:")]


def analytics_file(i, airbyte):
    scopes = rng.sample(airbyte, rng.randint(10, 15)) + rng.sample(V3, rng.randint(0, 3))
    scopes = list(dict.fromkeys(scopes))
    return "\n".join([f"credential: analytics-{i:05}", "api: harvest-v3", "granted:"] + [f"  - {s}" for s in scopes]) + "\n"


def write_fleet(name, n):
    fleet = os.path.join(DATA, name)
    os.makedirs(fleet, exist_ok=True)
    for i in range(n):
        text = v1_file(i) if i % 2 else v3_file(i)
        with open(os.path.join(fleet, f"{i:06}.yaml"), "w") as f:
            f.write(text)


def main():
    write_fleet("fleet", 10_000)
    write_fleet("fleet100k", 100_000)
    airbyte = airbyte_scopes()
    analytics = os.path.join(DATA, "analytics")
    os.makedirs(analytics, exist_ok=True)
    for i in range(10_000):
        with open(os.path.join(analytics, f"{i:05}.yaml"), "w") as f:
            f.write(analytics_file(i, airbyte))
    for n, name in [(1_000, "audit1k.toml"), (10_000, "audit10k.toml")]:
        with open(os.path.join(DATA, name), "w") as f:
            for i in range(n):
                f.write(f'[[credential]]\nname = "analytics-{i:05}"\nprofiles = ["airbyte"]\ngrants = "analytics/{i:05}.yaml"\n\n')
    with open(os.path.join(DATA, "single.yaml"), "w") as f:
        f.write(v3_file(99_999))
    # 1,000 live credentials for the audit benchmark.
    latency = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    creds = [{"client_id": f"c{i:04}", "secret": f"secret-{i:04}", "scopes": SEEKOUT_V3} for i in range(1000)]
    with open(os.path.join(DATA, "fake.json"), "w") as f:
        json.dump({"credentials": creds, "latency_ms": latency}, f)
    with open(os.path.join(DATA, "audit.toml"), "w") as f:
        f.write('auth_url = "http://127.0.0.1:{PORT}"\nbase_url = "http://127.0.0.1:{PORT}"\n\n')
        for c in creds:
            f.write(f'[[credential]]\nname = "{c["client_id"]}"\nprofiles = ["seekout"]\nclient_id = "{c["client_id"]}"\n'
                    f'client_secret_file = "secrets/{c["client_id"]}"\n\n')
    os.makedirs(os.path.join(DATA, "secrets"), exist_ok=True)
    for c in creds:
        with open(os.path.join(DATA, "secrets", c["client_id"]), "w") as f:
            f.write(c["secret"] + "\n")


if __name__ == "__main__":
    main()
