//! Filling slots from a message: the answer to the question asked, and any
//! other slot whose entity the message carries («хочу на курс, уровень
//! средний» fills `level` before it is asked). Each value is checked against
//! its slot's type and kept in a typed form: E.164 phones, ISO dates,
//! kilograms beside the weight as written, a choice's canonical value.
//! It decides nothing about the dialogue; it says what the message holds.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use nlu::{Entity, Parse, RuleMatch};
use serde_json::{Value, json};

use crate::flow::{Slot, SlotType};

/// Slot names (derived ones included) with their new values.
pub(crate) type Values = Vec<(String, Value)>;

/// The answer to the question for slot `name`: an entity the slot listens
/// for, else a value of its type anywhere in the rest of the message, else
/// that rest itself (a text slot takes any non-empty answer). The rest is
/// the message without the entities other slots listen for, so that the
/// 15 of «а iPhone 15 есть?» is not taken for a quantity. Also says which
/// entity it used, so that no other slot takes it too.
pub(crate) fn answer(
    name: &str,
    slots: &BTreeMap<String, Slot>,
    parse: &Parse,
    today: NaiveDate,
) -> Option<(Values, Option<usize>)> {
    let slot = slots.get(name)?;
    if let Some(entity) = &slot.entity {
        let candidates: Vec<usize> = (0..parse.entities.len())
            .filter(|&index| parse.entities[index].entity == *entity)
            .collect();
        // A lone entity answers the question whatever role the tagger gave
        // it: «Екатеринбург» on its own has no preposition to tell from and
        // to apart. Among several, the role decides.
        let chosen = match candidates.as_slice() {
            [only] => Some(*only),
            _ => candidates
                .iter()
                .copied()
                .find(|&index| role_fits(slot, &parse.entities[index])),
        };
        if let Some(index) = chosen
            && let Some(values) = from_entity(name, slot, &parse.entities[index], today)
        {
            return Some((values, Some(index)));
        }
    }
    let rest = without_others(name, slots, parse);
    read(name, slot, &rest, None, &Value::Null, today).map(|values| (values, None))
}

