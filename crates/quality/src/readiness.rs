//! Steps 1 and 6, profile and readiness: what each column holds and how
//! well, and per step a score and a prioritised fix-list in plain words,
//! with "enough to train?" per model task.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::roles::{Role, Roles};
use crate::standardize::{Options, standardize};
use crate::{Frame, dedupe};

/// One column's profile.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnProfile {
    pub column: String,
    pub role: Option<String>,
    /// Share of rows with a value.
    pub fill_rate: f64,
    pub distinct: usize,
    /// The commonest shapes of values (`9` digit, `a` Latin, `я` Cyrillic letter) with counts.
    pub formats: Vec<(String, usize)>,
    /// Numeric values far outside the rest (beyond 3 interquartile ranges).
    pub outliers: Vec<String>,
}

/// One thing to fix, in plain words, with who should fix it.
#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    /// 1 is most urgent.
    pub priority: u8,
    pub step: &'static str,
    pub text_ru: String,
    pub text_en: String,
    /// The column the fix is about, if one.
    pub column: Option<String>,
    /// Who keeps that column current, from the data register.
    pub owner: Option<String>,
}

/// One field of the data register: its standard format, the connected
/// system that is its source of truth, and the person who keeps it current.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntry {
    pub format: Option<String>,
    pub source_of_truth: Option<String>,
    pub owner: Option<String>,
}

/// The data register: entries by column header or by role name
/// (`phone`, `source`, ...), written by the user as YAML:
///
/// ```yaml
/// fields:
///   phone: {source_of_truth: bitrix24, owner: Мария Иванова}
///   Источник: {format: справочник источников, owner: маркетолог Олег}
/// ```
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Register {
    pub fields: BTreeMap<String, RegisterEntry>,
}

impl Register {
    /// Reads a register file; errors name the file and what was expected.
    pub fn read(path: &std::path::Path) -> Result<Register, crate::QualityError> {
        let text = std::fs::read_to_string(path).map_err(|source| crate::QualityError::Io {
            file: path.to_path_buf(),
            source,
        })?;
        serde_norway::from_str(&text).map_err(|e| crate::QualityError::Config {
            file: path.to_path_buf(),
            reason: format!("{e}; expected `fields:` mapping a column or role to {{format, source_of_truth, owner}}"),
        })
    }

    fn entry(&self, column: &str, role: Option<&str>) -> Option<&RegisterEntry> {
        self.fields
            .get(column)
            .or_else(|| role.and_then(|r| self.fields.get(r)))
    }
}

/// The standard format of a role's values, as standardisation writes them.
fn standard_format(role: &str) -> Option<&'static str> {
    Some(match role {
        "phone" => "E.164: +79161234567",
        "email" => "lower case, checked: ivan@mail.ru",
        "birth_date" | "date" => "ISO 8601: 1985-03-12",
        "name" => "Фамилия Имя Отчество",
        "last_name" | "first_name" | "patronymic" => "capitalised, ё kept",
        "city" => "canonical Russian name (GeoNames gazetteer)",
        "region" => "federal subject's official name",
        "company" => "ООО «Название»",
        "inn" => "10 or 12 digits with valid check digits",
        "ogrn" => "13 or 15 digits with a valid check digit",
        "snils" => "123-456-789 01 with a valid check number",
        "source" => "a value of the lead-source dictionary",
        _ => return None,
    })
}

/// A column as the data register sees it.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    pub column: String,
    pub role: Option<String>,
    pub format: Option<String>,
    pub source_of_truth: Option<String>,
    pub owner: Option<String>,
}

/// A step's score (0–100) and what it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct StepScore {
    pub step: &'static str,
    pub score: u8,
    pub detail: String,
}

/// Whether a model task has enough data.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingGate {
    pub task: &'static str,
    pub enough: bool,
    pub reason_ru: String,
    pub reason_en: String,
}

/// The readiness of one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableReport {
    /// Each known column's standard format, source of truth and owner.
    pub register: Vec<RegisterRow>,
    pub name: String,
    pub rows: usize,
    pub columns: Vec<ColumnProfile>,
    pub steps: Vec<StepScore>,
    pub duplicate_groups: usize,
    pub records_in_duplicate_groups: usize,
    pub gates: Vec<TrainingGate>,
    pub fixes: Vec<Fix>,
}

