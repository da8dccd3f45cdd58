//! Generated answers through an OpenAI-compatible endpoint, checked against a
//! local fake that records what it was sent: only passages and the masked
//! question leave, the answer keeps its citations, and any failure gives the
//! extractive answer instead.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use kb::{Generator, GeneratorConfig, KnowledgeBase, parse_source};
use serde_json::{Value, json};

/// What the fake endpoint answers.
#[derive(Clone)]
enum Reply {
    Says(&'static str),
    Fails(u16),
    Sleeps(Duration),
}

/// Requests the fake received: headers and JSON body.
type Received = Arc<Mutex<Vec<(HeaderMap, Value)>>>;

async fn completions(
    State((reply, received)): State<(Reply, Received)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    received.lock().expect("lock").push((headers, body));
    let content = match reply {
        Reply::Says(content) => content,
        Reply::Fails(status) => {
            let status = StatusCode::from_u16(status).expect("status");
            return (
                status,
                Json(json!({"error": {"message": "model not loaded"}})),
            );
        }
        Reply::Sleeps(duration) => {
            tokio::time::sleep(duration).await;
            "Слишком поздно [1]."
        }
    };
    let completion = json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    });
    (StatusCode::OK, Json(completion))
}

/// A fake endpoint on 127.0.0.1; its base URL and what it receives.
async fn fake(reply: Reply) -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .with_state((reply, received.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/v1"), received)
}

fn generator(base_url: &str) -> Generator {
    let mut config = GeneratorConfig::new(base_url, "qwen2.5-7b-instruct");
    config.api_key = Some("secret-key".to_string());
    config.timeout = Duration::from_millis(500);
    Generator::new(config).expect("valid endpoint")
}

fn shop() -> KnowledgeBase {
    let mut passages = parse_source(
        "faq.yaml",
        "\
- id: return
  q: Как вернуть товар?
  a: Вернуть товар можно в течение 14 дней с чеком.
- id: exchange
  q: Как обменять товар?
  a: Обменять товар можно в течение 14 дней в любом магазине.
",
    )
    .expect("faq");
    passages.extend(
        parse_source(
            "delivery.md",
            "## Курьер\n\nКурьер привезёт заказ за 1–2 дня.\n",
        )
        .expect("article"),
    );
    KnowledgeBase::from_passages(passages)
}

const QUESTION: &str = "Здравствуйте, я Иванов Пётр Сергеевич, телефон +7 916 123-45-67, \
почта petr.ivanov@mail.ru, живу на ул. Ленина, д. 5, кв. 12. Как вернуть товар?";

#[tokio::test]
async fn the_prompt_holds_the_passages_and_the_question_with_personal_data_masked() {
    let (url, received) = fake(Reply::Says(
        "Вернуть товар можно в течение 14 дней с чеком [1].",
    ))
    .await;
    let answer = shop()
        .answer_with(QUESTION, &generator(&url))
        .await
        .expect("answered");

    let received = received.lock().expect("lock");
    let [(headers, body)] = received.as_slice() else {
        panic!("one request expected, got {}", received.len());
    };
    assert_eq!(headers["authorization"], "Bearer secret-key");
    assert_eq!(body["model"], "qwen2.5-7b-instruct");
    let system = body["messages"][0]["content"]
        .as_str()
        .expect("system prompt");
    assert!(
        system.contains("только по") && system.contains("[1], [2]"),
        "{system}"
    );
    let user = body["messages"][1]["content"]
        .as_str()
        .expect("user prompt");
    assert!(
        user.contains(
            "[1] Вопрос: Как вернуть товар?\nОтвет: Вернуть товар можно в течение 14 дней с чеком."
        ),
        "{user}"
    );
    for placeholder in ["[ИМЯ]", "[ТЕЛЕФОН]", "[EMAIL]", "[АДРЕС]"] {
        assert!(user.contains(placeholder), "{placeholder} missing: {user}");
    }
    let sent = body.to_string();
    for personal in [
        "916",
        "123-45-67",
        "petr.ivanov",
        "mail.ru",
        "Иванов",
        "Пётр",
        "Ленина",
        "кв. 12",
    ] {
        assert!(
            !sent.contains(personal),
            "{personal:?} reached the endpoint: {user}"
        );
    }

    assert_eq!(
        answer.text,
        "Вернуть товар можно в течение 14 дней с чеком [1]."
    );
    assert_eq!(answer.citations, ["faq.yaml#return"]);
    assert!(answer.generated);
}

#[tokio::test]
async fn citations_are_renumbered_to_the_sources_the_answer_actually_uses() {
    let (url, _) = fake(Reply::Says(
        "Обменять можно за 14 дней [2], вернуть тоже [1][2].",
    ))
    .await;
    let answer = shop()
        .answer_with("как вернуть или обменять товар", &generator(&url))
        .await
        .expect("answered");
    let [first, second] = answer.citations.as_slice() else {
        panic!("two citations expected: {answer:?}");
    };
    assert_eq!(
        answer.text,
        "Обменять можно за 14 дней [1], вернуть тоже [2][1]."
    );
    assert_eq!(first, "faq.yaml#exchange");
    assert_eq!(second, "faq.yaml#return");
}

#[tokio::test]
async fn an_endpoint_error_gives_the_extractive_answer() {
    let kb = shop();
    let extractive = kb.answer("как вернуть товар").expect("extractive");
    let (url, received) = fake(Reply::Fails(503)).await;
    let answer = kb.answer_with("как вернуть товар", &generator(&url)).await;
    assert_eq!(answer, Some(extractive));
    assert_eq!(received.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn a_slow_or_absent_endpoint_gives_the_extractive_answer() {
    let kb = shop();
    let extractive = kb.answer("как вернуть товар");
    assert!(extractive.is_some());

    let (url, _) = fake(Reply::Sleeps(Duration::from_secs(5))).await;
    let started = std::time::Instant::now();
    assert_eq!(
        kb.answer_with("как вернуть товар", &generator(&url)).await,
        extractive
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the timeout was not kept"
    );

    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}/v1", listener.local_addr().expect("address"));
    drop(listener);
    assert_eq!(
        kb.answer_with("как вернуть товар", &generator(&closed))
            .await,
        extractive
    );
}

#[tokio::test]
async fn an_answer_that_cites_no_passage_is_not_used() {
    let kb = shop();
    let (url, _) = fake(Reply::Says("Конечно, возвращайте когда угодно!")).await;
    let answer = kb.answer_with("как вернуть товар", &generator(&url)).await;
    assert_eq!(answer, kb.answer("как вернуть товар"));
    assert!(answer.is_some_and(|a| !a.generated));
}

#[tokio::test]
async fn when_the_model_finds_no_answer_in_the_passages_the_bot_has_none() {
    let (url, _) = fake(Reply::Says("НЕТ ОТВЕТА")).await;
    assert_eq!(
        shop()
            .answer_with("как вернуть товар", &generator(&url))
            .await,
        None
    );
}

#[tokio::test]
async fn a_question_the_sources_do_not_cover_never_reaches_the_model() {
    let (url, received) = fake(Reply::Says("Выдумка [1].")).await;
    let answer = shop()
        .answer_with("какая погода в Сочи на выходных?", &generator(&url))
        .await;
    assert_eq!(answer, None);
    assert!(received.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn without_a_key_no_authorization_is_sent() {
    let (url, received) = fake(Reply::Says("Да [1].")).await;
    let generator = Generator::new(GeneratorConfig::new(&url, "local")).expect("valid");
    shop().answer_with("как вернуть товар", &generator).await;
    let received = received.lock().expect("lock");
    assert!(!received[0].0.contains_key("authorization"));
}

#[test]
fn an_endpoint_that_is_not_an_http_url_is_refused_before_anything_is_sent() {
    for url in ["ftp://models.local/v1", "not a url", ""] {
        assert!(
            Generator::new(GeneratorConfig::new(url, "m")).is_err(),
            "{url:?} accepted"
        );
    }
    let config = GeneratorConfig {
        api_key: Some("secret-key".to_string()),
        ..GeneratorConfig::new("http://127.0.0.1:8080/v1/", "m")
    };
    assert!(
        !format!("{config:?}").contains("secret-key"),
        "the key shows in logs"
    );
    assert!(Generator::new(config).is_ok());
}

#[test]
fn personal_data_is_masked_with_russian_placeholders() {
    assert_eq!(
        kb::mask_personal_data(
            "Перезвоните Ивановой Марии на +7 (916) 123-45-67 или m.ivanova@ya.ru"
        ),
        "Перезвоните [ИМЯ] на [ТЕЛЕФОН] или [EMAIL]"
    );
    assert_eq!(
        kb::mask_personal_data("Привезите на проспект Мира 10, кв 3, пожалуйста"),
        "Привезите на [АДРЕС], пожалуйста"
    );
}
