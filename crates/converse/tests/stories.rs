//! The three seed bots (`flows/school.yml`, `shop.yml`, `logistics.yml`),
//! driven turn by turn as their customers would, and the behaviours every
//! bot shares: handing over, pausing until released, surviving a restart.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, TimeZone, Utc};
use converse::{ActionKind, Bot, Conversation, Output, Packet, Speaker, Turn};
use serde_json::{Value, json};

fn load(name: &str) -> Bot {
    let path = format!("{}/flows/{name}.yml", env!("CARGO_MANIFEST_DIR"));
    Bot::load(&path).unwrap_or_else(|error| panic!("{error}"))
}

static SCHOOL: LazyLock<Bot> = LazyLock::new(|| load("school"));
static SHOP: LazyLock<Bot> = LazyLock::new(|| load("shop"));
static LOGISTICS: LazyLock<Bot> = LazyLock::new(|| load("logistics"));

/// Saturday noon, UTC; each message comes a minute after the last.
fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
        .single()
        .expect("a valid time")
}

/// A customer talking to a bot, the state kept as a caller would.
struct Chat {
    bot: &'static Bot,
    conversation: Conversation,
    now: DateTime<Utc>,
}

impl Chat {
    fn open(bot: &'static Bot) -> (Self, Vec<Output>) {
        let mut chat = Chat {
            bot,
            conversation: Conversation::new(),
            now: noon(),
        };
        let greeting = chat.bot.start(&mut chat.conversation, chat.now);
        (chat, greeting)
    }

    fn with(bot: &'static Bot) -> Self {
        Self::open(bot).0
    }

    fn send(&mut self, text: &str) -> Turn {
        self.now += Duration::minutes(1);
        self.bot.turn(&mut self.conversation, text, self.now)
    }
}

fn handoff(turn: &Turn) -> &Packet {
    turn.handoff()
        .unwrap_or_else(|| panic!("expected a handoff, got {:?}", turn.outputs))
}

fn params(turn: &Turn, kind: ActionKind) -> Value {
    let found = turn.actions().into_iter().find(|(it, _)| *it == kind);
    let (_, params) = found.unwrap_or_else(|| panic!("no {kind:?} in {:?}", turn.outputs));
    Value::Object(params.clone())
}

// The online school.

#[test]
fn school_asks_level_goal_and_time_then_creates_a_deal_and_a_task_and_hands_the_hot_lead_over() {
    // Arrange
    let (mut chat, greeting) = Chat::open(&SCHOOL);
    assert_eq!(
        greeting,
        [Output::Say(
            "Здравствуйте! Я помогу подобрать курс английского.".into()
        )]
    );

    // Act and assert, turn by turn.
    let turn = chat.send("Здравствуйте! Хочу на курс английского");
    assert_eq!(
        turn.said(),
        ["Какой у вас уровень английского: начальный, средний или продвинутый?"]
    );
    let turn = chat.send("Среднего, наверное");
    assert_eq!(
        turn.said(),
        ["Для чего вам английский: работа, путешествия, экзамен?"]
    );
    let turn = chat.send("Для работы");
    assert_eq!(turn.said(), ["Когда вам удобно заниматься?"]);
    let turn = chat.send("по будням вечером");

    assert_eq!(
        turn.said(),
        [
            "Начнём с бесплатного пробного урока.",
            "Спасибо! Менеджер свяжется с вами в течение 15 минут и подберёт время: по будням вечером.",
        ]
    );
    assert_eq!(
        params(&turn, ActionKind::CreateDeal),
        json!({"title": "Курс английского: средний", "pipeline": "Обучение", "amount": 30000, "goal": "Для работы"})
    );
    assert_eq!(
        params(&turn, ActionKind::CreateTask),
        json!({"title": "Позвонить клиенту: по будням вечером", "due_minutes": 15})
    );
    let packet = handoff(&turn);
    assert_eq!(packet.reason, "hot_lead");
    assert_eq!(
        packet.summary,
        "Запись на курс: уровень средний, цель — Для работы, удобно по будням вечером"
    );
    assert_eq!(packet.sla_deadline, Some(chat.now + Duration::minutes(15)));
    assert_eq!(packet.slots["level"], "средний");
    assert_eq!(
        packet.transcript.len(),
        10,
        "greeting, four messages, their answers and the farewell"
    );
    assert!(
        matches!(turn.outputs.last(), Some(Output::Handoff(_))),
        "the packet comes last"
    );
    assert_eq!(chat.conversation.counters().handoffs, 1);
}

