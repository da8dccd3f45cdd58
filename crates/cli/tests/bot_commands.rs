//! `fundament bot chat --flow FLOW.yml`: a flow tried in the terminal, one
//! customer message per line, the bot's answers, actions and handoffs shown.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn a_flow_answers_in_the_terminal_and_shows_its_actions() {
    let flow = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../converse/flows/logistics.yml"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args(["bot", "chat", "--flow", flow])
        .env_remove("FUNDAMENT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fundament");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all("Нужна доставка из Владивостока в Екатеринбург\n15 тонн\n/quit\n".as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("бот: Какой вес груза?"), "{text}");
    assert!(text.contains("→ действие create_lead:"), "{text}");
    assert!(text.contains("\"weight_kg\":15000.0"), "{text}");

    let out = Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args(["bot", "chat", "--flow", "/nonexistent/flow.yml"])
        .env_remove("FUNDAMENT_CONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/flow.yml"));
}
