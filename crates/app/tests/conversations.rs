//! The seed's three bots at work on the store, SQLite and PostgreSQL alike:
//! each message goes through the bot in one transaction; the deal, the
//! manager's task and the handoff are in the store; a repeated delivery
//! changes nothing; a restart mid-conversation loses nothing.

use std::sync::{Arc, LazyLock};

use app::{Actor, App, AppConfig, Bots, Inbound, Reply};
use domain::{EntityKind, Role};
use serde_json::{Map, Value, json};
use store::ListQuery;
use test_support::{Backend, TestDb, backend_tests};

backend_tests!(
    the_school_bot_qualifies_the_lead_creates_the_deal_and_hands_it_over,
    the_shop_bot_answers_stock_from_the_catalogue_and_takes_the_order,
    the_logistics_bot_turns_one_message_into_a_draft_request,
    a_repeated_delivery_changes_nothing_and_a_restart_loses_nothing,
    unsure_messages_are_reviewed_and_corrections_become_training_data,
    deleting_a_contact_deletes_its_conversations,
    a_transcribed_call_becomes_a_lead_and_a_call_activity_once,
    a_handoff_past_its_deadline_is_escalated_once,
    two_processes_answering_one_chat_never_answer_from_a_stale_state,
    a_language_model_phrases_a_knowledge_answer_without_seeing_personal_data,
);

/// Training the three NLU models once for all tests of this file.
static BOTS: LazyLock<Vec<Arc<converse::Bot>>> = LazyLock::new(|| {
    converse::example_bots()
        .expect("example bots")
        .into_iter()
        .map(Arc::new)
        .collect()
});

fn config() -> AppConfig {
    AppConfig {
        bots: Bots::from_shared(BOTS.iter().cloned()),
        ..AppConfig::default()
    }
}

fn bot_actor() -> Actor {
    Actor {
        label: "test-channel".into(),
        role: Role::Bot,
        user_id: None,
    }
}

fn admin() -> Actor {
    Actor::system("test")
}

async fn say(app: &App, bot: &str, chat: &str, id: &str, text: &str) -> Reply {
    app.converse(
        &bot_actor(),
        &Inbound {
            bot: bot.into(),
            channel: "rest".into(),
            chat: chat.into(),
            delivery_id: Some(id.into()),
            text: text.into(),
            profile: Map::new(),
        },
    )
    .await
    .expect("converse")
}

async fn all(app: &App, kind: EntityKind) -> Vec<Map<String, Value>> {
    app.list(&admin(), kind, ListQuery::default())
        .await
        .expect("list")
        .items
        .iter()
        .map(|r| r.to_json().as_object().cloned().expect("object"))
        .collect()
}

async fn the_school_bot_qualifies_the_lead_creates_the_deal_and_hands_it_over(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    let first = say(
        &app,
        "online-school",
        "tg-1",
        "1",
        "Здравствуйте! Хочу на курс английского",
    )
    .await;
    assert_eq!(
        first.messages,
        [
            "Здравствуйте! Я помогу подобрать курс английского.",
            "Какой у вас уровень английского: начальный, средний или продвинутый?"
        ]
    );
    say(&app, "online-school", "tg-1", "2", "Среднего, наверное").await;
    say(&app, "online-school", "tg-1", "3", "Для работы").await;
    let last = say(&app, "online-school", "tg-1", "4", "по будням вечером").await;
    let handoff = last.handoff.expect("the hot lead goes to a manager");
    assert_eq!(handoff.reason, "hot_lead");
    assert!(last.with_manager);

    let deals = all(&app, EntityKind::Deal).await;
    assert_eq!(deals.len(), 1);
    assert_eq!(deals[0]["title"], "Курс английского: средний");
    assert_eq!(deals[0]["source"], "chatbot");
    assert_eq!(deals[0]["amount"]["amount"], "30000.00", "{:?}", deals[0]);
    let tasks = all(&app, EntityKind::Activity).await;
    assert_eq!(tasks.len(), 2, "the flow's call task and the handoff task");
    let packet = tasks
        .iter()
        .find(|t| {
            t["text"]
                .as_str()
                .is_some_and(|x| x.starts_with("Передано ботом"))
        })
        .expect("handoff task");
    let text = packet["text"].as_str().expect("text");
    assert!(text.contains("горячий лид"), "{text}");
    assert!(text.contains("level: средний"), "{text}");
    assert!(text.contains("Клиент: Для работы"), "{text}");
    assert_eq!(packet["deal_id"], deals[0]["id"]);
    assert!(packet["due_at"].is_string());

    // The bot is paused for this chat until a manager releases it.
    let silent = say(&app, "online-school", "tg-1", "5", "алло?").await;
    assert!(silent.messages.is_empty() && silent.with_manager);
    let handed = app
        .conversations(&admin(), Some("handoff"), 10)
        .await
        .expect("list");
    assert_eq!(handed.len(), 1);
    assert_eq!(handed[0].handoff_reason.as_deref(), Some("hot_lead"));
    assert!(handed[0].sla_deadline.is_some());
    app.manager_reply(
        &admin(),
        handed[0].id,
        "Здравствуйте! Это Анна, подберу группу.",
    )
    .await
    .expect("manager reply");
    let quality = app
        .bot_quality(&admin(), "online-school")
        .await
        .expect("quality");
    assert_eq!(quality.manager_replies, 1);
    assert!(
        quality
            .manager_first_reply_minutes
            .is_some_and(|m| (0.0..1.0).contains(&m)),
        "{quality:?}"
    );
    app.release_conversation(&admin(), handed[0].id)
        .await
        .expect("release");
    let back = say(&app, "online-school", "tg-1", "6", "Сколько стоит?").await;
    assert!(!back.messages.is_empty() && !back.with_manager, "{back:?}");
}

