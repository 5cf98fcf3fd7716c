#![forbid(unsafe_code)]
//! `fake-greenhouse CONFIG.json [PORT]`: serve a fake Greenhouse on 127.0.0.1 until killed.
//! Prints `listening on http://127.0.0.1:PORT` when ready.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: fake-greenhouse CONFIG.json [PORT]");
        std::process::exit(2);
    };
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
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
