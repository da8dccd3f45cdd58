//! Sentiment of a message, negative / neutral / positive with a strength:
//! a Russian and English lexicon of stems with weights, turned by negation
//! («не доволен»), raised by intensifiers («очень», «совсем») and by
//! exclamation and capitals. A lexicon, not a trained model: it needs no
//! labelled data, its verdicts can be explained word by word, and what the
//! dialogue needs from it is "is this customer angry", which words say.

use serde::Serialize;

use crate::text::Token;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentiment {
    /// `negative`, `neutral` or `positive`.
    pub label: &'static str,
    /// From −1 (furious) to 1 (delighted).
    pub score: f32,
}

/// Stems (as the Snowball stemmers give them) with their weight.
const WORDS: &[(&str, f32)] = &[
    // Russian, negative.
    ("ужасн", -2.0),
    ("отвратительн", -2.5),
    ("кошмар", -2.0),
    ("безобраз", -2.0),
    ("плох", -1.5),
    ("хуж", -1.5),
    ("недовол", -2.0),
    ("жалоб", -1.5),
    ("пожал", -1.0),
    ("обман", -2.0),
    ("развод", -1.5),
    ("мошенник", -2.5),
    ("верн", -0.3),
    ("возврат", -0.7),
    ("сломал", -1.5),
    ("сломан", -1.5),
    ("брак", -1.5),
    ("бракован", -1.5),
    ("задержк", -1.0),
    ("опозда", -1.0),
    ("долг", -0.5),
    ("никто", -0.7),
    ("игнор", -1.5),
    ("хамств", -2.5),
    ("хам", -2.0),
    ("груб", -2.0),
    ("разочарова", -2.0),
    ("бесит", -2.5),
    ("беш", -2.0),
    ("зл", -1.0),
    ("надоел", -2.0),
    ("достал", -1.5),
    ("сколько можн", -2.0),
    ("отстой", -2.5),
    ("фигн", -1.5),
    ("бред", -1.5),
    ("проблем", -0.8),
    ("ошибк", -0.7),
    ("не работа", -1.5),
    ("отказыва", -1.0),
    ("отмен", -0.5),
    ("дорог", -0.6),
    ("ждат", -0.4),
    ("жду", -0.4),
    ("суд", -1.5),
    ("претенз", -1.5),
    ("роспотребнадзор", -2.0),
    ("позор", -2.5),
    ("никогд", -0.8),
    ("зря", -1.2),
    // Russian, positive.
    ("спасиб", 1.5),
    ("благодар", 1.5),
    ("отличн", 2.0),
    ("прекрасн", 2.0),
    ("замечательн", 2.0),
    ("супер", 2.0),
    ("класс", 1.5),
    ("круто", 1.5),
    ("крут", 1.5),
    ("хорош", 1.2),
    ("довол", 1.5),
    ("рад", 1.2),
    ("нрав", 1.2),
    ("понрав", 1.5),
    ("удобн", 1.0),
    ("быстр", 0.8),
    ("вежлив", 1.5),
    ("любл", 1.5),
    ("лучш", 1.2),
    ("восторг", 2.5),
    ("рекоменд", 1.0),
    ("помогл", 1.2),
    ("идеальн", 2.0),
    ("норм", 0.5),
    ("нормальн", 0.5),
    ("ок", 0.3),
    // English.
    ("terribl", -2.0),
    ("aw", -2.0),
    ("horribl", -2.5),
    ("bad", -1.5),
    ("wors", -1.5),
    ("worst", -2.5),
    ("angri", -2.0),
    ("upset", -1.5),
    ("disappoint", -2.0),
    ("complaint", -1.5),
    ("complain", -1.5),
    ("scam", -2.5),
    ("fraud", -2.5),
    ("broken", -1.5),
    ("broke", -1.2),
    ("useless", -2.0),
    ("rude", -2.0),
    ("hate", -2.5),
    ("ridicul", -2.0),
    ("unaccept", -2.0),
    ("delay", -1.0),
    ("late", -0.8),
    ("refund", -0.7),
    ("problem", -0.8),
    ("wrong", -1.0),
    ("never", -0.8),
    ("lawyer", -1.5),
    ("thank", 1.5),
    ("great", 2.0),
    ("excel", 2.0),
    ("awesom", 2.0),
    ("perfect", 2.0),
    ("good", 1.2),
    ("love", 2.0),
    ("happi", 1.5),
    ("nice", 1.2),
    ("help", 0.5),
    ("fast", 0.8),
    ("quick", 0.8),
    ("amaz", 2.0),
    ("wonder", 2.0),
    ("recommend", 1.0),
];

