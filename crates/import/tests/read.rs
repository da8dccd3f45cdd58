//! Reading real-shaped CRM exports through their presets.

use std::path::PathBuf;

use domain::{Draft, ParseContext, Value};
use import::{Preset, RowIssue, Table, TableOptions};
use serde_json::json;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Each mapped row's draft and the owner it names.
type Drafts = Vec<(Draft, Option<String>)>;

/// Reads a file with a preset: the drafts and the issues.
fn read(file: &str, preset: &str) -> (Drafts, Vec<RowIssue>, Table) {
    let mut table = Table::open(&data(file), &TableOptions::default()).expect("open");
    let mapper = Preset::builtin(preset)
        .expect("preset")
        .mapper(table.headers())
        .expect("mapper");
    let (mut drafts, mut issues) = (Vec::new(), Vec::new());
    for row in table.rows() {
        match mapper.map(&row.expect("row"), &ParseContext::default()) {
            Ok(mapped) => drafts.push((mapped.draft, mapped.owner)),
            Err(row_issues) => issues.extend(row_issues),
        }
    }
    (drafts, issues, table)
}

fn field(draft: &Draft, name: &str) -> serde_json::Value {
    draft
        .fields
        .get(name)
        .and_then(Option::as_ref)
        .map_or(serde_json::Value::Null, Value::to_json)
}

#[test]
fn a_windows_1251_semicolon_bitrix24_export_reads_correctly() {
    let (drafts, issues, table) = read("bitrix24-contacts-cp1251.csv", "bitrix24-contacts");
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(table.detected, "CSV, windows-1251, delimiter ';'");
    assert_eq!(drafts.len(), 4);
    let (ivanov, owner) = &drafts[0];
    assert_eq!(field(ivanov, "last_name"), json!("Иванов"));
    assert_eq!(field(ivanov, "middle_name"), json!("Иванович"));
    // Mobile first: the preset lists the columns in order of preference.
    assert_eq!(
        field(ivanov, "phones"),
        json!(["+79161234567", "+74951234567"])
    );
    assert_eq!(field(ivanov, "emails"), json!(["Ivanov@example.ru"]));
    assert_eq!(field(ivanov, "birth_date"), json!("1990-01-02"));
    assert_eq!(field(ivanov, "city"), json!("г. Москва"));
    assert_eq!(owner.as_deref(), Some("Мария Петрова"));
    assert_eq!(
        ivanov
            .source
            .as_ref()
            .map(|source| (source.system.as_str(), source.external_id.as_str())),
        Some(("bitrix24", "1"))
    );
    // Two phones in one cell, a quoted cell with the delimiter and quotes inside.
    assert_eq!(
        field(&drafts[2].0, "phones"),
        json!(["+79161112233", "+79161112244"])
    );
    assert_eq!(
        field(&drafts[2].0, "comment"),
        json!("Хочет скидку; \"VIP\"")
    );
    assert_eq!(field(&drafts[3].0, "phones"), json!(["+442079460958"]));
}

#[test]
fn a_malformed_cell_is_reported_with_row_and_column() {
    let (drafts, issues, _) = read("bitrix24-contacts-bad-row.csv", "bitrix24-contacts");
    assert_eq!(drafts.len(), 4);
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(
        (issue.row, issue.column.as_str(), issue.field.as_str()),
        (3, "Мобильный телефон", "phones")
    );
    assert!(issue.reason.contains("phone"), "{}", issue.reason);
}

#[test]
fn an_amocrm_xlsx_export_keeps_numbers_dates_and_stages() {
    let (drafts, issues, _) = read("amocrm-leads.xlsx", "amocrm-leads");
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(drafts.len(), 3);
    let (won, owner) = &drafts[0];
    assert_eq!(
        field(won, "amount"),
        json!({"amount": "15980.00", "currency": "RUB"})
    );
    assert_eq!(field(won, "status"), json!("won"));
    assert_eq!(field(won, "stage"), json!("Успешно реализовано"));
    assert_eq!(field(won, "kind"), json!("deal"));
    assert_eq!(field(won, "opened_at"), json!("2024-03-15T11:30:00Z"));
    assert_eq!(owner.as_deref(), Some("Мария Петрова"));
    assert_eq!(
        won.source
            .as_ref()
            .map(|source| source.external_id.as_str()),
        Some("1001")
    );
    // An unknown stage leaves the status empty instead of rejecting the deal.
    assert_eq!(field(&drafts[1].0, "status"), serde_json::Value::Null);
    assert_eq!(
        field(&drafts[1].0, "amount"),
        json!({"amount": "250000.50", "currency": "RUB"})
    );
    assert_eq!(field(&drafts[2].0, "status"), json!("lost"));
}

#[test]
fn hubspot_api_json_and_salesforce_json_lines_read_through_their_presets() {
    let (hubspot, issues, _) = read("hubspot-contacts.json", "hubspot-contacts");
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(hubspot.len(), 2);
    assert_eq!(
        field(&hubspot[0].0, "emails"),
        json!(["Elena.Volkova@gmail.com"])
    );
    assert_eq!(field(&hubspot[0].0, "phones"), json!(["+79215550102"]));
    let (salesforce, issues, _) = read("salesforce-contacts.jsonl", "salesforce-contacts");
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!(salesforce.len(), 2);
    assert_eq!(field(&salesforce[1].0, "phones"), json!(["+14155550101"]));
}

#[test]
fn rows_with_the_wrong_number_of_cells_are_errors_naming_the_row() {
    let dir = std::env::temp_dir().join(format!("fundament-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("ragged.csv");
    std::fs::write(
        &path,
        "first_name,phones\nИван,+79161234567\nПётр\nАнна,+79031234567\n",
    )
    .expect("write");
    let mut table = Table::open(&path, &TableOptions::default()).expect("open");
    let results: Vec<_> = table.rows().collect();
    assert!(results[0].is_ok() && results[2].is_ok());
    let error = results[1].as_ref().expect_err("ragged row").to_string();
    assert!(
        error.contains("ragged.csv")
            && error.contains("row 2")
            && error.contains("1 cells but the header has 2"),
        "{error}"
    );
}

#[test]
fn a_file_whose_columns_match_nothing_is_refused_with_its_columns_listed() {
    let table =
        Table::open(&data("hubspot-contacts.json"), &TableOptions::default()).expect("open");
    let error = Preset::builtin("bitrix24-deals")
        .expect("preset")
        .mapper(table.headers())
        .expect_err("no match")
        .to_string();
    assert!(
        error.contains("none of its columns") && error.contains("firstname"),
        "{error}"
    );
}