/// The message with the entities that other slots listen for blanked out.
fn without_others(name: &str, slots: &BTreeMap<String, Slot>, parse: &Parse) -> String {
    let listened = |entity: &Entity| {
        slots.iter().any(|(other, slot)| {
            other != name && slot.entity.as_deref() == Some(entity.entity.as_str())
        })
    };
    let own = slots.get(name).and_then(|it| it.entity.as_deref());
    let spans: Vec<(usize, usize)> = parse
        .entities
        .iter()
        .filter(|it| Some(it.entity.as_str()) != own && listened(it))
        .map(|it| (it.start, it.end))
        .collect();
    parse
        .text
        .chars()
        .enumerate()
        .map(|(index, c)| {
            if spans
                .iter()
                .any(|&(start, end)| start <= index && index < end)
            {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Values for every slot that listens for an entity the message carries,
/// except the slot just answered and the entity its answer used. A typed
/// slot also takes a value of its type that the tagger missed.
pub(crate) fn from_entities(
    slots: &BTreeMap<String, Slot>,
    parse: &Parse,
    today: NaiveDate,
    answered: Option<(&str, Option<usize>)>,
) -> Values {
    let mut values = Values::new();
    for (name, slot) in slots {
        let Some(entity) = &slot.entity else {
            continue;
        };
        if answered.is_some_and(|(slot_name, _)| slot_name == name) {
            continue;
        }
        let used = answered.and_then(|(_, index)| index);
        let found = parse
            .entities
            .iter()
            .enumerate()
            .filter(|(index, it)| {
                Some(*index) != used && it.entity == *entity && role_fits(slot, it)
            })
            .find_map(|(_, it)| from_entity(name, slot, it, today));
        let tagged = parse.entities.iter().any(|it| it.entity == *entity);
        let found = match found {
            None if !tagged && rule_kind(slot.kind).is_some() => {
                read(name, slot, &parse.text, None, &Value::Null, today)
            }
            found => found,
        };
        values.extend(found.unwrap_or_default());
    }
    values
}

fn role_fits(slot: &Slot, entity: &Entity) -> bool {
    slot.role.is_none() || slot.role == entity.role
}

fn from_entity(name: &str, slot: &Slot, entity: &Entity, today: NaiveDate) -> Option<Values> {
    read(
        name,
        slot,
        &entity.text,
        Some(&entity.value),
        &entity.additional_info,
        today,
    )
}

/// A value of the slot's type from `text` (`canonical`: the NLU's reading
/// of it; `info`: the typed reading the NLU attached, if any).
fn read(
    name: &str,
    slot: &Slot,
    text: &str,
    canonical: Option<&str>,
    info: &Value,
    today: NaiveDate,
) -> Option<Values> {
    let one = |value: Value| Some(vec![(name.to_string(), value)]);
    let rule = |kind: &str| -> Option<RuleMatch> {
        nlu::find_by_rules(text, today)
            .into_iter()
            .find(|it| it.kind == kind)
    };
    let typed = |key: &str| -> Option<Value> {
        info.get(key)
            .cloned()
            .or_else(|| rule(key).and_then(|it| it.info.get(key).cloned()))
    };
    match slot.kind {
        SlotType::Text if !slot.choices.is_empty() => choose(&slot.choices, canonical, text)
            .map(Value::String)
            .and_then(one),
        SlotType::Text => {
            let value = canonical
                .unwrap_or(text)
                .trim()
                .trim_end_matches(['.', '!', '?', ','])
                .trim();
            (!value.is_empty())
                .then(|| Value::String(value.to_string()))
                .and_then(one)
        }
        SlotType::Phone => typed("phone")
            .or_else(|| {
                domain::Phone::parse(text, "RU")
                    .ok()
                    .map(|it| json!(it.as_e164()))
            })
            .and_then(one),
        SlotType::Email => typed("email")
            .or_else(|| domain::Email::parse(text).ok().map(|it| json!(it.as_str())))
            .and_then(one),
        SlotType::Date => typed("date")
            .or_else(|| {
                domain::parse_date(text)
                    .ok()
                    .map(|it| json!(it.format("%Y-%m-%d").to_string()))
            })
            .and_then(one),
        SlotType::Weight => {
            let (written, kg) = match info.get("kg") {
                Some(kg) => (text.trim().to_string(), kg.clone()),
                None => {
                    let found = rule("weight")?;
                    (found.text, found.info.get("kg")?.clone())
                }
            };
            Some(vec![
                (name.to_string(), json!(written)),
                (format!("{name}_kg"), kg),
            ])
        }
        SlotType::Money => {
            let (written, reading) = match info.get("amount") {
                Some(_) => (text.trim().to_string(), info.clone()),
                None => {
                    let found = rule("money")?;
                    (found.text, found.info)
                }
            };
            Some(vec![
                (name.to_string(), json!(written)),
                (format!("{name}_amount"), reading.get("amount")?.clone()),
                (
                    format!("{name}_currency"),
                    reading.get("currency").cloned().unwrap_or(json!("RUB")),
                ),
            ])
        }
        SlotType::Number => canonical
            .and_then(|it| number(it, today))
            .or_else(|| number(text, today))
            .and_then(one),
    }
}

/// The rule kind that finds a slot type's values in free text.
fn rule_kind(kind: SlotType) -> Option<&'static str> {
    match kind {
        SlotType::Phone => Some("phone"),
        SlotType::Email => Some("email"),
        SlotType::Date => Some("date"),
        SlotType::Weight => Some("weight"),
        SlotType::Money => Some("money"),
        SlotType::Text | SlotType::Number => None,
    }
}

/// The choice the answer names: the NLU's canonical value if it is one,
/// else the choice one of whose words the text contains (compared by stems,
/// so «среднего» names «средний»); of several, the one named in more words
/// («не срочно» over «срочно»).
fn choose(
    choices: &[(String, Vec<String>)],
    canonical: Option<&str>,
    text: &str,
) -> Option<String> {
    let fold = |it: &str| it.trim().to_lowercase().replace('ё', "е");
    if let Some(canonical) = canonical.map(fold) {
        let named = choices
            .iter()
            .find(|(_, words)| words.iter().any(|word| fold(word) == canonical));
        if let Some((value, _)) = named {
            return Some(value.clone());
        }
    }
    let stems = |it: &str| -> Vec<String> {
        nlu::tokenize(it)
            .into_iter()
            .map(|token| token.stem)
            .collect()
    };
    let said = stems(text);
    let mut best: Option<(usize, &String)> = None;
    for (value, words) in choices {
        for word in words {
            let wanted = stems(word);
            let found = !wanted.is_empty()
                && said
                    .windows(wanted.len())
                    .any(|window| window == wanted.as_slice());
            if found && best.is_none_or(|(length, _)| wanted.len() > length) {
                best = Some((wanted.len(), value));
            }
        }
    }
    best.map(|(_, value)| value.clone())
}

/// Number words an answer to «сколько?» is likely to use.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("один", 1),
    ("одна", 1),
    ("одну", 1),
    ("одно", 1),
    ("два", 2),
    ("две", 2),
    ("пару", 2),
    ("три", 3),
    ("четыре", 4),
    ("пять", 5),
    ("шесть", 6),
    ("семь", 7),
    ("восемь", 8),
    ("девять", 9),
    ("десять", 10),
];

/// The first number in the text that is not part of a phone, date or time.
fn number(text: &str, today: NaiveDate) -> Option<Value> {
    let taken: Vec<(usize, usize)> = nlu::find_by_rules(text, today)
        .into_iter()
        .filter(|it| matches!(it.kind, "phone" | "date" | "time"))
        .map(|it| (it.start, it.end))
        .collect();
    nlu::tokenize(text)
        .into_iter()
        .filter(|token| {
            !taken
                .iter()
                .any(|&(start, end)| token.start < end && start < token.end)
        })
        .find_map(|token| {
            if token.is_number() {
                let value: f64 = token.text.replace(',', ".").parse().ok()?;
                Some(if value.fract() == 0.0 && value.abs() < 1e15 {
                    json!(value as i64)
                } else {
                    json!(value)
                })
            } else {
                NUMBER_WORDS
                    .iter()
                    .find(|(word, _)| *word == token.norm)
                    .map(|(_, value)| json!(value))
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(kind: SlotType, choices: &[(&str, &[&str])]) -> Slot {
        Slot {
            question: Some("?".into()),
            entity: None,
            role: None,
            kind,
            choices: choices
                .iter()
                .map(|(value, words)| {
                    let mut all = vec![(*value).to_string()];
                    all.extend(words.iter().map(|it| (*it).to_string()));
                    ((*value).to_string(), all)
                })
                .collect(),
            reask: None,
            attempts: 2,
        }
    }

    fn check(kind: SlotType, choices: &[(&str, &[&str])], answer: &str, expected: Option<Value>) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
        let found = read("x", &slot(kind, choices), answer, None, &Value::Null, today);
        let got = found.map(|values| {
            let map: serde_json::Map<String, Value> = values.into_iter().collect();
            Value::Object(map)
        });
        assert_eq!(got, expected, "{kind:?} from «{answer}»");
    }

    #[test]
    fn a_phone_is_kept_in_e164_however_it_is_written() {
        check(
            SlotType::Phone,
            &[],
            "89123456789",
            Some(json!({"x": "+79123456789"})),
        );
        check(
            SlotType::Phone,
            &[],
            "мой номер +7 (912) 345-67-89",
            Some(json!({"x": "+79123456789"})),
        );
        check(SlotType::Phone, &[], "позже скажу", None);
    }

    #[test]
    fn an_email_a_date_and_a_number_are_read_from_free_text() {
        check(
            SlotType::Email,
            &[],
            "пишите на Ivan@Mail.ru",
            Some(json!({"x": "Ivan@mail.ru"})),
        );
        check(
            SlotType::Date,
            &[],
            "давайте завтра",
            Some(json!({"x": "2026-11-29"})),
        );
        check(
            SlotType::Date,
            &[],
            "2026-12-03",
            Some(json!({"x": "2026-12-03"})),
        );
        check(SlotType::Number, &[], "две штуки", Some(json!({"x": 2})));
        check(SlotType::Number, &[], "3", Some(json!({"x": 3})));
        check(SlotType::Number, &[], "много", None);
    }

    #[test]
    fn a_weight_keeps_its_writing_and_adds_kilograms() {
        check(
            SlotType::Weight,
            &[],
            "около 15 тонн",
            Some(json!({"x": "15 тонн", "x_kg": 15000.0})),
        );
    }

    #[test]
    fn money_adds_amount_and_currency() {
        check(
            SlotType::Money,
            &[],
            "до 30 тыс руб",
            Some(json!({"x": "30 тыс руб", "x_amount": 30000.0, "x_currency": "RUB"})),
        );
    }

    #[test]
    fn a_choice_is_named_by_any_of_its_words_in_any_form() {
        let levels: &[(&str, &[&str])] = &[("начальный", &["новичок", "с нуля"]), ("средний", &[])];
        check(
            SlotType::Text,
            levels,
            "Среднего, наверное",
            Some(json!({"x": "средний"})),
        );
        check(
            SlotType::Text,
            levels,
            "учу с нуля",
            Some(json!({"x": "начальный"})),
        );
        check(SlotType::Text, levels, "высокий", None);
    }

    #[test]
    fn the_choice_named_in_more_words_wins() {
        let urgency: &[(&str, &[&str])] = &[("срочно", &[]), ("обычно", &["не срочно"])];
        check(
            SlotType::Text,
            urgency,
            "это не срочно",
            Some(json!({"x": "обычно"})),
        );
        check(
            SlotType::Text,
            urgency,
            "срочно!",
            Some(json!({"x": "срочно"})),
        );
    }

    #[test]
    fn a_text_slot_takes_any_non_empty_answer() {
        check(
            SlotType::Text,
            &[],
            "  хочу говорить свободно. ",
            Some(json!({"x": "хочу говорить свободно"})),
        );
        check(SlotType::Text, &[], "  ", None);
    }
}
