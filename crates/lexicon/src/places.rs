//! Russian cities and regions: one canonical name for the many ways people
//! write them («г. Москва», «МСК», «Moscow», «Питер», «Свердловская обл.»).

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::{fold, latin_key};

/// A city of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// The canonical Russian name (`Санкт-Петербург`).
    pub name: String,
    pub latin: String,
    pub population: u32,
    /// ISO 3166-2 code of its region (`RU-SPE`); empty when unknown.
    pub region_iso: String,
    /// Its region's Russian name (`Свердловская область`).
    pub region: String,
}

/// A federal subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub iso: String,
    pub name: String,
    pub english: String,
}

/// The gazetteer, loaded once (see [`Places::get`]).
pub struct Places {
    cities: Vec<City>,
    city_keys: HashMap<String, usize>,
    /// Cities large enough that a one-letter typo is more likely them than a village.
    large: Vec<(String, usize)>,
    regions: Vec<Region>,
    region_keys: HashMap<String, usize>,
}

static PLACES: LazyLock<Places> = LazyLock::new(Places::load);

const CITIES: &str = include_str!("../data/cities.tsv");
const REGIONS: &str = include_str!("../data/regions.tsv");
const ALIASES: &str = include_str!("../data/aliases.tsv");

/// Words around a place name that say what kind of place it is.
const CITY_MARKERS: &[&str] = &[
    "г.",
    "г",
    "гор.",
    "город",
    "city",
    "с.",
    "пгт",
    "пгт.",
    "пос.",
    "п.",
    "посёлок",
    "поселок",
    "д.",
    "дер.",
    "деревня",
    "село",
];

