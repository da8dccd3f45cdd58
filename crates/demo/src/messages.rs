//! What clients and managers write: requests, replies, follow-ups with a
//! tone, call summaries, notes and tasks, in Russian and some English.
//!
//! Every client message comes from a pool of known tone, so the tone the
//! outcome model counts is the tone a reader (or a classifier) sees. This
//! module picks words; when they are written is decided in `timeline`.

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{pick, pick_copy};

/// The tone of a client's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Thanks, agreement, readiness to pay.
    Positive,
    /// Questions and plain statements.
    Neutral,
    /// Complaints, price objections, competitor mentions.
    Negative,
}

/// What a negative message is about; it also suggests the lost reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grievance {
    /// Nobody answers.
    Ignored,
    /// Too expensive.
    Price,
    /// A competitor is cheaper or faster.
    Competitor,
    /// Anything else: delivery, the wrong size, rudeness.
    Other,
}

/// Who a message is for: the language and the side of the business.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Audience {
    /// Whether the client writes in English.
    pub(crate) is_english: bool,
    /// Whether the deal is B2B.
    pub(crate) is_b2b: bool,
}

#[rustfmt::skip]
const POSITIVE_RU: &[&str] = &[
    "Спасибо, всё понятно, готов оплатить", "Отлично, беру!", "Спасибо за быстрый ответ 👍", "Супер, оформляйте заказ",
    "Да, размер подошёл, оплачу сегодня", "Спасибо, всё устраивает",
];
#[rustfmt::skip]
const POSITIVE_B2B: &[&str] = &[
    "КП согласовали, присылайте договор", "Спасибо, условия устраивают, ждём счёт", "Руководство одобрило, работаем",
];
#[rustfmt::skip]
const POSITIVE_EN: &[&str] = &[
    "Thanks, all clear, ready to pay", "Great, I'll take it!", "Thank you for the quick answer",
    "Perfect, please place the order",
];
#[rustfmt::skip]
const NEUTRAL_RU: &[&str] = &[
    "А доставка сколько дней?", "Можно оплатить при получении?", "Какой размер посоветуете, обычно ношу 42?",
    "Пришлите, пожалуйста, фото", "Хорошо, подумаю", "А есть другой цвет?", "Какая гарантия?", "Ок",
    "Самовывоз возможен?",
];
#[rustfmt::skip]
const NEUTRAL_B2B: &[&str] = &[
    "Пришлите КП на почту", "Нужны закрывающие документы", "Какие сроки поставки?", "Можно отсрочку платежа 14 дней?",
    "Уточните стоимость с НДС",
];
#[rustfmt::skip]
const NEUTRAL_EN: &[&str] = &[
    "How many days is delivery?", "Can I pay on delivery?", "Could you send a photo?", "Ok, I'll think about it",
    "Is there another colour?",
];
#[rustfmt::skip]
const IGNORED_RU: &[&str] = &[
    "Третий раз пишу, никто не отвечает!", "Вы вообще работаете? Жду ответа со вчера", "Почему так долго отвечаете?",
    "Сколько можно ждать?!",
];
#[rustfmt::skip]
const IGNORED_EN: &[&str] = &[
    "This is the third time I'm writing, nobody answers!", "Why does it take so long to reply?",
];
#[rustfmt::skip]
const PRICE_RU: &[&str] = &[
    "слишком дорого", "Дороговато, дайте скидку", "За такие деньги? Нет, дорого",
];
const PRICE_B2B: &[&str] = &["Для опта цена слишком высокая", "Дорого, наш бюджет меньше"];
const PRICE_EN: &[&str] = &["too expensive", "That's too pricey for me"];
#[rustfmt::skip]
const COMPETITOR_RU: &[&str] = &[
    "у конкурентов дешевле", "На Wildberries такие же на 2 тысячи дешевле", "В соседнем магазине предложили дешевле",
    "Конкуренты привезут за день, а вы за неделю",
];
#[rustfmt::skip]
const COMPETITOR_B2B: &[&str] = &[
    "Ваше КП дороже, чем у конкурентов", "Другая транспортная компания предложила на 15% дешевле",
];
#[rustfmt::skip]
const COMPETITOR_EN: &[&str] = &[
    "It's cheaper at other shops", "Another store offered a better price",
];
#[rustfmt::skip]
const OTHER_RU: &[&str] = &[
    "Опять перенесли доставку, очень недоволен", "Вы прислали не тот размер!",
    "Мне не нравится, как со мной разговаривают",
];
#[rustfmt::skip]
const OTHER_EN: &[&str] = &[
    "You sent the wrong size!", "The delivery was postponed again, not happy",
];

