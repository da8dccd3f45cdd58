//! What the tests share: clients for the fakes and a look at how sends were spaced.

use std::time::{Duration, Instant};

use messengers::{Client, Platform};

pub fn client(platform: &Platform) -> Client {
    Client::new(platform).expect("a client for the fake")
}

/// The shortest gap between consecutive instants.
pub fn shortest_gap(instants: &[Instant]) -> Duration {
    instants
        .windows(2)
        .map(|pair| pair[1].duration_since(pair[0]))
        .min()
        .unwrap_or(Duration::MAX)
}

/// A port nothing listens on.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
