//! A flow file is checked whole when it is loaded, and every problem is
//! reported with the file and the field path a business user can find.

use converse::{Bot, Error, Flow};

/// A valid flow file; each test breaks one thing in it.
const FLOW: &str = r#"
bot: online-school
greeting: "Здравствуйте!"
answers:
  greet: "Здравствуйте!"
slots:
  level: {question: "Какой у вас уровень?", entity: level, choices: [начальный, средний]}
  goal: {question: "Для чего вам английский?"}
  time: {question: "Когда удобно?"}
flows:
  - name: enroll
    when: [enroll_course]
    steps:
      - ask: level
      - ask: goal
      - ask: time
      - if: "level == 'средний'"
        then: [{say: "Есть разговорный клуб."}]
        else: [{say: "Начнём с пробного урока."}]
      - action: create_deal
        with: {title: "Курс: {{ level }}", amount: 30000}
      - handoff: hot_lead
        message: "Менеджер свяжется с вами."
handoff:
  intents: [request_human]
  low_confidence: {below: 0.4, times: 2}
  complex: "weight_kg > 20000"
"#;

/// The issues `Flow::parse` reports for the flow with `from` replaced by `to`.
fn problems(from: &str, to: &str) -> String {
    assert!(FLOW.contains(from), "the fixture has no {from:?}");
    let text = FLOW.replacen(from, to, 1);
    match Flow::parse("school.yml", &text) {
        Ok(_) => panic!("replacing {from:?} with {to:?} should make the flow invalid"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn the_fixture_itself_is_valid() {
    let flow = Flow::parse("school.yml", FLOW).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(flow.bot(), "online-school");
}

#[test]
fn an_ask_of_an_unknown_slot_names_the_step_and_suggests_the_slot() {
    assert_eq!(
        problems("- ask: goal", "- ask: goall"),
        r#"school.yml: flows[0].steps[1].ask: no slot named "goall"; did you mean "goal"?"#
    );
}

#[test]
fn an_unknown_action_kind_is_named_with_the_known_ones() {
    let message = problems("action: create_deal", "action: create_dael");
    assert!(
        message.starts_with(r#"school.yml: flows[0].steps[4].action: no action kind "create_dael"; known: create_contact,"#),
        "{message}"
    );
}

#[test]
fn a_bad_condition_names_the_if_field() {
    let message = problems("if: \"level == 'средний'\"", "if: \"level ==\"");
    assert!(
        message.starts_with("school.yml: flows[0].steps[3].if: not an expression"),
        "{message}"
    );
}

#[test]
fn a_condition_written_as_a_template_is_explained() {
    let message = problems("if: \"level == 'средний'\"", "if: \"{{ level }}\"");
    assert!(
        message.contains("write the expression without `{{ }}`"),
        "{message}"
    );
}

#[test]
fn a_bad_template_inside_a_branch_names_its_path() {
    let message = problems("Есть разговорный клуб.", "Клуб {{ level");
    assert!(
        message.starts_with("school.yml: flows[0].steps[3].then[0].say: not a template"),
        "{message}"
    );
}

#[test]
fn a_slot_asked_without_a_question_is_reported_at_the_slot() {
    assert_eq!(
        problems("goal: {question: \"Для чего вам английский?\"}", "goal: {}"),
        r#"school.yml: slots.goal.question: is missing, and flow "enroll" asks this slot"#
    );
}

#[test]
fn a_step_with_two_kinds_or_none_is_rejected() {
    assert_eq!(
        problems("- ask: time", "- {ask: time, say: \"Когда?\"}"),
        "school.yml: flows[0].steps[2]: a step is one of ask, say, action, if, handoff; this one has ask and say"
    );
}

#[test]
fn steps_after_a_handoff_are_rejected_because_the_bot_is_silent_by_then() {
    let message = problems(
        "message: \"Менеджер свяжется с вами.\"",
        "message: \"Менеджер свяжется с вами.\"\n      - say: \"Ещё?\"",
    );
    assert_eq!(
        message,
        "school.yml: flows[0].steps[6]: follows a handoff; the bot is silent after it (give the handoff a `message`)"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = FLOW
        .replacen("- ask: goal", "- ask: goall", 1)
        .replacen("action: create_deal", "action: send_email", 1)
        .replacen("times: 2", "times: 0", 1);
    let Err(Error::Invalid { origin, issues }) = Flow::parse("school.yml", &text) else {
        panic!("three problems should make the flow invalid");
    };
    assert_eq!(origin, "school.yml");
    let fields: Vec<&str> = issues.iter().map(|it| it.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "flows[0].steps[1].ask",
            "flows[0].steps[4].action",
            "handoff.low_confidence.times"
        ]
    );
}

#[test]
fn a_misspelt_key_is_a_syntax_error_with_its_line() {
    let message = problems("question: \"Когда удобно?\"", "questoin: \"Когда удобно?\"");
    assert!(
        message.starts_with("school.yml: not a flow file: "),
        "{message}"
    );
    assert!(
        message.contains("slots.time: unknown field `questoin`"),
        "{message}"
    );
    assert!(message.contains("line 9"), "{message}");
}

#[test]
fn intents_and_entities_the_nlu_data_does_not_know_are_named() {
    // Arrange: NLU data without `request_human` and with `lvl` for `level`.
    let data = nlu::TrainingData::parse(
        "school.nlu.yml",
        r#"
nlu:
- intent: greet
  examples: |
    - привет
    - здравствуйте
- intent: enroll_course
  examples: |
    - хочу на курс, уровень [средний](lvl)
    - запишите меня на курс
"#,
    )
    .expect("valid NLU data");
    let model = nlu::NluModel::train(&data, &nlu::Options::default()).expect("a model");

    // Act
    let error = Bot::from_parts(FLOW, "school.yml", model).expect_err("unknown names");

    // Assert
    assert_eq!(
        error.to_string(),
        r#"school.yml: handoff.intents[0]: the NLU data has no intent "request_human"; slots.level.entity: the NLU data has no entity "level"; did you mean "lvl"?"#
    );
}

#[test]
fn a_missing_flow_file_names_its_path() {
    let error = Bot::load("/nonexistent/school.yml").expect_err("no such file");
    assert!(
        error.to_string().starts_with("/nonexistent/school.yml: "),
        "{error}"
    );
}

#[test]
fn a_missing_nlu_file_is_named_with_the_flow_file() {
    let directory =
        std::env::temp_dir().join(format!("converse-flow-files-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("a temporary directory");
    let path = directory.join("school.yml");
    std::fs::write(&path, format!("nlu: [missing.nlu.yml]\n{FLOW}")).expect("written");

    let error = Bot::load(&path).expect_err("no NLU file");

    let message = error.to_string();
    assert!(message.contains("school.yml: NLU data: "), "{message}");
    assert!(message.contains("missing.nlu.yml"), "{message}");
    std::fs::remove_dir_all(&directory).expect("cleaned up");
}
