#![forbid(unsafe_code)]
//! `fake-greenhouse CONFIG.json [PORT]`: serve a fake Greenhouse on 127.0.0.1 until killed.
//! Prints `listening on http://127.0.0.1:PORT` when ready. `--help` lists every key of the config.

const USAGE: &str = r#"usage: fake-greenhouse CONFIG.json [PORT]

Serves a fake Greenhouse (OAuth token, introspection, Harvest v3, Audit Log) on 127.0.0.1:PORT
(PORT 0 or absent: any free port) until killed, and prints `listening on http://127.0.0.1:PORT`.

Endpoints: POST /token, POST /introspect, GET /v3/*, POST|PUT|PATCH|DELETE /v3/* (405 unless
serve_writes), GET /events (Audit Log), GET /health.

CONFIG.json (every key optional):
{
  "credentials": [{
    "client_id": "acme", "secret": "s3cret", "scopes": ["harvest:jobs:list"],
    "behavior": {
      "token_status": 401,            token endpoint answers this status
      "token_429s": 2,                first N token requests: 429 ...
      "retry_after": 1,               ... with Retry-After: 1 (default 1)
      "retry_after_raw": "NaN",       ... or this Retry-After verbatim
      "token_5xx": 2,                 first N token requests: 503
      "token_hang": true,             never answer the token request
      "token_redirect": "{base}/x",   token endpoint: 307 to this Location ({base}: this server)
      "token_malformed": true,        token body is not JSON
      "token_body": "{\"access_token\": \"{token}\"}",   raw 200 token body ({token}: a real token)
      "introspection": "scope-string" | "scope-array" | "not-found" | "no-scope" | "inactive" | "malformed",
      "introspection_body": "{\"active\": \"true\"}",    raw 200 introspection body
      "jwt_scope_claim": true,        put the scopes in the JWT's scope claim
      "refused": ["harvest:users:list"],       probes of these get 403 though granted
      "also_allowed": ["harvest:eeoc:list"],   probes of these get 200 though not granted
      "probe_status": 500,            every GET /v3/* answers this status
      "probe_drop": true,             every GET /v3/* closes the connection unanswered
      "reject_first_token": true,     the first token issued gets 401 on the API
      "echo_secret": true,            error bodies quote the client secret
      "error_body": "\u001b[31mboom",  body of every error answer, verbatim
      "extra_headers": [["X-RateLimit-Reset", "NaN"]],   on every answer
      "delay_ms": 300                 delay every answer
    }
  }],
  "latency_ms": 0,                    added to every answer
  "rate_limit": 10,                   requests per credential per window; X-RateLimit-*; 429 past it
  "rate_window_secs": 30,
  "close_connections": false,         true: one answer per connection
  "idle_timeout_ms": 10000,           close a kept-alive connection idle this long
  "serve_writes": false,              true: writes with a non-list scope of the resource succeed
  "audit_events": [ { "event_time": "2026-11-03T09:15:00.000Z", ... } ],
  "audit": {
    "page_size": 100,                 default page size (a client's Size must be 100-500)
    "page_size_cap": null,            never serve more per page
    "pit_expire_after_pages": null,   then the Pit-Id answers 422 "The Pit_Id has expired. ..."
    "paginated_limit": 3, "paginated_window_secs": 30,   then 429 without X-RateLimit-*
    "overall_limit": 50, "overall_window_secs": 10,      X-RateLimit-Limit/-Remaining; then 429
    "force_429s": 0,                  first N requests: 429
    "retry_after": null               Retry-After on the Audit Log's 429s (none by default)
  }
}
"#;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = match args.next() {
        Some(a) if a == "-h" || a == "--help" => {
            print!("{USAGE}");
            return;
        }
        Some(path) => path,
        None => {
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    };
    let port: u16 = match args.next().map(|p| p.parse()) {
        None => 0,
        Some(Ok(p)) => p,
        Some(Err(_)) => {
            eprintln!("PORT must be a number from 0 to 65535");
            std::process::exit(2)
        }
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let config: fake_greenhouse::Config = serde_json::from_str(&text).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let server = fake_greenhouse::Server::start(config, port).unwrap_or_else(|e| {
        eprintln!("cannot listen: {e}");
        std::process::exit(2)
    });
    println!("listening on {}", server.url());
    loop {
        std::thread::park();
    }
}
