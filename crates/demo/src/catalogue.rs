//! The shop's catalogue: sneakers in several colours with their sizes, and
//! electronics with their specs; prices in roubles, stock (some sold out),
//! and three items recorded twice under different SKUs (`SN-1001` and
//! `SN1001-A`) for master-data work to find.
//!
//! It makes products only; what people buy is decided in `deals`.

use chrono::{DateTime, TimeDelta, Utc};
use domain::{EntityKind, Id, Record};
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Map, Value as Json, json};

use crate::chance::{chance, moment_between};
use crate::factory::Factory;

/// What other generators need to know about a product.
#[derive(Debug, Clone)]
pub(crate) struct ProductInfo {
    /// Its id.
    pub(crate) id: Id,
    /// Its SKU as stored.
    pub(crate) sku: String,
    /// Its name.
    pub(crate) name: String,
    /// Its price in whole roubles.
    pub(crate) price: i64,
    /// Whether it is a pair of sneakers (sizes apply) rather than electronics.
    pub(crate) is_sneakers: bool,
}

/// (brand, model, base price, category, material)
#[rustfmt::skip]
const SNEAKERS: &[(&str, &str, i64, &str, &str)] = &[
    ("Nike", "Air Max 90", 12_990, "Кроссовки", "кожа/текстиль"),
    ("Nike", "Air Force 1 '07", 10_990, "Кроссовки", "кожа"),
    ("Nike", "Dunk Low", 11_990, "Кроссовки", "кожа"),
    ("Nike", "Pegasus 40", 13_990, "Беговые кроссовки", "текстиль"),
    ("Adidas", "Samba OG", 11_490, "Кроссовки", "кожа/замша"),
    ("Adidas", "Gazelle", 9_990, "Кроссовки", "замша"),
    ("Adidas", "Ultraboost 22", 16_990, "Беговые кроссовки", "текстиль"),
    ("Adidas", "Forum Low", 9_490, "Кроссовки", "кожа"),
    ("New Balance", "574", 9_990, "Кроссовки", "замша/текстиль"),
    ("New Balance", "530", 10_490, "Кроссовки", "текстиль"),
    ("New Balance", "9060", 17_990, "Кроссовки", "замша/сетка"),
    ("Puma", "Suede Classic", 7_490, "Кроссовки", "замша"),
    ("Puma", "RS-X", 9_990, "Кроссовки", "текстиль"),
    ("Asics", "Gel-Kayano 14", 14_990, "Беговые кроссовки", "сетка"),
    ("Asics", "Gel-1130", 11_990, "Кроссовки", "сетка/кожа"),
    ("Reebok", "Club C 85", 7_990, "Кроссовки", "кожа"),
    ("Converse", "Chuck Taylor All Star", 6_490, "Кеды", "канвас"),
    ("Vans", "Old Skool", 6_990, "Кеды", "замша/канвас"),
    ("Salomon", "XT-6", 19_990, "Кроссовки", "текстиль"),
    ("Saucony", "Jazz Original", 8_490, "Кроссовки", "замша/нейлон"),
];

#[rustfmt::skip]
const COLOURS: &[&str] = &[
    "белый", "чёрный", "серый", "бежевый", "синий", "зелёный", "красный",
];