/// The readiness of all tables given.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub score: u8,
    pub tables: Vec<TableReport>,
    pub fixes: Vec<Fix>,
}

fn shape(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars().take(24) {
        let s = if c.is_ascii_digit() {
            '9'
        } else if c.is_ascii_alphabetic() {
            'a'
        } else if c.is_alphabetic() {
            'я'
        } else {
            c
        };
        // Runs of one class collapse: «Москва» and «Тверь» share a shape.
        if !(out.ends_with(s) && matches!(s, 'a' | 'я')) {
            out.push(s);
        }
    }
    out
}

fn number(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    cleaned.replace(',', ".").parse().ok()
}

/// Profiles every column.
pub fn profile(frame: &Frame, roles: &Roles) -> Vec<ColumnProfile> {
    let rows = frame.rows.len().max(1);
    (0..frame.headers.len())
        .map(|column| {
            let values: Vec<&str> = frame
                .rows
                .iter()
                .map(|r| r.get(column).map_or("", String::as_str))
                .filter(|v| !v.is_empty())
                .collect();
            let distinct = values.iter().collect::<HashSet<_>>().len();
            let mut formats: HashMap<String, usize> = HashMap::new();
            for value in &values {
                *formats.entry(shape(value)).or_default() += 1;
            }
            let mut formats: Vec<(String, usize)> = formats.into_iter().collect();
            formats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            formats.truncate(5);
            let mut numbers: Vec<f64> = values.iter().filter_map(|v| number(v)).collect();
            let mut outliers = Vec::new();
            if numbers.len() >= 20 && numbers.len() * 10 >= values.len() * 9 {
                numbers.sort_by(f64::total_cmp);
                let q = |p: f64| numbers[((numbers.len() - 1) as f64 * p) as usize];
                let (q1, q3) = (q(0.25), q(0.75));
                let iqr = (q3 - q1).max(f64::EPSILON);
                outliers = values
                    .iter()
                    .filter(|v| number(v).is_some_and(|n| n < q1 - 3.0 * iqr || n > q3 + 3.0 * iqr))
                    .take(10)
                    .map(|v| (*v).to_string())
                    .collect();
            }
            ColumnProfile {
                column: frame.headers[column].clone(),
                role: if column == roles.id {
                    Some("id".into())
                } else {
                    roles.role_of(column).map(|r| r.name().to_string())
                },
                fill_rate: values.len() as f64 / rows as f64,
                distinct,
                formats,
                outliers,
            }
        })
        .collect()
}

const WON: &[&str] = &[
    "успешно",
    "успешна",
    "выиграна",
    "выиграно",
    "сделка успешна",
    "won",
    "closed won",
    "closedwon",
    "оплачено",
    "оплачен",
    "успешно реализовано",
    "success",
    "win",
];
const LOST: &[&str] = &[
    "проиграна",
    "проиграно",
    "отказ",
    "закрыто и не реализовано",
    "не реализовано",
    "lost",
    "closed lost",
    "closedlost",
    "провал",
    "отменена",
    "cancelled",
    "неуспешно",
];

fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Assesses one table.
pub fn assess(name: &str, frame: &Frame, roles: &Roles) -> TableReport {
    assess_with(name, frame, roles, &Register::default())
}

