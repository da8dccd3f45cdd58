//! A person's name taken apart: ФИО in any order, initials, Latin spellings,
//! gender from the patronymic, the first name or the surname's form.

use lexicon::{Gender, Names};

/// A name split into its parts. Parts keep the spelling they were written
/// in (case fixed); initials are kept apart from full parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonName {
    pub last: Option<String>,
    pub first: Option<String>,
    pub patronymic: Option<String>,
    /// The first-name initial when only the initial was written.
    pub first_initial: Option<char>,
    /// The patronymic initial when only the initial was written.
    pub patronymic_initial: Option<char>,
    pub gender: Option<Gender>,
    /// The gender comes from a patronymic or a surname's form, not only from
    /// a first name (everyday forms such as Саша or Женя serve both).
    pub gender_certain: bool,
    /// Written in Latin letters.
    pub latin: bool,
}

#[derive(Debug)]
struct Token {
    text: String,
    initial: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '_') {
        // «И.С.» and «И.С.Петров» hold several parts between dots.
        let pieces: Vec<&str> = word.split('.').collect();
        for (i, piece) in pieces.iter().enumerate() {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
            if piece.is_empty() {
                continue;
            }
            let followed_by_dot = i + 1 < pieces.len();
            let initial = piece.chars().count() == 1
                || (followed_by_dot
                    && piece.chars().count() <= 2
                    && pieces.len() > 1
                    && piece.chars().all(char::is_uppercase));
            out.push(Token {
                text: piece.to_string(),
                initial,
            });
        }
    }
    out
}

/// Upper-cases the first letter of each hyphen-separated part, lower-cases the rest.
pub fn title_case(word: &str) -> String {
    word.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join("-")
}

fn is_latin(text: &str) -> bool {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_ascii_alphabetic())
}

/// Latin surname endings of transliterated Russian and Ukrainian surnames.
fn latin_surname_like(word: &str) -> bool {
    let w = word.to_lowercase();
    [
        "ov", "ova", "ev", "eva", "in", "ina", "sky", "skiy", "skii", "skaya", "enko", "uk", "yuk",
        "ich", "ykh", "ikh",
    ]
    .iter()
    .any(|end| w.ends_with(end) && w.len() > end.len() + 2)
}

/// Splits a full name written in any order: «Петров Иван Сергеевич»,
/// «Иван Сергеевич Петров», «Петров И.С.», «И. С. Петров», «Ivan Petrov».
pub fn parse_full_name(text: &str) -> PersonName {
    let names = Names::get();
    let tokens = tokens(text);
    let mut name = PersonName {
        latin: is_latin(text) && text.chars().any(|c| c.is_ascii_alphabetic()),
        ..PersonName::default()
    };
    let full: Vec<&Token> = tokens.iter().filter(|t| !t.initial).collect();
    let initials: Vec<char> = tokens
        .iter()
        .filter(|t| t.initial)
        .filter_map(|t| t.text.chars().next())
        .flat_map(char::to_uppercase)
        .collect();

    // Patronymics are told by their ending: take them first.
    let mut rest: Vec<&Token> = Vec::new();
    for (position, token) in full.iter().enumerate() {
        // A surname may end like a patronymic (Рабинович, Петрович): one that
        // only looks like a patronymic counts as one after a first name.
        let patronymic = names.patronymic(&token.text).filter(|p| {
            !p.father.is_empty()
                || (position > 0 && names.surname(&token.text).is_none_or(|s| s.count == 0))
        });
        if name.patronymic.is_none()
            && full.len() >= 2
            && !name.latin
            && let Some(patronymic) = patronymic
        {
            name.patronymic = Some(title_case(&token.text));
            name.gender = Some(patronymic.gender);
            continue;
        }
        if name.patronymic.is_none() && name.latin && full.len() >= 3 {
            let w = token.text.to_lowercase();
            if [
                "ovich", "evich", "ovna", "evna", "ichna", "yevich", "ievich",
            ]
            .iter()
            .any(|e| w.ends_with(e))
            {
                name.patronymic = Some(title_case(&token.text));
                continue;
            }
        }
        rest.push(token);
    }
    let patronymic_position = full
        .iter()
        .position(|t| Some(title_case(&t.text)) == name.patronymic);

    let first_score = |t: &Token| -> i32 {
        let forms = names.full_forms(&t.text);
        if forms.is_empty() {
            return 0;
        }
        // A common first name (Павел, Денис, Роман) is a first name even
        // though some families carry it as a surname.
        let common = names.first_name(&t.text).is_some_and(|f| f.count >= 2_000);
        let surname = names.surname(&t.text);
        match surname {
            _ if common => 3,
            Some(s) if s.count > 50 => 1,
            _ => 2,
        }
    };
    let surname_score = |t: &Token| -> i32 {
        if name.latin {
            return i32::from(latin_surname_like(&t.text)) * 2;
        }
        match names.surname(&t.text) {
            Some(s) if s.count > 0 => 2,
            Some(_) => 1,
            None => 0,
        }
    };

    match rest.len() {
        0 => {}
        1 => {
            let token = rest[0];
            // One word beside initials is the surname; alone, it is whichever it looks like.
            if !initials.is_empty()
                || surname_score(token) > first_score(token)
                || first_score(token) == 0
            {
                name.last = Some(title_case(&token.text));
            } else {
                name.first = Some(title_case(&token.text));
            }
        }
        _ => {
            // Two or more words: pick the surname among them.
            let (a, b) = (rest[0], rest[1]);
            let a_first = first_score(a) - surname_score(a);
            let b_first = first_score(b) - surname_score(b);
            let last_is_a = if a_first != b_first {
                a_first < b_first
            } else if let Some(position) = patronymic_position {
                // «Иван Сергеевич Петров»: the patronymic right after the first name.
                position != 1
            } else {
                // Russian lists put the surname first; Latin ones follow English order.
                !name.latin
            };
            let (last, first) = if last_is_a { (a, b) } else { (b, a) };
            name.last = Some(title_case(&last.text));
            name.first = Some(title_case(&first.text));
            // A third word (double surname written apart): keep it with the surname.
            if rest.len() > 2 {
                let extra: Vec<String> = rest[2..].iter().map(|t| title_case(&t.text)).collect();
                name.last = Some(format!("{} {}", title_case(&last.text), extra.join(" ")));
            }
        }
    }
    let mut initials = initials.into_iter();
    if name.first.is_none() {
        name.first_initial = initials.next();
    }
    if name.patronymic.is_none() {
        name.patronymic_initial = initials.next();
    }
    name.gender_certain = name.gender.is_some();
    if name.gender.is_none() {
        let by_surname = name
            .last
            .as_deref()
            .filter(|_| !name.latin)
            .and_then(|last| names.surname(last))
            .and_then(|s| s.gender);
        name.gender_certain = by_surname.is_some();
        name.gender = by_surname.or_else(|| {
            name.first
                .as_deref()
                .and_then(|first| names.first_name_gender(first))
        });
    }
    name
}

