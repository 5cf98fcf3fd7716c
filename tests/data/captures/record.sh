#!/usr/bin/env bash
# Re-record every capture in this folder (README.md says what each one is):
#   integration.har          mitmdump (HAR export) as a TLS reverse proxy in front of fake-greenhouse
#   access.log, requests.log nginx as a TLS reverse proxy in front of fake-greenhouse
#   audit-page-N.json        curl, page by page, from fake-greenhouse serving audit-events.json
#   recorded-with.txt        the versions of the tools that wrote them
# Nothing leaves 127.0.0.1: curl's --resolve sends the production host names to local servers.
#
# Needs root (nginx and mitmdump listen on 127.0.0.1:443), cargo, curl, python3, openssl,
# nginx (apt-get install nginx-light) and mitmdump (pip install mitmproxy==11.0.2; set
# MITMDUMP=/path/to/mitmdump if it is not on PATH). Takes about a minute: the calls are spaced
# and the Audit Log allows 3 paginated requests per 30 s.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
MITMDUMP=${MITMDUMP:-$(command -v mitmdump || true)}

die() { echo "record.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root: nginx and mitmdump listen on 127.0.0.1:443"
for tool in cargo curl python3 openssl nginx; do
    command -v "$tool" >/dev/null || die "$tool is missing"
done
[ -n "$MITMDUMP" ] && [ -x "$MITMDUMP" ] || die "mitmdump is missing (pip install mitmproxy==11.0.2, or set MITMDUMP)"

# The integration's credential and a token that was never issued. Tests assert these never leak.
CLIENT_ID=8f2c1e9a4b7d4c21a6e0f35b9d8c7e10
CLIENT_SECRET=ghs3cr3t-Acme-inhouse-Qx7vT2pL9wRk
BAD_TOKEN=eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.revoked-token-sig
AUDIT_CLIENT_ID=acme-auditlog-reader
AUDIT_CLIENT_SECRET=ghs3cr3t-Acme-auditlog-Hn4cW8yZ

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Wait until something accepts connections on 127.0.0.1:$1.
wait_port() {
    for _ in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    die "nothing listens on 127.0.0.1:$1"
}

# Nothing of ours may already hold 443.
if (exec 3<>/dev/tcp/127.0.0.1/443) 2>/dev/null; then die "127.0.0.1:443 is taken"; fi

echo "building fake-greenhouse" >&2
(cd "$root" && cargo build -q -p fake-greenhouse)
fake_bin="${CARGO_TARGET_DIR:-$root/target}/debug/fake-greenhouse"

# start_fake CONFIG NAME: serve CONFIG on a free port; sets FAKE_PORT.
start_fake() {
    "$fake_bin" "$1" >"$work/$2.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do
        FAKE_PORT=$(sed -n 's|^listening on http://127.0.0.1:||p' "$work/$2.out")
        [ -n "$FAKE_PORT" ] && return 0
        sleep 0.05
    done
    die "fake-greenhouse did not start: $(cat "$work/$2.out")"
}

# json_field KEY...: the value at that path of the JSON on stdin ("" for null).
json_field() {
    python3 -c 'import functools, json, sys
v = functools.reduce(lambda v, k: v[k], sys.argv[1:], json.load(sys.stdin))
print("" if v is None else v)' "$@"
}

# The in-house integration's session, as it calls production, against whatever listens on
# 127.0.0.1:443 with a certificate signed by CA ($1). Prints one line per call.
session() {
    local ca=$1
    local c=(curl -sS --http1.1 --cacert "$ca"
        --resolve auth.greenhouse.io:443:127.0.0.1
        --resolve harvest.greenhouse.io:443:127.0.0.1
        --resolve api.vendor.example:443:127.0.0.1)
    local h=https://harvest.greenhouse.io
    local token
    token=$("${c[@]}" -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials -d sub=4102931002 \
        https://auth.greenhouse.io/token | json_field access_token)
    [ -n "$token" ] || die "no token"
    call() { # METHOD URL [curl args...]
        local m=$1 u=$2
        shift 2
        echo "$m $u $("${c[@]}" -o /dev/null -w '%{http_code}' -X "$m" "$@" "$u")" >&2
    }
    local auth=(-H "Authorization: Bearer $token")
    sleep 2
    call GET "$h/v3/candidates?per_page=100" "${auth[@]}"
    call GET "$h/v3/candidates/123" "${auth[@]}"
    call GET "$h/v3/candidates/124" "${auth[@]}"
    sleep 2
    call GET "$h/v3/applications?per_page=100" "${auth[@]}"
    call GET "$h/v3/applications/456" "${auth[@]}"
    call GET "$h/v3/jobs" "${auth[@]}"
    sleep 2
    call PATCH "$h/v3/candidates/123" "${auth[@]}" -H "Content-Type: application/json" -d '{"first_name":"Adah"}'
    call POST "$h/v3/notes" "${auth[@]}" -H "Content-Type: application/json" \
        -d '{"candidate_id":123,"user_id":4102931002,"body":"Synced from Acme","visibility":"admin_only"}'
    call GET "$h/v3/offers?per_page=100" "${auth[@]}"
    call GET "$h/v3/candidates?per_page=100" -H "Authorization: Bearer $BAD_TOKEN"
    call GET "$h/v3/no_such_thing" "${auth[@]}"
    sleep 1
    call GET "https://api.vendor.example/health"
}

python3 - "$work/integration.json" "$CLIENT_ID" "$CLIENT_SECRET" <<'EOF'
import json, sys
path, client_id, secret = sys.argv[1:]
scopes = ["harvest:candidates:list", "harvest:candidates:update", "harvest:applications:list",
          "harvest:jobs:list", "harvest:notes:create"]
# Harvest v3's example budget (harvest-v3.md §4): 75 requests per 30-second window, so every
# answer carries X-RateLimit-* headers.
json.dump({"credentials": [{"client_id": client_id, "secret": secret, "scopes": scopes}],
           "serve_writes": True, "rate_limit": 75, "rate_window_secs": 30}, open(path, "w"))
EOF

# --- integration.har: mitmdump A (TLS on :443, HAR export) -> mitmdump B (TLS on :8443) -> fake.
# A keeps the client's Host header and talks TLS upstream, so the HAR's URLs are the
# production https:// URLs; B only terminates that TLS in front of the plain-HTTP fake server.
start_fake "$work/integration.json" har-fake
echo "integration.har: fake-greenhouse on $FAKE_PORT" >&2
rm -f "$here/integration.har"
"$MITMDUMP" -q --set confdir="$work/mitm-b" --mode "reverse:http://127.0.0.1:$FAKE_PORT@127.0.0.1:8443" \
    >"$work/mitm-b.out" 2>&1 &
pids+=($!)
"$MITMDUMP" -q --set confdir="$work/mitm-a" --mode "reverse:https://127.0.0.1:8443@127.0.0.1:443" \
    --set keep_host_header=true --set ssl_insecure=true --set hardump="$here/integration.har" \
    >"$work/mitm-a.out" 2>&1 &
mitm_a=$!
pids+=($mitm_a)
wait_port 8443
wait_port 443
session "$work/mitm-a/mitmproxy-ca-cert.pem"
# The HAR is written when mitmdump shuts down.
kill -INT "$mitm_a"
wait "$mitm_a" || true
[ -s "$here/integration.har" ] || die "mitmdump wrote no HAR: $(cat "$work/mitm-a.out")"

# --- access.log and requests.log: nginx (TLS on :443) -> fake.
start_fake "$work/integration.json" nginx-fake
echo "access.log, requests.log: fake-greenhouse on $FAKE_PORT" >&2
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=harvest.greenhouse.io \
    -addext "subjectAltName=DNS:harvest.greenhouse.io,DNS:auth.greenhouse.io,DNS:api.vendor.example" \
    -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
mkdir -p "$work/nginx"
rm -f "$here/access.log" "$here/requests.log"
sed -e "s|@WORK@|$work|g" -e "s|@HERE@|$here|g" -e "s|@PORT@|$FAKE_PORT|g" >"$work/nginx.conf" <<'EOF'
worker_processes 1;
daemon off;
pid @WORK@/nginx.pid;
error_log @WORK@/nginx-error.log;
events {}
http {
    log_format requests '$request_method $scheme://$host$request_uri $status';
    access_log @HERE@/access.log combined;
    access_log @HERE@/requests.log requests;
    client_body_temp_path @WORK@/nginx/body;
    proxy_temp_path @WORK@/nginx/proxy;
    fastcgi_temp_path @WORK@/nginx/fastcgi;
    uwsgi_temp_path @WORK@/nginx/uwsgi;
    scgi_temp_path @WORK@/nginx/scgi;
    server {
        listen 127.0.0.1:443 ssl;
        server_name auth.greenhouse.io harvest.greenhouse.io api.vendor.example;
        ssl_certificate @WORK@/tls.crt;
        ssl_certificate_key @WORK@/tls.key;
        location / {
            proxy_pass http://127.0.0.1:@PORT@;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }
    }
}
EOF
nginx -e "$work/nginx-error.log" -c "$work/nginx.conf" &
pids+=($!)
wait_port 443
session "$work/tls.crt"

# --- audit-page-N.json: what fake-greenhouse serves for audit-events.json, page by page.
python3 - "$work/audit.json" "$AUDIT_CLIENT_ID" "$AUDIT_CLIENT_SECRET" "$here/audit-events.json" <<'EOF'
import json, sys
path, client_id, secret, events = sys.argv[1:]
json.dump({"credentials": [{"client_id": client_id, "secret": secret, "scopes": []}],
           "audit_events": json.load(open(events)), "audit": {"page_size": 10}}, open(path, "w"))
EOF
start_fake "$work/audit.json" audit-fake
echo "audit-page-N.json: fake-greenhouse on $FAKE_PORT" >&2
rm -f "$here"/audit-page-*.json
base=http://127.0.0.1:$FAKE_PORT
audit_token=$(curl -sS -u "$AUDIT_CLIENT_ID:$AUDIT_CLIENT_SECRET" -d grant_type=client_credentials "$base/token" |
    json_field access_token)
page=1 pit="" after=""
while :; do
    headers=(-H "Authorization: Bearer $audit_token")
    [ -z "$pit" ] || headers+=(-H "Pit-Id: $pit" -H "Search-After: $after")
    status=$(curl -sS -o "$work/page.json" -w '%{http_code}' "${headers[@]}" "$base/events?paging=true")
    if [ "$status" = 429 ]; then
        echo "GET /events page $page: 429, waiting" >&2
        sleep 5
        continue
    fi
    [ "$status" = 200 ] || die "GET /events page $page: $status $(cat "$work/page.json")"
    cp "$work/page.json" "$here/audit-page-$page.json"
    echo "GET /events page $page: 200" >&2
    pit=$(json_field paging pit_id <"$work/page.json")
    after=$(json_field paging next_search_after <"$work/page.json")
    [ -n "$after" ] || break
    page=$((page + 1))
done

{
    "$MITMDUMP" --version | head -1
    nginx -v 2>&1
    curl --version | head -1
    openssl version
    python3 --version
} >"$here/recorded-with.txt"
echo "done: $(ls "$here")" >&2