/// Assesses one table and addresses each fix to the person the data
/// register names for its column.
pub fn assess_with(name: &str, frame: &Frame, roles: &Roles, register: &Register) -> TableReport {
    let rows = frame.rows.len();
    let columns = profile(frame, roles);
    let mut fixes = Vec::new();
    let mut steps = Vec::new();

    // Profile: completeness of the columns that carry meaning.
    let meaningful: Vec<&ColumnProfile> = columns
        .iter()
        .filter(|c| c.role.as_deref().is_some_and(|r| r != "id"))
        .collect();
    let completeness = if meaningful.is_empty() {
        0.0
    } else {
        meaningful.iter().map(|c| c.fill_rate).sum::<f64>() / meaningful.len() as f64
    };
    steps.push(StepScore {
        step: "profile",
        score: (completeness * 100.0).round() as u8,
        detail: format!(
            "average fill rate of {} known columns: {}",
            meaningful.len(),
            pct(completeness)
        ),
    });
    for column in &meaningful {
        if column.fill_rate < 0.8 {
            let (why_ru, why_en, priority) = match column.role.as_deref() {
                Some("source") => (
                    "скоринг лидов не сможет его использовать",
                    "lead scoring cannot use it",
                    1,
                ),
                Some("stage") => (
                    "без исхода сделки модели не на чем учиться",
                    "models have no outcome to learn from",
                    1,
                ),
                Some("phone" | "email") => (
                    "без контакта дубли не найти и клиенту не написать",
                    "duplicates cannot be found and the client cannot be reached",
                    2,
                ),
                Some("amount") => (
                    "прогноз выручки и LTV будут неточны",
                    "revenue and CLV forecasts will be off",
                    2,
                ),
                _ => ("модели получат меньше сигнала", "models get less signal", 3),
            };
            fixes.push(Fix {
                column: Some(column.column.clone()),
                owner: None,
                priority,
                step: "profile",
                text_ru: format!(
                    "В {} записей нет поля «{}» — заполните его: {}",
                    pct(1.0 - column.fill_rate),
                    column.column,
                    why_ru
                ),
                text_en: format!(
                    "{} of records have no \"{}\" — fill it: {}",
                    pct(1.0 - column.fill_rate),
                    column.column,
                    why_en
                ),
            });
        }
    }

    // Standardise: how much is already, or can be made, standard.
    let mut copy = frame.clone();
    let summary = standardize(&mut copy, roles, &Options::default());
    let (values, standard): (usize, usize) = summary.columns.iter().fold((0, 0), |(v, s), c| {
        (v + c.values, s + c.changed + c.unchanged)
    });
    let coverage = if values == 0 {
        1.0
    } else {
        standard as f64 / values as f64
    };
    steps.push(StepScore {
        step: "standardise",
        score: (coverage * 100.0).round() as u8,
        detail: format!(
            "{} of {values} values can be brought to a standard form",
            pct(coverage)
        ),
    });
    for column in &summary.columns {
        if column.unparsed > 0 && column.unparsed * 50 > column.values {
            fixes.push(Fix {
                column: Some(column.column.clone()),
                owner: None,
                priority: 2,
                step: "standardise",
                text_ru: format!(
                    "«{}»: {} значений не читаются как {} — исправьте их в источнике",
                    column.column, column.unparsed, column.role
                ),
                text_en: format!(
                    "\"{}\": {} values cannot be read as {} — fix them at the source",
                    column.column, column.unparsed, column.role
                ),
            });
        }
    }
    let mistyped = summary
        .flags
        .iter()
        .filter(|f| f.suggestion.is_some())
        .count();
    if mistyped > 0 {
        fixes.push(Fix {
            column: None,
            owner: None,
            priority: 3,
            step: "standardise",
            text_ru: format!("{mistyped} адресов почты с опечаткой в домене (например, gmial.com) — подтвердите исправления"),
            text_en: format!("{mistyped} e-mail addresses have a mistyped domain (e.g. gmial.com) — confirm the fixes"),
        });
    }

    // Validate: the typed columns' values, checked.
    steps.push(StepScore {
        step: "validate",
        score: (coverage * 100.0).round() as u8,
        detail: format!(
            "{} values fail their type's check (phone, e-mail, date, ИНН, СНИЛС)",
            values - standard
        ),
    });

    // Match and merge.
    let has_identity = roles.column_of(Role::FullName).is_some()
        || roles.column_of(Role::LastName).is_some()
        || roles.column_of(Role::Phone).is_some()
        || roles.column_of(Role::Email).is_some()
        || roles.column_of(Role::Company).is_some()
        || roles.column_of(Role::Sku).is_some();
    let (mut groups, mut in_groups) = (0, 0);
    if has_identity && rows >= 2 {
        let settings = dedupe::Settings::default();
        let prepared = dedupe::prepare(frame, roles, settings.today);
        let outcome = dedupe::dedupe(&prepared, &settings);
        (groups, in_groups) = outcome.duplicate_counts();
        let extra = in_groups - groups;
        let share = extra as f64 / rows.max(1) as f64;
        steps.push(StepScore {
            step: "match",
            score: ((1.0 - share) * 100.0).round() as u8,
            detail: format!(
                "{groups} groups of duplicates; {extra} records ({}) are extra copies",
                pct(share)
            ),
        });
        if extra > 0 {
            fixes.push(Fix {
                column: None,
                owner: None,
                priority: if share > 0.03 { 1 } else { 2 },
                step: "match",
                text_ru: format!("{extra} записей ({}) — дубли одних и тех же клиентов в {groups} группах; объедините их, иначе модели посчитают одного клиента несколько раз", pct(share)),
                text_en: format!("{extra} records ({}) duplicate the same clients in {groups} groups; merge them, or models count one client several times", pct(share)),
            });
        }
    }

    // Anonymise: personal data present that a training copy must not carry.
    let personal: Vec<&str> = roles
        .columns
        .iter()
        .filter(|(_, r)| {
            matches!(
                r,
                Role::FullName
                    | Role::LastName
                    | Role::Phone
                    | Role::Email
                    | Role::Passport
                    | Role::Snils
                    | Role::Address
                    | Role::BirthDate
            )
        })
        .filter_map(|(c, _)| frame.headers.get(*c).map(String::as_str))
        .collect();
    if !personal.is_empty() {
        fixes.push(Fix {
            column: None,
            owner: None,
            priority: 3,
            step: "anonymise",
            text_ru: format!("Персональные данные в колонках {}: для обучения используйте обезличенную копию (fundament anonymize)", personal.join(", ")),
            text_en: format!("Personal data in columns {}: train on an anonymised copy (fundament anonymize)", personal.join(", ")),
        });
    }

    let gates = gates(frame, roles);
    for gate in gates.iter().filter(|g| !g.enough) {
        fixes.push(Fix {
            column: None,
            owner: None,
            priority: 1,
            step: "train",
            text_ru: format!("{}: {}", gate.task, gate.reason_ru),
            text_en: format!("{}: {}", gate.task, gate.reason_en),
        });
    }
    let role_of = |column: &str| {
        columns
            .iter()
            .find(|c| c.column == column)
            .and_then(|c| c.role.clone())
    };
    for fix in &mut fixes {
        let Some(column) = fix.column.clone() else {
            continue;
        };
        if let Some(owner) = register
            .entry(&column, role_of(&column).as_deref())
            .and_then(|e| e.owner.clone())
        {
            fix.text_ru.push_str(&format!(" Ответственный: {owner}."));
            fix.text_en.push_str(&format!(" Owner: {owner}."));
            fix.owner = Some(owner);
        }
    }
    fixes.sort_by_key(|f| f.priority);
    let register_rows = columns
        .iter()
        .filter(|c| c.role.as_deref().is_some_and(|r| r != "id"))
        .map(|c| {
            let entry = register
                .entry(&c.column, c.role.as_deref())
                .cloned()
                .unwrap_or_default();
            RegisterRow {
                column: c.column.clone(),
                role: c.role.clone(),
                format: entry.format.or_else(|| {
                    c.role
                        .as_deref()
                        .and_then(standard_format)
                        .map(str::to_string)
                }),
                source_of_truth: entry.source_of_truth,
                owner: entry.owner,
            }
        })
        .collect();
    TableReport {
        register: register_rows,
        name: name.to_string(),
        rows,
        columns,
        steps,
        duplicate_groups: groups,
        records_in_duplicate_groups: in_groups,
        gates,
        fixes,
    }
}