#[test]
fn school_does_not_ask_the_level_a_student_gave_with_the_request() {
    let mut chat = Chat::with(&SCHOOL);

    let turn = chat.send("хочу на курс, уровень средний");

    assert_eq!(
        turn.said(),
        ["Для чего вам английский: работа, путешествия, экзамен?"]
    );
    assert_eq!(chat.conversation.slots()["level"], "средний");
}

#[test]
fn school_offers_advanced_students_the_speaking_club() {
    let mut chat = Chat::with(&SCHOOL);
    chat.send("Хочу записаться на курс");
    chat.send("продвинутый");
    chat.send("для путешествий");

    let turn = chat.send("в выходные утром");

    assert_eq!(
        turn.said()[0],
        "Для продвинутых есть разговорный клуб с носителем."
    );
    assert_eq!(
        params(&turn, ActionKind::CreateDeal)["title"],
        "Курс английского: продвинутый"
    );
}

#[test]
fn school_asks_again_for_a_level_it_cannot_read_and_hands_over_after_two_retries() {
    let mut chat = Chat::with(&SCHOOL);
    chat.send("Хочу на курс английского");

    let first = chat.send("ну такой себе");
    let second = chat.send("даже не знаю как сказать");
    let third = chat.send("обычный наверное");

    let reask = "Выберите, пожалуйста: начальный, средний или продвинутый.";
    assert_eq!(first.said(), [reask]);
    assert_eq!(second.said(), [reask]);
    assert_eq!(handoff(&third).reason, "cannot_fill_slot");
    assert_eq!(
        third.said(),
        ["Передаю вас менеджеру, он ответит в течение 15 минут."]
    );
    assert!(chat.conversation.is_paused());
}

#[test]
fn school_answers_a_price_question_mid_flow_and_asks_its_question_again() {
    let mut chat = Chat::with(&SCHOOL);
    chat.send("Хочу на курс английского");

    let turn = chat.send("Сколько стоит обучение?");

    assert_eq!(
        turn.said(),
        [
            "Занятие в группе — от 900 ₽, индивидуальное — от 1 800 ₽. Пробный урок бесплатный.",
            "Какой у вас уровень английского: начальный, средний или продвинутый?",
        ]
    );
    assert_eq!(chat.conversation.asking(), Some("level"));
    assert_eq!(
        chat.send("начальный").said(),
        ["Для чего вам английский: работа, путешествия, экзамен?"]
    );
}

// The electronics shop.

#[test]
fn shop_checks_stock_of_the_product_asked_about() {
    let mut chat = Chat::with(&SHOP);

    let turn = chat.send("Есть в наличии айфон 15?");

    assert_eq!(
        params(&turn, ActionKind::CheckStock),
        json!({"product": "iPhone 15"})
    );
    assert_eq!(turn.said().len(), 1);
    assert_eq!(chat.conversation.counters().contained, 1);
}

#[test]
fn shop_asks_which_product_when_the_question_names_none() {
    let mut chat = Chat::with(&SHOP);

    let asked = chat.send("Какие характеристики?");
    let answered = chat.send("MacBook Air");

    assert_eq!(asked.said(), ["Какой товар вас интересует?"]);
    assert_eq!(
        params(&answered, ActionKind::CheckStock),
        json!({"product": "MacBook Air"})
    );
}

#[test]
fn shop_takes_an_order_with_product_quantity_and_phone() {
    let mut chat = Chat::with(&SHOP);
    chat.send("Есть в наличии AirPods Pro?");

    let quantity = chat.send("Хочу заказать");
    let phone = chat.send("две");
    let wrong = chat.send("позже скажу");
    let placed = chat.send("8 912 345-67-89");

    assert_eq!(
        quantity.said(),
        ["Сколько штук?"],
        "the product is known from the stock question"
    );
    assert_eq!(phone.said(), ["Оставьте телефон для подтверждения заказа."]);
    assert_eq!(wrong.said(), ["Номер в формате +7 999 123-45-67."]);
    assert_eq!(
        params(&placed, ActionKind::PlaceOrder),
        json!({"product": "AirPods Pro", "quantity": 2, "phone": "+79123456789"})
    );
    assert_eq!(
        placed.said(),
        ["Заказ оформлен: AirPods Pro × 2. Менеджер позвонит на +79123456789 для подтверждения."]
    );
    assert!(placed.handoff().is_none());
}

#[test]
fn shop_leaves_an_unfinished_order_for_a_stock_question_asked_instead_of_an_answer() {
    let mut chat = Chat::with(&SHOP);
    chat.send("Хочу заказать AirPods Pro");

    let turn = chat.send("А MacBook Air есть в наличии?");

    assert_eq!(
        params(&turn, ActionKind::CheckStock),
        json!({"product": "MacBook Air"})
    );
    assert_eq!(
        chat.conversation.active_flow(),
        None,
        "the order is dropped, not resumed"
    );
}

