//! Employers and sole traders: a company's name, legal form, ИНН, office
//! phone and web domain, and the ways the legal form gets written (ООО
//! «Ромашка», ООО "Ромашка", Общество с ограниченной ответственностью
//! «Ромашка», ИП Иванов И.И.).

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;

use crate::addresses::{Address, address};
use crate::chance::{chance, pick, weighted};
use crate::cities::City;
use crate::emails::slug;
use crate::ids::inn10;
use crate::names::initial;
use crate::phones::{Phone, landline};
use crate::translit::Scheme;

/// A legal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Ooo,
    Ao,
    Pao,
    Zao,
}

/// An organisation contacts work for.
#[derive(Debug)]
pub(crate) struct Company {
    pub form: Form,
    pub name: String,
    pub inn: String,
    pub domain: String,
    pub phone: Phone,
    pub office: Address,
    pub city: &'static City,
}

const WORDS: &[&str] = &[
    "Ромашка",
    "Вектор",
    "Горизонт",
    "Меридиан",
    "Альянс",
    "Партнёр",
    "Эталон",
    "Импульс",
    "Лидер",
    "Фортуна",
    "Гарант",
    "Феникс",
    "Прогресс",
    "Стандарт",
    "Орбита",
    "Арсенал",
    "Монолит",
    "Созвездие",
    "Каскад",
    "Континент",
    "Атлант",
    "Вертикаль",
    "Магистраль",
    "Сфера",
    "Берёзка",
    "Северное сияние",
    "Три кита",
    "Парус",
    "Рассвет",
    "Кристалл",
];

const PREFIXES: &[&str] = &[
    "Строй",
    "Техно",
    "Агро",
    "Мед",
    "Энерго",
    "Транс",
    "Инвест",
    "Торг",
    "Проф",
    "Альфа",
    "Гранд",
    "Евро",
    "Сиб",
    "Урал",
    "Волга",
    "Нева",
    "Север",
    "Юг",
    "Спец",
    "Авто",
    "Инфо",
    "Дом",
    "Эко",
    "Нефте",
    "Пром",
    "Бизнес",
];

const SUFFIXES: &[&str] = &[
    "Сервис",
    "Трейд",
    "Групп",
    "Снаб",
    "Комплект",
    "Маркет",
    "Лайн",
    "Пром",
    "Систем",
    "Логистик",
    "Капитал",
    "Мастер",
    "Стиль",
    "Плюс",
    "Строй",
    "Тех",
    "Ресурс",
    "Холдинг",
    "Монтаж",
];

fn company_name(rng: &mut StdRng) -> String {
    if chance(rng, 0.35) {
        return (*pick(rng, WORDS)).to_string();
    }
    loop {
        let prefix = *pick(rng, PREFIXES);
        let suffix = *pick(rng, SUFFIXES);
        if prefix == suffix {
            continue;
        }
        return if chance(rng, 0.6) {
            format!("{prefix}{suffix}")
        } else {
            format!("{prefix}{}", suffix.to_lowercase())
        };
    }
}

/// A new company in `city`, its name and domain not yet used.
pub(crate) fn company(
    rng: &mut StdRng,
    city: &'static City,
    names: &mut HashSet<String>,
) -> Company {
    let mut name = company_name(rng);
    let mut tries = 0;
    while names.contains(&name) {
        tries += 1;
        // The name space is finite; past a few tries a number keeps large runs going.
        name = if tries > 8 {
            format!("{} {}", company_name(rng), names.len() + tries)
        } else {
            format!(
                "{} {}",
                company_name(rng),
                pick(rng, &["Плюс", "Групп", "М", "2000", "Про"])
            )
        };
    }
    names.insert(name.clone());
    let mut domain = slug(&name, Scheme::Informal);
    domain.push_str(pick::<&str>(
        rng,
        &[".ru", ".ru", ".ru", ".com", "-group.ru", ".net"],
    ));
    let form = weighted(
        rng,
        &[
            (Form::Ooo, 80),
            (Form::Ao, 9),
            (Form::Pao, 3),
            (Form::Zao, 8),
        ],
    );
    Company {
        form,
        inn: inn10(rng, city.region),
        phone: landline(rng, city),
        office: address(rng, city, true),
        domain,
        name,
        city,
    }
}

/// The company as a "Компания" cell shows it.
pub(crate) fn show(rng: &mut StdRng, company: &Company) -> String {
    let name = if chance(rng, 0.5) {
        company.name.replace('ё', "е")
    } else {
        company.name.clone()
    };
    let (short, long) = match company.form {
        Form::Ooo => ("ООО", "Общество с ограниченной ответственностью"),
        Form::Ao => ("АО", "Акционерное общество"),
        Form::Pao => ("ПАО", "Публичное акционерное общество"),
        Form::Zao => ("ЗАО", "Закрытое акционерное общество"),
    };
    match rng.random_range(0..100) {
        0..=29 => format!("{short} «{name}»"),
        30..=49 => format!("{short} \"{name}\""),
        50..=59 => format!("{short} {name}"),
        60..=64 => format!("\"{name}\", {short}"),
        65..=72 => format!("{long} «{name}»"),
        73..=75 => format!("{short} '{name}'"),
        76..=78 => format!("{} «{name}»", short.to_lowercase()),
        // Latin letters typed for "ООО" / "АО".
        79..=81 => format!("{} \"{name}\"", short.replace('О', "O").replace('А', "A")),
        82..=84 => format!("{short}“{name}”"),
        85..=87 => format!("{} \"{name}\"", long.to_uppercase()),
        _ => name,
    }
}

/// A sole trader's "Компания" cell: ИП and the owner's name.
pub(crate) fn show_sole_trader(
    rng: &mut StdRng,
    surname: &str,
    first: &str,
    patronymic: Option<&str>,
) -> String {
    let initials = match patronymic {
        Some(p) => format!("{}{}", initial(first), initial(p)),
        None => initial(first),
    };
    let full = match patronymic {
        Some(p) => format!("{surname} {first} {p}"),
        None => format!("{surname} {first}"),
    };
    match rng.random_range(0..10) {
        0..=2 => format!("ИП {surname} {initials}"),
        3..=4 => format!("ИП {full}"),
        5 => format!("Индивидуальный предприниматель {full}"),
        6 => format!("ИП {surname}"),
        7 => format!("{surname} {initials} ИП"),
        8 => format!("ИП \"{full}\""),
        _ => format!("И.П. {full}"),
    }
}
