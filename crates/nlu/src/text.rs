//! The words of a message: where each one starts and ends (in Unicode
//! characters, as Rasa counts), its normal form (case, «ё», stretched
//! letters, slang) and its stem, Russian or English by its own letters.

use std::collections::HashMap;
use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};

/// One word or number of a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// As written.
    pub text: String,
    /// First character's index in the message (Unicode characters).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Lower case, «ё» as «е», letters stretched for emphasis cut back
    /// («приииивет» → «привет»), slang spelled out («скока» → «сколько»).
    pub norm: String,
    /// The Snowball stem of `norm`, Russian or English by its letters.
    pub stem: String,
}

impl Token {
    pub fn is_number(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_ascii_digit())
    }
}

/// Splits a message into words and numbers. Punctuation separates and is
/// dropped; a hyphen or apostrophe between letters also separates
/// («Ростова-на-Дону» is three words, so a city annotated over the whole
/// spelling still covers whole words); a decimal point or comma, a colon or
/// a slash between digits joins (`2,5`, `18:00`, `15/03`).
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() {
            let joins = matches!(chars[i], '.' | ',' | ':' | '/')
                && i > start
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
            if chars[i].is_alphanumeric() || joins {
                i += 1;
            } else {
                break;
            }
        }
        let word: String = chars[start..i].iter().collect();
        let norm = normalise(&word);
        let stem = stem(&norm);
        tokens.push(Token {
            text: word,
            start,
            end: i,
            norm,
            stem,
        });
    }
    tokens
}

/// Lower case, «ё» → «е», a letter repeated three or more times once, and
/// the everyday shorthand of chats spelled out.
pub fn normalise(word: &str) -> String {
    let folded = fold(word);
    match SLANG.get(folded.as_str()) {
        Some(full) => (*full).to_string(),
        None => folded,
    }
}

/// Lower case, «ё» → «е», a letter repeated three or more times (emphasis:
/// «приииивет») once; doubles stay («масса», «class»).
pub fn fold(word: &str) -> String {
    let mut runs: Vec<(char, usize)> = Vec::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        let c = if c == 'ё' { 'е' } else { c };
        match runs.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => runs.push((c, 1)),
        }
    }
    let mut out = String::with_capacity(word.len());
    for (c, n) in runs {
        let keep = if n >= 3 && c.is_alphabetic() { 1 } else { n };
        out.extend(std::iter::repeat_n(c, keep));
    }
    out
}

/// The script a word is written in decides its stemmer.
pub fn is_cyrillic(word: &str) -> bool {
    word.chars()
        .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
}

/// The Snowball stem of an already normalised word: Russian for Cyrillic,
/// English for Latin letters, numbers as they are.
pub fn stem(norm: &str) -> String {
    thread_local! {
        static STEMMERS: (Stemmer, Stemmer) =
            (Stemmer::new(Algorithm::Russian), Stemmer::new(Algorithm::English));
    }
    if norm.chars().any(|c| c.is_ascii_digit()) {
        return norm.to_string();
    }
    STEMMERS.with(|(russian, english)| {
        if is_cyrillic(norm) {
            russian.stem(norm).into_owned()
        } else if norm.chars().any(|c| c.is_ascii_alphabetic()) {
            english.stem(norm).into_owned()
        } else {
            norm.to_string()
        }
    })
}

/// `ru` when words in Cyrillic are at least as many as words in Latin
/// letters («Хочу iPhone 15»), `en` when fewer, `None` without words.
pub fn language(text: &str) -> Option<&'static str> {
    let (mut cyrillic, mut latin) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if is_cyrillic(word) {
            cyrillic += 1;
        } else if word.chars().any(|c| c.is_ascii_alphabetic()) {
            latin += 1;
        }
    }
    match (cyrillic, latin) {
        (0, 0) => None,
        (c, l) if c >= l => Some("ru"),
        _ => Some("en"),
    }
}

