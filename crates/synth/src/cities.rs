//! Russian cities with what a CRM needs to fake them: telephone area codes,
//! the tax-region code (first digits of ИНН), a postcode prefix, and the
//! ways people really write them (МСК, Питер, ЕКБ, Н.Новгород, Moscow …).

use rand::rngs::StdRng;

use crate::chance::{chance, pick};
use crate::translit::{SCHEMES, transliterate};

/// A city and its spellings.
#[derive(Debug)]
pub(crate) struct City {
    /// The canonical Russian name, as in the truth files.
    pub name: &'static str,
    /// Telephone area codes (3 or 4 digits after +7).
    pub codes: &'static [&'static str],
    /// The region's tax code: the first two digits of a local ИНН.
    pub region: u8,
    /// The first three digits of local postcodes.
    pub postcode: &'static str,
    /// Nicknames and abbreviations in real use (Cyrillic and Latin).
    pub aliases: &'static [&'static str],
    /// How often the city appears, relative to the others.
    pub weight: u32,
}

const fn city(
    name: &'static str,
    codes: &'static [&'static str],
    region: u8,
    postcode: &'static str,
    aliases: &'static [&'static str],
    weight: u32,
) -> City {
    City {
        name,
        codes,
        region,
        postcode,
        aliases,
        weight,
    }
}

pub(crate) static CITIES: &[City] = &[
    city(
        "Москва",
        &["495", "499"],
        77,
        "12",
        &[
            "МСК",
            "мск",
            "Мск",
            "Moscow",
            "Moskva",
            "г Москва",
            "Масква",
            "MSK",
        ],
        300,
    ),
    city(
        "Санкт-Петербург",
        &["812"],
        78,
        "19",
        &[
            "Питер",
            "питер",
            "СПб",
            "СПБ",
            "спб",
            "С-Петербург",
            "С.-Петербург",
            "Санкт Петербург",
            "Санкт-петербург",
            "Петербург",
            "St. Petersburg",
            "Saint Petersburg",
            "Sankt-Peterburg",
            "St Petersburg",
            "SPb",
            "С-Пб",
        ],
        140,
    ),
    city(
        "Новосибирск",
        &["383"],
        54,
        "630",
        &["Нск", "НСК", "Новосиб", "Novosibirsk", "Н-ск"],
        40,
    ),
    city(
        "Екатеринбург",
        &["343"],
        66,
        "620",
        &[
            "ЕКБ",
            "Екб",
            "екб",
            "Екат",
            "Ekaterinburg",
            "Yekaterinburg",
            "Е-бург",
        ],
        40,
    ),
    city(
        "Казань",
        &["843"],
        16,
        "420",
        &["Kazan", "казань", "КЗН"],
        35,
    ),
    city(
        "Нижний Новгород",
        &["831"],
        52,
        "603",
        &[
            "Нижний",
            "Н.Новгород",
            "Н. Новгород",
            "Н Новгород",
            "Нижний новгород",
            "Нижний-Новгород",
            "НН",
            "Nizhny Novgorod",
            "Nizhniy Novgorod",
        ],
        30,
    ),
    city(
        "Челябинск",
        &["351"],
        74,
        "454",
        &["Челяба", "Chelyabinsk", "Челяб."],
        28,
    ),
    city("Самара", &["846"], 63, "443", &["Samara", "смр"], 28),
    city("Омск", &["3812"], 55, "644", &["Omsk"], 25),
    city(
        "Ростов-на-Дону",
        &["863"],
        61,
        "344",
        &[
            "Ростов",
            "Ростов на Дону",
            "Ростов-на-дону",
            "РнД",
            "Rostov-on-Don",
            "Rostov-na-Donu",
        ],
        28,
    ),
    city("Уфа", &["347"], 2, "450", &["Ufa", "уфа"], 25),
    city(
        "Красноярск",
        &["391"],
        24,
        "660",
        &["Крск", "Krasnoyarsk", "КрасЯр"],
        25,
    ),
    city("Воронеж", &["473"], 36, "394", &["Voronezh", "Врн"], 22),
    city("Пермь", &["342"], 59, "614", &["Perm", "пермь"], 22),
    city("Волгоград", &["8442"], 34, "400", &["Volgograd", "Влг"], 20),
    city(
        "Краснодар",
        &["861"],
        23,
        "350",
        &["Крд", "КРД", "Krasnodar", "Краснодар-на-Кубани"],
        25,
    ),
    city("Саратов", &["8452"], 64, "410", &["Saratov"], 18),
    city("Тюмень", &["3452"], 72, "625", &["Tyumen", "Тмн"], 18),
    city(
        "Тольятти",
        &["8482"],
        63,
        "445",
        &["Тлт", "Тольяти", "Togliatti", "Tolyatti"],
        14,
    ),
    city("Ижевск", &["3412"], 18, "426", &["Izhevsk"], 14),
    city("Барнаул", &["3852"], 22, "656", &["Barnaul"], 14),
    city("Ульяновск", &["8422"], 73, "432", &["Ulyanovsk"], 12),
    city("Иркутск", &["3952"], 38, "664", &["Irkutsk", "Ирк"], 14),
    city(
        "Хабаровск",
        &["4212"],
        27,
        "680",
        &["Хабар", "Khabarovsk"],
        12,
    ),
    city(
        "Ярославль",
        &["4852"],
        76,
        "150",
        &["Yaroslavl", "Ярославль."],
        12,
    ),
    city(
        "Владивосток",
        &["423"],
        25,
        "690",
        &["Влад", "Владик", "Vladivostok", "ВДК"],
        14,
    ),
    city(
        "Махачкала",
        &["8722"],
        5,
        "367",
        &["Махач", "Makhachkala"],
        10,
    ),
    city("Томск", &["3822"], 70, "634", &["Tomsk"], 10),
    city("Оренбург", &["3532"], 56, "460", &["Orenburg"], 10),
    city(
        "Кемерово",
        &["3842"],
        42,
        "650",
        &["Kemerovo", "Кемерова"],
        10,
    ),
    city(
        "Новокузнецк",
        &["3843"],
        42,
        "654",
        &["Новокузня", "Нвкз", "Novokuznetsk"],
        8,
    ),
    city("Рязань", &["4912"], 62, "390", &["Ryazan"], 8),
    city("Астрахань", &["8512"], 30, "414", &["Astrakhan"], 8),
    city(
        "Набережные Челны",
        &["8552"],
        16,
        "423",
        &[
            "Челны",
            "Наб. Челны",
            "Наб.Челны",
            "Н.Челны",
            "Naberezhnye Chelny",
        ],
        8,
    ),
    city("Пенза", &["8412"], 58, "440", &["Penza"], 8),
    city("Липецк", &["4742"], 48, "398", &["Lipetsk"], 8),
    city("Киров", &["8332"], 43, "610", &["Kirov", "Вятка"], 8),
    city(
        "Калининград",
        &["4012"],
        39,
        "236",
        &["Кёниг", "Kaliningrad", "Клд"],
        10,
    ),
    city("Тула", &["4872"], 71, "300", &["Tula"], 8),
    city("Сочи", &["862"], 23, "354", &["Sochi"], 10),
    city(
        "Ставрополь",
        &["8652"],
        26,
        "355",
        &["Ставрик", "Stavropol"],
        8,
    ),
    city("Курск", &["4712"], 46, "305", &["Kursk"], 6),
    city("Тверь", &["4822"], 69, "170", &["Tver"], 6),
    city(
        "Магнитогорск",
        &["3519"],
        74,
        "455",
        &["Магнитка", "Magnitogorsk"],
        6,
    ),
    city(
        "Севастополь",
        &["8692"],
        92,
        "299",
        &["Севас", "Sevastopol"],
        6,
    ),
    city("Орёл", &["4862"], 57, "302", &["Орел", "Oryol", "Orel"], 5),
    city(
        "Петропавловск-Камчатский",
        &["4152"],
        41,
        "683",
        &["Петропавловск", "П-Камчатский", "Petropavlovsk-Kamchatsky"],
        3,
    ),
    city("Якутск", &["4112"], 14, "677", &["Yakutsk"], 4),
];

