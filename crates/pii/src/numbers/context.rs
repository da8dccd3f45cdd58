//! The words before a number that say what it is («ИНН», «тел.», «р/с»,
//! «заказ №»). Only the nearest such word counts; this module knows nothing
//! of digits or check sums.
//!
//! Words are compared by hand rather than by a regex: Unicode word
//! boundaries make regexes slow on Cyrillic, and this runs for every number.

use crate::entity::PiiKind;

/// What the words before a number say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    /// Nothing said.
    None,
    /// It is this kind («ИНН», «тел.»).
    Kind(PiiKind),
    /// It is some other number: an order, a contract, a sum, a policy.
    Other,
}

/// A cue: the words that are it exactly, and the stems words start with.
struct Cue {
    hint: Hint,
    exact: &'static [&'static str],
    stems: &'static [&'static str],
}

#[rustfmt::skip]
const CUES: &[Cue] = &[
    Cue { hint: Hint::Kind(PiiKind::Inn), exact: &["инн", "inn", "tin", "инн/кпп", "кпп/инн", "inn/kpp"], stems: &["taxpayer"] },
    Cue { hint: Hint::Kind(PiiKind::Snils), exact: &["снилс", "snils"], stems: &["снилс", "страхов", "пенсионн"] },
    Cue { hint: Hint::Kind(PiiKind::Passport), exact: &["пасп", "серия", "серии", "серию", "сер"], stems: &["паспорт", "passport"] },
    Cue { hint: Hint::Kind(PiiKind::Ogrn), exact: &[], stems: &["огрн", "ogrn", "psrn"] },
    Cue {
        hint: Hint::Kind(PiiKind::BankAccount),
        exact: &["р/с", "р/сч", "р\\с", "к/с", "к/сч", "л/с", "р/счет", "к/счет", "сч", "acc", "iban", "рс", "кс", "счет", "счета", "счету", "счетом", "счете"],
        stems: &["расч", "корр", "лицев", "account"],
    },
    Cue {
        hint: Hint::Kind(PiiKind::Card),
        exact: &["visa", "виза", "мир", "cc", "maestro", "mastercard"],
        stems: &["карт", "card", "мастеркард"],
    },
    Cue {
        hint: Hint::Kind(PiiKind::Phone),
        exact: &["тел", "tel", "т", "ph", "wa", "тг", "моб", "сот"],
        stems: &[
            "телеф", "телеграм", "telegram", "mob", "мобил", "сотов", "phone", "cell", "call", "звон", "позвон",
            "перезвон", "дозвон", "набер", "набрать", "whatsapp", "ватсап", "вотсап", "вацап", "viber", "вайбер",
            "факс", "fax", "контакт", "связ", "нумер", "contact",
        ],
    },
    Cue {
        hint: Hint::Other,
        exact: &[
            "арт", "sku", "rub", "code", "омс", "дмс", "стс", "птс", "vin", "бик", "кпп", "окпо", "октмо", "оквэд", "кв",
            "оф", "s/n", "imei", "ean", "ref", "п", "акт", "акта", "уин", "₽", "р", "шт", "кг", "г", "год", "года",
        ],
        stems: &[
            "заказ", "order", "договор", "contract", "накладн", "трек", "track", "артикул", "сумм", "руб", "код", "инвойс",
            "invoice", "полис", "водит", "права", "заявк", "обращени", "лот", "парти", "серийн", "кадастр", "штрихкод",
            "тикет", "ticket", "верси", "стать", "пункт", "индекс", "рег", "бронь", "брони", "чек",
            "квитанц", "referenc", "транзакц", "transaction", "serial", "платежк", "платёжк",
        ],
    },
];

/// Signs that only say "a number follows": they mean an order or a document
/// number when no cue stands nearer or further back.
const WEAK: &[&str] = &["№", "#", "no", "nr", "id"];

/// The hint given by `window`, the text just before a number: the cue word
/// nearest to the number, else a weak sign, else nothing.
pub(crate) fn hint_before(window: &str) -> Hint {
    let mut weak = false;
    let mut word = String::with_capacity(32);
    for raw in words(window).rev() {
        // A capital letter alone is an initial («Д.М.»), not «т.» for «телефон».
        if raw.chars().nth(1).is_none() && raw.chars().all(char::is_uppercase) {
            continue;
        }
        word.clear();
        word.extend(
            raw.chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ё' { 'е' } else { c }),
        );
        for cue in CUES {
            if cue.exact.contains(&word.as_str())
                || cue.stems.iter().any(|stem| word.starts_with(stem))
            {
                return cue.hint;
            }
        }
        weak |= WEAK.contains(&word.as_str());
    }
    if weak { Hint::Other } else { Hint::None }
}

/// The words of `window`: runs of letters, with `/`, `\\` or `-` inside
/// («р/с», «счёт-фактура»), and the signs `№`, `#`, `₽` on their own.
fn words(window: &str) -> impl DoubleEndedIterator<Item = &str> {
    let mut out: Vec<&str> = Vec::new();
    let mut start: Option<usize> = None;
    let joins = |c: char| matches!(c, '/' | '\\' | '-');
    let mut chars = window.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let next_is_letter = chars.peek().is_some_and(|(_, next)| next.is_alphabetic());
        if c.is_alphabetic() || (start.is_some() && joins(c) && next_is_letter) {
            start.get_or_insert(index);
            continue;
        }
        if let Some(from) = start.take() {
            out.push(&window[from..index]);
        }
        if matches!(c, '№' | '#' | '₽') {
            out.push(&window[index..index + c.len_utf8()]);
        }
    }
    if let Some(from) = start {
        out.push(&window[from..]);
    }
    out.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_cue_wins() {
        assert_eq!(
            hint_before("ИНН 7707083893, тел. "),
            Hint::Kind(PiiKind::Phone)
        );
        assert_eq!(hint_before("телефон и ИНН: "), Hint::Kind(PiiKind::Inn));
        assert_eq!(hint_before("номер заказа "), Hint::Other);
        assert_eq!(hint_before("мой номер "), Hint::None);
        assert_eq!(hint_before("паспорт № "), Hint::Kind(PiiKind::Passport));
        assert_eq!(hint_before("заказ № "), Hint::Other);
        assert_eq!(hint_before("№"), Hint::Other);
        assert_eq!(hint_before("р/с "), Hint::Kind(PiiKind::BankAccount));
        assert_eq!(hint_before("ИНН/КПП: "), Hint::Kind(PiiKind::Inn));
        assert_eq!(hint_before("страховой полис "), Hint::Other);
        assert_eq!(hint_before("страховой номер "), Hint::Kind(PiiKind::Snils));
        assert_eq!(hint_before("Добрый день, "), Hint::None);
    }
}
