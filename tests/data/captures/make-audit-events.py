#!/usr/bin/env python3
"""Write audit-events.json: Audit Log events for grantlint's usage tests.

This is authored data, not a capture (no tenant was available): every row follows the shapes
of shared/reference/auditlog.md §4 (a) Greenhouse's docs and (b) Elastic's fixtures. Choices
the reference leaves open, made here and listed in README.md:
- a Harvest v3 call's `request.type` is its path with the query as sent ("the request URL");
- `event.target_type` is "Candidate"/"Application" (Elastic's spelling);
- a list call writes one `harvest_access` row per object returned, all sharing `request.id`;
- a write writes `harvest_access` plus `data_change_*` rows sharing `request.id`;
- v3 client-credentials calls are attributed to `performer.type` "oauth" with the client id in
  `performer.id` (hypothesis (a) of auditlog.md §2); a few rows of the same client id come as
  `api_key` (hypothesis (c)), so attribution by id alone can be tested.
Run: python3 make-audit-events.py > audit-events.json
"""

import json

ORG = 400123123
INHOUSE = "8f2c1e9a4b7d4c21a6e0f35b9d8c7e10"  # the client id of integration.har and access.log
PARTNER = "SkOut7Hq2PartnerAppKey"
DANA = 4102931002
ADMIN = 4100000002

inhouse_oauth = {
    "meta": {"client_name": "Acme In-house Sync", "on_behalf_of": {"id": DANA}},
    "id": INHOUSE,
    "ip_address": "203.0.113.24",
    "type": "oauth",
}
inhouse_key = {"meta": {"api_key_type": "harvest"}, "id": INHOUSE, "ip_address": "203.0.113.24", "type": "api_key"}
partner = {
    "meta": {"client_name": "SeekOut", "on_behalf_of": {"id": DANA}},
    "id": PARTNER,
    "ip_address": "198.51.100.77",
    "type": "oauth",
}
dana = {
    "meta": {"name": "Dana Whitfield", "username": "dana.w@acme-corp.example"},
    "id": DANA,
    "ip_address": "192.0.2.15",
    "type": "user",
}
admin = {
    "meta": {"name": "Morgan Admin", "username": "morgan.admin@acme-corp.example"},
    "id": ADMIN,
    "ip_address": "192.0.2.40",
    "type": "user",
}


def row(time, request_id, request_type, performer, event_type, target_type, target_id=None, meta=None):
    event = {"meta": meta, "target_type": target_type}
    if target_id is not None:
        event["target_id"] = target_id
    event["type"] = event_type
    return {
        "request": {"id": request_id, "type": request_type},
        "performer": performer,
        "organization_id": ORG,
        "event": event,
        "event_time": time,
    }


def access(time, request_id, url, performer, target_type, target_id):
    return row(time, request_id, url, performer, "harvest_access", target_type, target_id)


