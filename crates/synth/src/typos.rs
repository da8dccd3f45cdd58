//! The mistakes people make typing Russian: two letters swapped, one lost,
//! one doubled, a neighbour on the ЙЦУКЕН keyboard or an unstressed vowel
//! confused, and a Latin look-alike letter slipped into Cyrillic text.

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::pick;

const KEYBOARD: [&str; 3] = ["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"];

/// Letters a hand or an ear confuses.
const SOUNDS: &[(char, char)] = &[
    ('а', 'о'),
    ('о', 'а'),
    ('е', 'и'),
    ('и', 'е'),
    ('е', 'э'),
    ('и', 'ы'),
    ('ы', 'и'),
    ('с', 'з'),
    ('д', 'т'),
];

fn neighbour(rng: &mut StdRng, c: char) -> Option<char> {
    let lower = c.to_lowercase().next()?;
    if rng.random_bool(0.4)
        && let Some((_, sound)) = SOUNDS.iter().find(|(from, _)| *from == lower)
    {
        return Some(*sound);
    }
    for row in KEYBOARD {
        let keys: Vec<char> = row.chars().collect();
        if let Some(at) = keys.iter().position(|key| *key == lower) {
            let mut options = Vec::new();
            if at > 0 {
                options.push(keys[at - 1]);
            }
            if at + 1 < keys.len() {
                options.push(keys[at + 1]);
            }
            return Some(*pick(rng, &options));
        }
    }
    None
}

fn same_case(model: char, c: char) -> char {
    if model.is_uppercase() {
        c.to_uppercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// One typing mistake somewhere after the first letter of `text`; short
/// texts come back as they were.
pub(crate) fn typo(rng: &mut StdRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let letters: Vec<usize> = chars
        .iter()
        .enumerate()
        .filter(|(i, c)| *i > 0 && c.is_alphabetic())
        .map(|(i, _)| i)
        .collect();
    if letters.len() < 3 {
        return text.to_string();
    }
    let at = *pick(rng, &letters);
    match rng.random_range(0..4) {
        0 if at + 1 < chars.len() && chars[at + 1].is_alphabetic() => {
            let (a, b) = (chars[at], chars[at + 1]);
            chars[at] = same_case(a, b.to_lowercase().next().unwrap_or(b));
            chars[at + 1] = same_case(b, a.to_lowercase().next().unwrap_or(a));
        }
        1 => {
            chars.remove(at);
        }
        2 => {
            let doubled = chars[at];
            chars.insert(at, doubled);
        }
        _ => match neighbour(rng, chars[at]) {
            Some(other) => chars[at] = same_case(chars[at], other),
            None => {
                chars.remove(at);
            }
        },
    }
    chars.into_iter().collect()
}

const HOMOGLYPHS: &[(char, char)] = &[
    ('а', 'a'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('у', 'y'),
    ('х', 'x'),
    ('А', 'A'),
    ('В', 'B'),
    ('Е', 'E'),
    ('К', 'K'),
    ('М', 'M'),
    ('Н', 'H'),
    ('О', 'O'),
    ('Р', 'P'),
    ('С', 'C'),
    ('Т', 'T'),
    ('Х', 'X'),
];

/// `text` with one Cyrillic letter replaced by its Latin look-alike (the
/// classic keyboard-layout accident); unchanged when it has none.
pub(crate) fn homoglyph(rng: &mut StdRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let options: Vec<usize> = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| HOMOGLYPHS.iter().any(|(cyrillic, _)| cyrillic == *c))
        .map(|(i, _)| i)
        .collect();
    if options.is_empty() {
        return text.to_string();
    }
    let at = *pick(rng, &options);
    if let Some((_, latin)) = HOMOGLYPHS
        .iter()
        .find(|(cyrillic, _)| *cyrillic == chars[at])
    {
        chars[at] = *latin;
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn a_typo_changes_the_word_a_little() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut changed = 0;
        for _ in 0..200 {
            let out = typo(&mut rng, "Екатерина");
            let length = out.chars().count() as i64;
            assert!((length - 9).abs() <= 1, "{out}");
            assert!(out.starts_with('Е'), "{out}");
            changed += usize::from(out != "Екатерина");
        }
        assert!(changed > 150, "{changed}");
    }

    #[test]
    fn a_homoglyph_looks_the_same_but_is_latin() {
        let mut rng = StdRng::seed_from_u64(3);
        let out = homoglyph(&mut rng, "Петров");
        assert_ne!(out, "Петров");
        assert_eq!(out.chars().count(), 6);
        assert!(out.chars().any(|c| c.is_ascii_alphabetic()));
    }
}
