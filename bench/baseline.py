#!/usr/bin/env python3
"""The baseline grantlint is measured against: a plain Python 3 + PyYAML script doing the
same comparison as `grantlint check -p PROFILE --grants FILE --format summary`.

It reads the same catalog (catalog/*.tsv), resolves the profile's and the grants' labels the
same loose way (case, apostrophes, spacing around the colon, the published variants),
translates v1 to v3 when either side is v3, and prints one summary line per credential:
missing, excess by risk, required, granted.

It also counts the requirements met only through approximate v1 -> v3 mappings, as
grantlint's summary does. With --config it reads a grantlint.toml of offline credentials
(one profile each, a built-in profile by id) the way `grantlint audit --format summary` does.

Usage: baseline.py PROFILE.yaml GRANTS.yaml...   |   baseline.py PROFILE.yaml --dir DIR
       baseline.py --config grantlint.toml
"""
import csv
import os
import re
import sys
import tomllib

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RISK = {
    ("read", "reference"): "low", ("read", "jobs"): "low", ("read", "candidate"): "medium",
    ("read", "user_admin"): "medium", ("read", "system"): "medium", ("read", "sensitive"): "high",
    ("read", "compensation"): "high", ("read", "feedback"): "high", ("write", "reference"): "medium",
    ("write", "jobs"): "medium", ("write", "user_admin"): "critical",
}
ORDER = ["critical", "high", "medium", "low"]


def risk(effect, data_class):
    if effect == "destroy":
        return "critical"
    return RISK.get((effect, data_class), "high")


def normalize(label):
    out = " ".join(label.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").lower().split())
    if ":" in out:
        head, tail = out.split(":", 1)
        return head.rstrip() + ": " + tail.lstrip()
    first, _, rest = out.partition(" ")
    if first in ("get", "post", "put", "patch", "delete") and rest:
        return first + ": " + rest
    return out


def load_catalog():
    def rows(name):
        with open(os.path.join(ROOT, "catalog", name), newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))

    scopes = {r["scope"]: risk(r["effect"], r["data_class"]) for r in rows("v3_scopes.tsv")}
    scope_labels = {normalize(r["label"]): r["scope"] for r in rows("v3_scopes.tsv")}
    v1 = {}
    v1_labels = {}
    for r in rows("v1_permissions.tsv"):
        key = r["method"] + " " + r["path"]
        v1[key] = (risk(r["effect"], r["data_class"]), r["v3_scopes"].split(), r["mapping"] == "equivalent")
        for label in [r["label"]] + [a for a in r["aliases"].split("|") if a]:
            v1_labels[normalize(label)] = key
    return scopes, scope_labels, v1, v1_labels


SCOPES, SCOPE_LABELS, V1, V1_LABELS = load_catalog()


def entries(value):
    if value in (None, "all"):
        return []
    if isinstance(value, list):
        return value
    return [x for items in value.values() for x in (items or [])]


def resolve(api, item):
    if api == "harvest-v1":
        key = V1_LABELS.get(normalize(item))
        if key is None and item in V1:
            key = item
        if key is None:
            raise SystemExit(f"unknown Harvest v1 permission {item!r}")
        return key
    scope = item if item in SCOPES else SCOPE_LABELS.get(normalize(item))
    if scope is None:
        raise SystemExit(f"unknown Harvest v3 scope {item!r}")
    return scope


def in_space(api, perms, space):
    """The permissions in the comparison space, each with whether every path to it is an
    approximate mapping."""
    if space == "harvest-v1" or api == "harvest-v3":
        return {p: False for p in perms}
    out = {}
    for p in perms:
        _, scopes, equivalent = V1[p]
        for s in scopes:
            out[s] = out.get(s, True) and not equivalent
    return out


def check(profile, path, name=None):
    with open(path) as f:
        grants = yaml.safe_load(f)
    g_api = grants["api"]
    granted = [resolve(g_api, x) for x in entries(grants["granted"])]
    p_api = profile["api"]
    required = [resolve(p_api, x) for x in entries(profile["permissions"])]
    optional = [resolve(p_api, x) for x in entries(profile.get("optional"))]
    space = "harvest-v1" if g_api == p_api == "harvest-v1" else "harvest-v3"
    req = in_space(p_api, required, space)
    opt = in_space(p_api, optional, space)
    got = in_space(g_api, granted, space)
    missing = sorted(set(req) - set(got))
    excess = set(got) - set(req) - set(opt)
    approximate = sum(1 for p in req if p in got and (req[p] or got[p]))
    risk_of = (lambda p: V1[p][0]) if space == "harvest-v1" else (lambda p: SCOPES[p])
    by = {}
    for p in excess:
        by[risk_of(p)] = by.get(risk_of(p), 0) + 1
    parts = ", ".join(f"{by[r]} {r}" for r in ORDER if r in by)
    verdict = "FAIL" if missing or excess else "PASS"
    name = name or grants.get("credential") or os.path.splitext(os.path.basename(path))[0]
    excess_text = f"{len(excess)} excess ({parts})" if parts else f"{len(excess)} excess"
    approx = f" ({approximate} only through ≈ mappings)" if approximate else ""
    print(f"{name} — {verdict}: {len(missing)} missing, {excess_text} · {len(req)} required, {len(got)} granted{approx}, 0 waived")
    return verdict == "FAIL"


def audit(config_path):
    """Every offline credential of a config, in config order, each against its one profile."""
    with open(config_path, "rb") as f:
        config = tomllib.load(f)
    base = os.path.dirname(config_path)
    profiles = {}
    failed = False
    for c in config["credential"]:
        (pid,) = c["profiles"]
        if pid not in profiles:
            with open(os.path.join(ROOT, "profiles", pid + ".yaml")) as f:
                profiles[pid] = yaml.safe_load(f)
        failed |= check(profiles[pid], os.path.join(base, c["grants"]), c["name"])
    return failed


def main(argv):
    if argv[1] == "--config":
        return 1 if audit(argv[2]) else 0
    with open(argv[1]) as f:
        profile = yaml.safe_load(f)
    if argv[2] == "--dir":
        files = sorted(os.path.join(argv[3], n) for n in os.listdir(argv[3]) if re.search(r"\.ya?ml$", n))
    else:
        files = argv[2:]
    failed = [check(profile, path) for path in files]
    return 1 if any(failed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