/// Chat shorthand and common misspellings → the word they stand for. The
/// intent model also learns from character n-grams, so this list only needs
/// the forms whose letters share little with the word.
static SLANG: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    [
        ("скока", "сколько"),
        ("скоко", "сколько"),
        ("скок", "сколько"),
        ("сколко", "сколько"),
        ("чё", "что"),
        ("че", "что"),
        ("чо", "что"),
        ("шо", "что"),
        ("щас", "сейчас"),
        ("ща", "сейчас"),
        ("щя", "сейчас"),
        ("сча", "сейчас"),
        ("плиз", "пожалуйста"),
        ("плз", "пожалуйста"),
        ("пжл", "пожалуйста"),
        ("пж", "пожалуйста"),
        ("пжлст", "пожалуйста"),
        ("пожалуйсто", "пожалуйста"),
        ("пожалста", "пожалуйста"),
        ("спс", "спасибо"),
        ("пасиб", "спасибо"),
        ("пасибо", "спасибо"),
        ("спасибки", "спасибо"),
        ("сенкс", "спасибо"),
        ("сяп", "спасибо"),
        ("норм", "нормально"),
        ("нормас", "нормально"),
        ("оч", "очень"),
        ("мб", "может"),
        ("инфа", "информация"),
        ("инфу", "информацию"),
        ("прив", "привет"),
        ("приветик", "привет"),
        ("хай", "привет"),
        ("хелоу", "привет"),
        ("здарова", "привет"),
        ("здорово", "привет"),
        ("здрасте", "здравствуйте"),
        ("здрасьте", "здравствуйте"),
        ("здрасти", "здравствуйте"),
        ("здравствуте", "здравствуйте"),
        ("ваще", "вообще"),
        ("седня", "сегодня"),
        ("сёдня", "сегодня"),
        ("севодня", "сегодня"),
        ("канеш", "конечно"),
        ("конеш", "конечно"),
        ("канешн", "конечно"),
        ("канечно", "конечно"),
        ("неа", "нет"),
        ("не-а", "нет"),
        ("ага", "да"),
        ("угу", "да"),
        ("ок", "хорошо"),
        ("окей", "хорошо"),
        ("оки", "хорошо"),
        ("лан", "ладно"),
        ("ладн", "ладно"),
        ("ток", "только"),
        ("тока", "только"),
        ("чел", "человек"),
        ("челом", "человеком"),
        ("манагер", "менеджер"),
        ("манагеру", "менеджеру"),
        ("манагера", "менеджера"),
        ("менагер", "менеджер"),
        ("оператор", "оператор"),
        ("тыщ", "тысяч"),
        ("тыщи", "тысячи"),
        ("тыс", "тысяч"),
        ("руб", "рублей"),
        ("р", "рублей"),
        ("т", "тонн"),
        ("кг", "килограммов"),
        ("мск", "москва"),
        ("спб", "санкт-петербург"),
        ("питер", "санкт-петербург"),
        ("екб", "екатеринбург"),
        ("нск", "новосибирск"),
        ("нн", "нижний"),
        ("thx", "thanks"),
        ("thanx", "thanks"),
        ("ty", "thanks"),
        ("pls", "please"),
        ("plz", "please"),
        ("u", "you"),
        ("ur", "your"),
        ("r", "are"),
        ("wanna", "want"),
        ("gonna", "going"),
        ("gimme", "give"),
        ("im", "i'm"),
        ("dont", "don't"),
        ("cant", "can't"),
        ("pwd", "password"),
        ("acct", "account"),
        ("asap", "urgently"),
    ]
    .into_iter()
    .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let tokens = tokenize("Из Ростова-на-Дону, 2,5 т в 18:00!");
        let words: Vec<(&str, usize, usize)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.start, t.end))
            .collect();
        assert_eq!(
            words,
            [
                ("Из", 0, 2),
                ("Ростова", 3, 10),
                ("на", 11, 13),
                ("Дону", 14, 18),
                ("2,5", 20, 23),
                ("т", 24, 25),
                ("в", 26, 27),
                ("18:00", 28, 33)
            ]
        );
    }

    #[test]
    fn stretched_letters_case_and_yo_are_folded() {
        assert_eq!(fold("ПРИИИИВЕТ"), "привет");
        assert_eq!(fold("Ёжик"), "ежик");
        assert_eq!(fold("масса"), "масса");
        assert_eq!(fold("оооочень"), "очень");
        assert_eq!(normalise("Скока"), "сколько");
    }

    #[test]
    fn russian_case_forms_share_a_stem() {
        let stems: Vec<String> = ["Москвы", "Москве", "Москву", "москва"]
            .iter()
            .map(|w| stem(&normalise(w)))
            .collect();
        assert!(stems.iter().all(|s| s == &stems[0]), "{stems:?}");
        assert_eq!(stem("deliveries"), stem("delivery"));
    }

    #[test]
    fn language_is_the_majority_script() {
        assert_eq!(language("Хочу iPhone 15"), Some("ru"));
        assert_eq!(language("Where is my card?"), Some("en"));
        assert_eq!(language("12345"), None);
    }
}