fn gates(frame: &Frame, roles: &Roles) -> Vec<TrainingGate> {
    let mut out = Vec::new();
    if let Some(stage) = roles.column_of(Role::Stage) {
        let mut won = 0;
        let mut lost = 0;
        for row in &frame.rows {
            let value = lexicon::fold(row.get(stage).map_or("", String::as_str));
            if WON.iter().any(|w| value == *w) {
                won += 1;
            } else if LOST.iter().any(|l| value == *l) {
                lost += 1;
            }
        }
        let closed = won + lost;
        let minority = won.min(lost);
        let enough = closed >= 200 && minority >= 30;
        let won_share = if closed == 0 {
            0.0
        } else {
            won as f64 / closed as f64
        };
        out.push(TrainingGate {
            task: "lead scoring",
            enough,
            reason_ru: if enough {
                format!("{closed} закрытых сделок, выиграно {}", pct(won_share))
            } else {
                format!("нужно не меньше 200 закрытых сделок и 30 в каждом исходе; есть {closed} (выиграно {won}, проиграно {lost})")
            },
            reason_en: if enough {
                format!("{closed} closed deals, {} won", pct(won_share))
            } else {
                format!("needs at least 200 closed deals and 30 of each outcome; has {closed} ({won} won, {lost} lost)")
            },
        });
    } else if roles.column_of(Role::Amount).is_some() || roles.column_of(Role::Source).is_some() {
        out.push(TrainingGate {
            task: "lead scoring",
            enough: false,
            reason_ru: "нет колонки с исходом сделки (стадия/статус): модели не на чем учиться"
                .into(),
            reason_en: "no deal outcome column (stage/status): nothing to learn from".into(),
        });
    }
    out
}