// B2B logistics.

#[test]
fn logistics_turns_one_message_into_a_draft_request() {
    let mut chat = Chat::with(&LOGISTICS);

    let turn = chat.send("Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно");

    assert_eq!(
        params(&turn, ActionKind::CreateLead),
        json!({
            "title": "Доставка Владивосток → Екатеринбург, 15 тонн",
            "from_city": "Владивосток",
            "to_city": "Екатеринбург",
            "weight_kg": 15000.0,
            "urgency": "срочно",
        })
    );
    assert_eq!(
        turn.said(),
        ["Черновик заявки готов: Владивосток → Екатеринбург, 15 тонн, срочно."]
    );
    assert!(turn.handoff().is_none(), "15 t is not a complex request");
}

#[test]
fn logistics_asks_only_for_what_the_request_left_out() {
    let mut chat = Chat::with(&LOGISTICS);

    let asked = chat.send("Нужна доставка из Владивостока в Екатеринбург");
    let done = chat.send("15 тонн");

    assert_eq!(asked.said(), ["Какой вес груза?"]);
    let lead = params(&done, ActionKind::CreateLead);
    assert_eq!(lead["weight_kg"], 15000.0);
    assert_eq!(lead["urgency"], "обычно");
}

#[test]
fn logistics_tells_from_and_to_by_the_preposition_and_takes_a_bare_city_as_the_answer() {
    let mut chat = Chat::with(&LOGISTICS);

    let first = chat.send("Нужна перевозка груза");
    let second = chat.send("из Хабаровска");
    let third = chat.send("Казань");

    assert_eq!(first.said(), ["Откуда забрать груз?"]);
    assert_eq!(second.said(), ["Куда доставить груз?"]);
    assert_eq!(third.said(), ["Какой вес груза?"]);
    assert_eq!(chat.conversation.slots()["from_city"], "Хабаровск");
    assert_eq!(chat.conversation.slots()["to_city"], "Казань");
}

#[test]
fn logistics_hands_a_load_over_20_tonnes_to_a_manager_as_a_complex_request() {
    let mut chat = Chat::with(&LOGISTICS);

    let turn = chat.send("Нужна доставка из Владивостока в Екатеринбург, 25 тонн, срочно");

    assert_eq!(params(&turn, ActionKind::CreateLead)["weight_kg"], 25000.0);
    let packet = handoff(&turn);
    assert_eq!(packet.reason, "complex");
    assert_eq!(
        packet.summary,
        "Заявка на доставку: Владивосток → Екатеринбург, 25 тонн, срочно"
    );
    assert_eq!(packet.slots["weight_kg"], 25000.0);
    assert_eq!(
        turn.said().last(),
        Some(&"Передаю заявку менеджеру по крупным перевозкам, он ответит в течение 15 минут.")
    );
}

// Handoff, pause, release.

#[test]
fn an_explicit_request_for_a_human_wins_even_mid_flow() {
    let mut chat = Chat::with(&LOGISTICS);
    chat.send("Нужна доставка из Владивостока в Екатеринбург");

    let turn = chat.send("Позовите менеджера");

    let packet = handoff(&turn);
    assert_eq!(packet.reason, "request_human");
    assert_eq!(
        packet.summary,
        "Заявка на доставку: Владивосток, Екатеринбург"
    );
    assert_eq!(chat.conversation.active_flow(), None);
}

#[test]
fn an_angry_customer_is_handed_over() {
    let mut chat = Chat::with(&SHOP);
    chat.send("Хочу заказать AirPods Pro");

    let turn = chat.send("Какой же ужасный бот, достал");

    assert!(
        turn.parse.sentiment.score <= -0.5,
        "{:?}",
        turn.parse.sentiment
    );
    assert_eq!(handoff(&turn).reason, "negative_sentiment");
}

#[test]
fn two_turns_the_bot_does_not_understand_hand_over() {
    let mut chat = Chat::with(&SHOP);

    let first = chat.send("абракадабра");
    let second = chat.send("Какая погода завтра?");

    assert_eq!(
        first.said(),
        ["Не совсем понял. Спросите о наличии товара или напишите «хочу заказать»."]
    );
    assert!(first.handoff().is_none());
    let packet = handoff(&second);
    assert_eq!(packet.reason, "low_confidence");
    assert_eq!(
        packet.summary,
        "Бот не понял клиента: «Какая погода завтра?»"
    );
    assert_eq!(chat.conversation.counters().fallbacks, 1);
}

