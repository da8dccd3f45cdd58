//! Step 3, validate: rules a user writes in YAML, checked on every row.
//!
//! ```yaml
//! rules:
//!   - name: phone_present
//!     column: Телефон          # or `role: phone`
//!     check: not_null           # not_null unique regex one_of range type email phone inn snils ogrn date
//!     severity: error           # error (default), warning, info
//!   - name: purchase_after_registration
//!     check: compare            # a row check: left <op> right, as dates, numbers or text
//!     left: Дата покупки
//!     op: ">="
//!     right: Дата регистрации
//!     message: покупка раньше регистрации
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::dates::{DateKind, Order, parse_date};
use crate::roles::{Role, Roles};
use crate::{Frame, QualityError, values};

/// How bad a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Error,
    Warning,
    Info,
}

/// One rule as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: Option<String>,
    pub column: Option<String>,
    pub role: Option<String>,
    pub check: String,
    #[serde(default)]
    pub severity: Severity,
    pub message: Option<String>,
    pub pattern: Option<String>,
    pub values: Option<Vec<serde_norway::Value>>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(rename = "type")]
    pub value_type: Option<String>,
    pub left: Option<String>,
    pub op: Option<String>,
    pub right: Option<String>,
    /// For `one_of`: compare ignoring case (default true).
    pub ignore_case: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<Rule>,
}

/// A rule made ready to run on one table.
#[derive(Debug)]
struct Compiled {
    name: String,
    severity: Severity,
    message: Option<String>,
    check: Check,
}

#[derive(Debug)]
enum Check {
    NotNull(usize),
    Unique(usize),
    Regex(usize, regex::Regex),
    OneOf(usize, Vec<String>, bool),
    Range(usize, Option<f64>, Option<f64>),
    Type(usize, ValueType),
    Compare(usize, Op, usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ValueType {
    Int,
    Number,
    Bool,
    Date,
    Email,
    Phone,
    Inn,
    Snils,
    Ogrn,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// One broken rule on one record.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Violation {
    pub record_id: String,
    pub rule: String,
    pub column: String,
    pub value: String,
    pub message: String,
    pub severity: Severity,
}

/// Per rule: how many rows broke it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSummary {
    pub rule: String,
    pub severity: Severity,
    pub violations: usize,
}

/// The outcome of validating a table.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rows: usize,
    pub rules: Vec<RuleSummary>,
    pub violations: Vec<Violation>,
}

/// The rules of a YAML file, not yet tied to a table.
pub struct Rules {
    path: std::path::PathBuf,
    rules: Vec<Rule>,
}

