//! `fundament nlu train | parse | test` as other tools run them: Rasa NLU
//! YAML in, one `/model/parse` JSON object per input line out, in order.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn fundament(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args(args)
        .env_remove("FUNDAMENT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fundament");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("wait")
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fundament-nlu-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

const TRAIN: &str = r#"version: "3.1"
nlu:
- intent: delivery_request
  examples: |
    - нужна доставка из [Москвы]{"entity": "city", "value": "Москва"} в [Казань](city), [2 тонны](weight)
    - отвезите груз [5 т](weight) из [Самары]{"entity": "city", "value": "Самара"} до [Перми]{"entity": "city", "value": "Пермь"}
    - перевезти [15 тонн](weight) в [Екатеринбург](city) срочно
    - доставка [800 кг](weight) из [Новосибирска]{"entity": "city", "value": "Новосибирск"}
    - нужна машина до [Уфы]{"entity": "city", "value": "Уфа"}
    - сколько займёт перевозка из [Казани]{"entity": "city", "value": "Казань"} в [Москву]{"entity": "city", "value": "Москва"}
    - хочу отправить груз [3 тонны](weight) в [Самару]{"entity": "city", "value": "Самара"}
    - нужен грузовик из [Перми]{"entity": "city", "value": "Пермь"}
- intent: order_status
  examples: |
    - где мой заказ [12345](order_number)
    - статус заказа [77881](order_number)
    - когда привезут заказ № [45678](order_number)
    - что с моим заказом [99120](order_number)?
    - заказ [31337](order_number) уже отправили?
    - подскажите где посылка [55512](order_number)
    - не пришёл заказ [80808](order_number)
    - отследить заказ [24680](order_number)
- intent: greet
  examples: |
    - привет
    - здравствуйте
    - добрый день
    - доброе утро
    - приветствую
    - хай
    - здрасьте
    - добрый вечер
- synonym: Санкт-Петербург
  examples: |
    - Питер
    - СПб
- regex: order_number
  examples: |
    - \b\d{5}\b
"#;

#[test]
fn trains_on_rasa_yaml_and_parses_in_rasa_shape() {
    let dir = dir("contract");
    let data = dir.join("nlu.yml");
    std::fs::write(&data, TRAIN).expect("write data");
    let model = dir.join("model");
    let out = fundament(
        &[
            "nlu",
            "train",
            data.to_str().expect("path"),
            "--out",
            model.to_str().expect("path"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("trained on 24 examples: 3 intents"),
        "{}",
        text(&out.stdout)
    );
    assert!(model.join("model.json").exists() && model.join("weights.bin").exists());

    let model = model.to_str().expect("path");
    let message = "Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно";
    let out = fundament(&["nlu", "parse", "--model", model, message], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 1);
    let parse: serde_json::Value = serde_json::from_str(&lines[0]).expect("json");
    assert_eq!(parse["text"], message);
    assert_eq!(parse["intent"]["name"], "delivery_request");
    assert!(parse["intent"]["confidence"].as_f64().expect("confidence") > 0.5);
    assert!(parse["intent_ranking"].as_array().expect("ranking").len() == 3);
    assert_eq!(parse["language"], "ru");
    assert_eq!(parse["sentiment"]["label"], "neutral");
    let entities: Vec<(String, String, u64, u64)> = parse["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| {
            (
                e["entity"].as_str().expect("entity").to_string(),
                e["value"].as_str().expect("value").to_string(),
                e["start"].as_u64().expect("start"),
                e["end"].as_u64().expect("end"),
            )
        })
        .collect();
    // Offsets count characters: «Владивостока» is 18..30 though its bytes are twice as many.
    assert_eq!(
        entities,
        [
            ("city".to_string(), "Владивосток".to_string(), 18, 30),
            ("city".to_string(), "Екатеринбург".to_string(), 33, 45),
            ("weight".to_string(), "15 тонн".to_string(), 47, 54)
        ]
    );
    let weight = &parse["entities"][2];
    assert_eq!(weight["additional_info"]["kg"], 15000.0);

    // Standard input: plain lines and JSON Lines, answers in the same order.
    let input =
        "привет\n{\"text\": \"где мой заказ 54321\", \"id\": 7}\nдоставка из Питера в Уфу\n";
    let out = fundament(&["nlu", "parse", "--model", model], Some(input));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let parses: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let intents: Vec<&str> = parses
        .iter()
        .map(|p| p["intent"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(intents, ["greet", "order_status", "delivery_request"]);
    assert_eq!(parses[1]["text"], "где мой заказ 54321");
    assert_eq!(parses[1]["entities"][0]["value"], "54321");
    assert_eq!(parses[2]["entities"][0]["value"], "Санкт-Петербург");
    assert_eq!(parses[2]["entities"][1]["value"], "Уфа");

    // A test file phrased differently: accuracy, macro-F1 and entity scores.
    let test = dir.join("test.yml");
    std::fs::write(
        &test,
        r#"nlu:
- intent: order_status
  examples: |
    - а где заказ [11223](order_number)?
- intent: delivery_request
  examples: |
    - надо перевезти [4 тонны](weight) из [Казани]{"entity": "city", "value": "Казань"}
"#,
    )
    .expect("write test");
    let out = fundament(
        &[
            "nlu",
            "test",
            "--model",
            model,
            test.to_str().expect("path"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("2 examples: intent accuracy 1.0000, macro-F1 1.0000"),
        "{report}"
    );
    assert!(report.contains("entity"), "{report}");
    let out = fundament(
        &[
            "nlu",
            "test",
            "--model",
            model,
            test.to_str().expect("path"),
            "--json",
        ],
        None,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(json["entities"]["support"], 3);
}

#[test]
fn bad_training_data_names_the_file_the_intent_and_the_example() {
    let dir = dir("bad");
    let data = dir.join("bad.yml");
    std::fs::write(
        &data,
        "nlu:\n- intent: greet\n  examples: |\n    - привет из [Москвы]{'entity': 'city'}\n",
    )
    .expect("write");
    let out = fundament(
        &[
            "nlu",
            "train",
            data.to_str().expect("path"),
            "--out",
            dir.join("m").to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let error = text(&out.stderr);
    assert!(
        error.contains("bad.yml: intent greet: example «привет из [Москвы]{'entity': 'city'}»"),
        "{error}"
    );
    assert!(!dir.join("m").exists());

    let out = fundament(
        &[
            "nlu",
            "parse",
            "--model",
            dir.join("nowhere").to_str().expect("path"),
            "hi",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("nowhere"),
        "{}",
        text(&out.stderr)
    );
}