/// A city, big cities more often.
pub(crate) fn pick_city(rng: &mut StdRng) -> &'static City {
    let total: u32 = CITIES.iter().map(|city| city.weight).sum();
    let mut roll = rand::Rng::random_range(rng, 0..total);
    for city in CITIES {
        if roll < city.weight {
            return city;
        }
        roll -= city.weight;
    }
    &CITIES[0]
}

/// The city's canonical entry by name.
#[cfg(test)]
pub(crate) fn by_name(name: &str) -> Option<&'static City> {
    CITIES.iter().find(|city| city.name == name)
}

/// How a CRM row shows a city: the canonical name, a real alias, a "г."
/// form, another case, a Latin spelling, "ё" written "е", or a typo.
pub(crate) fn show_city(rng: &mut StdRng, city: &City, alias_rate: f64) -> String {
    let name = city.name;
    if !chance(rng, alias_rate) {
        return name.to_string();
    }
    let roll = rand::Rng::random_range(rng, 0..100);
    match roll {
        0..=39 => (*pick(rng, city.aliases)).to_string(),
        40..=59 => {
            let forms = [
                format!("г. {name}"),
                format!("г.{name}"),
                format!("{name} г"),
                format!("{name} г."),
                format!("город {name}"),
                format!("Россия, {name}"),
                format!("{name}, Россия"),
                format!("РФ, г. {name}"),
            ];
            pick(rng, &forms).clone()
        }
        60..=69 => name.to_lowercase(),
        70..=74 => name.to_uppercase(),
        75..=84 => transliterate(name, *pick(rng, &SCHEMES)),
        85..=89 => name.replace('ё', "е").replace('-', " "),
        _ => crate::typos::typo(rng, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_about_forty_cities_with_aliases() {
        assert!(CITIES.len() >= 40);
        assert!(
            CITIES
                .iter()
                .all(|city| !city.aliases.is_empty() && !city.codes.is_empty())
        );
        assert!(
            CITIES
                .iter()
                .flat_map(|city| city.codes)
                .all(|code| (3..=4).contains(&code.len()))
        );
    }
}