#[rustfmt::skip]
const MANAGER_RU: &[&str] = &[
    "Отправил счёт на оплату", "Напоминаю о заказе, вам всё подошло?", "Доставка 2–3 дня, курьер позвонит заранее",
    "Могу предложить скидку 5% при оплате сегодня", "Пришлю фото в течение часа",
    "Размер в наличии, бронирую за вами до завтра",
];
#[rustfmt::skip]
const MANAGER_B2B: &[&str] = &[
    "Направил КП на почту", "Договор в приложении, проверьте реквизиты", "Машина будет на погрузке в четверг",
    "Счёт выставлен, оплата по безналу",
];
#[rustfmt::skip]
const MANAGER_EN: &[&str] = &[
    "I've sent you the invoice", "Delivery takes 2–3 days", "Just checking in: is the order still relevant?",
];
#[rustfmt::skip]
const CALLS: &[&str] = &[
    "Обсудили размер и доставку", "Клиент уточнил сроки", "Договорились о доставке на субботу",
    "Клиент думает, перезвонит сам", "Консультация по гарантии", "Подтвердили заказ",
];
#[rustfmt::skip]
const NOTES: &[&str] = &[
    "перезвонить", "Перезвонить", "перезвонить клиенту", "Клиент просил перезвонить",
    "Клиент выбирает между двумя моделями", "Нужна доставка в пункт выдачи", "Ждёт зарплату, просил придержать товар",
];
#[rustfmt::skip]
const TASKS: &[&str] = &[
    "Перезвонить клиенту", "Уточнить размер", "Проверить оплату", "Отправить трек-номер", "Выставить счёт",
];
#[rustfmt::skip]
const TASKS_B2B: &[&str] = &[
    "Отправить КП", "Выставить счёт", "Согласовать договор", "Запросить реквизиты", "Рассчитать доставку",
];
#[rustfmt::skip]
const MEETINGS: &[&str] = &[
    "Встреча в офисе клиента", "Созвон в Zoom по условиям поставки", "Показали образцы на складе",
];

/// Freight routes as (from, in the genitive; to, with its preposition).
#[rustfmt::skip]
const ROUTES: &[(&str, &str)] = &[
    ("Владивостока", "в Екатеринбург"), ("Москвы", "в Новосибирск"), ("Санкт-Петербурга", "в Казань"), ("Новосибирска", "в Москву"),
    ("Казани", "в Самару"), ("Краснодара", "в Ростов-на-Дону"), ("Екатеринбурга", "во Владивосток"),
];

/// The tone of a client's message written by [`client_message`], or `None`
/// for text that did not come from it (requests, managers' words).
#[cfg(test)]
pub(crate) fn tone_of(text: &str) -> Option<Tone> {
    let positive = [POSITIVE_RU, POSITIVE_B2B, POSITIVE_EN];
    let neutral = [NEUTRAL_RU, NEUTRAL_B2B, NEUTRAL_EN];
    let negative = [
        IGNORED_RU,
        IGNORED_EN,
        PRICE_RU,
        PRICE_B2B,
        PRICE_EN,
        COMPETITOR_RU,
        COMPETITOR_B2B,
        COMPETITOR_EN,
        OTHER_RU,
        OTHER_EN,
    ];
    let holds = |pools: &[&[&str]]| pools.iter().any(|pool| pool.contains(&text));
    [
        (positive.as_slice(), Tone::Positive),
        (neutral.as_slice(), Tone::Neutral),
        (negative.as_slice(), Tone::Negative),
    ]
    .into_iter()
    .find(|(pools, _)| holds(pools))
    .map(|(_, tone)| tone)
}