impl PersonName {
    /// Parts from separate columns (surname, first name, patronymic).
    pub fn from_parts(last: &str, first: &str, patronymic: &str) -> PersonName {
        let joined = format!("{last} {first} {patronymic}");
        let mut name = PersonName {
            latin: is_latin(&joined) && joined.chars().any(|c| c.is_ascii_alphabetic()),
            ..PersonName::default()
        };
        let names = Names::get();
        let part = |text: &str| -> Option<String> {
            let text = text.trim();
            (!text.is_empty()).then(|| title_case(text))
        };
        name.last = part(last);
        let first_tokens = tokens(first);
        match first_tokens.first() {
            Some(token) if token.initial => {
                name.first_initial = token
                    .text
                    .chars()
                    .next()
                    .map(|c| c.to_uppercase().next().unwrap_or(c))
            }
            Some(_) => name.first = part(first),
            None => {}
        }
        name.patronymic = part(patronymic);
        let certain = name
            .patronymic
            .as_deref()
            .and_then(|p| names.patronymic(p))
            .map(|p| p.gender)
            .or_else(|| {
                name.last
                    .as_deref()
                    .filter(|_| !name.latin)
                    .and_then(|l| names.surname(l))
                    .and_then(|s| s.gender)
            });
        name.gender_certain = certain.is_some();
        name.gender = certain.or_else(|| {
            name.first
                .as_deref()
                .and_then(|f| names.first_name_gender(f))
        });
        name
    }

    /// The standard form: «Фамилия Имя Отчество», initials as «И.С.».
    pub fn to_standard(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(last) = &self.last {
            parts.push(last.clone());
        }
        match (&self.first, self.first_initial) {
            (Some(first), _) => parts.push(first.clone()),
            (None, Some(initial)) => {
                let mut initials = format!("{initial}.");
                if let Some(p) = self.patronymic_initial {
                    initials.push_str(&format!("{p}."));
                }
                parts.push(initials);
            }
            (None, None) => {}
        }
        if let Some(patronymic) = &self.patronymic {
            parts.push(patronymic.clone());
        } else if self.first.is_some()
            && let Some(p) = self.patronymic_initial
        {
            parts.push(format!("{p}."));
        }
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (Option<String>, Option<String>, Option<String>) {
        let name = parse_full_name(text);
        (name.last, name.first, name.patronymic)
    }

    fn some(a: &str, b: &str, c: &str) -> (Option<String>, Option<String>, Option<String>) {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        (opt(a), opt(b), opt(c))
    }

    #[test]
    fn fio_in_any_order_is_split() {
        assert_eq!(
            parts("Петров Иван Сергеевич"),
            some("Петров", "Иван", "Сергеевич")
        );
        assert_eq!(
            parts("Иван Сергеевич Петров"),
            some("Петров", "Иван", "Сергеевич")
        );
        assert_eq!(parts("ИВАНОВА мария"), some("Иванова", "Мария", ""));
        assert_eq!(parts("Мария Иванова"), some("Иванова", "Мария", ""));
        assert_eq!(parts("Ivan Petrov"), some("Petrov", "Ivan", ""));
        assert_eq!(parts("Petrov Ivan"), some("Petrov", "Ivan", ""));
        assert_eq!(
            parts("Кузнецова Ольга Ильинична"),
            some("Кузнецова", "Ольга", "Ильинична")
        );
        assert_eq!(parts("Саша Ковальчук"), some("Ковальчук", "Саша", ""));
    }

    #[test]
    fn initials_are_kept_as_initials() {
        let name = parse_full_name("Петров И.С.");
        assert_eq!(
            (
                name.last.as_deref(),
                name.first_initial,
                name.patronymic_initial
            ),
            (Some("Петров"), Some('И'), Some('С'))
        );
        let name = parse_full_name("И. С. Петров");
        assert_eq!(
            (
                name.last.as_deref(),
                name.first_initial,
                name.patronymic_initial
            ),
            (Some("Петров"), Some('И'), Some('С'))
        );
        assert_eq!(name.to_standard(), "Петров И.С.");
    }

    #[test]
    fn gender_comes_from_patronymic_name_or_surname() {
        assert_eq!(parse_full_name("Петрова Саша").gender, Some(Gender::Female));
        assert_eq!(
            parse_full_name("Женя Ильинична Петрова").gender,
            Some(Gender::Female)
        );
        assert_eq!(parse_full_name("Иванов Сергей").gender, Some(Gender::Male));
    }
}
