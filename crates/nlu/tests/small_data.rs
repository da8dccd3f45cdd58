//! A model trained on a handful of examples, as a new bot's first data is:
//! it must not invent entities the examples never showed.

use nlu::{NluModel, Options, TrainingData};

#[test]
fn a_bare_number_is_never_an_entity_whose_examples_hold_no_digits() {
    let data = TrainingData::parse(
        "small.yml",
        r#"nlu:
- intent: greet
  examples: |
    - привет
    - здравствуйте
    - добрый день
- intent: delivery
  examples: |
    - нужна доставка из [Москвы]{"entity": "city", "value": "Москва"} в [Казань](city)
    - отвезите груз в [Самару](city)
    - доставка из [Перми]{"entity": "city", "value": "Пермь"}
"#,
    )
    .expect("data");
    let model = NluModel::train(&data, &Options::default()).expect("train");
    let parse = model.parse("Нужна доставка из Владивостока в Екатеринбург, 15 тонн");
    let found: Vec<(&str, &str)> = parse
        .entities
        .iter()
        .map(|e| (e.entity.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(found, [("city", "Владивосток"), ("city", "Екатеринбург")]);
}
