//! Street addresses in a Russian city and the ways a CRM writes one address:
//! `ул. Ленина, д. 12, кв. 45`, `Ленина ул, 12-45`, `улица Ленина, дом 12,
//! квартира 45`, with or without the postcode and the city.

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{chance, digits, pick};
use crate::cities::City;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Street,
    Avenue,
    Lane,
    Highway,
    Boulevard,
}

impl Kind {
    /// Short forms, long form first.
    fn forms(self) -> &'static [&'static str] {
        match self {
            Kind::Street => &["улица", "ул.", "ул"],
            Kind::Avenue => &["проспект", "пр-т", "пр.", "пр-кт"],
            Kind::Lane => &["переулок", "пер.", "пер"],
            Kind::Highway => &["шоссе", "ш."],
            Kind::Boulevard => &["бульвар", "б-р", "бул."],
        }
    }
}

const STREETS: &[(&str, Kind)] = &[
    ("Ленина", Kind::Street),
    ("Мира", Kind::Avenue),
    ("Советская", Kind::Street),
    ("Садовая", Kind::Street),
    ("Лесная", Kind::Street),
    ("Центральная", Kind::Street),
    ("Школьная", Kind::Street),
    ("Молодёжная", Kind::Street),
    ("Набережная", Kind::Street),
    ("Гагарина", Kind::Street),
    ("Пушкина", Kind::Street),
    ("Кирова", Kind::Street),
    ("Ломоносова", Kind::Avenue),
    ("Победы", Kind::Avenue),
    ("Энтузиастов", Kind::Highway),
    ("Строителей", Kind::Avenue),
    ("Космонавтов", Kind::Avenue),
    ("Октябрьская", Kind::Street),
    ("Комсомольский", Kind::Avenue),
    ("Тверской", Kind::Boulevard),
    ("Гоголевский", Kind::Boulevard),
    ("Зелёная", Kind::Street),
    ("Заводская", Kind::Street),
    ("Первомайская", Kind::Street),
    ("Карла Маркса", Kind::Street),
    ("Чехова", Kind::Street),
    ("Толстого", Kind::Street),
    ("Лермонтова", Kind::Street),
    ("Горького", Kind::Street),
    ("Суворова", Kind::Street),
    ("Кутузовский", Kind::Avenue),
    ("Ленинградский", Kind::Avenue),
    ("Нахимова", Kind::Avenue),
    ("Вокзальная", Kind::Street),
    ("Полевая", Kind::Street),
    ("Луговой", Kind::Lane),
    ("Почтовый", Kind::Lane),
    ("Банковский", Kind::Lane),
    ("Садовый", Kind::Lane),
    ("Фрунзе", Kind::Street),
    ("Дзержинского", Kind::Street),
    ("Свердлова", Kind::Street),
    ("Чкалова", Kind::Street),
    ("Маршала Жукова", Kind::Avenue),
    ("Дмитровское", Kind::Highway),
    ("Рябиновая", Kind::Street),
    ("Северная", Kind::Street),
];

/// A home or office address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    postcode: String,
    street: &'static str,
    kind: Kind,
    house: u16,
    block: Option<u8>,
    flat: Option<u16>,
    office: bool,
}

/// An address in `city`; `office` gives an office number instead of a flat.
pub(crate) fn address(rng: &mut StdRng, city: &City, office: bool) -> Address {
    let (street, kind) = *pick(rng, STREETS);
    let postcode = format!("{}{}", city.postcode, digits(rng, 6 - city.postcode.len()));
    Address {
        postcode,
        street,
        kind,
        house: rng.random_range(1..160),
        block: chance(rng, 0.2).then(|| rng.random_range(1..6)),
        flat: chance(rng, if office { 0.7 } else { 0.9 }).then(|| rng.random_range(1..400)),
        office,
    }
}

/// The address as a row shows it, sometimes with the postcode and city.
pub(crate) fn show(rng: &mut StdRng, address: &Address, city: &City) -> String {
    let forms = address.kind.forms();
    let kind = *pick(rng, forms);
    let street = if chance(rng, 0.3) {
        address.street.replace('ё', "е")
    } else {
        address.street.to_string()
    };
    let street_part = if chance(rng, 0.75) {
        format!("{kind} {street}")
    } else {
        format!("{street} {kind}")
    };
    let house = address.house;
    let compact = chance(rng, 0.25);
    let house_part = match (address.block, compact) {
        (Some(block), true) => format!("{house}к{block}"),
        (Some(block), false) => {
            let word = pick(rng, &["д.", "д. ", "дом ", ""]);
            let block_word = pick(rng, &["к.", "к. ", "корп. ", "корпус "]);
            format!("{word}{house}, {block_word}{block}")
        }
        (None, _) => {
            let word = pick(rng, &["д.", "д. ", "дом ", "", "д "]);
            format!("{word}{house}")
        }
    };
    let mut text = match address.flat {
        Some(flat) if compact => format!("{street_part}, {house_part}-{flat}"),
        Some(flat) => {
            let word = if address.office {
                *pick(rng, &["оф. ", "офис ", "оф."])
            } else {
                *pick(rng, &["кв. ", "кв.", "квартира ", "кв "])
            };
            format!("{street_part}, {house_part}, {word}{flat}")
        }
        None => format!("{street_part}, {house_part}"),
    };
    if chance(rng, 0.15) {
        text = text.replace(", ", " ");
    }
    match rng.random_range(0..10) {
        0 | 1 => format!("г. {}, {text}", city.name),
        2 => format!("{}, г. {}, {text}", address.postcode, city.name),
        3 => format!("{}, {text}", city.name),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::cities::by_name;

    #[test]
    fn every_form_names_the_street_and_house() {
        let mut rng = StdRng::seed_from_u64(2);
        let moscow = by_name("Москва").expect("Москва is listed");
        for _ in 0..200 {
            let home = address(&mut rng, moscow, false);
            let shown = show(&mut rng, &home, moscow);
            assert!(shown.contains(&home.house.to_string()), "{shown}");
            assert!(
                shown.contains(&home.street.replace('ё', "е")) || shown.contains(home.street),
                "{shown}"
            );
            assert!(home.postcode.starts_with('1') && home.postcode.len() == 6);
        }
    }
}
