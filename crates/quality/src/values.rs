//! One value at a time, to its standard form: phones, e-mails, companies,
//! Russian identifiers. Each function says what it could not read.

use domain::{Email, Inn, Ogrn, Phone};

/// Phones in one cell («8 916 123-45-67, 8 495 123-45-67»), each with its
/// extension («доб. 12») split off. `Err` holds the part that is no phone.
pub fn parse_phones(text: &str) -> Result<Vec<(Phone, Option<String>)>, String> {
    let mut phones = Vec::new();
    for part in split_phones(text) {
        let (number, extension) = split_extension(part);
        let number = number.trim().trim_end_matches(['.', ',']);
        if number.is_empty() {
            continue;
        }
        // Letters left around a number («тел.», «моб:») are labels, not digits.
        let number: String = number
            .trim_start_matches(|c: char| c.is_alphabetic() || c == '.' || c == ':' || c == ' ')
            .to_string();
        match Phone::parse(&number, "RU") {
            Ok(phone) => phones.push((phone, extension)),
            Err(_) => return Err(part.trim().to_string()),
        }
    }
    if phones.is_empty() {
        Err(text.trim().to_string())
    } else {
        Ok(phones)
    }
}

fn split_phones(text: &str) -> Vec<&str> {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if digits <= 15 {
        return vec![text];
    }
    text.split([',', ';', '/', '\n'])
        .flat_map(|p| p.split(" или "))
        .filter(|p| !p.trim().is_empty())
        .collect()
}

fn split_extension(text: &str) -> (&str, Option<String>) {
    let lower = text.to_lowercase();
    for marker in [
        "доб",
        "доп",
        "внутр",
        "вн.",
        " вн ",
        "ext",
        " x",
        "#",
        "extension",
    ] {
        if let Some(byte) = lower.find(marker) {
            // `to_lowercase` keeps byte offsets for Cyrillic and ASCII alike here.
            if byte <= text.len() && text.is_char_boundary(byte) {
                let extension: String = text[byte..].chars().filter(char::is_ascii_digit).collect();
                return (&text[..byte], (!extension.is_empty()).then_some(extension));
            }
        }
    }
    (text, None)
}

/// Common mail domains, for suggesting a fix to a mistyped one.
const MAIL_DOMAINS: &[&str] = &[
    "mail.ru",
    "yandex.ru",
    "gmail.com",
    "bk.ru",
    "inbox.ru",
    "list.ru",
    "rambler.ru",
    "ya.ru",
    "icloud.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "yandex.com",
    "me.com",
    "internet.ru",
    "live.com",
];

/// An e-mail address in standard form (trimmed, lower case, no inner spaces),
/// and a suggested domain when the domain looks mistyped (`gmial.com`, `mail.ry`).
pub fn standard_email(text: &str) -> Result<(String, Option<String>), String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let cleaned = cleaned.trim_end_matches(['.', ',', ';']).replace(",", ".");
    let email = Email::parse(&cleaned).map_err(|e| e.reason)?;
    let address = email.as_str().to_string();
    let suggestion = address
        .split_once('@')
        .and_then(|(local, domain)| suggest_domain(domain).map(|fixed| format!("{local}@{fixed}")));
    Ok((address, suggestion))
}

/// The common domain a rare one is probably a typo of.
pub fn suggest_domain(domain: &str) -> Option<&'static str> {
    if MAIL_DOMAINS.contains(&domain) {
        return None;
    }
    MAIL_DOMAINS
        .iter()
        .map(|known| (strsim::damerau_levenshtein(known, domain), *known))
        .filter(|(distance, known)| *distance == 1 || (*distance == 2 && known.len() >= 8))
        .min()
        .map(|(_, known)| known)
}

const LEGAL_FORMS: &[(&str, &str)] = &[
    ("общество с ограниченной ответственностью", "ООО"),
    ("непубличное акционерное общество", "АО"),
    ("публичное акционерное общество", "ПАО"),
    ("закрытое акционерное общество", "ЗАО"),
    ("открытое акционерное общество", "ОАО"),
    ("акционерное общество", "АО"),
    ("индивидуальный предприниматель", "ИП"),
    ("некоммерческая организация", "НКО"),
    ("автономная некоммерческая организация", "АНО"),
];
const SHORT_FORMS: &[&str] = &[
    "ООО", "АО", "ПАО", "ЗАО", "ОАО", "ИП", "НКО", "АНО", "ООО.", "ИП.",
];