async fn the_shop_bot_answers_stock_from_the_catalogue_and_takes_the_order(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    let product =
        json!({"name": "Наушники AirPods Pro", "sku": "APP-2", "price": 24990, "stock": 5});
    app.create(
        &admin(),
        EntityKind::Product,
        product.as_object().expect("object"),
    )
    .await
    .expect("product");
    let stock = say(
        &app,
        "electronics-shop",
        "web-7",
        "1",
        "Есть в наличии AirPods Pro?",
    )
    .await;
    assert!(
        stock
            .messages
            .iter()
            .any(|m| m.contains("в наличии 5 шт.") && m.contains("24\u{a0}990 ₽")),
        "{:?}",
        stock.messages
    );
    say(&app, "electronics-shop", "web-7", "2", "Хочу заказать").await;
    say(&app, "electronics-shop", "web-7", "3", "две").await;
    let placed = say(&app, "electronics-shop", "web-7", "4", "8 912 345-67-89").await;
    assert!(placed.handoff.is_none(), "{placed:?}");
    let deals = all(&app, EntityKind::Deal).await;
    assert_eq!(deals.len(), 1, "{deals:?}");
    assert_eq!(deals[0]["amount"]["amount"], "49980.00", "{:?}", deals[0]);
    let contacts = all(&app, EntityKind::Contact).await;
    assert_eq!(contacts[0]["phones"], json!(["+79123456789"]));
    assert_eq!(deals[0]["contact_id"], contacts[0]["id"]);
}

async fn the_logistics_bot_turns_one_message_into_a_draft_request(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    let reply = say(
        &app,
        "logistics",
        "wa-79001234567",
        "1",
        "Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно",
    )
    .await;
    assert!(reply.handoff.is_none(), "{reply:?}");
    let leads = all(&app, EntityKind::Deal).await;
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0]["kind"], "lead");
    let comment = leads[0]["comment"].as_str().expect("comment");
    for part in ["Владивосток", "Екатеринбург", "15000", "срочно"] {
        assert!(comment.contains(part), "{part} in {comment}");
    }
    // 25 tonnes is a complex request: a manager takes it.
    let big = say(
        &app,
        "logistics",
        "wa-79007654321",
        "1",
        "Нужно перевезти 25 тонн из Новосибирска в Казань срочно",
    )
    .await;
    let handoff = big
        .handoff
        .clone()
        .unwrap_or_else(|| panic!("complex request handed over: {big:?}"));
    assert_eq!(handoff.reason, "complex");
    assert!(
        handoff.summary.contains("Новосибирск"),
        "{}",
        handoff.summary
    );
}

async fn a_repeated_delivery_changes_nothing_and_a_restart_loses_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    let asked = say(
        &app,
        "logistics",
        "chat-9",
        "m1",
        "Нужна доставка из Владивостока в Екатеринбург",
    )
    .await;
    assert_eq!(
        asked.messages.last().map(String::as_str),
        Some("Какой вес груза?")
    );
    let again = say(
        &app,
        "logistics",
        "chat-9",
        "m1",
        "Нужна доставка из Владивостока в Екатеринбург",
    )
    .await;
    assert!(again.duplicate && again.messages.is_empty());
    drop(app);

    // A new process on the same store picks the conversation up where it was.
    let app = App::open(&db.url, config()).await.expect("reopen");
    let done = say(&app, "logistics", "chat-9", "m2", "15 тонн").await;
    assert!(!done.duplicate);
    let leads = all(&app, EntityKind::Deal).await;
    assert_eq!(leads.len(), 1, "{:?}", done.messages);
    assert!(
        leads[0]["comment"]
            .as_str()
            .expect("comment")
            .contains("15000")
    );
    let replay = say(&app, "logistics", "chat-9", "m2", "15 тонн").await;
    assert!(replay.duplicate);
    assert_eq!(
        all(&app, EntityKind::Deal).await.len(),
        1,
        "a replay creates nothing"
    );
    // Another bot's chat of the same id is another conversation.
    let other = say(&app, "online-school", "chat-9", "m1", "привет").await;
    assert!(!other.duplicate);
}

