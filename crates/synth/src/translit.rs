//! Latin spellings of Russian words in the schemes that really appear in
//! CRM exports: the passport scheme (Iuliia), the BGN-like one most people
//! learnt (Yuliya), an informal English one with exonyms (Julia, Alexander),
//! and a Central-European one (Julija).

/// A transliteration scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// Russian passports since 2014 (ICAO Doc 9303): Iuliia, Andrei.
    Passport,
    /// BGN/PCGN without apostrophes: Yuliya, Sergeyevich, Dmitriy.
    Bgn,
    /// What people type in e-mail and social profiles: Julia, Alexander, Dmitry.
    Informal,
    /// Central-European style: Julija, Andrej, Sergeevich.
    Lat,
}

/// Every scheme, for a random pick.
pub(crate) const SCHEMES: [Scheme; 4] =
    [Scheme::Passport, Scheme::Bgn, Scheme::Informal, Scheme::Lat];

/// Transliterates every Cyrillic word of `text`, keeping each word's case
/// pattern (Иванов → Ivanov, ИВАНОВ → IVANOV) and everything else as it is.
pub(crate) fn transliterate(text: &str, scheme: Scheme) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            out.push_str(&transliterate_word(&word, scheme));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&transliterate_word(&word, scheme));
    out
}

fn exonym(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "александр" => "alexander",
        "александра" => "alexandra",
        "алексей" => "alexey",
        "юлия" => "julia",
        "юрий" => "yuri",
        "наталья" => "natalia",
        "татьяна" => "tatiana",
        "мария" => "maria",
        "дмитрий" => "dmitry",
        "максим" => "maxim",
        "ксения" => "ksenia",
        "евгений" => "evgeny",
        "евгения" => "evgenia",
        "анастасия" => "anastasia",
        _ => return None,
    })
}

fn is_vowel(c: char) -> bool {
    "аеёиоуыэюя".contains(c)
}

fn transliterate_word(word: &str, scheme: Scheme) -> String {
    if word.is_empty() {
        return String::new();
    }
    let lower = word.to_lowercase();
    let latin = match (scheme, exonym(&lower)) {
        (Scheme::Informal, Some(exonym)) => exonym.to_string(),
        _ => letters(&lower, scheme),
    };
    recase(word, &latin)
}

fn letters(lower: &str, scheme: Scheme) -> String {
    let chars: Vec<char> = lower.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let last_pair = i + 2 == chars.len();
        let after_vowel_or_start = i == 0 || {
            let prev = chars[i - 1];
            is_vowel(prev) || "ьъй".contains(prev)
        };
        if scheme == Scheme::Informal {
            let pair = match (c, next) {
                ('к', Some('с')) => Some("x"),
                ('и', Some('й')) if last_pair => Some("y"),
                ('и', Some('я')) if last_pair => Some("ia"),
                ('ь', Some('я')) if last_pair => Some("ia"),
                _ => None,
            };
            if let Some(pair) = pair {
                out.push_str(pair);
                i += 2;
                continue;
            }
        }
        let latin: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' => match scheme {
                Scheme::Bgn if after_vowel_or_start => "ye",
                _ => "e",
            },
            'ё' => match scheme {
                Scheme::Passport => "e",
                Scheme::Lat => "jo",
                _ => "yo",
            },
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => match scheme {
                Scheme::Passport => "i",
                Scheme::Lat => "j",
                _ => "y",
            },
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => match scheme {
                Scheme::Passport | Scheme::Bgn => "kh",
                _ => "h",
            },
            'ц' => match scheme {
                Scheme::Lat => "c",
                _ => "ts",
            },
            'ч' => "ch",
            'ш' => "sh",
            'щ' => match scheme {
                Scheme::Passport | Scheme::Bgn => "shch",
                _ => "sch",
            },
            'ъ' => match scheme {
                Scheme::Passport => "ie",
                _ => "",
            },
            'ы' => "y",
            'ь' => "",
            'э' => "e",
            'ю' => match scheme {
                Scheme::Passport => "iu",
                Scheme::Lat => "ju",
                _ => "yu",
            },
            'я' => match scheme {
                Scheme::Passport => "ia",
                Scheme::Lat => "ja",
                _ => "ya",
            },
            other => {
                out.push(other);
                i += 1;
                continue;
            }
        };
        out.push_str(latin);
        i += 1;
    }
    out
}

/// Gives `latin` the case pattern of `original`.
fn recase(original: &str, latin: &str) -> String {
    let mut chars = original.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let all_upper = original.chars().count() > 1 && original.chars().all(char::is_uppercase);
    if all_upper {
        latin.to_uppercase()
    } else if first_upper {
        let mut out = String::with_capacity(latin.len());
        let mut letters = latin.chars();
        if let Some(first) = letters.next() {
            out.extend(first.to_uppercase());
        }
        out.push_str(letters.as_str());
        out
    } else {
        latin.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, scheme: Scheme, expected: &str) {
        assert_eq!(
            transliterate(text, scheme),
            expected,
            "{text} in {scheme:?}"
        );
    }

    #[test]
    fn passport_scheme() {
        check("Юлия", Scheme::Passport, "Iuliia");
        check("Андрей Сергеевич", Scheme::Passport, "Andrei Sergeevich");
        check("Александр", Scheme::Passport, "Aleksandr");
    }

    #[test]
    fn bgn_scheme() {
        check("Юлия", Scheme::Bgn, "Yuliya");
        check("Евгений Соловьёв", Scheme::Bgn, "Yevgeniy Solovyov");
    }

    #[test]
    fn informal_scheme() {
        check("Юлия", Scheme::Informal, "Julia");
        check("Александр", Scheme::Informal, "Alexander");
        check("Ксения Иванова", Scheme::Informal, "Ksenia Ivanova");
        check("ИВАНОВ", Scheme::Informal, "IVANOV");
        check("Григорий", Scheme::Informal, "Grigory");
    }

    #[test]
    fn lat_scheme() {
        check("Юлия", Scheme::Lat, "Julija");
        check("Андрей Пётр", Scheme::Lat, "Andrej Pjotr");
    }
}