rows = [
    # 3 Nov: the in-house sync's first run: list, retrieve, list, retrieve.
    access("2026-11-03T07:00:12.118Z", "a41f0c9e2b7d5813", "/v3/candidates?per_page=100", inhouse_oauth, "Candidate", 123),
    access("2026-11-03T07:00:12.118Z", "a41f0c9e2b7d5813", "/v3/candidates?per_page=100", inhouse_oauth, "Candidate", 124),
    access("2026-11-03T07:00:12.119Z", "a41f0c9e2b7d5813", "/v3/candidates?per_page=100", inhouse_oauth, "Candidate", 125),
    access("2026-11-03T07:00:13.402Z", "c07d2e51f9a3b664", "/v3/candidates/123", inhouse_oauth, "Candidate", 123),
    access("2026-11-03T07:00:14.020Z", "5e9b13d7a0c4f282", "/v3/applications?per_page=100", inhouse_oauth, "Application", 456),
    access("2026-11-03T07:00:14.021Z", "5e9b13d7a0c4f282", "/v3/applications?per_page=100", inhouse_oauth, "Application", 457),
    access("2026-11-03T07:00:14.611Z", "9b2c6f0e1d8a4375", "/v3/applications/456", inhouse_oauth, "Application", 456),
    # 6 Nov.
    access("2026-11-06T07:00:09.877Z", "e3a8d1c47f5b0926", "/v3/candidates?per_page=100", inhouse_oauth, "Candidate", 123),
    access("2026-11-06T07:00:09.877Z", "e3a8d1c47f5b0926", "/v3/candidates?per_page=100", inhouse_oauth, "Candidate", 124),
    access("2026-11-06T07:00:11.250Z", "1f6c9a2d8e4b7053", "/v3/candidates/124", inhouse_oauth, "Candidate", 124),
    # 10 Nov: a write (PATCH /v3/candidates/123): the access row and the change share request.id.
    access("2026-11-10T07:00:10.333Z", "7d4e0b9a3c1f6288", "/v3/candidates/123", inhouse_oauth, "Candidate", 123),
    row("2026-11-10T07:00:10.341Z", "7d4e0b9a3c1f6288", "/v3/candidates/123", inhouse_oauth,
        "data_change_update", "Candidate", 123, {"first_name": ["Ada", "Adah"]}),
    access("2026-11-13T07:00:08.941Z", "b85f2a7c0e9d3146", "/v3/applications?per_page=100", inhouse_oauth, "Application", 456),
    access("2026-11-17T07:00:11.005Z", "2c9e7b4a1f0d8635", "/v3/candidates/123", inhouse_oauth, "Candidate", 123),
    # The same client id, typed api_key (attribution hypothesis (c)).
    access("2026-11-05T19:42:00.512Z", "f0a3c8e62d9b1574", "/v3/candidates/125", inhouse_key, "Candidate", 125),
    access("2026-11-12T19:42:01.090Z", "64d1b0f9e7a2c358", "/v3/applications/457", inhouse_key, "Application", 457),
    # Another performer: a partner's OAuth client, with a write of its own.
    access("2026-11-04T13:15:44.200Z", "8e2f5c1a9d0b7346",
           "/v3/applications?per_page=500&updated_after=2026-11-01T00:00:00Z", partner, "Application", 456),
    access("2026-11-04T13:15:44.201Z", "8e2f5c1a9d0b7346",
           "/v3/applications?per_page=500&updated_after=2026-11-01T00:00:00Z", partner, "Application", 457),
    access("2026-11-11T13:15:40.031Z", "3b7a9e0d2c6f1458", "/v3/candidates/124", partner, "Candidate", 124),
    access("2026-11-11T13:15:40.950Z", "d9c4f1b6a2e08375", "/v3/applications/457", partner, "Application", 457),
    row("2026-11-11T13:15:40.962Z", "d9c4f1b6a2e08375", "/v3/applications/457", partner,
        "data_change_update", "Application", 457, {"current_stage_id": [6001002, 6002002]}),
    # People in the UI: a rejection (an action row and its data changes), an admin changing a
    # credential's permissions, and SSO settings.
    row("2026-11-09T15:02:31.440Z", "0a7e3c9f5b1d2864", "people#change_application_state", dana,
        "action", "Candidate or Prospect rejected"),
    row("2026-11-09T15:02:31.497Z", "0a7e3c9f5b1d2864", "people#change_application_state", dana,
        "data_change_create", "RejectionDetails", 221864428002,
        {"application_id": [None, 457], "id": [None, 221864428002]}),
    row("2026-11-09T15:02:31.512Z", "0a7e3c9f5b1d2864", "people#change_application_state", dana,
        "data_change_update", "Application", 457, {"status": ["active", "rejected"]}),
    row("2026-11-16T10:20:05.118Z", "5c1b8d3e7f0a9246", "api_credentials#update", admin,
        "action", "API Key Permissions Updated"),
    row("2026-11-02T09:14:57.306Z", "8df9ae5a17e522b8", "developer/sso/saml_configs#update", admin,
        "action", "Single Sign-On Changed"),
]

# Newest first, as the API serves them.
rows.sort(key=lambda r: r["event_time"], reverse=True)
print("[")
print(",\n".join(json.dumps(r, separators=(",", ":")) for r in rows))
print("]")