async fn unsure_messages_are_reviewed_and_corrections_become_training_data(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    say(
        &app,
        "logistics",
        "q-1",
        "1",
        "Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно",
    )
    .await;
    say(&app, "logistics", "q-2", "1", "абырвалг").await;
    say(&app, "logistics", "q-2", "2", "фыва олдж").await;
    let quality = app
        .bot_quality(&admin(), "logistics")
        .await
        .expect("quality");
    assert_eq!(quality.conversations, 2);
    assert_eq!(
        quality.handoff_rate,
        Some(0.5),
        "two unsure turns hand q-2 over: {quality:?}"
    );
    assert_eq!(quality.containment, Some(0.5));
    assert_eq!(quality.handoff_reasons, [("low_confidence".to_string(), 1)]);
    assert!(quality.fallback_rate.is_some_and(|r| r > 0.0));
    assert_eq!(quality.with_manager, 1);

    let pending = app
        .reviews(&admin(), "logistics", "pending")
        .await
        .expect("reviews");
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert_eq!(pending[0].text, "абырвалг");
    let wrong = app
        .correct_review(
            &admin(),
            pending[0].id,
            app::Correction::Correct {
                intent: "no_such_intent".into(),
                entities: vec![],
            },
        )
        .await
        .expect_err("unknown intent");
    assert!(wrong.to_string().contains("no_such_intent"), "{wrong}");
    app.correct_review(
        &admin(),
        pending[0].id,
        app::Correction::Correct {
            intent: "delivery_request".into(),
            entities: vec![app::CorrectedEntity {
                entity: "city".into(),
                start: None,
                end: None,
                text: Some("абырвалг".into()),
                value: Some("Москва".into()),
            }],
        },
    )
    .await
    .expect("correct");
    app.correct_review(&admin(), pending[1].id, app::Correction::Dismiss)
        .await
        .expect("dismiss");
    assert!(
        app.reviews(&admin(), "logistics", "pending")
            .await
            .expect("reviews")
            .is_empty()
    );
    let yaml = app
        .training_data(&admin(), "logistics")
        .await
        .expect("yaml");
    // The export is Rasa NLU YAML that trains as it is.
    let data = nlu::TrainingData::parse("corrections.yml", &yaml).expect("valid Rasa YAML");
    assert_eq!(data.examples.len(), 1, "{yaml}");
    assert_eq!(data.examples[0].intent, "delivery_request");
    assert_eq!(data.examples[0].entities[0].value, "Москва");
}

async fn deleting_a_contact_deletes_its_conversations(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    say(
        &app,
        "logistics",
        "d-1",
        "1",
        "Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно",
    )
    .await;
    let contacts = all(&app, EntityKind::Contact).await;
    let id = domain::Id::parse(contacts[0]["id"].as_str().expect("id")).expect("id");
    for deal in all(&app, EntityKind::Deal).await {
        let deal = domain::Id::parse(deal["id"].as_str().expect("id")).expect("id");
        app.delete(&admin(), EntityKind::Deal, deal)
            .await
            .expect("delete deal");
    }
    for task in all(&app, EntityKind::Activity).await {
        let task = domain::Id::parse(task["id"].as_str().expect("id")).expect("id");
        app.delete(&admin(), EntityKind::Activity, task)
            .await
            .expect("delete task");
    }
    app.delete(&admin(), EntityKind::Contact, id)
        .await
        .expect("delete contact");
    assert!(
        app.conversations(&admin(), None, 10)
            .await
            .expect("list")
            .is_empty()
    );
}

