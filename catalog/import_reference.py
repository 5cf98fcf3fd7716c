#!/usr/bin/env python3
"""Regenerate catalog/*.tsv from catalog/reference/ (run from the repository root).

The TSV files are the catalog; this script only records how they were made from the
reference documents, so that a reviewer can re-derive every row. The hand-made parts
(data class per resource, the v1 -> v3 mapping and its quality) live below, each with
the reference section it comes from.

Usage: python3 catalog/import_reference.py [REFERENCE_DIR]
"""
import csv
import re
import sys
from pathlib import Path

REF = Path(sys.argv[1] if len(sys.argv) > 1 else "catalog/reference")
OUT = Path("catalog")

# ---------------------------------------------------------------- data classes
# DESIGN.md section 4 "Risk": reference data, jobs, candidate PII, sensitive (EEOC,
# demographics), compensation (offers), interview feedback (scorecards), user
# administration and permissions, system (webhooks, audit log, bulk).
V3_CLASS = {
    "reference": """close_reasons custom_field_departments custom_field_offices custom_field_options
        custom_fields departments offices email_templates rejection_reasons sources user_roles
        candidate_tags candidate_attribute_types interviewer_tags job_boards job_board_custom_locations
        prospect_pools prospect_pool_stages demographic_question_sets demographic_questions
        demographic_answer_options""",
    "jobs": """jobs job_posts job_post_locations job_post_searchable_locations openings
        job_interview_stages job_interviews interview_kits default_interviewers job_hiring_managers
        job_owners job_notes job_candidate_attributes focus_candidate_attributes scorecard_questions
        scorecard_question_options scorecard_question_candidate_attributes pay_input_ranges pay_inputs
        approval_flows approver_groups approvers tracking_links""",
    "candidate": """candidates applications application_stages applied_candidate_tags attachments
        candidate_educations candidate_employments notes interviews interviewers prospect_details
        rejection_details referrers ai_opt_out_statuses""",
    "sensitive": "eeoc demographic_answers",
    "compensation": "offers",
    "feedback": """scorecards scorecard_candidate_attributes scorecard_question_answers
        scorecard_question_answer_options interview_media""",
    "user_admin": "users user_emails user_job_permissions future_job_permissions",
    "system": "webhooks bulk_requests blocked_spam_sources events",
}
RESOURCE_CLASS = {r: c for c, rs in V3_CLASS.items() for r in rs.split()}

# Binding marks of reference/harvest-v3.md section 1 (P = read in the spec by the
# reference's author, R = transcribed from the reference pages, C = inferred from naming).
def v3_marks():
    marks = {}
    for line in (REF / "harvest-v3.md").read_text().splitlines():
        m = re.match(r"\| \d+ \| `([a-z_:]+)` \| (.*?) \| (read|write|destroy) \|", line)
        if m:
            found = re.findall(r"\[(P|R|C|—)\]", m.group(2))
            marks[m.group(1)] = "".join(sorted(set(found))) or "-"
    return marks

def effect_of(action):
    if action in ("list", "show"):
        return "read"
    if action in ("destroy", "anonymize", "merge"):
        # merge deletes the secondary candidate: grantlint counts it as destroy
        return "destroy"
    return "write"

# What Greenhouse's Audit Log records of a permission's use (reference/auditlog.md):
# - recorded: its "API" events (`harvest_access`) cover the candidates and applications
#   objects, for GET, POST, PATCH and DELETE alike (§1.1 "Which Harvest reads are logged",
#   the glossary S4) [GH];
# - inferred: writes to other objects produce `data_change_*` rows, presumably with the
#   Harvest URL and the API performer (§1.1, "Writes through Harvest") [INF];
# - not_recorded: reads of every other object are not audited (§1.1, §5) [GH, as documented].
AUDITED_OBJECTS = {"candidates", "applications"}


# Verbs in v1 paths: an action on the object before them, not an object of their own.
V1_ACTIONS = {"advance", "move", "transfer_to_job", "convert_prospect", "hire", "reject", "unreject",
              "anonymize", "merge"}


def v1_object(path):
    """The object a v1 path is about: its last literal segment that is not an action verb
    (`/v1/applications/{id}/reject` is about applications; `/v1/applications/{id}/eeoc` about
    EEOC answers, which the Audit Log does not record reading)."""
    if not path.startswith("/v"):
        return ""
    literals = [s for s in path.split("/")[2:] if s and not s.startswith("{")]
    objects = [s for s in literals if s not in V1_ACTIONS]
    return objects[-1] if objects else ""