/// Assesses several tables and ranks all their fixes.
pub fn report(tables: Vec<TableReport>) -> Report {
    let scores: Vec<u8> = tables
        .iter()
        .flat_map(|t| t.steps.iter().map(|s| s.score))
        .collect();
    let score = if scores.is_empty() {
        0
    } else {
        (scores.iter().map(|s| u32::from(*s)).sum::<u32>() / scores.len() as u32) as u8
    };
    let mut fixes: Vec<Fix> = tables
        .iter()
        .flat_map(|t| {
            t.fixes.iter().map(|f| Fix {
                text_ru: format!("{}: {}", t.name, f.text_ru),
                text_en: format!("{}: {}", t.name, f.text_en),
                ..f.clone()
            })
        })
        .collect();
    fixes.sort_by_key(|f| f.priority);
    Report {
        score,
        tables,
        fixes,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as one self-contained HTML page (inline SVG bars, no scripts).
pub fn to_html(report: &Report) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>Готовность данных</title><style>body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#1d2433}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}td,th{border-bottom:1px solid #e3e6ee;padding:.3em .5em;text-align:left}th{background:#f5f6fa}.score{font-size:2.4em;font-weight:700}.p1{color:#b3261e}.p2{color:#a15c00}.p3{color:#555}</style></head><body>",
    );
    html.push_str(&format!(
        "<h1>Готовность данных к ИИ</h1><p class=\"score\">{}/100</p>",
        report.score
    ));
    html.push_str("<h2>Что исправить в первую очередь</h2><ol>");
    for fix in &report.fixes {
        html.push_str(&format!(
            "<li class=\"p{}\">{}<br><small>{}</small></li>",
            fix.priority,
            escape(&fix.text_ru),
            escape(&fix.text_en)
        ));
    }
    html.push_str("</ol>");
    for table in &report.tables {
        html.push_str(&format!(
            "<h2>{} — {} строк</h2>",
            escape(&table.name),
            table.rows
        ));
        html.push_str("<svg width=\"100%\" height=\"");
        html.push_str(&(table.steps.len() * 28 + 8).to_string());
        html.push_str("\" role=\"img\" aria-label=\"scores\">");
        for (i, step) in table.steps.iter().enumerate() {
            let y = i * 28 + 4;
            let colour = match step.score {
                90..=100 => "#2e7d32",
                70..=89 => "#f9a825",
                _ => "#c62828",
            };
            html.push_str(&format!(
                "<text x=\"0\" y=\"{}\">{}</text><rect x=\"130\" y=\"{}\" width=\"{}\" height=\"18\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\">{} — {}</text>",
                y + 14, step.step, y, u32::from(step.score) * 4, 140 + u32::from(step.score) * 4, y + 14, step.score, escape(&step.detail)
            ));
        }
        html.push_str("</svg>");
        if !table.gates.is_empty() {
            html.push_str("<h3>Хватит ли данных для обучения?</h3><ul>");
            for gate in &table.gates {
                html.push_str(&format!(
                    "<li>{}: <b>{}</b> — {}</li>",
                    gate.task,
                    if gate.enough { "да" } else { "нет" },
                    escape(&gate.reason_ru)
                ));
            }
            html.push_str("</ul>");
        }
        html.push_str("<h3>Реестр данных</h3><table><tr><th>Колонка</th><th>Формат</th><th>Источник истины</th><th>Ответственный</th></tr>");
        for row in &table.register {
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&row.column),
                escape(row.format.as_deref().unwrap_or("—")),
                escape(row.source_of_truth.as_deref().unwrap_or("не назначен")),
                escape(row.owner.as_deref().unwrap_or("не назначен"))
            ));
        }
        html.push_str("</table>");
        html.push_str("<h3>Колонки</h3><table><tr><th>Колонка</th><th>Роль</th><th>Заполнено</th><th>Разных</th><th>Форматы</th><th>Выбросы</th></tr>");
        for column in &table.columns {
            let formats: Vec<String> = column
                .formats
                .iter()
                .map(|(f, n)| format!("{} ×{n}", escape(f)))
                .collect();
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td><svg width=\"60\" height=\"10\"><rect width=\"60\" height=\"10\" fill=\"#e3e6ee\"/><rect width=\"{:.0}\" height=\"10\" fill=\"#3f51b5\"/></svg> {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&column.column), column.role.as_deref().unwrap_or("—"), column.fill_rate * 60.0, pct(column.fill_rate), column.distinct, formats.join("<br>"), escape(&column.outliers.join(", "))
            ));
        }
        html.push_str("</table>");
    }
    html.push_str("</body></html>");
    html
}