/// A company name with its legal form up front and abbreviated and the name
/// in «ёлочки»: `ООО "Ромашка"`, `Ромашка ООО`, «Общество с ограниченной
/// ответственностью „Ромашка“» → `ООО «Ромашка»`. Returns the form and the bare name.
pub fn standard_company(text: &str) -> (Option<&'static str>, String) {
    let mut rest = text.trim().to_string();
    let mut form = None;
    let lower = rest.to_lowercase();
    for (long, short) in LEGAL_FORMS {
        if let Some(at) = lower.find(long) {
            rest = format!("{}{}", &rest[..at], &rest[at + long.len()..]);
            form = Some(*short);
            break;
        }
    }
    if form.is_none() {
        let words: Vec<&str> = rest.split_whitespace().collect();
        let is_form = |w: &str| {
            SHORT_FORMS
                .iter()
                .find(|f| f.eq_ignore_ascii_case(w) || w.to_uppercase() == **f)
                .map(|f| f.trim_end_matches('.'))
        };
        if let Some(first) = words.first().and_then(|w| is_form(w)) {
            form = SHORT_FORMS.iter().find(|f| **f == first).copied();
            rest = words[1..].join(" ");
        } else if let Some(last) = words
            .last()
            .and_then(|w| is_form(w.trim_start_matches(',')))
        {
            form = SHORT_FORMS.iter().find(|f| **f == last).copied();
            rest = words[..words.len() - 1]
                .join(" ")
                .trim_end_matches(',')
                .to_string();
        }
    }
    let name = rest
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '«' | '»' | '„' | '“' | '”' | ',' | ' '))
        .to_string();
    (form, name)
}

/// The standard text of a company: `ООО «Ромашка»`, `ИП Иванов И.И.`.
pub fn format_company(form: Option<&str>, name: &str) -> String {
    match form {
        Some("ИП") => format!("ИП {name}"),
        Some(form) => format!("{form} «{name}»"),
        None => name.to_string(),
    }
}

/// An ИНН's digits when its check digits hold.
pub fn standard_inn(text: &str) -> Result<String, String> {
    Inn::parse(text)
        .map(|inn| inn.as_str().to_string())
        .map_err(|e| e.reason)
}

/// An ОГРН's digits when its check digit holds.
pub fn standard_ogrn(text: &str) -> Result<String, String> {
    Ogrn::parse(text)
        .map(|ogrn| ogrn.as_str().to_string())
        .map_err(|e| e.reason)
}

/// A СНИЛС as `123-456-789 01` when its check number holds.
pub fn standard_snils(text: &str) -> Result<String, String> {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 11 || text.chars().any(|c| c.is_alphabetic()) {
        return Err(format!("{text:?} is not 11 digits"));
    }
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| d * (9 - i as u32))
        .sum();
    let check = match sum {
        s if s < 100 => s,
        100 | 101 => 0,
        s => match s % 101 {
            100 => 0,
            r => r,
        },
    };
    if check != digits[9] * 10 + digits[10] {
        return Err(format!("{text:?} fails the СНИЛС check number"));
    }
    let d: String = digits
        .iter()
        .filter_map(|d| char::from_digit(*d, 10))
        .collect();
    Ok(format!("{}-{}-{} {}", &d[..3], &d[3..6], &d[6..9], &d[9..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(text: &str) -> Vec<String> {
        parse_phones(text)
            .map(|p| {
                p.into_iter()
                    .map(|(p, _)| p.as_e164().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn phones_in_every_russian_writing() {
        for text in [
            "8 (916) 123-45-67",
            "+7 916 1234567",
            "9161234567",
            "+7(916)123-45-67",
            "8-916-123-45-67 доб. 12",
            "тел. 8 916 123 45 67",
            "8 916 123-45-67 ext 5",
            "+7 (916) 123-45-67 доп. 669",
            "8(916)123-45-67 вн. 140",
            "89161234567 внутр. 12",
        ] {
            assert_eq!(phones(text), vec!["+79161234567"], "{text}");
        }
        assert_eq!(
            phones("89161234567, 84951234567"),
            vec!["+79161234567", "+74951234567"]
        );
        let parsed = parse_phones("8-916-123-45-67 доб. 12").unwrap();
        assert_eq!(parsed[0].1.as_deref(), Some("12"));
        assert!(parse_phones("12-34").is_err());
        assert!(parse_phones("нет").is_err());
    }

    #[test]
    fn emails_are_cleaned_and_typos_suggested() {
        assert_eq!(
            standard_email(" Ivan.Petrov@Mail.RU ").unwrap(),
            ("ivan.petrov@mail.ru".into(), None)
        );
        assert_eq!(
            standard_email("ivan@gmial.com").unwrap().1.as_deref(),
            Some("ivan@gmail.com")
        );
        assert_eq!(
            standard_email("ivan@mail.ry").unwrap().1.as_deref(),
            Some("ivan@mail.ru")
        );
        assert_eq!(
            standard_email("ivan@yandex.ry").unwrap().1.as_deref(),
            Some("ivan@yandex.ru")
        );
        assert_eq!(standard_email("ivan@romashka.ru").unwrap().1, None);
        assert!(standard_email("ivan at mail").is_err());
    }

    #[test]
    fn companies_get_one_legal_form_and_quotes() {
        for text in [
            "ООО \"Ромашка\"",
            "ООО «Ромашка»",
            "Общество с ограниченной ответственностью «Ромашка»",
            "Ромашка ООО",
            "ооо Ромашка",
        ] {
            let (form, name) = standard_company(text);
            assert_eq!(format_company(form, &name), "ООО «Ромашка»", "{text}");
        }
        let (form, name) = standard_company("ИП Иванов И.И.");
        assert_eq!(format_company(form, &name), "ИП Иванов И.И.");
    }

    #[test]
    fn snils_check_number() {
        assert_eq!(
            standard_snils("112-233-445 95").as_deref(),
            Ok("112-233-445 95")
        );
        assert!(standard_snils("112-233-445 96").is_err());
    }
}