/// (name, category, price, specs as "key=value" pairs, colours)
#[rustfmt::skip]
const ELECTRONICS: &[(&str, &str, i64, &str, &[&str])] = &[
    ("Apple iPhone 15 128 ГБ", "Смартфоны", 79_990, "brand=Apple;memory_gb=128;screen_in=6.1", &["чёрный", "голубой"]),
    ("Apple iPhone 15 256 ГБ", "Смартфоны", 89_990, "brand=Apple;memory_gb=256;screen_in=6.1", &["чёрный", "розовый"]),
    ("Samsung Galaxy S24 256 ГБ", "Смартфоны", 84_990, "brand=Samsung;memory_gb=256;screen_in=6.2", &["чёрный", "фиолетовый"]),
    ("Samsung Galaxy A55 128 ГБ", "Смартфоны", 36_990, "brand=Samsung;memory_gb=128;screen_in=6.6", &["синий", "лимонный"]),
    ("Xiaomi Redmi Note 13 Pro 256 ГБ", "Смартфоны", 29_990, "brand=Xiaomi;memory_gb=256;screen_in=6.67", &["чёрный", "фиолетовый"]),
    ("POCO X6 Pro 256 ГБ", "Смартфоны", 31_990, "brand=POCO;memory_gb=256;screen_in=6.67", &["жёлтый", "серый"]),
    ("Google Pixel 8 128 ГБ", "Смартфоны", 59_990, "brand=Google;memory_gb=128;screen_in=6.2", &["чёрный"]),
    ("Apple AirPods Pro 2", "Наушники", 22_990, "brand=Apple;type=TWS;anc=true;battery_h=6", &["белый"]),
    ("Apple AirPods 3", "Наушники", 16_990, "brand=Apple;type=TWS;anc=false;battery_h=6", &["белый"]),
    ("Sony WH-1000XM5", "Наушники", 32_990, "brand=Sony;type=полноразмерные;anc=true;battery_h=30", &["чёрный", "серебристый"]),
    ("JBL Tune 520BT", "Наушники", 4_490, "brand=JBL;type=накладные;anc=false;battery_h=57", &["чёрный", "синий"]),
    ("Xiaomi Redmi Buds 5", "Наушники", 2_990, "brand=Xiaomi;type=TWS;anc=true;battery_h=10", &["чёрный", "белый"]),
    ("Samsung Galaxy Buds2 Pro", "Наушники", 12_990, "brand=Samsung;type=TWS;anc=true;battery_h=5", &["графит"]),
    ("Apple Watch Series 9 45 мм", "Умные часы", 44_990, "brand=Apple;case_mm=45;gps=true", &["полночь", "серебристый"]),
    ("Samsung Galaxy Watch6 44 мм", "Умные часы", 24_990, "brand=Samsung;case_mm=44;gps=true", &["графит"]),
    ("Xiaomi Smart Band 8", "Фитнес-браслеты", 3_490, "brand=Xiaomi;screen_in=1.62;battery_days=16", &["чёрный", "золотой"]),
    ("Huawei Watch GT 4 46 мм", "Умные часы", 19_990, "brand=Huawei;case_mm=46;gps=true", &["чёрный", "коричневый"]),
    ("Anker PowerCore 20000", "Аксессуары", 4_990, "brand=Anker;capacity_mah=20000;output_w=20", &["чёрный"]),
    ("Xiaomi Power Bank 10000", "Аксессуары", 1_990, "brand=Xiaomi;capacity_mah=10000;output_w=22.5", &["чёрный", "белый"]),
    ("Baseus GaN 65W", "Аксессуары", 2_990, "brand=Baseus;output_w=65;ports=3", &["чёрный"]),
    ("Apple USB-C 20W", "Аксессуары", 2_490, "brand=Apple;output_w=20;ports=1", &["белый"]),
    ("Кабель Baseus USB-C 1 м", "Аксессуары", 690, "brand=Baseus;length_m=1;output_w=100", &["чёрный"]),
    ("Apple iPad 10.9 64 ГБ", "Планшеты", 44_990, "brand=Apple;memory_gb=64;screen_in=10.9", &["серебристый", "синий"]),
    ("Xiaomi Pad 6 128 ГБ", "Планшеты", 29_990, "brand=Xiaomi;memory_gb=128;screen_in=11", &["серый"]),
    ("JBL Flip 6", "Колонки", 11_990, "brand=JBL;output_w=30;waterproof=IP67", &["чёрный", "красный"]),
    ("Яндекс Станция Лайт 2", "Колонки", 6_990, "brand=Яндекс;output_w=6;assistant=Алиса", &["мятный", "фиолетовый"]),
    ("Яндекс Станция Мини 3", "Колонки", 9_990, "brand=Яндекс;output_w=10;assistant=Алиса", &["графит"]),
];

/// How many items are recorded twice under a second SKU.
pub(crate) const TWICE_RECORDED: usize = 3;

