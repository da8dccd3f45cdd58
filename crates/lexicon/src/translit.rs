//! Transliteration: Cyrillic to Latin, and a key under which the usual Latin
//! spellings of one Russian name meet (`Юлия`, `Yuliya`, `Iuliia`, `Julia`).

use crate::fold;

/// Cyrillic letters in a simple passport-like scheme; other characters kept.
pub fn to_latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' => "i",
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
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            _ => {
                out.push(lower);
                continue;
            }
        };
        out.push_str(latin);
    }
    out
}

/// A lossy Latin key: the same for the common transliterations of one name,
/// written in Cyrillic or Latin, in any case. Non-letters are dropped.
pub fn latin_key(text: &str) -> String {
    let latin = to_latin(&fold(text));
    let mut s: String = latin.chars().filter(|c| c.is_alphabetic()).collect();
    // Digraphs first, to one-letter placeholders (upper case never occurs after folding).
    for (from, to) in [
        ("shch", "S"),
        ("sch", "S"),
        ("sh", "S"),
        ("zh", "Z"),
        ("tch", "C"),
        ("ch", "C"),
        ("kh", "h"),
        ("ts", "T"),
        ("tz", "T"),
        ("ph", "f"),
        ("ck", "k"),
        ("x", "ks"),
        ("w", "v"),
        ("q", "k"),
        ("y", "i"),
        ("j", "i"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    for (from, to) in [
        ("ii", "i"),
        ("iu", "u"),
        ("ia", "a"),
        ("ie", "e"),
        ("io", "o"),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    // `c` before e/i is the ц of Polish-style spellings, elsewhere a k.
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let c = if c == 'c' {
            match chars.get(i + 1) {
                Some('e' | 'i') => 'T',
                _ => 'k',
            }
        } else {
            c
        };
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_share_a_key() {
        for group in [
            &["Юлия", "Yuliya", "Iuliia", "Julia", "YULIA"][..],
            &["Наталья", "Natalya", "Natalia"],
            &["Евгений", "Evgeniy", "Yevgeny", "Evgenii"],
            &["Алексей", "Alexey", "Aleksei", "Alexei"],
            &["Кузнецов", "Kuznetsov", "Kuznetzov"],
            &["Щукин", "Shchukin", "Schukin"],
            &["Сергей", "Sergey", "Sergei"],
            &["Хабибуллин", "Khabibullin", "Habibulin"],
        ] {
            let key = latin_key(group[0]);
            for other in group {
                assert_eq!(latin_key(other), key, "{other} vs {}", group[0]);
            }
        }
    }

    #[test]
    fn different_names_keep_different_keys() {
        assert_ne!(latin_key("Иванов"), latin_key("Иванова"));
        assert_ne!(latin_key("Мария"), latin_key("Марина"));
    }

    #[test]
    fn cyrillic_becomes_latin() {
        assert_eq!(to_latin("Щукина Юлия"), "shchukina yuliya");
    }
}
