//! Words as the index sees them: `nlu`'s tokens (folded, slang spelled out,
//! stemmed) without the function words that say nothing about the topic.

use std::collections::HashSet;
use std::sync::LazyLock;

use nlu::tokenize;

/// The stems worth matching in `text`, in order, repeats kept.
pub(crate) fn stems(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|token| !is_stop(&token.norm))
        .map(|token| canonical(&token.norm, token.stem))
        .collect()
}

/// One stem for the words customers use for a price: they ask «сколько
/// стоит», «почём», «цена», while the catalogue says «цена» and a FAQ may
/// say «стоимость»; no stemmer joins these.
pub(crate) fn canonical(norm: &str, stem: String) -> String {
    if PRICE.contains(norm) {
        PRICE_STEM.to_string()
    } else {
        stem
    }
}

const PRICE_STEM: &str = "цен";

static PRICE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [
        "цена",
        "цены",
        "цену",
        "ценой",
        "цене",
        "ценник",
        "стоит",
        "стоят",
        "стоить",
        "стоила",
        "стоило",
        "стоимость",
        "стоимости",
        "стоимостью",
        "почем",
        "прайс",
        "price",
        "prices",
        "cost",
        "costs",
    ]
    .into_iter()
    .collect()
});

/// Function words, greetings and politeness: with a few thousand passages
/// their idf is low but not zero, and in short questions they would
/// otherwise decide between two FAQ entries.
pub(crate) fn is_stop(norm: &str) -> bool {
    STOP.contains(norm)
}

static STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    [
        // Russian
        "а",
        "без",
        "бы",
        "был",
        "была",
        "были",
        "было",
        "быть",
        "в",
        "вам",
        "вас",
        "ваш",
        "ваша",
        "ваше",
        "вашей",
        "вашем",
        "ваши",
        "вами",
        "во",
        "вот",
        "все",
        "всё",
        "вы",
        "где",
        "да",
        "даже",
        "для",
        "до",
        "его",
        "ее",
        "её",
        "если",
        "есть",
        "еще",
        "ещё",
        "же",
        "за",
        "здесь",
        "и",
        "из",
        "или",
        "им",
        "их",
        "к",
        "как",
        "какая",
        "какие",
        "каким",
        "какой",
        "какую",
        "ко",
        "когда",
        "кто",
        "ли",
        "либо",
        "мне",
        "меня",
        "мой",
        "мы",
        "на",
        "над",
        "не",
        "нет",
        "нам",
        "нас",
        "но",
        "ну",
        "о",
        "об",
        "от",
        "по",
        "под",
        "при",
        "с",
        "со",
        "так",
        "также",
        "там",
        "то",
        "тоже",
        "только",
        "у",
        "уже",
        "хочу",
        "хотел",
        "хотела",
        "хотим",
        "что",
        "чтобы",
        "это",
        "этот",
        "эта",
        "эти",
        "я",
        "можно",
        "могу",
        "может",
        "можете",
        "нужно",
        "надо",
        "подскажите",
        "скажите",
        "пожалуйста",
        "здравствуйте",
        "привет",
        "добрый",
        "спасибо",
        "вообще",
        "сейчас",
        "очень",
        "ведь",
        "вы",
        "ваших",
        "вашу",
        "вашего",
        "свой",
        "свою",
        "своем",
        "своём",
        "чем",
        "чего",
        "чём",
        "сколько",
        "сам",
        "сама",
        "бывает",
        // English
        "a",
        "an",
        "the",
        "is",
        "are",
        "do",
        "does",
        "i",
        "you",
        "your",
        "my",
        "me",
        "we",
        "to",
        "of",
        "in",
        "on",
        "for",
        "and",
        "or",
        "how",
        "what",
        "can",
        "it",
        "with",
        "there",
        "any",
        "please",
        "hi",
        "hello",
        "thanks",
        "be",
        "have",
        "has",
    ]
    .into_iter()
    .collect()
});