#[test]
fn an_understood_turn_resets_the_count_of_unsure_ones() {
    let mut chat = Chat::with(&SHOP);

    chat.send("абракадабра");
    chat.send("спасибо");
    let turn = chat.send("Какая погода завтра?");

    assert!(turn.handoff().is_none());
}

#[test]
fn a_vip_customer_is_handed_over_at_once() {
    let mut conversation = Conversation::new();
    conversation.set_context("vip", json!(true));

    let outputs = SCHOOL.start(&mut conversation, noon());

    let reasons: Vec<&str> = outputs
        .iter()
        .filter_map(|it| match it {
            Output::Handoff(packet) => Some(packet.reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, ["vip"]);
    assert!(conversation.is_paused());
}

#[test]
fn a_paused_conversation_records_messages_silently_until_released() {
    let mut chat = Chat::with(&SCHOOL);
    chat.send("Позовите менеджера");

    let silent = chat.send("алло?");
    let lines = chat.conversation.transcript().len();
    chat.bot.release(&mut chat.conversation);
    let answered = chat.send("спасибо");

    assert!(silent.outputs.is_empty());
    let last = &chat.conversation.transcript()[lines - 1];
    assert_eq!((last.who, last.text.as_str()), (Speaker::Customer, "алло?"));
    assert_eq!(answered.said(), ["Пожалуйста! Обращайтесь."]);
    assert_eq!(
        chat.conversation.counters().turns,
        2,
        "the message a manager had is not the bot's turn"
    );
}

// State.

#[test]
fn a_conversation_saved_as_json_mid_flow_continues_as_if_never_stopped() {
    // Arrange: one conversation goes on in memory, its JSON copy is restored
    // as after a restart.
    let mut chat = Chat::with(&SHOP);
    chat.send("Хочу заказать AirPods Pro");
    let json = serde_json::to_string(&chat.conversation).expect("serializes");
    let mut restored: Conversation = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(restored, chat.conversation);

    // Act
    let mut in_memory = Vec::new();
    let mut after_restart = Vec::new();
    for (index, text) in ["3", "89123456789"].iter().enumerate() {
        let at = noon() + Duration::minutes(10 + index as i64);
        in_memory.push(SHOP.turn(&mut chat.conversation, text, at).outputs);
        after_restart.push(SHOP.turn(&mut restored, text, at).outputs);
    }

    // Assert
    assert_eq!(in_memory, after_restart);
    assert_eq!(restored, chat.conversation);
    assert_eq!(restored.counters().contained, 1);
}

#[test]
fn a_conversation_saved_inside_a_branch_continues_there() {
    let flow = r#"
bot: branches
slots:
  level: {question: "Уровень?", choices: [начальный, продвинутый]}
  phone: {question: "Телефон?", type: phone}
flows:
  - name: enroll
    when: [enroll_course]
    steps:
      - ask: level
      - if: "level == 'продвинутый'"
        then:
          - ask: phone
          - say: "Позвоним на {{ phone }}."
        else:
          - say: "Ждём на пробном уроке."
      - say: "Готово."
"#;
    let nlu = nlu::TrainingData::load(&[format!(
        "{}/flows/school.nlu.yml",
        env!("CARGO_MANIFEST_DIR")
    )])
    .expect("nlu data");
    let model = nlu::NluModel::train(&nlu, &nlu::Options::default()).expect("a model");
    let bot = Bot::from_parts(flow, "branches.yml", model).expect("a valid flow");
    let mut conversation = Conversation::new();
    bot.turn(&mut conversation, "Хочу на курс", noon());
    bot.turn(&mut conversation, "продвинутый", noon());

    let json = serde_json::to_string(&conversation).expect("serializes");
    let mut restored: Conversation = serde_json::from_str(&json).expect("deserializes");
    let turn = bot.turn(&mut restored, "+7 912 345 67 89", noon());

    assert_eq!(turn.said(), ["Позвоним на +79123456789.", "Готово."]);
}

#[test]
fn school_answers_what_no_flow_covers_from_its_faq_and_cites_it() {
    let mut chat = Chat::with(&SCHOOL);
    let turn = chat.send("А сертификат в конце выдаёте?");
    let said = turn.said().join("\n");
    assert!(said.contains("сертификат школы"), "{said}");
    assert!(
        said.contains("(Источник: school.faq.yml#certificate)"),
        "{said}"
    );
    assert_eq!(
        chat.conversation.counters().fallbacks,
        0,
        "an answer is not a fallback"
    );
    // What the FAQ does not know either is still a fallback.
    let turn = chat.send("какая погода на Марсе");
    assert!(
        !turn.said().join(" ").contains("Источник"),
        "{:?}",
        turn.said()
    );
}
