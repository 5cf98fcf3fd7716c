//! A forward proxy that forwards nothing: it records the first request line of every connection
//! (`GET http://127.0.0.1:9/token HTTP/1.1`, `CONNECT auth.greenhouse.io:443 HTTP/1.1`) and
//! answers 502. Tests point `HTTP_PROXY`/`HTTPS_PROXY` at it to see which traffic a client sends
//! through a proxy.

use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::http::{self, Answer};
use crate::server::lock;

/// A running recording proxy on 127.0.0.1. It stops with the process.
pub struct RecordingProxy {
    addr: SocketAddr,
    lines: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    /// Bind any free port on 127.0.0.1 and serve in background threads.
    pub fn start() -> std::io::Result<RecordingProxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let l = lines.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let l = l.clone();
                std::thread::spawn(move || refuse(&l, stream));
            }
        });
        Ok(RecordingProxy { addr, lines })
    }

    /// `http://127.0.0.1:PORT`, for `HTTP_PROXY` and `HTTPS_PROXY`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The first request line of every connection so far (without its line ending).
    pub fn seen(&self) -> Vec<String> {
        lock(&self.lines).clone()
    }
}

fn refuse(lines: &Mutex<Vec<String>>, stream: TcpStream) {
    if stream.set_read_timeout(Some(Duration::from_secs(5))).is_err() {
        return;
    }
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let Ok(head) = http::read_head(&mut reader) else {
        return;
    };
    lock(lines).push(head.line.clone());
    // Read the whole request before answering, so the client sees the 502 rather than a reset.
    let _ = http::read_body(&mut reader, head);
    let mut out = stream;
    let _ = http::write_answer(
        &mut out,
        &Answer::message(502, "recording proxy: nothing is forwarded"),
        true,
    );
}