impl Places {
    /// The gazetteer, parsed on first use.
    pub fn get() -> &'static Places {
        &PLACES
    }

    fn load() -> Places {
        let mut cities = Vec::new();
        for line in CITIES.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let [name, latin, population, region_iso, region, ..] = cols[..] else {
                continue;
            };
            cities.push(City {
                name: name.to_string(),
                latin: latin.to_string(),
                population: population.parse().unwrap_or(0),
                region_iso: region_iso.to_string(),
                region: region.to_string(),
            });
        }
        let mut city_keys = HashMap::new();
        // Canonical names first, by population (the file's order): a village
        // never takes a city's name; then Latin names; then other spellings.
        for (i, city) in cities.iter().enumerate() {
            city_keys.entry(fold(&city.name)).or_insert(i);
            city_keys
                .entry(fold(&city.name).replace('-', " "))
                .or_insert(i);
        }
        for (i, city) in cities.iter().enumerate() {
            city_keys.entry(latin_key(&city.name)).or_insert(i);
            city_keys.entry(latin_key(&city.latin)).or_insert(i);
        }
        for (i, line) in CITIES.lines().enumerate() {
            if let Some(variants) = line.split('\t').nth(5) {
                for variant in variants.split('|').filter(|v| !v.is_empty()) {
                    city_keys.entry(fold(variant)).or_insert(i);
                }
            }
        }
        let by_name: HashMap<&str, usize> = cities
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        for line in ALIASES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            if let Some((alias, city)) = line.split_once('\t')
                && let Some(&i) = by_name.get(city)
            {
                city_keys.insert(fold(alias), i);
                city_keys.insert(latin_key(alias), i);
            }
        }
        let large = cities
            .iter()
            .enumerate()
            .filter(|(_, c)| c.population >= 90_000)
            .map(|(i, c)| (fold(&c.name), i))
            .collect();

        let mut regions = Vec::new();
        let mut region_keys = HashMap::new();
        for line in REGIONS.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            let [iso, name, english, short, ..] = cols[..] else {
                continue;
            };
            let i = regions.len();
            regions.push(Region {
                iso: iso.to_string(),
                name: name.to_string(),
                english: english.to_string(),
            });
            for key in [
                region_key(name),
                region_key(short),
                latin_key(english),
                fold(iso),
            ] {
                region_keys.entry(key).or_insert(i);
            }
            if let Some(code) = iso.strip_prefix("RU-") {
                region_keys.entry(fold(code)).or_insert(i);
            }
        }
        for (alias, iso) in [
            ("мо", "RU-MOS"),
            ("подмосковье", "RU-MOS"),
            ("ло", "RU-LEN"),
            ("москва", "RU-MOW"),
            ("санкт-петербург", "RU-SPE"),
            ("спб", "RU-SPE"),
            ("питер", "RU-SPE"),
            ("татарстан", "RU-TA"),
            ("башкирия", "RU-BA"),
            ("якутия", "RU-SA"),
            ("чувашия", "RU-CU"),
            ("удмуртия", "RU-UD"),
            ("хмао", "RU-KHM"),
            ("янао", "RU-YAN"),
            ("кбр", "RU-KB"),
            ("кчр", "RU-KC"),
        ] {
            if let Some(i) = regions.iter().position(|r| r.iso == iso) {
                region_keys.insert(region_key(alias), i);
            }
        }
        Places {
            cities,
            city_keys,
            large,
            regions,
            region_keys,
        }
    }

    /// The city `text` names, however written: a marker («г.», «город»),
    /// a region or country after a comma, an alias, a Latin spelling, or one
    /// typo in the name of a city of 90 000 people or more.
    pub fn city(&self, text: &str) -> Option<&City> {
        let folded = fold(text);
        for part in folded.split([',', ';', '(', ')']) {
            let part = strip_markers(part);
            if part.is_empty() {
                continue;
            }
            let latin = part.chars().any(|c| c.is_ascii_alphabetic());
            let keys = [
                part.clone(),
                part.replace('-', " "),
                part.replace(['.', ' '], ""),
            ];
            for key in keys.iter().chain(latin.then(|| latin_key(&part)).iter()) {
                if let Some(&i) = self.city_keys.get(key) {
                    return self.cities.get(i);
                }
            }
            if !latin && let Some(i) = self.abbreviation(&part) {
                return self.cities.get(i);
            }
        }
        None
    }

    /// A city of 200 000 people or more that `part` abbreviates or mistypes:
    /// a prefix («Махач», «Челяб.»), one or two typos («Моксва», «Омзк»),
    /// or its first consonants («смр»). The most populous wins a tie.
    fn abbreviation(&self, part: &str) -> Option<usize> {
        let bare: String = part
            .chars()
            .filter(|c| c.is_alphabetic() || *c == '-' || *c == ' ')
            .collect();
        let length = bare.chars().count();
        if length < 3 {
            return None;
        }
        let big =
            |i: usize, people: u32| self.cities.get(i).is_some_and(|c| c.population >= people);
        // Prefix of a big city's name.
        if (length >= 4 || part.ends_with('.'))
            && let Some((_, i)) = self
                .large
                .iter()
                .find(|(name, i)| name.starts_with(&bare) && big(*i, 200_000))
        {
            return Some(*i);
        }
        // Three letters are a prefix only of one big city («Соч», «Омс»), never a guess between two.
        if length == 3 {
            let mut prefixed = self
                .large
                .iter()
                .filter(|(name, i)| name.starts_with(&bare) && big(*i, 250_000));
            if let (Some((_, i)), None) = (prefixed.next(), prefixed.next()) {
                return Some(*i);
            }
        }
        // Typos: one edit in short names, two in long ones (transpositions count once).
        if length >= 4 {
            let budget = if length >= 8 { 2 } else { 1 };
            let best = self
                .large
                .iter()
                .filter(|(_, i)| length >= 5 || big(*i, 200_000))
                .map(|(name, i)| (transposition_distance(name, &bare), *i))
                .filter(|(d, _)| *d <= budget)
                .min_by_key(|(d, i)| (*d, *i));
            if let Some((_, i)) = best {
                return Some(i);
            }
        }
        // First consonants, as in «смр» for Самара.
        if length <= 4 && bare.chars().all(|c| !"аеёиоуыэюя".contains(c)) {
            return self
                .large
                .iter()
                .filter(|(_, i)| big(*i, 250_000))
                .find(|(name, _)| {
                    let consonants: String = name
                        .chars()
                        .filter(|c| c.is_alphabetic() && !"аеёиоуыэюяьъй".contains(*c))
                        .collect();
                    consonants.starts_with(&bare)
                })
                .map(|(_, i)| *i);
        }
        None
    }

    /// The region `text` names («Свердловская обл.», «Татарстан», «RU-SVE», «МО»).
    pub fn region(&self, text: &str) -> Option<&Region> {
        let key = region_key(text);
        self.region_keys
            .get(&key)
            .or_else(|| self.region_keys.get(&latin_key(text)))
            .and_then(|&i| self.regions.get(i))
    }

    /// The region by its ISO 3166-2 code.
    pub fn region_by_iso(&self, iso: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.iso == iso)
    }

    /// Every city, most populous first.
    /// Every spelling the gazetteer knows (folded: lower case, «ё» as «е»;
    /// canonical names, variants, aliases, Latin keys) with its city: what a
    /// text matcher indexes to find cities inside sentences.
    pub fn city_spellings(&self) -> impl Iterator<Item = (&str, &City)> {
        self.city_keys
            .iter()
            .map(|(key, &i)| (key.as_str(), &self.cities[i]))
    }

    pub fn cities(&self) -> &[City] {
        &self.cities
    }
}

