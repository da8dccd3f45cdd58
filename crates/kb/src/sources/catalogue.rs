//! The product catalogue as passages: each row one sentence a customer can
//! be told («Наушники AirPods Pro — цена 24 990 ₽, в наличии 5 шт.;
//! шумоподавление: да»), citing `catalogue:SKU`. Columns other than the known
//! ones are specifications, said as «column: value».

use std::collections::HashMap;

use crate::error::SourceError;
use crate::passage::{Kind, Passage};

use super::table::{Table, fold};

const SKU: [&str; 6] = ["sku", "артикул", "код", "код товара", "id", "article"];
const NAME: [&str; 6] = [
    "name",
    "название",
    "наименование",
    "товар",
    "product",
    "title",
];
const PRICE: [&str; 3] = ["price", "цена", "стоимость"];
const STOCK: [&str; 9] = [
    "stock",
    "остаток",
    "остатки",
    "наличие",
    "в наличии",
    "количество",
    "кол-во",
    "qty",
    "quantity",
];
const CATEGORY: [&str; 4] = ["category", "категория", "раздел", "группа"];
const CURRENCY: [&str; 2] = ["currency", "валюта"];
const DESCRIPTION: [&str; 2] = ["description", "описание"];
/// Words customers use for a product that its name lacks («айфон»).
const ALIASES: [&str; 5] = [
    "aliases",
    "синонимы",
    "также ищут",
    "keywords",
    "ключевые слова",
];
/// Links to pictures mean nothing in a chat answer.
const IGNORED: [&str; 6] = [
    "image",
    "images",
    "photo",
    "фото",
    "изображение",
    "картинка",
];

pub(super) fn is_catalogue(table: &Table) -> bool {
    matches!(
        (table.column(&SKU), table.column(&NAME)),
        (Ok(Some(_)), Ok(Some(_)))
    )
}

struct Columns {
    sku: usize,
    name: usize,
    price: Option<usize>,
    stock: Option<usize>,
    category: Option<usize>,
    currency: Option<usize>,
    description: Option<usize>,
    aliases: Option<usize>,
    specs: Vec<usize>,
}

impl Columns {
    fn of(table: &Table) -> Result<Columns, SourceError> {
        let unknown = || SourceError::UnknownTable {
            file: table.file.clone(),
            found: table.header.clone(),
        };
        let mut columns = Columns {
            sku: table.column(&SKU)?.ok_or_else(unknown)?,
            name: table.column(&NAME)?.ok_or_else(unknown)?,
            price: table.column(&PRICE)?,
            stock: table.column(&STOCK)?,
            category: table.column(&CATEGORY)?,
            currency: table.column(&CURRENCY)?,
            description: table.column(&DESCRIPTION)?,
            aliases: table.column(&ALIASES)?,
            specs: Vec::new(),
        };
        let known = [
            Some(columns.sku),
            Some(columns.name),
            columns.price,
            columns.stock,
            columns.category,
            columns.currency,
            columns.description,
            columns.aliases,
        ];
        columns.specs = (0..table.header.len())
            .filter(|index| !known.contains(&Some(*index)))
            .filter(|&index| {
                let header = fold(&table.header[index]);
                !header.is_empty() && !IGNORED.contains(&header.as_str())
            })
            .collect();
        Ok(columns)
    }
}

