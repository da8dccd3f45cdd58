//! The data-readiness commands as a user runs them on files: standardize,
//! validate, dedupe (and --link), pii detect/redact, anonymize, readiness.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fundament(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args(args)
        .env_remove("FUNDAMENT_CONFIG")
        .output()
        .expect("run fundament")
}

fn fundament_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fundament");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

fn febrl(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../quality/tests/data")
        .join(name)
        .display()
        .to_string()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "fundament-data-{}-{}",
        std::process::id(),
        name.replace('.', "-")
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn standardize_rewrites_values_in_place_and_counts_what_it_could_not_read() {
    let out = temp("standard.csv");
    let report = temp("standard-report.json");
    let output = fundament(&[
        "standardize",
        &data("contacts-cp1251.csv"),
        "--out",
        path(&out),
        "--report",
        path(&report),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "Код,ФИО,Телефон,Email,Город,Дата рождения,ИНН");
    assert_eq!(
        lines[1],
        "1,Иванов Иван Петрович,+79161234567,ivan@mail.ru,Москва,1985-03-12,7707083893"
    );
    assert_eq!(
        lines[2],
        "2,Петрова Мария,+79167654321,maria@gmial.com,Санкт-Петербург,1990-05-05,"
    );
    assert_eq!(
        lines[3],
        "3,Иванов И.П.,+79161234567,,Москва,1985-03-12,7707083893"
    );
    assert_eq!(
        lines[4], "4,Сидоров Олег,не помню,,Неизвестноград,32.13.1990,123",
        "unreadable values stay as written"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("Телефон") && stderr.contains("1 not readable"),
        "{stderr}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let flags = report["flags"].as_array().unwrap();
    assert!(
        flags.iter().any(|f| f["suggestion"] == "maria@gmail.com"),
        "{flags:?}"
    );
    let display = temp("display.csv");
    let output = fundament(&[
        "standardize",
        &data("contacts-cp1251.csv"),
        "--out",
        path(&display),
        "--phone-format",
        "display",
    ]);
    assert!(output.status.success());
    assert!(
        std::fs::read_to_string(&display)
            .unwrap()
            .contains("+7-916-123-45-67")
    );
}

#[test]
fn malformed_input_is_a_clear_error_and_leaves_no_output_file() {
    let bad = temp("bad.csv");
    std::fs::write(
        &bad,
        "id,ФИО,Телефон\n1,Иванов,8 916 123 45 67\n2,\"Петров,8 916\n",
    )
    .unwrap();
    for command in ["standardize", "dedupe", "anonymize"] {
        let out = temp(&format!("{command}-out.csv"));
        let key = temp("key");
        std::fs::write(&key, "0123456789abcdef0123456789abcdef").unwrap();
        let mut args = vec![command, path(&bad), "--out", path(&out)];
        if command == "anonymize" {
            args.extend(["--key-file", path(&key)]);
        }
        let output = fundament(&args);
        assert!(!output.status.success(), "{command} should fail");
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("bad.csv") && stderr.contains("row"),
            "{command}: {stderr}"
        );
        assert!(!out.exists(), "{command} left a partial output");
    }
    let missing = fundament(&[
        "dedupe",
        "/nonexistent/x.csv",
        "--out",
        path(&temp("x.csv")),
    ]);
    assert!(text(&missing.stderr).contains("/nonexistent/x.csv: no such file"));
    let unknown_role = fundament(&[
        "standardize",
        &data("contacts-cp1251.csv"),
        "--out",
        path(&temp("y.csv")),
        "--map",
        "telefon=Телефон",
    ]);
    assert!(
        text(&unknown_role.stderr).contains("unknown role \"telefon\""),
        "{}",
        text(&unknown_role.stderr)
    );
}

#[test]
fn dedupe_writes_every_record_once_with_its_cluster() {
    let out = temp("clusters.csv");
    let output = fundament(&["dedupe", &febrl("febrl1.csv"), "--out", path(&out)]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    let mut lines = written.lines();
    assert_eq!(lines.next(), Some("record_id,cluster_id"));
    let rows: Vec<(&str, &str)> = lines.map(|l| l.split_once(',').unwrap()).collect();
    assert_eq!(rows.len(), 1000);
    let org = rows.iter().find(|(id, _)| *id == "rec-344-org").unwrap().1;
    let dup = rows
        .iter()
        .find(|(id, _)| *id == "rec-344-dup-0")
        .unwrap()
        .1;
    assert_eq!(org, dup);
}

#[test]
fn dedupe_link_writes_pairs_with_probabilities() {
    let dir = temp("link");
    let (left, right) = (
        dir.with_file_name("left.csv"),
        dir.with_file_name("right.csv"),
    );
    std::fs::write(&left, "id,ФИО,Телефон,Дата рождения\nL1,Петров Александр,8 916 555-12-34,12.03.1985\nL2,Смирнова Ольга,8 903 000-00-01,01.01.1990\nL3,Кузнецов Олег,8 905 111-11-11,02.02.1977\n").unwrap();
    std::fs::write(&right, "id,Name,Phone,Birth date\nR1,Aleksandr Petrov,+79165551234,1985-03-12\nR2,Olga Smirnova,+79030000001,1990-01-01\nR3,Ivan Sidorov,+79001234567,1960-06-06\n").unwrap();
    let out = temp("pairs.csv");
    let output = fundament(&[
        "dedupe",
        path(&left),
        "--link",
        path(&right),
        "--out",
        path(&out),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "left_id,right_id,match_probability");
    let pairs: Vec<(&str, &str)> = lines[1..]
        .iter()
        .map(|l| {
            let mut p = l.split(',');
            (p.next().unwrap(), p.next().unwrap())
        })
        .collect();
    assert!(
        pairs.contains(&("L1", "R1")) && pairs.contains(&("L2", "R2")),
        "{written}"
    );
    assert_eq!(pairs.len(), 2, "{written}");
}

#[test]
fn validate_writes_every_violation() {
    let rules = temp("rules.yaml");
    std::fs::write(&rules, "rules:\n  - {name: phone_valid, role: phone, check: phone}\n  - {name: inn_valid, column: ИНН, check: inn, severity: warning}\n  - {name: birth_is_date, column: Дата рождения, check: date}\n").unwrap();
    let out = temp("violations.csv");
    let output = fundament(&[
        "validate",
        &data("contacts-cp1251.csv"),
        "--rules",
        path(&rules),
        "--out",
        path(&out),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines[0], "record_id,rule,column,value,message");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("4,phone_valid,Телефон,не помню,")),
        "{written}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("4,inn_valid,ИНН,123,")),
        "{written}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("4,birth_is_date,Дата рождения,32.13.1990,")),
        "{written}"
    );
    assert_eq!(lines.len(), 4, "{written}");
    std::fs::write(&rules, "rules:\n  - {column: Нет такой, check: not_null}\n").unwrap();
    let output = fundament(&[
        "validate",
        &data("contacts-cp1251.csv"),
        "--rules",
        path(&rules),
        "--out",
        path(&temp("v2.csv")),
    ]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("rules.yaml: rule 1"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn pii_detect_and_redact_speak_json_lines() {
    let input = "{\"id\":1,\"text\":\"Звоните Петрову: +7 916 123-45-67, почта ivan@mail.ru\"}\n{\"id\":\"x\",\"text\":\"no pii here\"}\n";
    let output = fundament_stdin(&["pii", "detect"], input);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let lines: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], 1);
    let entities = lines[0]["entities"].as_array().unwrap();
    let phone = entities
        .iter()
        .find(|e| e["type"] == "PHONE")
        .expect("a phone");
    assert_eq!(
        (phone["start"].as_u64(), phone["end"].as_u64()),
        (Some(17), Some(33)),
        "offsets in characters"
    );
    assert!(
        entities
            .iter()
            .any(|e| e["type"] == "EMAIL" && e["text"] == "ivan@mail.ru")
    );
    assert_eq!(lines[1]["entities"].as_array().map(Vec::len), Some(0));
    let redacted = fundament_stdin(&["pii", "redact"], input);
    let first: serde_json::Value =
        serde_json::from_str(text(&redacted.stdout).lines().next().unwrap()).unwrap();
    let redacted_text = first["text"].as_str().unwrap();
    assert!(
        !redacted_text.contains("916") && !redacted_text.contains("ivan@"),
        "{redacted_text}"
    );
    let bad = fundament_stdin(&["pii", "detect"], "{\"id\":1}\n");
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("line 1: field \"text\""),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn anonymize_and_readiness_write_their_reports() {
    let key = temp("anon-key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
    let out = temp("anon.csv");
    let output = fundament(&[
        "anonymize",
        &data("contacts-cp1251.csv"),
        "--key-file",
        path(&key),
        "--out",
        path(&out),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        !written.contains("Иванов") && !written.contains("916") && written.contains("phone_"),
        "{written}"
    );
    assert!(written.contains(",1985,"), "birth year kept: {written}");
    assert!(text(&output.stderr).contains("k-anonymity"));
    let (html, json) = (temp("ready.html"), temp("ready.json"));
    let register = temp("register.yaml");
    std::fs::write(
        &register,
        "fields:\n  phone: {source_of_truth: bitrix24, owner: Мария Иванова}\n",
    )
    .expect("register");
    let output = fundament(&[
        "readiness",
        &data("contacts-cp1251.csv"),
        &febrl("febrl1.csv"),
        "--html",
        path(&html),
        "--json",
        path(&json),
        "--register",
        path(&register),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["tables"].as_array().map(Vec::len), Some(2));
    assert!(
        report["tables"][1]["duplicate_groups"].as_u64().unwrap() >= 400,
        "{}",
        report["tables"][1]["duplicate_groups"]
    );
    assert!(std::fs::read_to_string(&html).unwrap().contains("<svg"));
    let fixes = report["tables"][0]["fixes"].as_array().expect("fixes");
    assert!(
        fixes
            .iter()
            .any(|f| f["column"] == "Телефон" && f["owner"] == "Мария Иванова"),
        "{fixes:?}"
    );
    let register_rows = report["tables"][0]["register"]
        .as_array()
        .expect("register");
    assert!(
        register_rows
            .iter()
            .any(|r| r["column"] == "Телефон" && r["source_of_truth"] == "bitrix24"),
        "{register_rows:?}"
    );
}

#[test]
fn lead_sources_map_to_one_name_and_unknown_ones_get_a_suggestion() {
    let input = temp("sources.csv");
    std::fs::write(&input, "id,Источник,Статус\n1,директ,новый\n2,yandex direct,Новый клиент\n3,реклама в яндекс директ,в работе\n4,Авито,???\n").expect("write");
    let statuses = temp("statuses.yaml");
    std::fs::write(
        &statuses,
        "Новый: [новый, новый клиент, new]\nВ работе: [в работе, in progress]\n",
    )
    .expect("write");
    let (out, report) = (temp("sources-out.csv"), temp("sources-report.json"));
    let output = fundament(&[
        "standardize",
        path(&input),
        "--out",
        path(&out),
        "--report",
        path(&report),
        "--map",
        "stage=Статус",
        "--dictionary",
        &format!("stage={}", path(&statuses)),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = std::fs::read_to_string(&out).expect("output");
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "1,Яндекс Директ,Новый",
            "2,Яндекс Директ,Новый",
            "3,реклама в яндекс директ,В работе",
            "4,Авито,???"
        ]
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let flags = report["flags"].as_array().expect("flags");
    assert!(
        flags
            .iter()
            .any(|f| f["value"] == "реклама в яндекс директ" && f["suggestion"] == "Яндекс Директ"),
        "{flags:?}"
    );
    let bad = fundament(&[
        "standardize",
        path(&input),
        "--out",
        path(&temp("x2.csv")),
        "--dictionary",
        "stage",
    ]);
    assert!(
        text(&bad.stderr).contains("expected ROLE=FILE"),
        "{}",
        text(&bad.stderr)
    );
}