fn strip_markers(part: &str) -> String {
    let mut words: Vec<&str> = part.split_whitespace().collect();
    // «г.Москва»: a marker glued to the name.
    let glued: Vec<String> = words
        .iter()
        .map(|w| {
            for marker in ["г.", "гор.", "пос.", "дер."] {
                if let Some(rest) = w.strip_prefix(marker)
                    && !rest.is_empty()
                {
                    return rest.to_string();
                }
            }
            (*w).to_string()
        })
        .collect();
    words = glued.iter().map(String::as_str).collect();
    while words.len() > 1 && CITY_MARKERS.contains(&words[0]) {
        words.remove(0);
    }
    while words.len() > 1 && words.last().is_some_and(|w| CITY_MARKERS.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// Region names with their kind spelled out («обл.» → «область») and without
/// «г.» or «Республика», so every writing of one region meets.
fn region_key(text: &str) -> String {
    let folded = fold(text).replace(['.', ','], " ");
    let words: Vec<&str> = folded
        .split_whitespace()
        .filter(|w| !matches!(*w, "г" | "республика" | "респ" | "рф" | "россия"))
        .map(|w| match w {
            "обл" | "область" => "область",
            "кр" | "край" => "край",
            "ао" | "автономный" => "ао",
            other => other,
        })
        .collect();
    words.join(" ")
}

/// Edit distance over characters where swapping two neighbours counts once
/// (optimal string alignment). Names are short, so strings of up to 32
/// characters are compared on the stack with three rolling rows: several
/// times faster than a general Damerau–Levenshtein with its hash map.
pub fn transposition_distance(a: &str, b: &str) -> usize {
    const SHORT: usize = 32;
    let mut a_buf = ['\0'; SHORT];
    let mut b_buf = ['\0'; SHORT];
    let fill = |text: &str, buf: &mut [char; SHORT]| -> Option<usize> {
        let mut n = 0;
        for c in text.chars() {
            *buf.get_mut(n)? = c;
            n += 1;
        }
        Some(n)
    };
    match (fill(a, &mut a_buf), fill(b, &mut b_buf)) {
        (Some(la), Some(lb)) => {
            let mut rows = [[0usize; SHORT + 1]; 3];
            osa(&a_buf[..la], &b_buf[..lb], &mut rows)
        }
        _ => {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            let mut rows = vec![vec![0usize; b.len() + 1]; 3];
            osa(&a, &b, &mut rows)
        }
    }
}

/// Optimal string alignment over three rolling rows (`rows[i % 3]`).
fn osa<R: AsMut<[usize]>>(a: &[char], b: &[char], rows: &mut [R]) -> usize {
    for (j, cell) in rows[0].as_mut().iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (current, previous, before) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[current].as_mut()[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let up = rows[previous].as_mut()[j] + 1;
            let diagonal = rows[previous].as_mut()[j - 1] + cost;
            let left = rows[current].as_mut()[j - 1] + 1;
            let mut best = up.min(left).min(diagonal);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[before].as_mut()[j - 2] + 1);
            }
            rows[current].as_mut()[j] = best;
        }
    }
    rows[a.len() % 3].as_mut()[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(text: &str) -> Option<&'static str> {
        Places::get().city(text).map(|c| c.name.as_str())
    }

    #[test]
    fn cities_are_found_however_written() {
        for (text, want) in [
            ("г. Москва", "Москва"),
            ("МСК", "Москва"),
            ("Москва г", "Москва"),
            ("г.Москва", "Москва"),
            ("Moscow", "Москва"),
            ("Moskva", "Москва"),
            ("Москва, Россия", "Москва"),
            ("Питер", "Санкт-Петербург"),
            ("СПб", "Санкт-Петербург"),
            ("С-Петербург", "Санкт-Петербург"),
            ("Санкт Петербург", "Санкт-Петербург"),
            ("St. Petersburg", "Санкт-Петербург"),
            ("Saint Petersburg", "Санкт-Петербург"),
            ("ЕКБ", "Екатеринбург"),
            ("Ekaterinburg", "Екатеринбург"),
            ("Yekaterinburg", "Екатеринбург"),
            ("Н.Новгород", "Нижний Новгород"),
            ("Nizhny Novgorod", "Нижний Новгород"),
            ("Ростов-на-Дону", "Ростов-на-Дону"),
            ("Новосибрск", "Новосибирск"),
            ("Kazan", "Казань"),
            ("Ставрополь", "Ставрополь"),
            ("ЧЕЛЯБИНСК", "Челябинск"),
            ("Орёл", "Орёл"),
            ("Орел", "Орёл"),
            ("Oryol", "Орёл"),
            ("Моксва", "Москва"),
            ("Омзк", "Омск"),
            ("Каазнь", "Казань"),
            ("Махач", "Махачкала"),
            ("Челяб.", "Челябинск"),
            ("смр", "Самара"),
            ("Тмн", "Тюмень"),
            ("Хабар", "Хабаровск"),
            ("г.Севастополь", "Севастополь"),
            ("Хааровск", "Хабаровск"),
            ("Улан Удэ", "Улан-Удэ"),
            ("Соч", "Сочи"),
        ] {
            assert_eq!(city(text), Some(want), "{text}");
        }
        assert_eq!(city("Неизвестноград"), None);
        assert_eq!(city("Кра"), None, "Краснодар or Красноярск: no guess");
        assert_eq!(city(""), None);
    }

    #[test]
    fn cities_know_their_region() {
        let ekb = Places::get().city("ЕКБ").expect("known");
        assert_eq!(ekb.region, "Свердловская область");
        assert_eq!(ekb.region_iso, "RU-SVE");
    }

    #[test]
    fn regions_are_found_however_written() {
        let places = Places::get();
        for (text, iso) in [
            ("Свердловская обл.", "RU-SVE"),
            ("свердловская область", "RU-SVE"),
            ("Республика Татарстан", "RU-TA"),
            ("Татарстан", "RU-TA"),
            ("МО", "RU-MOS"),
            ("Краснодарский кр.", "RU-KDA"),
            ("RU-SVE", "RU-SVE"),
        ] {
            assert_eq!(
                places.region(text).map(|r| r.iso.as_str()),
                Some(iso),
                "{text}"
            );
        }
    }

    #[test]
    fn transpositions_count_once() {
        assert_eq!(transposition_distance("москва", "моксва"), 1);
        assert_eq!(transposition_distance("казань", "каазнь"), 1);
        assert_eq!(transposition_distance("омск", "омзк"), 1);
        assert_eq!(transposition_distance("", "абв"), 3);
        assert_eq!(transposition_distance("абв", "абв"), 0);
        let long = "а".repeat(40);
        assert_eq!(transposition_distance(&long, &format!("{long}б")), 1);
    }

    #[test]
    fn every_alias_names_a_gazetteer_city() {
        let names: Vec<&str> = Places::get()
            .cities()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        for line in ALIASES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (_, city) = line.split_once('\t').expect("alias<TAB>city");
            assert!(
                names.contains(&city),
                "alias target {city} is not in cities.tsv"
            );
        }
    }
}