def audit_log_coverage(resource, effect):
    if resource in AUDITED_OBJECTS:
        return "recorded"
    return "inferred" if effect in ("write", "destroy") else "not_recorded"


def write_v3():
    marks = v3_marks()
    ops = list(csv.DictReader(open(REF / "harvest_v3.operations.tsv"), delimiter="\t"))
    scopes = list(csv.DictReader(open(REF / "harvest_v3.scopes.tsv"), delimiter="\t"))
    assert len(scopes) == 163, len(scopes)
    with open(OUT / "v3_operations.tsv", "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["method", "path", "scope", "summary"])
        for op in ops:
            if op["scopes"]:
                w.writerow([op["method"], op["path"], op["scopes"], op["summary"]])
    bound = {op["scopes"] for op in ops if op["scopes"]}
    with open(OUT / "v3_scopes.tsv", "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["scope", "group", "label", "effect", "data_class", "binding", "reference_mark", "audit_log", "note"])
        for s in scopes:
            scope = s["scope"]
            _, resource, action = scope.split(":")
            group = resource.replace("_", " ").capitalize()
            group = {"Eeoc": "EEOC", "Ai opt out statuses": "AI opt out statuses"}.get(group, group)
            note = ""
            if scope == "auditlog:events:list":
                group = "Audit log"
                binding = "inferred"
                note = ("No Harvest v3 path; presumably authorises the Audit Log API "
                        "GET https://auditlog.us.greenhouse.io/events (harvest-v3.md N5).")
            elif scope in bound:
                binding = "spec"
            else:
                binding = "none"
                note = ("Declared in the scope catalogue but no operation references it; "
                        "GET /v3/bulk_requests declares harvest:openings:create (harvest-v3.md N3).")
            if scope == "harvest:openings:create":
                note = "The spec also binds GET /v3/bulk_requests[/{uuid}] to this scope (harvest-v3.md N3)."
            if action == "merge":
                note = "Reference counts merge as write; grantlint counts it as destroy because the secondary candidate is deleted."
            if resource.startswith("webhooks"):
                note = "Greenhouse partners exclusive (harvest-v3.md N2)."
            coverage = "not_recorded" if scope == "auditlog:events:list" else audit_log_coverage(resource, effect_of(action))
            w.writerow([scope, group, s["description"], effect_of(action),
                        RESOURCE_CLASS[resource], binding, marks.get(scope, "-"), coverage, note])

# ---------------------------------------------------------------- v1
# v1 -> v3 mapping, from reference/harvest-v3.md section 5. quality: equivalent (the
# migration guide states it, basis G), approximate (basis I, or v3 covers it only in
# part), none (no v3 equivalent). Keyed by "METHOD path".
A, E, N = "approximate", "equivalent", "none"
V1_MAP = {
    "GET /v1/candidates/{id}/activity_feed": ("notes:list application_stages:list", A, "guide", "v3 splits the feed into notes and stage history; some system activities may only be in the Audit Log."),
    "GET /v1/applications": ("applications:list", E, "guide", ""),
    "GET /v1/applications/{id}": ("applications:list", E, "guide", "v3 has no per-id GET; read with ids=."),
    "DELETE /v1/applications/{id}": ("applications:destroy", E, "guide", ""),
    "PATCH /v1/applications/{id}": ("applications:update rejection_details:update", E, "guide", "Rejection fields move to PATCH /v3/rejection_details/{id}."),
    "POST /v1/applications/{id}/advance": ("applications:move", E, "guide", ""),
    "POST /v1/applications/{id}/move": ("applications:move", E, "guide", ""),
    "POST /v1/applications/{id}/transfer_to_job": ("applications:move", A, "inferred", ""),
    "PATCH /v1/applications/{id}/convert_prospect": ("applications:convert_to_candidate", A, "inferred", ""),
    "POST /v1/applications/{id}/attachments": ("attachments:create", A, "inferred", ""),
    "POST /v1/applications/{id}/hire": ("applications:hire", A, "inferred", ""),
    "POST /v1/applications/{id}/reject": ("applications:reject", A, "inferred", ""),
    "PATCH /v1/applications/{id}/reject": ("rejection_details:update", A, "inferred", ""),
    "POST /v1/applications/{id}/unreject": ("applications:unreject", A, "inferred", ""),
    "GET /v1/jobs/{id}/approval_flows": ("approval_flows:list approver_groups:list approvers:list", A, "inferred", ""),
    "GET /v1/approval_flows/{id}": ("approval_flows:list approver_groups:list approvers:list", A, "inferred", ""),
    "POST /v1/approval_flows/{id}/request_approvals": ("approval_flows:request_approvals", A, "inferred", ""),
    "GET /v1/users/{user_id}/pending_approvals": ("", N, "inferred", "No direct v3 equivalent; rebuild from approvers:list, approver_groups:list and approval_flows:list."),
    "PUT /v1/approver_groups/{approver_group_id}/replace_approvers": ("approver_groups:replace_approver", A, "inferred", ""),
    "PUT /v1/jobs/{job_id}/approval_flows": ("approval_flows:create approval_flows:replace_approver_groups approval_flows:update", A, "inferred", ""),
    "GET /v1/candidates": ("candidates:list", E, "guide", ""),
    "GET /v1/candidates/{id}": ("candidates:list", E, "guide", "v3 has no per-id GET; read with ids=."),
    "DELETE /v1/candidates/{id}": ("candidates:destroy", A, "inferred", ""),
    "PATCH /v1/candidates/{id}": ("candidates:update", A, "inferred", ""),
    "POST /v1/candidates/{id}/attachments": ("attachments:create", A, "inferred", ""),
    "POST /v1/candidates": ("candidates:create", A, "inferred", ""),
    "POST /v1/candidates/{id}/activity_feed/notes": ("notes:create", A, "inferred", ""),
    "POST /v1/candidates/{id}/activity_feed/emails": ("notes:create", A, "inferred", "v3 logs an EMAIL note; it does not send mail."),
    "POST /v1/candidates/{id}/educations": ("candidate_educations:create", A, "inferred", ""),
    "DELETE /v1/candidates/{candidate_id}/educations/{education_id}": ("candidate_educations:destroy", A, "inferred", ""),
    "POST /v1/candidates/{id}/employments": ("candidate_employments:create", A, "inferred", ""),
    "DELETE /v1/candidates/{candidate_id}/employments/{employment_id}": ("candidate_employments:destroy", A, "inferred", ""),
    "POST /v1/prospects": ("candidates:create", A, "inferred", ""),
    "PUT /v1/candidates/{id}/anonymize": ("candidates:anonymize", A, "inferred", ""),
    "PUT /v1/candidates/merge": ("candidates:merge", A, "inferred", ""),
    "POST /v1/candidates/{id}/applications": ("applications:create", E, "guide", ""),
    "GET /v1/close_reasons": ("close_reasons:list", E, "guide", ""),
    "GET /v1/custom_field/{id}/custom_field_options": ("custom_field_options:list", A, "inferred", ""),
    "POST /v1/custom_field/{id}/custom_field_options": ("custom_field_options:create", A, "inferred", ""),
    "PATCH /v1/custom_field/{id}/custom_field_options": ("custom_field_options:update", A, "inferred", ""),
    "DELETE /v1/custom_field/{id}/custom_field_options": ("custom_field_options:destroy", A, "inferred", ""),
    "GET /v1/custom_fields/{field_type}": ("custom_fields:list", A, "inferred", ""),
    "GET /v1/custom_field/{id}": ("custom_fields:list", A, "inferred", ""),
    "POST /v1/custom_fields": ("custom_fields:create", A, "inferred", ""),
    "PATCH /v1/custom_fields/{id}": ("custom_fields:update", A, "inferred", ""),
    "DELETE /v1/custom_fields/{id}": ("custom_fields:destroy", A, "inferred", ""),
    "GET /v1/demographics/question_sets": ("demographic_question_sets:list", E, "guide", ""),
    "GET /v1/demographics/question_sets/{id}": ("demographic_question_sets:list", E, "guide", ""),
    "GET /v1/demographics/questions": ("demographic_questions:list", E, "guide", ""),
    "GET /v1/demographics/question_sets/{id}/questions": ("demographic_questions:list", E, "guide", ""),
    "GET /v1/demographics/questions/{id}": ("demographic_questions:list", E, "guide", ""),
    "GET /v1/demographics/answer_options": ("demographic_answer_options:list", E, "guide", ""),
    "GET /v1/demographics/questions/{id}/answer_options": ("demographic_answer_options:list", E, "guide", ""),
    "GET /v1/demographics/answer_options/{id}": ("demographic_answer_options:list", E, "guide", ""),
    "GET /v1/demographics/answers": ("demographic_answers:list", E, "guide", ""),
    "GET /v1/applications/{id}/demographics/answers": ("demographic_answers:list", E, "guide", ""),
    "GET /v1/demographics/answers/{id}": ("demographic_answers:list", E, "guide", ""),
    "GET /v1/departments": ("departments:list", A, "inferred", ""),
    "GET /v1/departments/{id}": ("departments:list", A, "inferred", ""),
    "PATCH /v1/departments/{id}": ("departments:update", A, "inferred", ""),
    "POST /v1/departments": ("departments:create", A, "inferred", ""),
    "GET /v1/eeoc": ("eeoc:list", E, "guide", ""),
    "GET /v1/applications/{id}/eeoc": ("eeoc:list", E, "guide", ""),
    "GET /v1/degrees": ("custom_field_options:list", A, "inferred", "custom_field_key=degree (Airbyte manifest)."),
    "GET /v1/disciplines": ("custom_field_options:list", A, "inferred", "custom_field_key=discipline (Airbyte manifest)."),
    "GET /v1/schools": ("custom_field_options:list", A, "inferred", "custom_field_key=school_name (Airbyte manifest)."),
    "GET /v1/email_templates": ("email_templates:list", A, "inferred", ""),
    "GET /v1/email_templates/{id}": ("email_templates:list", A, "inferred", ""),
    "GET /v1/jobs/{job_id}/openings": ("openings:list", E, "guide", ""),
    "GET /v1/jobs/{job_id}/openings/{id}": ("openings:list", E, "guide", ""),
    "DELETE /v2/jobs/{job_id}/openings": ("openings:destroy", E, "guide", ""),
    "PATCH /v1/jobs/{job_id}/openings/{id}": ("openings:update", E, "guide", ""),
    "POST /v1/jobs/{job_id}/openings": ("openings:create", E, "guide", ""),
    "GET /v1/job_posts": ("job_posts:list", A, "inferred", ""),
    "GET /v1/job_posts/{id}": ("job_posts:list", A, "inferred", ""),
    "GET /v1/jobs/{id}/job_posts": ("job_posts:list", A, "inferred", ""),
    "GET /v1/jobs/{id}/job_post": ("job_posts:list", A, "inferred", ""),
    "GET /v1/job_posts/{id}/custom_locations": ("job_post_locations:list job_board_custom_locations:list job_post_searchable_locations:list", A, "inferred", ""),
    "PATCH /v2/job_posts/{id}": ("job_posts:update", A, "inferred", ""),
    "PATCH /v2/job_posts/{id}/status": ("job_posts:update", A, "inferred", "job_application_status live/draft is the v3 publish switch."),
    "GET /v1/job_stages": ("job_interview_stages:list", E, "guide", ""),
    "GET /v1/jobs/{id}/stages": ("job_interview_stages:list", E, "guide", ""),
    "GET /v1/job_stages/{id}": ("job_interview_stages:list", E, "guide", ""),
    "GET /v1/jobs": ("jobs:list", E, "guide", ""),
    "GET /v1/jobs/{id}": ("jobs:list", E, "guide", ""),
    "PATCH /v1/jobs/{id}": ("jobs:update", A, "inferred", ""),
    "POST /v1/jobs": ("jobs:create", A, "inferred", ""),
    "GET /v1/jobs/{id}/hiring_team": ("job_hiring_managers:list job_owners:list", E, "guide", ""),
    "PUT /v1/jobs/{id}/hiring_team": ("job_hiring_managers:create job_hiring_managers:destroy job_owners:create job_owners:destroy", A, "inferred", "v3 has no single replace-the-whole-team call."),
    "POST /v1/jobs/{id}/hiring_team": ("job_hiring_managers:create job_owners:create", A, "inferred", ""),
    "DELETE /v1/jobs/{id}/hiring_team": ("job_hiring_managers:destroy job_owners:destroy", A, "inferred", ""),
    "GET /v1/offers": ("offers:list", E, "guide", ""),
    "GET /v1/applications/{application_id}/offers": ("offers:list", E, "guide", ""),
    "GET /v1/applications/{application_id}/offers/current_offer": ("offers:list", E, "guide", ""),
    "GET /v1/offers/{id}": ("offers:list", E, "guide", ""),
    "PATCH /v1/applications/{id}/offers/current_offer": ("offers:update", A, "inferred", ""),
    "GET /v1/offices": ("offices:list", A, "inferred", ""),
    "GET /v1/offices/{id}": ("offices:list", A, "inferred", ""),
    "PATCH /v1/offices/{id}": ("offices:update", A, "inferred", ""),
    "POST /v1/offices": ("offices:create", A, "inferred", ""),
    "GET /v1/prospect_pools": ("prospect_pools:list prospect_pool_stages:list", A, "guide", ""),
    "GET /v1/prospect_pools/{id}": ("prospect_pools:list prospect_pool_stages:list", A, "guide", ""),
    "GET /v1/rejection_reasons": ("rejection_reasons:list", E, "guide", ""),
    "GET /v1/scheduled_interviews": ("interviews:list interviewers:list", E, "guide", ""),
    "GET /v1/applications/{id}/scheduled_interviews": ("interviews:list interviewers:list", E, "guide", ""),
    "GET /v1/scheduled_interviews/{id}": ("interviews:list interviewers:list", E, "guide", ""),
    "POST /v2/scheduled_interviews": ("interviews:create", A, "inferred", "v3 needs external_event_id: it records an interview already on a calendar."),
    "PATCH /v2/scheduled_interviews/{id}": ("interviews:update", A, "inferred", ""),
    "DELETE /v1/scheduled_interviews/{id}": ("interviews:destroy", A, "inferred", ""),
    "GET /v1/scorecards": ("scorecards:list", E, "guide", ""),
    "GET /v1/applications/{id}/scorecards": ("scorecards:list", E, "guide", ""),
    "GET /v1/scorecards/{id}": ("scorecards:list", E, "guide", ""),
    "GET ui:application-scorecard": ("", N, "inferred", "Legacy UI-only checkbox with no documented endpoint; partners that read scorecards need harvest:scorecards:list in v3."),
    "GET /v1/sources": ("sources:list", E, "guide", ""),
    "GET /v1/tags/candidate": ("candidate_tags:list", A, "inferred", ""),
    "POST /v1/tags/candidate": ("candidate_tags:create", A, "inferred", ""),
    "DELETE /v1/tags/candidate/{tag_id}": ("candidate_tags:destroy", A, "inferred", ""),
    "GET /v1/candidates/{id}/tags": ("applied_candidate_tags:list", A, "inferred", ""),
    "DELETE /v1/candidates/{candidate_id}/tags/{tag_id}": ("applied_candidate_tags:destroy", A, "inferred", ""),
    "PUT /v1/candidates/{candidate_id}/tags/{tag_id}": ("applied_candidate_tags:create", A, "inferred", ""),
    "GET /v1/tracking_links/{token}": ("tracking_links:list", A, "inferred", "A v3 lookup by token is not confirmed."),
    "GET /v1/user_roles": ("user_roles:list", E, "guide", ""),
    "GET /v1/users": ("users:list", E, "guide", ""),
    "GET /v1/users/{id}": ("users:list", E, "guide", ""),
    "PATCH /v2/users/": ("users:update", A, "inferred", ""),
    "PATCH /v2/users/disable": ("users:deactivate", A, "inferred", ""),
    "PATCH /v2/users/enable": ("users:activate", A, "inferred", ""),
    "PATCH /v1/users/permission_level": ("users:revoke_permissions", A, "inferred", "v3 can only demote a Site Admin; no v3 call promotes a user."),
    "POST /v1/users": ("users:create", A, "inferred", ""),
    "POST /v1/users/{id}/email_addresses": ("user_emails:create", A, "inferred", ""),
    "GET /v1/users/{id}/permissions/jobs": ("user_job_permissions:list", E, "guide", ""),
    "DELETE /v1/users/{id}/permissions/jobs": ("user_job_permissions:destroy", A, "inferred", ""),
    "PUT /v1/users/{id}/permissions/jobs": ("user_job_permissions:create", A, "inferred", ""),
    "GET /v1/users/{id}/permissions/future_jobs": ("future_job_permissions:list", A, "inferred", ""),
    "DELETE /v1/users/{id}/permissions/future_jobs": ("future_job_permissions:destroy", A, "inferred", ""),
    "PUT /v1/users/{id}/permissions/future_jobs": ("future_job_permissions:create", A, "inferred", ""),
    "POST /auth/jwt_access_token": ("auditlog:events:list", A, "inferred", "That the Audit Log API accepts a v3 token with this scope is inferred (harvest-v3.md N5)."),
}

V1_CLASS_BY_GROUP = {
    "Activity Feed": "candidate", "Applications": "candidate", "Approvals": "jobs",
    "Candidates": "candidate", "Close Reasons": "reference", "Custom Field Options": "reference",
    "Custom Fields": "reference", "Demographic Data": "reference", "Departments": "reference",
    "EEOC": "sensitive", "Education": "reference", "Email Templates": "reference",
    "Job Openings": "jobs", "Job Posts": "jobs", "Job Stages": "jobs", "Jobs": "jobs",
    "Offers": "compensation", "Offices": "reference", "Prospect Pools": "reference",
    "Rejection Reasons": "reference", "Scheduled Interviews": "candidate", "Scorecards": "feedback",
    "Sources": "reference", "Tags": "candidate", "Tracking Links": "jobs", "User Roles": "reference",
    "Users": "user_admin", "User Permissions": "user_admin", "Audit Log": "system",
}
V1_CLASS_OVERRIDE = {
    "GET /v1/demographics/answers": "sensitive",
    "GET /v1/applications/{id}/demographics/answers": "sensitive",
    "GET /v1/demographics/answers/{id}": "sensitive",
    "GET /v1/tags/candidate": "reference",
    "POST /v1/tags/candidate": "reference",
    "DELETE /v1/tags/candidate/{tag_id}": "reference",
    "GET /v1/users/{user_id}/pending_approvals": "jobs",
}
# Spellings published outside the §4 "Variants:" notes, each with who published it.
EXTRA_ALIASES = {
    "POST /v1/tags/candidate": [("POST: Add New Candidate Tags", "JobStash article, support.greenhouse.io")],
}

def write_v1():
    group = None
    rows = []
    for line in (REF / "harvest-v1.md").read_text().splitlines():
        if line.startswith("## 5."):
            break
        m = re.match(r"### (.+)", line)
        if m:
            group = m.group(1).strip()
            continue
        if not line.startswith("| `") and not line.startswith("| `("):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 8:
            raise SystemExit(f"unexpected row: {line}")
        label, method, path, kind, obo, evidence, label_status, notes = cells
        label = label.strip("`")
        path = path.strip("`")
        if path.startswith("https://harvest.greenhouse.io"):
            path = path[len("https://harvest.greenhouse.io"):]
        path = path.split("?")[0]
        if path.startswith("(no documented path"):
            path = "ui:application-scorecard"
        if label.startswith("(label not seen"):
            label = "POST: Authenticate audit log"
            notes = "Label not seen on any partner page: an 'Audit Log' permission on the Harvest key. " + notes
        key = f"{method} {path}"
        effect = "write" if kind.startswith("write") else kind
        if key == "PUT /v1/candidates/merge":
            effect = "destroy"
        # Each variant with the partner pages (section 9 codes) that publish it:
        # "`Get: List Applications` (SO, KNIT, R2R); `GET: List applications` (CFYI)".
        aliases = []
        vm = re.search(r"Variants: (.*?)(;(?! *`)|$)", notes)
        if vm:
            aliases = [(a, who.strip()) for a, who in re.findall(r"`([^`]+)` \(([^)]*)\)", vm.group(1))]
            assert len(aliases) == vm.group(1).count("`") // 2, f"a variant without its source: {vm.group(1)}"
        aliases += EXTRA_ALIASES.get(key, [])
        # The variants are in the aliases column now; keep the rest of the note.
        notes = "; ".join(p.strip() for p in re.split(r";\s*(?=[A-Z])", notes) if p.strip() and not p.strip().startswith("Variants:"))
        scopes, quality, basis, mnote = V1_MAP[key]
        scopes = " ".join("harvest:" + s if not s.startswith("auditlog:") else s for s in scopes.split())
        grp = "Users" if group == "User Permissions" else group
        coverage = audit_log_coverage(v1_object(path), effect)
        rows.append([grp, label, "|".join(a for a, _ in aliases), "|".join(w for _, w in aliases), method, path, effect,
                     V1_CLASS_OVERRIDE.get(key, V1_CLASS_BY_GROUP[group]),
                     "yes" if obo.startswith("yes") else "no", label_status, evidence, scopes,
                     quality, basis, coverage, (notes + (" Mapping: " + mnote if mnote else "")).strip()])
    assert len(rows) == 137, len(rows)
    assert len({(r[4], r[5]) for r in rows}) == 137
    unused = set(V1_MAP) - {f"{r[4]} {r[5]}" for r in rows}
    assert not unused, unused
    with open(OUT / "v1_permissions.tsv", "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["group", "label", "aliases", "alias_evidence", "method", "path", "effect", "data_class", "on_behalf_of",
                    "label_evidence", "evidence", "v3_scopes", "mapping", "mapping_basis", "audit_log", "note"])
        w.writerows(rows)

write_v3()
write_v1()