/// Fill rates by role across the tables, for quick comparisons in tests and the UI.
pub fn fill_by_role(report: &TableReport) -> BTreeMap<String, f64> {
    report
        .columns
        .iter()
        .filter_map(|c| c.role.clone().map(|r| (r, c.fill_rate)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_sources_and_duplicates_become_fixes_in_plain_words() {
        let mut rows = Vec::new();
        let surnames = [
            "Соколов",
            "Лебедев",
            "Козлов",
            "Новиков",
            "Морозов",
            "Волков",
            "Зайцев",
            "Павлов",
            "Семенов",
            "Голубев",
        ];
        let names = ["Иван", "Олег", "Пётр", "Роман"];
        for i in 0..40 {
            let source = if i % 10 < 6 {
                ""
            } else {
                "Яндекс Директ"
            };
            rows.push(vec![
                i.to_string(),
                format!("{} {}", surnames[i % 10], names[i / 10]),
                format!("8 916 {:03}-{:02}-{:02}", 100 + i, i % 100, (i * 7) % 100),
                source.to_string(),
                if i % 2 == 0 {
                    "Успешно"
                } else {
                    "Проиграна"
                }
                .to_string(),
            ]);
        }
        rows.push(vec![
            "dup".into(),
            "Соколов Иван".into(),
            "+7 916 100-00-00".into(),
            "".into(),
            "".into(),
        ]);
        let frame = Frame::new(
            ["id", "ФИО", "Телефон", "Источник", "Стадия"]
                .map(String::from)
                .to_vec(),
            rows,
        );
        let roles = Roles::detect(&frame, &[], None).unwrap();
        let table = assess("leads.csv", &frame, &roles);
        let texts: Vec<&str> = table.fixes.iter().map(|f| f.text_ru.as_str()).collect();
        assert!(
            texts
                .iter()
                .any(|t| t.contains("нет поля «Источник»") && t.contains("скоринг лидов")),
            "{texts:?}"
        );
        assert_eq!(table.duplicate_groups, 1, "{texts:?}");
        assert!(
            !table.gates[0].enough && table.gates[0].reason_en.contains("has 40"),
            "{:?}",
            table.gates
        );
        let register: Register = serde_norway::from_str(
            "fields:\n  source: {source_of_truth: amocrm, owner: маркетолог Олег}\n",
        )
        .expect("register");
        let addressed = assess_with("leads.csv", &frame, &roles, &register);
        let fix = addressed
            .fixes
            .iter()
            .find(|f| f.column.as_deref() == Some("Источник"))
            .expect("a source fix");
        assert_eq!(fix.owner.as_deref(), Some("маркетолог Олег"));
        assert!(
            fix.text_ru.ends_with("Ответственный: маркетолог Олег."),
            "{}",
            fix.text_ru
        );
        let row = addressed
            .register
            .iter()
            .find(|r| r.column == "Телефон")
            .expect("phone in the register");
        assert_eq!(row.format.as_deref(), Some("E.164: +79161234567"));
        let html = to_html(&report(vec![table]));
        assert!(html.contains("<svg") && html.contains("Источник"));
    }
}