pub(super) fn passages(table: &Table) -> Result<Vec<Passage>, Vec<SourceError>> {
    let columns = Columns::of(table).map_err(|e| vec![e])?;
    let mut passages = Vec::new();
    let mut problems = Vec::new();
    // SKUs compare without case: «ap-pro2» and «AP-PRO2» are one product.
    let mut first_rows: HashMap<String, u64> = HashMap::new();
    for (row, cells) in &table.rows {
        match product(table, &columns, *row, cells) {
            Ok(passage) => {
                let sku = passage.sku.clone().unwrap_or_default();
                if let Some(first) = first_rows.get(&sku.to_lowercase()) {
                    problems.push(SourceError::DuplicateSku {
                        file: table.file.clone(),
                        row: *row,
                        column: table.header[columns.sku].clone(),
                        sku,
                        first: format!("row {first}"),
                    });
                } else {
                    first_rows.insert(sku.to_lowercase(), *row);
                    passages.push(passage);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(passages)
    } else {
        Err(problems)
    }
}

fn product(
    table: &Table,
    columns: &Columns,
    row: u64,
    cells: &[String],
) -> Result<Passage, SourceError> {
    let cell = |index: usize| cells.get(index).map_or("", |c| c.as_str());
    let optional = |index: Option<usize>| index.map(cell).filter(|value| !value.is_empty());
    let bad = |index: usize, message: &'static str| SourceError::Value {
        file: table.file.clone(),
        row,
        column: table.header[index].clone(),
        value: cell(index).to_string(),
        message,
    };
    let sku = cell(columns.sku);
    if sku.is_empty() {
        return Err(bad(columns.sku, "the SKU is empty"));
    }
    let name = cell(columns.name);
    if name.is_empty() {
        return Err(bad(columns.name, "the name is empty"));
    }
    let mut terms = Vec::new();
    if let (Some(index), Some(value)) = (columns.price, optional(columns.price)) {
        let kopecks = parse_price(value)
            .ok_or_else(|| bad(index, "expected a price such as 24990 or 24 990,50"))?;
        let currency = currency_sign(optional(columns.currency).unwrap_or("₽"));
        terms.push(format!("цена {} {currency}", format_price(kopecks)));
    }
    if let (Some(index), Some(value)) = (columns.stock, optional(columns.stock)) {
        let stock = parse_stock(value)
            .ok_or_else(|| bad(index, "expected a whole number of items, or да/нет"))?;
        terms.push(match stock {
            Stock::Count(0) | Stock::No => "нет в наличии".to_string(),
            Stock::Count(count) => format!("в наличии {count} шт."),
            Stock::Yes => "в наличии".to_string(),
        });
    }
    let mut parts = vec![if terms.is_empty() {
        name.to_string()
    } else {
        format!("{name} — {}", terms.join(", "))
    }];
    if let Some(category) = optional(columns.category) {
        parts.push(format!("категория: {category}"));
    }
    for &index in &columns.specs {
        let value = cell(index);
        if !value.is_empty() {
            parts.push(format!("{}: {value}", spec_label(&table.header[index])));
        }
    }
    parts.push(format!("артикул: {sku}"));
    let mut text = parts.join("; ");
    if let Some(description) = optional(columns.description) {
        text.push_str(". ");
        text.push_str(description);
    }
    let alternatives = optional(columns.aliases)
        .map(|aliases| {
            aliases
                .split([',', ';', '|'])
                .map(str::trim)
                .filter(|alias| !alias.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(Passage {
        kind: Kind::Product,
        citation: format!("catalogue:{sku}"),
        title: name.to_string(),
        alternatives,
        text,
        sku: Some(sku.to_string()),
    })
}

/// «Шумоподавление» reads as «шумоподавление» mid-sentence; «RAM» stays.
fn spec_label(header: &str) -> String {
    let mut chars = header.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            first.to_lowercase().chain([second]).chain(chars).collect()
        }
        _ => header.trim().to_string(),
    }
}

/// Kopecks (or cents) of a price written as people write it: «24990»,
/// «24 990», «24990.00», «24 990,50 ₽», «24990 руб.».
fn parse_price(text: &str) -> Option<u64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let lower = compact.to_lowercase();
    let number = ["₽", "руб.", "руб", "р.", "р", "rub", "rur"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix))
        .unwrap_or(&lower)
        .replace(',', ".");
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (number.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return None;
    }
    let fraction = format!("{fraction:0<2}");
    whole
        .parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(fraction.parse().ok()?)
}

/// «24 990», or «24 990,50» when there are kopecks.
fn format_price(kopecks: u64) -> String {
    let whole = (kopecks / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(digit);
    }
    match kopecks % 100 {
        0 => grouped,
        rest => format!("{grouped},{rest:02}"),
    }
}

fn currency_sign(currency: &str) -> String {
    match fold(currency).as_str() {
        "rub" | "rur" | "руб" | "руб." | "р" | "₽" => "₽".to_string(),
        "usd" | "$" => "$".to_string(),
        "eur" | "€" => "€".to_string(),
        _ => currency.trim().to_string(),
    }
}

enum Stock {
    Count(u64),
    Yes,
    No,
}

fn parse_stock(text: &str) -> Option<Stock> {
    let folded = fold(text);
    match folded.as_str() {
        "да" | "есть" | "в наличии" | "yes" | "in stock" => return Some(Stock::Yes),
        "нет" | "нет в наличии" | "no" | "out of stock" => return Some(Stock::No),
        _ => {}
    }
    let number = folded
        .strip_suffix("шт.")
        .or_else(|| folded.strip_suffix("шт"))
        .unwrap_or(&folded)
        .trim();
    number.parse().ok().map(Stock::Count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_as_people_write_them() {
        assert_eq!(parse_price("24990"), Some(2_499_000));
        assert_eq!(parse_price("24 990"), Some(2_499_000));
        assert_eq!(parse_price("24\u{a0}990,5 ₽"), Some(2_499_050));
        assert_eq!(parse_price("24990.00 руб."), Some(2_499_000));
        assert_eq!(parse_price("-5"), None);
        assert_eq!(parse_price("договорная"), None);
        assert_eq!(parse_price("1.234"), None);
    }

    #[test]
    fn prices_are_said_with_thousands_apart() {
        assert_eq!(format_price(2_499_000), "24 990");
        assert_eq!(format_price(12_999_000), "129 990");
        assert_eq!(format_price(99_050), "990,50");
        assert_eq!(format_price(100_000_000), "1 000 000");
    }

    #[test]
    fn spec_headers_read_as_words_mid_sentence() {
        assert_eq!(spec_label("Шумоподавление"), "шумоподавление");
        assert_eq!(spec_label("RAM"), "RAM");
    }
}