/// A client's message of the given tone; negative ones are about `grievance`.
pub(crate) fn client_message(
    rng: &mut StdRng,
    audience: Audience,
    tone: Tone,
    grievance: Grievance,
) -> String {
    let Audience { is_english, is_b2b } = audience;
    let pool = match (tone, grievance) {
        (Tone::Positive, _) if is_english => POSITIVE_EN,
        (Tone::Positive, _) if is_b2b => POSITIVE_B2B,
        (Tone::Positive, _) => POSITIVE_RU,
        (Tone::Neutral, _) if is_english => NEUTRAL_EN,
        (Tone::Neutral, _) if is_b2b => NEUTRAL_B2B,
        (Tone::Neutral, _) => NEUTRAL_RU,
        (Tone::Negative, Grievance::Ignored) if is_english => IGNORED_EN,
        (Tone::Negative, Grievance::Ignored) => IGNORED_RU,
        (Tone::Negative, Grievance::Price) if is_english => PRICE_EN,
        (Tone::Negative, Grievance::Price) if is_b2b => PRICE_B2B,
        (Tone::Negative, Grievance::Price) => PRICE_RU,
        (Tone::Negative, Grievance::Competitor) if is_english => COMPETITOR_EN,
        (Tone::Negative, Grievance::Competitor) if is_b2b => COMPETITOR_B2B,
        (Tone::Negative, Grievance::Competitor) => COMPETITOR_RU,
        (Tone::Negative, Grievance::Other) if is_english => OTHER_EN,
        (Tone::Negative, Grievance::Other) => OTHER_RU,
    };
    (*pick(rng, pool)).to_string()
}

/// A shop client's first request about a product (and a size for sneakers).
pub(crate) fn shop_request(
    rng: &mut StdRng,
    is_english: bool,
    product: &str,
    size: Option<u32>,
) -> String {
    let asked = match size {
        Some(size) if is_english => format!("{product} in size {size}"),
        Some(size) => format!("{product} в {size} размере"),
        None => product.to_string(),
    };
    let templates: &[&str] = if is_english {
        &[
            "Hi! Do you have {} in stock?",
            "Hello, how long is delivery for {}?",
            "Is {} original?",
            "I'd like to order {}, can I pay by card?",
        ]
    } else {
        &[
            "Здравствуйте! {} есть в наличии?",
            "Добрый день, сколько идёт доставка: {}?",
            "Подскажите, {} оригинал?",
            "Хочу заказать {}, как оплатить?",
            "Есть ли скидка на {}?",
            "Здравствуйте, можно примерить {} перед покупкой?",
        ]
    };
    pick(rng, templates).replace("{}", &asked)
}

/// A wholesale or corporate-gift request from a company.
pub(crate) fn wholesale_request(
    rng: &mut StdRng,
    product: &str,
    quantity: u32,
    company: &str,
) -> String {
    match rng.random_range(0..3) {
        0 => format!(
            "Добрый день! Нужна партия {quantity} шт. для магазина: {product}. Счёт на {company}."
        ),
        1 => format!("Интересует опт: {quantity} шт. {product}, какие условия?"),
        _ => format!(
            "Нужны корпоративные подарки: {quantity} × {product}, выставите счёт на {company}?"
        ),
    }
}

/// A freight request; returns the text and a title for the deal.
pub(crate) fn freight_request(rng: &mut StdRng) -> (String, String) {
    let (from, to) = *pick(rng, ROUTES);
    let tons = rng.random_range(1..=20);
    let text = match rng.random_range(0..3) {
        0 => format!("доставка из {from} {to}, {tons} {}, срочно", tonnes(tons)),
        1 => format!("Нужна доставка груза из {from} {to}, {tons} т, какие сроки?"),
        _ => format!(
            "Сколько будет стоить перевезти {tons} {} из {from} {to}?",
            tonnes(tons)
        ),
    };
    (text, format!("Доставка груза из {from} {to}, {tons} т"))
}

/// The word for tonnes agreeing with the number: 1 тонна, 3 тонны, 15 тонн.
fn tonnes(count: u32) -> &'static str {
    match (count % 10, count % 100) {
        (_, 11..=14) => "тонн",
        (1, _) => "тонна",
        (2..=4, _) => "тонны",
        _ => "тонн",
    }
}

/// A manager's first reply, greeting by name.
pub(crate) fn first_reply(
    rng: &mut StdRng,
    audience: Audience,
    manager_first_name: &str,
) -> String {
    let text = if audience.is_english {
        "Hello! This is {name} from the shop. Yes, it's in stock: which size do you need?"
    } else if audience.is_b2b {
        *pick(
            rng,
            &[
                "Добрый день! {name}, отдел B2B. Подготовлю расчёт, пришлите реквизиты.",
                "Здравствуйте! Приняли заявку, {name}. Считаем стоимость, в течение часа пришлю КП.",
            ],
        )
    } else {
        *pick(
            rng,
            &[
                "Здравствуйте! Меня зовут {name}. Да, есть в наличии, подсказать по размеру?",
                "Добрый день! {name}, менеджер. Уточню наличие и вернусь с ответом.",
                "Здравствуйте! Спасибо за обращение, {name}. Какой размер нужен?",
            ],
        )
    };
    text.replace("{name}", manager_first_name)
}

