//! Rasa NLU files from public repositories (see `data/wild/SOURCES.md`)
//! read as Rasa 3 reads them, then train and parse without edits.

use std::path::PathBuf;

use nlu::{NluModel, Options, TrainingData};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/wild")
        .join(name)
}

/// (file, examples, intents, entities, synonyms) as Rasa 3's reader counts
/// them; synonyms match case-insensitively, so `Chines` and `chines` are one.
const EXPECTED: &[(&str, usize, usize, usize, usize)] = &[
    ("moodbot.yml", 67, 7, 0, 0),
    ("formbot.yml", 289, 9, 132, 3),
    ("demo-rasa.yml", 46, 5, 14, 4),
    ("composite-entities.yml", 29, 4, 27, 1),
    ("lookup-ents.yml", 15, 2, 4, 0),
    ("mixed-training-data.yml", 2, 1, 1, 0),
    ("multiline-examples.yml", 4, 2, 0, 0),
    ("helpdesk-assistant.yml", 133, 14, 11, 4),
];

#[test]
fn every_fixture_reads_as_rasa_reads_it() {
    for &(file, examples, intents, entities, synonyms) in EXPECTED {
        let data = TrainingData::load(&[fixture(file)]).expect(file);
        let annotated: usize = data.examples.iter().map(|e| e.entities.len()).sum();
        assert_eq!(
            (data.examples.len(), data.intents().len(), annotated),
            (examples, intents, entities),
            "{file}"
        );
        assert_eq!(data.synonyms.len(), synonyms, "{file}: {:?}", data.synonyms);
    }
}

#[test]
fn retrieval_intents_multiline_texts_and_roles_come_through() {
    let demo = TrainingData::load(&[fixture("demo-rasa.yml")]).expect("demo");
    assert!(demo.intents().contains(&"chitchat".to_string()));
    assert_eq!(
        demo.synonyms.get("chines").map(String::as_str),
        Some("chinese")
    );
    assert_eq!(demo.regexes.values().map(Vec::len).sum::<usize>(), 2);
    let multiline = TrainingData::load(&[fixture("multiline-examples.yml")]).expect("multiline");
    assert!(multiline.examples.iter().any(|e| e.text.contains('\n')));
    let composite = TrainingData::load(&[fixture("composite-entities.yml")]).expect("composite");
    assert!(
        composite
            .examples
            .iter()
            .flat_map(|e| &e.entities)
            .any(|a| a.role.as_deref() == Some("from") && a.value == "San Fransisco")
    );
}

#[test]
fn lines_without_a_dash_are_skipped_with_a_warning_as_rasa_does() {
    let data = TrainingData::load(&[fixture("intent-metadata-comments.yml")]).expect("reads");
    assert_eq!(data.examples.len(), 0);
    assert!(!data.warnings.is_empty());
    let error = NluModel::train(&data, &Options::default()).expect_err("nothing to learn");
    assert!(
        error.to_string().contains("no intent has an example"),
        "{error}"
    );
}

#[test]
fn wild_files_train_and_parse_their_own_examples() {
    for file in [
        "formbot.yml",
        "helpdesk-assistant.yml",
        "composite-entities.yml",
    ] {
        let data = TrainingData::load(&[fixture(file)]).expect(file);
        let model = NluModel::train(&data, &Options::default()).expect(file);
        let right = data
            .examples
            .iter()
            .filter(|e| model.parse(&e.text).intent.name == e.intent)
            .count();
        // Training examples come back right (duplicates across intents aside).
        assert!(
            right * 10 >= data.examples.len() * 9,
            "{file}: {right}/{}",
            data.examples.len()
        );
    }
    let data = TrainingData::load(&[fixture("formbot.yml")]).expect("formbot");
    let model = NluModel::train(&data, &Options::default()).expect("formbot");
    let parse = model.parse("how about asian oriental food");
    let cuisine = parse
        .entities
        .iter()
        .find(|e| e.entity == "cuisine")
        .expect("cuisine");
    assert_eq!(
        (cuisine.text.as_str(), cuisine.value.as_str()),
        ("asian oriental", "asian"),
        "{parse:?}"
    );
}