const NEGATIONS: &[&str] = &[
    "не", "нет", "ни", "без", "not", "no", "never", "don't", "didn't", "isn't", "wasn't", "doesn't",
];
const INTENSIFIERS: &[&str] = &[
    "очень",
    "совсем",
    "вообще",
    "крайне",
    "абсолютно",
    "просто",
    "слишком",
    "so",
    "very",
    "extremely",
    "totally",
    "really",
];

const EMOJI: &[(char, f32)] = &[
    ('😡', -2.5),
    ('😠', -2.0),
    ('🤬', -3.0),
    ('👎', -1.5),
    ('😞', -1.5),
    ('😢', -1.2),
    ('😭', -1.5),
    ('💩', -2.0),
    ('🙂', 0.8),
    ('😊', 1.5),
    ('😀', 1.5),
    ('😃', 1.5),
    ('😍', 2.0),
    ('👍', 1.5),
    ('❤', 2.0),
    ('🔥', 1.0),
    ('🙏', 1.0),
];

/// Weighs a message's words.
pub fn sentiment(text: &str, tokens: &[Token]) -> Sentiment {
    let mut total = 0.0f32;
    let mut hits = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        let pair = tokens
            .get(i + 1)
            .map(|next| format!("{} {}", token.norm, next.stem));
        let weight = WORDS
            .iter()
            .find(|(s, _)| {
                pair.as_deref()
                    .is_some_and(|p| p.starts_with(s) && s.contains(' '))
            })
            .or_else(|| {
                WORDS
                    .iter()
                    .find(|(s, _)| !s.contains(' ') && token.stem == *s)
            })
            .or_else(|| {
                // Longer stems also match as prefixes («недовольн» → «недовол»).
                WORDS.iter().find(|(s, _)| {
                    !s.contains(' ') && s.chars().count() >= 4 && token.stem.starts_with(s)
                })
            })
            .map(|(_, w)| *w);
        let Some(mut weight) = weight else {
            continue;
        };
        let before = &tokens[i.saturating_sub(3)..i];
        if before.iter().any(|t| NEGATIONS.contains(&t.norm.as_str())) {
            weight = -weight * 0.8;
        }
        if before
            .iter()
            .any(|t| INTENSIFIERS.contains(&t.norm.as_str()))
        {
            weight *= 1.5;
        }
        total += weight;
        hits += 1;
    }
    for c in text.chars() {
        if let Some((_, w)) = EMOJI.iter().find(|(e, _)| *e == c) {
            total += w;
            hits += 1;
        }
    }
    if hits > 0 {
        let exclaim = text.matches('!').count().min(3) as f32;
        let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
        let shouting = letters.len() >= 8 && letters.iter().all(|c| !c.is_lowercase());
        total *= 1.0 + 0.15 * exclaim + if shouting { 0.4 } else { 0.0 };
    }
    let score = (total / 3.0).tanh();
    let label = if score <= -0.25 {
        "negative"
    } else if score >= 0.25 {
        "positive"
    } else {
        "neutral"
    };
    Sentiment {
        label,
        score: (score * 100.0).round() / 100.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn of(text: &str) -> Sentiment {
        sentiment(text, &tokenize(text))
    }

    #[test]
    fn anger_praise_and_plain_requests() {
        assert_eq!(
            of("Это ужасно, третий раз привозят брак!!!").label,
            "negative"
        );
        assert_eq!(of("Я очень недоволен обслуживанием").label, "negative");
        assert_eq!(of("Спасибо, всё отлично 👍").label, "positive");
        assert_eq!(
            of("Нужна доставка из Владивостока в Екатеринбург").label,
            "neutral"
        );
        assert_eq!(
            of("This is the worst service, I want a refund").label,
            "negative"
        );
        assert_eq!(of("great, thanks!").label, "positive");
    }

    #[test]
    fn negation_turns_a_word_around() {
        assert_eq!(of("не очень хорошо").label, "negative");
        assert!(of("не плохо").score > 0.0);
    }

    #[test]
    fn strength_grows_with_intensity() {
        assert!(of("ОЧЕНЬ ПЛОХО!!!").score < of("плохо").score);
    }
}