/// A manager's follow-up message.
pub(crate) fn manager_message(rng: &mut StdRng, audience: Audience) -> &'static str {
    pick_copy(
        rng,
        if audience.is_english {
            MANAGER_EN
        } else if audience.is_b2b {
            MANAGER_B2B
        } else {
            MANAGER_RU
        },
    )
}

/// A call summary; an unanswered call is `Не дозвонились`.
pub(crate) fn call_summary(rng: &mut StdRng, answered: bool) -> &'static str {
    if answered {
        pick_copy(rng, CALLS)
    } else {
        "Не дозвонились"
    }
}

/// A manager's note; many say only "перезвонить", with no date.
pub(crate) fn note(rng: &mut StdRng) -> &'static str {
    pick_copy(rng, NOTES)
}

/// A task's text.
pub(crate) fn task(rng: &mut StdRng, is_b2b: bool) -> &'static str {
    pick_copy(rng, if is_b2b { TASKS_B2B } else { TASKS })
}

/// A meeting's summary.
pub(crate) fn meeting(rng: &mut StdRng) -> &'static str {
    pick_copy(rng, MEETINGS)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn the_briefs_example_messages_are_in_their_pools() {
        assert!(POSITIVE_RU.contains(&"Спасибо, всё понятно, готов оплатить"));
        assert!(IGNORED_RU.contains(&"Третий раз пишу, никто не отвечает!"));
        assert!(
            PRICE_RU.contains(&"слишком дорого")
                && COMPETITOR_RU.contains(&"у конкурентов дешевле")
        );
    }

    #[test]
    fn every_client_message_is_recognised_by_its_tone() {
        let pools: [(&[&str], Tone); 16] = [
            (POSITIVE_RU, Tone::Positive),
            (POSITIVE_B2B, Tone::Positive),
            (POSITIVE_EN, Tone::Positive),
            (NEUTRAL_RU, Tone::Neutral),
            (NEUTRAL_B2B, Tone::Neutral),
            (NEUTRAL_EN, Tone::Neutral),
            (IGNORED_RU, Tone::Negative),
            (IGNORED_EN, Tone::Negative),
            (PRICE_RU, Tone::Negative),
            (PRICE_B2B, Tone::Negative),
            (PRICE_EN, Tone::Negative),
            (COMPETITOR_RU, Tone::Negative),
            (COMPETITOR_B2B, Tone::Negative),
            (COMPETITOR_EN, Tone::Negative),
            (OTHER_RU, Tone::Negative),
            (OTHER_EN, Tone::Negative),
        ];
        for (pool, tone) in pools {
            for text in pool {
                assert_eq!(tone_of(text), Some(tone), "{text}");
            }
        }
        for text in MANAGER_RU
            .iter()
            .chain(MANAGER_B2B)
            .chain(MANAGER_EN)
            .chain(CALLS)
            .chain(NOTES)
        {
            assert_eq!(
                tone_of(text),
                None,
                "a manager's {text:?} reads as a client's"
            );
        }
    }

    #[test]
    fn freight_requests_name_a_route_and_a_tonnage() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..20 {
            let (text, title) = freight_request(&mut rng);
            assert!(text.contains(" из ") && text.contains('т'), "{text}");
            assert!(title.starts_with("Доставка груза из "), "{title}");
        }
    }

    #[test]
    fn tonnes_agree_with_their_number() {
        for (count, word) in [
            (1, "тонна"),
            (3, "тонны"),
            (5, "тонн"),
            (11, "тонн"),
            (15, "тонн"),
            (21, "тонна"),
            (22, "тонны"),
        ] {
            assert_eq!(tonnes(count), word, "{count}");
        }
    }

    #[test]
    fn english_clients_write_in_english() {
        let mut rng = StdRng::seed_from_u64(1);
        let audience = Audience {
            is_english: true,
            is_b2b: false,
        };
        for tone in [Tone::Positive, Tone::Neutral, Tone::Negative] {
            for grievance in [
                Grievance::Ignored,
                Grievance::Price,
                Grievance::Competitor,
                Grievance::Other,
            ] {
                let text = client_message(&mut rng, audience, tone, grievance);
                assert!(text.is_ascii(), "{text}");
            }
        }
    }
}