/// Makes the catalogue, listed about a year before `now`.
pub(crate) fn generate_products(
    factory: &mut Factory,
    now: DateTime<Utc>,
) -> (Vec<Record>, Vec<ProductInfo>) {
    let listed = now - TimeDelta::days(360);
    let mut raws: Vec<(Json, ProductInfo)> = Vec::new();
    for (model_index, &(brand, model, base_price, category, material)) in
        SNEAKERS.iter().enumerate()
    {
        let mut colours = COLOURS.to_vec();
        colours.shuffle(&mut factory.rng);
        let variants = 3 + usize::from(chance(&mut factory.rng, 0.5));
        for (variant, colour) in colours.into_iter().take(variants).enumerate() {
            let rng = &mut factory.rng;
            let sku = format!("SN-{}", 1001 + model_index * 10 + variant);
            let name = format!("{brand} {model}, {colour}");
            let price = base_price + 500 * rng.random_range(-1..=2);
            let smallest = if chance(rng, 0.3) { 36 } else { 39 };
            let attributes = json!({
                "brand": brand, "model": model, "color": colour, "material": material,
                "sizes": format!("{smallest}–{}", smallest + rng.random_range(6..10)),
                "gender": if smallest == 36 { "унисекс" } else { "мужские" },
            });
            let raw =
                json!({"sku": sku, "name": name, "category": category, "attributes": attributes});
            raws.push((
                raw,
                ProductInfo {
                    id: Id::default(),
                    sku,
                    name,
                    price,
                    is_sneakers: true,
                },
            ));
        }
    }
    for (item_index, &(name, category, price, specs, colours)) in ELECTRONICS.iter().enumerate() {
        for (variant, colour) in colours.iter().enumerate() {
            let sku = format!("EL-{}", 2001 + item_index * 10 + variant);
            let name = if colours.len() > 1 {
                format!("{name}, {colour}")
            } else {
                name.to_string()
            };
            let mut attributes = spec_attributes(specs);
            attributes.insert("color".into(), json!(colour));
            attributes.insert(
                "warranty_months".into(),
                json!(if category == "Аксессуары" {
                    6
                } else {
                    12
                }),
            );
            let raw =
                json!({"sku": sku, "name": name, "category": category, "attributes": attributes});
            raws.push((
                raw,
                ProductInfo {
                    id: Id::default(),
                    sku,
                    name,
                    price,
                    is_sneakers: false,
                },
            ));
        }
    }
    let twice: Vec<usize> =
        rand::seq::index::sample(&mut factory.rng, raws.len(), TWICE_RECORDED).into_vec();
    for index in twice {
        let (raw, info) = &raws[index];
        let sku = second_sku(&info.sku);
        let mut raw = raw.clone();
        raw["sku"] = json!(sku);
        if let Some(attributes) = raw["attributes"].as_object_mut() {
            attributes.retain(|key, _| key == "brand" || key == "color");
        }
        raws.push((
            raw,
            ProductInfo {
                id: Id::default(),
                sku,
                name: info.name.clone(),
                price: info.price + 1_000,
                is_sneakers: info.is_sneakers,
            },
        ));
    }
    let mut records = Vec::with_capacity(raws.len());
    let mut infos = Vec::with_capacity(raws.len());
    for (mut raw, mut info) in raws {
        let rng = &mut factory.rng;
        let stock = if chance(rng, 0.15) {
            0
        } else {
            rng.random_range(1..60)
        };
        raw["stock"] = json!(stock);
        raw["price"] = factory.money(info.price);
        let created_at = moment_between(&mut factory.rng, listed, listed + TimeDelta::days(20));
        let mut record = factory.make(EntityKind::Product, raw, created_at);
        record.updated_at = moment_between(&mut factory.rng, created_at, now);
        info.id = record.id;
        records.push(record);
        infos.push(info);
    }
    (records, infos)
}

/// The SKU a second import gave the same item: `SN-1001` → `SN1001-A`.
fn second_sku(sku: &str) -> String {
    format!("{}-A", sku.replace('-', ""))
}

/// `"brand=Apple;memory_gb=128"` as a JSON object, numbers as numbers.
fn spec_attributes(specs: &str) -> Map<String, Json> {
    specs
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| {
            let value = match (value.parse::<i64>(), value.parse::<f64>(), value) {
                (Ok(whole), _, _) => json!(whole),
                (_, Ok(real), _) => json!(real),
                (_, _, "true") => json!(true),
                (_, _, "false") => json!(false),
                _ => json!(value),
            };
            (key.to_string(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_catalogue_has_about_120_items_three_of_them_twice() {
        // Arrange
        let mut factory = Factory::new(42);
        // Act
        let (records, infos) = generate_products(&mut factory, Utc::now());
        // Assert
        assert!(
            (110..=135).contains(&records.len()),
            "{} products",
            records.len()
        );
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for info in &infos {
            by_name
                .entry(info.name.as_str())
                .or_default()
                .push(info.sku.as_str());
        }
        let twice: Vec<_> = by_name.values().filter(|skus| skus.len() == 2).collect();
        assert_eq!(twice.len(), TWICE_RECORDED, "{twice:?}");
        assert!(
            twice
                .iter()
                .all(|skus| skus[1].ends_with("-A") && !skus[1].contains("--")),
            "{twice:?}"
        );
        assert!(
            records
                .iter()
                .any(|record| record.fields.get("stock") == Some(&domain::Value::Int(0)))
        );
    }

    #[test]
    fn a_second_sku_drops_the_hyphen_and_adds_a_suffix() {
        assert_eq!(second_sku("SN-1001"), "SN1001-A");
        assert_eq!(second_sku("EL-2031"), "EL2031-A");
    }

    #[test]
    fn specs_keep_numbers_as_numbers() {
        let attributes = spec_attributes("brand=Apple;memory_gb=128;screen_in=6.1;anc=true");
        assert_eq!(
            Json::Object(attributes),
            json!({"brand": "Apple", "memory_gb": 128, "screen_in": 6.1, "anc": true})
        );
    }
}