impl Rules {
    /// Reads and parses a rules file; errors name the file and the place.
    pub fn read(path: &Path) -> Result<Rules, QualityError> {
        let text = std::fs::read_to_string(path).map_err(|source| QualityError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        Rules::parse(path, &text)
    }

    /// Parses rules text (for `path` in messages).
    pub fn parse(path: &Path, text: &str) -> Result<Rules, QualityError> {
        let file: RuleFile =
            serde_norway::from_str(text).map_err(|error| QualityError::Config {
                file: path.to_path_buf(),
                reason: format!(
                    "{error}; expected `rules:` with a list of {{column, check, severity}}"
                ),
            })?;
        Ok(Rules {
            path: path.to_path_buf(),
            rules: file.rules,
        })
    }

    fn compile(&self, frame: &Frame, roles: &Roles) -> Result<Vec<Compiled>, QualityError> {
        self.rules
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                let name = rule.name.clone().unwrap_or_else(|| format!("{}_{}", rule.check, index + 1));
                let wrong = |reason: String| QualityError::Config {
                    file: self.path.clone(),
                    reason: format!("rule {} ({name:?}): {reason}", index + 1),
                };
                let column_named = |text: &str| {
                    frame.column(text).ok_or_else(|| wrong(format!("no column {text:?} in {}; it has: {}", frame.path.display(), frame.headers.join(", "))))
                };
                let column = || -> Result<usize, QualityError> {
                    match (&rule.column, &rule.role) {
                        (Some(column), _) => column_named(column),
                        (None, Some(role_name)) => {
                            let role = Role::parse(role_name).ok_or_else(|| wrong(format!("unknown role {role_name:?}")))?;
                            roles.column_of(role).ok_or_else(|| wrong(format!("no column has the role {role_name:?}")))
                        }
                        (None, None) => Err(wrong("needs `column:` or `role:`".into())),
                    }
                };
                let check = match rule.check.as_str() {
                    "not_null" | "required" => Check::NotNull(column()?),
                    "unique" => Check::Unique(column()?),
                    "regex" => {
                        let pattern = rule.pattern.as_deref().ok_or_else(|| wrong("regex needs `pattern:`".into()))?;
                        let regex = regex::Regex::new(pattern).map_err(|e| wrong(format!("pattern is not a valid regex: {e}")))?;
                        Check::Regex(column()?, regex)
                    }
                    "one_of" => {
                        let values = rule.values.as_ref().ok_or_else(|| wrong("one_of needs `values:`".into()))?;
                        let ignore_case = rule.ignore_case.unwrap_or(true);
                        let values = values
                            .iter()
                            .map(|v| {
                                let text = match v {
                                    serde_norway::Value::String(s) => s.clone(),
                                    other => serde_norway::to_string(other).unwrap_or_default().trim().to_string(),
                                };
                                if ignore_case { lexicon::fold(&text) } else { text }
                            })
                            .collect();
                        Check::OneOf(column()?, values, ignore_case)
                    }
                    "range" => {
                        if rule.min.is_none() && rule.max.is_none() {
                            return Err(wrong("range needs `min:` or `max:`".into()));
                        }
                        Check::Range(column()?, rule.min, rule.max)
                    }
                    "type" => {
                        let name = rule.value_type.as_deref().ok_or_else(|| wrong("type needs `type:` (int, number, bool, date)".into()))?;
                        let value_type = match name {
                            "int" | "integer" => ValueType::Int,
                            "number" | "float" | "decimal" => ValueType::Number,
                            "bool" | "boolean" => ValueType::Bool,
                            "date" => ValueType::Date,
                            other => return Err(wrong(format!("unknown type {other:?}; expected int, number, bool or date"))),
                        };
                        Check::Type(column()?, value_type)
                    }
                    "email" => Check::Type(column()?, ValueType::Email),
                    "phone" => Check::Type(column()?, ValueType::Phone),
                    "inn" => Check::Type(column()?, ValueType::Inn),
                    "snils" => Check::Type(column()?, ValueType::Snils),
                    "ogrn" => Check::Type(column()?, ValueType::Ogrn),
                    "date" => Check::Type(column()?, ValueType::Date),
                    "compare" => {
                        let left = column_named(rule.left.as_deref().ok_or_else(|| wrong("compare needs `left:`".into()))?)?;
                        let right = column_named(rule.right.as_deref().ok_or_else(|| wrong("compare needs `right:`".into()))?)?;
                        let op = match rule.op.as_deref().unwrap_or("<=") {
                            "<" => Op::Lt,
                            "<=" => Op::Le,
                            ">" => Op::Gt,
                            ">=" => Op::Ge,
                            "==" | "=" => Op::Eq,
                            "!=" | "<>" => Op::Ne,
                            other => return Err(wrong(format!("unknown op {other:?}; expected <, <=, >, >=, == or !="))),
                        };
                        Check::Compare(left, op, right)
                    }
                    other => {
                        return Err(wrong(format!(
                            "unknown check {other:?}; expected not_null, unique, regex, one_of, range, type, email, phone, inn, snils, ogrn, date or compare"
                        )));
                    }
                };
                Ok(Compiled { name, severity: rule.severity, message: rule.message.clone(), check })
            })
            .collect()
    }

    /// Checks every row of `frame`; a rule that names a missing column is an error before any row is checked.
    pub fn check(&self, frame: &Frame, roles: &Roles) -> Result<Report, QualityError> {
        let compiled = self.compile(frame, roles)?;
        let today = chrono::Local::now().date_naive();
        let mut violations = Vec::new();
        let mut counts = vec![0usize; compiled.len()];
        for (r, rule) in compiled.iter().enumerate() {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for (row_index, row) in frame.rows.iter().enumerate() {
                let cell = |c: usize| row.get(c).map_or("", String::as_str);
                let id = cell(roles.id);
                let mut report = |column: usize, value: &str, default: String| {
                    counts[r] += 1;
                    violations.push(Violation {
                        record_id: id.to_string(),
                        rule: rule.name.clone(),
                        column: frame.headers.get(column).cloned().unwrap_or_default(),
                        value: value.to_string(),
                        message: rule.message.clone().unwrap_or(default),
                        severity: rule.severity,
                    });
                };
                match &rule.check {
                    Check::NotNull(c) => {
                        if cell(*c).is_empty() {
                            report(*c, "", "is empty".into());
                        }
                    }
                    Check::Unique(c) => {
                        let value = cell(*c);
                        if !value.is_empty() {
                            if let Some(first) = seen.get(value) {
                                let first_id = frame
                                    .rows
                                    .get(*first)
                                    .and_then(|row| row.get(roles.id))
                                    .cloned()
                                    .unwrap_or_default();
                                report(
                                    *c,
                                    value,
                                    format!("repeats the value of record {first_id}"),
                                );
                            } else {
                                seen.insert(value, row_index);
                            }
                        }
                    }
                    Check::Regex(c, regex) => {
                        let value = cell(*c);
                        if !value.is_empty() && !regex.is_match(value) {
                            report(*c, value, format!("does not match {}", regex.as_str()));
                        }
                    }
                    Check::OneOf(c, allowed, ignore_case) => {
                        let value = cell(*c);
                        let key = if *ignore_case {
                            lexicon::fold(value)
                        } else {
                            value.to_string()
                        };
                        if !value.is_empty() && !allowed.contains(&key) {
                            report(*c, value, format!("is not one of: {}", allowed.join(", ")));
                        }
                    }
                    Check::Range(c, min, max) => {
                        let value = cell(*c);
                        if value.is_empty() {
                            continue;
                        }
                        match number(value) {
                            None => report(*c, value, "is not a number".into()),
                            Some(n) if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) => {
                                report(
                                    *c,
                                    value,
                                    format!(
                                        "is outside {}..{}",
                                        min.map_or("".into(), |m| m.to_string()),
                                        max.map_or("".into(), |m| m.to_string())
                                    ),
                                );
                            }
                            Some(_) => {}
                        }
                    }
                    Check::Type(c, value_type) => {
                        let value = cell(*c);
                        if !value.is_empty()
                            && let Some(problem) = type_problem(*value_type, value, today)
                        {
                            report(*c, value, problem);
                        }
                    }
                    Check::Compare(left, op, right) => {
                        let (a, b) = (cell(*left), cell(*right));
                        if a.is_empty() || b.is_empty() {
                            continue;
                        }
                        if let Some(false) = compare(a, *op, b, today) {
                            let right_name = frame.headers.get(*right).cloned().unwrap_or_default();
                            report(
                                *left,
                                a,
                                format!("must be {} {right_name} ({b})", op_text(*op)),
                            );
                        }
                    }
                }
            }
        }
        let rules = compiled
            .iter()
            .zip(counts)
            .map(|(rule, violations)| RuleSummary {
                rule: rule.name.clone(),
                severity: rule.severity,
                violations,
            })
            .collect();
        Ok(Report {
            rows: frame.rows.len(),
            rules,
            violations,
        })
    }
}