async fn a_transcribed_call_becomes_a_lead_and_a_call_activity_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    let call: app::Call = serde_json::from_value(json!({
        "call_id": "pbx-7781",
        "phone": "8 (912) 345-67-89",
        "transcript": [
            {"speaker": "operator", "text": "ТрансЛог, здравствуйте!"},
            {"speaker": "customer", "text": "Нужна доставка из Владивостока в Екатеринбург"},
            {"speaker": "operator", "text": "Какой вес груза?"},
            {"speaker": "customer", "text": "15 тонн, срочно"}
        ]
    }))
    .expect("call");
    let report = app
        .take_call(&bot_actor(), "logistics", &call)
        .await
        .expect("call taken");
    assert_eq!((report.turns, report.duplicate), (2, false));
    let leads = all(&app, EntityKind::Deal).await;
    assert_eq!(leads.len(), 1);
    assert!(
        leads[0]["comment"]
            .as_str()
            .expect("comment")
            .contains("15000")
    );
    let contacts = all(&app, EntityKind::Contact).await;
    assert_eq!(contacts[0]["phones"], json!(["+79123456789"]));
    let calls: Vec<_> = all(&app, EntityKind::Activity)
        .await
        .into_iter()
        .filter(|a| a["kind"] == "call")
        .collect();
    assert_eq!(calls.len(), 1);
    let text = calls[0]["text"].as_str().expect("text");
    assert!(
        text.contains("Оператор: Какой вес груза?") && text.contains("Клиент: 15 тонн, срочно"),
        "{text}"
    );
    assert!(text.contains("Тон клиента"), "{text}");
    assert_eq!(calls[0]["contact_id"], contacts[0]["id"]);

    let again = app
        .take_call(&bot_actor(), "logistics", &call)
        .await
        .expect("again");
    assert!(again.duplicate && again.turns == 0, "{again:?}");
    assert_eq!(all(&app, EntityKind::Deal).await.len(), 1);
    assert_eq!(
        all(&app, EntityKind::Activity)
            .await
            .iter()
            .filter(|a| a["kind"] == "call")
            .count(),
        1
    );
}

async fn a_handoff_past_its_deadline_is_escalated_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, config()).await.expect("open");
    let reply = say(
        &app,
        "online-school",
        "sla-1",
        "1",
        "Позовите менеджера, пожалуйста",
    )
    .await;
    let handoff = reply.handoff.expect("handed over");
    let deadline = handoff.sla_deadline.expect("a deadline");
    assert_eq!(
        app.escalate_overdue(deadline - chrono::Duration::minutes(1))
            .await
            .expect("check"),
        0
    );
    let later = deadline + chrono::Duration::minutes(5);
    assert_eq!(app.escalate_overdue(later).await.expect("check"), 1);
    assert_eq!(
        app.escalate_overdue(later).await.expect("check"),
        0,
        "once per handoff"
    );
    let tasks = all(&app, EntityKind::Activity).await;
    let escalation = tasks
        .iter()
        .find(|t| {
            t["text"]
                .as_str()
                .is_some_and(|x| x.starts_with("Просрочен ответ клиенту"))
        })
        .expect("escalation task");
    assert!(
        escalation["text"].as_str().expect("text").contains("5 мин"),
        "{escalation:?}"
    );
}

async fn two_processes_answering_one_chat_never_answer_from_a_stale_state(backend: Backend) {
    let db = TestDb::new(backend).await;
    let first = App::open(&db.url, config()).await.expect("open");
    let second = App::open(&db.url, config()).await.expect("open again");
    let asked = say(
        &first,
        "logistics",
        "both",
        "1",
        "Нужна доставка из Владивостока в Екатеринбург",
    )
    .await;
    assert_eq!(
        asked.messages.last().map(String::as_str),
        Some("Какой вес груза?")
    );
    // The other process takes the answer; the first one's memory of the chat is now old.
    say(&second, "logistics", "both", "2", "15 тонн").await;
    let thanks = say(&first, "logistics", "both", "3", "Спасибо").await;
    assert_eq!(
        thanks.messages,
        ["Пожалуйста! Обращайтесь."],
        "answered from the latest state"
    );
    assert_eq!(all(&first, EntityKind::Deal).await.len(), 1);
}

async fn a_language_model_phrases_a_knowledge_answer_without_seeing_personal_data(
    backend: Backend,
) {
    // A local OpenAI-compatible endpoint that records what it was sent.
    let seen: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let recorded = Arc::clone(&seen);
    let router = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(move |body: String| {
            let recorded = Arc::clone(&recorded);
            async move {
                recorded.lock().expect("lock").push(body);
                axum::Json(json!({"choices": [{"message": {"role": "assistant",
                    "content": "Да, в конце курса вы получите сертификат школы [1]."}}]}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    let generator = app::Generator::new(app::GeneratorConfig::new(
        format!("http://{address}/v1"),
        "local-model",
    ))
    .expect("generator");
    let db = TestDb::new(backend).await;
    let app = App::open(
        &db.url,
        AppConfig {
            generator: Some(generator),
            ..config()
        },
    )
    .await
    .expect("open");
    let reply = say(
        &app,
        "online-school",
        "llm-1",
        "1",
        "А сертификат в конце выдаёте? Звоните +7 912 345-67-89, Ольга",
    )
    .await;
    let said = reply.messages.join("\n");
    assert!(said.contains("вы получите сертификат школы"), "{said}");
    assert!(
        said.contains("(Источник: school.faq.yml#certificate)"),
        "{said}"
    );
    let prompts = seen.lock().expect("lock").join("\n");
    assert!(
        prompts.contains("сертификат"),
        "the passages and the question reach the model"
    );
    assert!(
        !prompts.contains("912") && !prompts.contains("Ольга"),
        "{prompts}"
    );
}