impl Report {
    /// Violations by severity.
    pub fn by_severity(&self) -> BTreeMap<Severity, usize> {
        let mut out = BTreeMap::new();
        for v in &self.violations {
            *out.entry(v.severity).or_default() += 1;
        }
        out
    }
}

fn number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    cleaned.replace(',', ".").parse().ok()
}

fn type_problem(value_type: ValueType, value: &str, today: chrono::NaiveDate) -> Option<String> {
    let ok = match value_type {
        ValueType::Int => value.trim().parse::<i64>().is_ok(),
        ValueType::Number => number(value).is_some(),
        ValueType::Bool => matches!(
            lexicon::fold(value).as_str(),
            "true" | "false" | "да" | "нет" | "1" | "0" | "yes" | "no"
        ),
        ValueType::Date => parse_date(value, Order::DayFirst, DateKind::Event, today).is_some(),
        ValueType::Email => return values::standard_email(value).err(),
        ValueType::Phone => {
            return values::parse_phones(value)
                .err()
                .map(|part| format!("{part:?} is not a valid phone number"));
        }
        ValueType::Inn => return values::standard_inn(value).err(),
        ValueType::Snils => return values::standard_snils(value).err(),
        ValueType::Ogrn => return values::standard_ogrn(value).err(),
    };
    (!ok).then(|| {
        format!(
            "is not {}",
            match value_type {
                ValueType::Int => "a whole number",
                ValueType::Number => "a number",
                ValueType::Bool => "yes/no",
                _ => "a date",
            }
        )
    })
}

fn compare(a: &str, op: Op, b: &str, today: chrono::NaiveDate) -> Option<bool> {
    let ordering = match (
        parse_date(a, Order::DayFirst, DateKind::Event, today),
        parse_date(b, Order::DayFirst, DateKind::Event, today),
    ) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y)?,
            _ => a.cmp(b),
        },
    };
    use std::cmp::Ordering::*;
    Some(match op {
        Op::Lt => ordering == Less,
        Op::Le => ordering != Greater,
        Op::Gt => ordering == Greater,
        Op::Ge => ordering != Less,
        Op::Eq => ordering == Equal,
        Op::Ne => ordering != Equal,
    })
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Lt => "before/less than",
        Op::Le => "not after/not more than",
        Op::Gt => "after/more than",
        Op::Ge => "not before/not less than",
        Op::Eq => "equal to",
        Op::Ne => "different from",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame::new(
            [
                "id",
                "Телефон",
                "Email",
                "ИНН",
                "Дата регистрации",
                "Дата покупки",
                "Статус",
                "Возраст",
            ]
            .map(String::from)
            .to_vec(),
            vec![
                [
                    "1",
                    "8 916 123-45-67",
                    "a@b.ru",
                    "7707083893",
                    "01.02.2024",
                    "05.02.2024",
                    "новый",
                    "30",
                ]
                .map(String::from)
                .to_vec(),
                [
                    "2",
                    "",
                    "не почта",
                    "7707083894",
                    "01.03.2024",
                    "01.02.2024",
                    "Удалён",
                    "200",
                ]
                .map(String::from)
                .to_vec(),
                ["3", "12-34", "a@b.ru", "", "", "", "НОВЫЙ", "x"]
                    .map(String::from)
                    .to_vec(),
            ],
        )
    }

    const RULES: &str = r#"
rules:
  - {name: phone_present, column: Телефон, check: not_null}
  - {name: phone_valid, role: phone, check: phone, severity: warning}
  - {name: email_valid, column: Email, check: email}
  - {name: email_unique, column: Email, check: unique, severity: warning}
  - {name: inn_valid, column: ИНН, check: inn}
  - {name: status_known, column: Статус, check: one_of, values: [новый, активный]}
  - {name: age_sane, column: Возраст, check: range, min: 14, max: 120}
  - name: purchase_after_registration
    check: compare
    left: Дата покупки
    op: ">="
    right: Дата регистрации
    message: покупка раньше регистрации
"#;

    #[test]
    fn every_violation_is_reported_with_record_rule_column_and_value() {
        let frame = frame();
        let roles = Roles::detect(&frame, &[], None).unwrap();
        let report = Rules::parse(Path::new("rules.yaml"), RULES)
            .unwrap()
            .check(&frame, &roles)
            .unwrap();
        let found: Vec<(&str, &str, &str)> = report
            .violations
            .iter()
            .map(|v| (v.record_id.as_str(), v.rule.as_str(), v.value.as_str()))
            .collect();
        for expected in [
            ("2", "phone_present", ""),
            ("3", "phone_valid", "12-34"),
            ("2", "email_valid", "не почта"),
            ("3", "email_unique", "a@b.ru"),
            ("2", "inn_valid", "7707083894"),
            ("2", "status_known", "Удалён"),
            ("2", "age_sane", "200"),
            ("3", "age_sane", "x"),
            ("2", "purchase_after_registration", "01.02.2024"),
        ] {
            assert!(
                found.contains(&expected),
                "missing {expected:?} in {found:?}"
            );
        }
        assert_eq!(found.len(), 9, "{found:?}");
        let purchase = report
            .violations
            .iter()
            .find(|v| v.rule == "purchase_after_registration")
            .unwrap();
        assert_eq!(
            (purchase.column.as_str(), purchase.message.as_str()),
            ("Дата покупки", "покупка раньше регистрации")
        );
    }

    #[test]
    fn a_wrong_rules_file_names_the_rule_and_what_was_expected() {
        let frame = frame();
        let roles = Roles::detect(&frame, &[], None).unwrap();
        let bad_check = Rules::parse(
            Path::new("r.yaml"),
            "rules:\n  - {column: Email, check: emial}\n",
        )
        .unwrap()
        .check(&frame, &roles)
        .unwrap_err();
        assert!(
            bad_check
                .to_string()
                .contains("rule 1 (\"emial_1\"): unknown check \"emial\""),
            "{bad_check}"
        );
        let bad_column = Rules::parse(
            Path::new("r.yaml"),
            "rules:\n  - {column: Почта, check: email}\n",
        )
        .unwrap()
        .check(&frame, &roles)
        .unwrap_err();
        assert!(
            bad_column.to_string().contains("no column \"Почта\""),
            "{bad_column}"
        );
        let bad_yaml = Rules::parse(Path::new("r.yaml"), "rules: [\n")
            .err()
            .unwrap();
        assert!(bad_yaml.to_string().starts_with("r.yaml:"), "{bad_yaml}");
    }
}
