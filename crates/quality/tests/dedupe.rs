//! Matching specifications: the same person written many ways is one
//! cluster; families and namesakes are not; FEBRL 1 scores as Splink does.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use quality::dedupe::{Settings, dedupe, prepare};
use quality::{Frame, Roles};

fn clusters(headers: &[&str], rows: &[&[&str]]) -> Vec<Vec<String>> {
    let frame = Frame::new(
        headers.iter().map(|h| h.to_string()).collect(),
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    );
    let roles = Roles::detect(&frame, &[], None).expect("roles");
    let settings = Settings::default();
    let prepared = prepare(&frame, &roles, settings.today);
    let outcome = dedupe(&prepared, &settings);
    let mut groups: HashMap<usize, Vec<String>> = HashMap::new();
    for (i, cluster) in outcome.cluster_of.iter().enumerate() {
        groups
            .entry(*cluster)
            .or_default()
            .push(prepared.ids[i].clone());
    }
    let mut out: Vec<Vec<String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    for group in &mut out {
        group.sort();
    }
    out.sort();
    out
}

/// Background people so that the model has non-matches to learn from.
fn crowd() -> Vec<Vec<String>> {
    let last = [
        "Смирнов",
        "Кузнецов",
        "Попов",
        "Васильев",
        "Соколов",
        "Михайлов",
        "Новиков",
        "Фёдоров",
        "Морозов",
        "Волков",
        "Алексеев",
        "Лебедев",
        "Семёнов",
        "Егоров",
        "Павлов",
        "Козлов",
        "Степанов",
        "Николаев",
        "Орлов",
        "Андреев",
    ];
    let first = [
        "Алексей",
        "Дмитрий",
        "Сергей",
        "Андрей",
        "Михаил",
        "Николай",
        "Евгений",
        "Олег",
        "Павел",
        "Роман",
    ];
    let city = ["Москва", "Казань", "Самара", "Омск", "Тула"];
    let mut rows = Vec::new();
    for i in 0..200 {
        rows.push(vec![
            format!("c{i}"),
            format!("{} {}", last[i % 20], first[(i / 20) % 10]),
            format!(
                "+7 9{:02} {:03}-{:02}-{:02}",
                10 + i % 80,
                100 + i,
                i % 97,
                (i * 7) % 100
            ),
            format!("person{i}@example.ru"),
            city[i % 5].to_string(),
            format!("{:02}.{:02}.{}", 1 + i % 28, 1 + i % 12, 1950 + i % 50),
        ]);
    }
    rows
}

const HEADERS: &[&str] = &["id", "ФИО", "Телефон", "Email", "Город", "Дата рождения"];

fn with_crowd(extra: &[&[&str]]) -> Vec<Vec<String>> {
    let mut rows = crowd();
    rows.extend(
        extra
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect()),
    );
    rows
}

fn run(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    clusters(HEADERS, &slices)
}

#[test]
fn one_person_written_many_ways_is_one_cluster() {
    let rows = with_crowd(&[
        &[
            "a1",
            "Петров Александр Сергеевич",
            "8 (916) 555-12-34",
            "a.petrov@mail.ru",
            "г. Москва",
            "12.03.1985",
        ],
        &["a2", "Саша Петров", "+7 916 5551234", "", "МСК", "12.03.85"],
        &[
            "a3",
            "PETROV ALEKSANDR",
            "",
            "A.Petrov@Mail.ru",
            "Moscow",
            "1985-03-12",
        ],
        &["a4", "Петров А.С.", "89165551234", "", "Москва", ""],
        &[
            "a5",
            "Петорв Александр Сергеевич",
            "",
            "a.petrov@mail.ru",
            "",
            "12 марта 1985",
        ],
    ]);
    let groups = run(&rows);
    assert_eq!(
        groups,
        vec![vec!["a1", "a2", "a3", "a4", "a5"]],
        "{groups:?}"
    );
}

#[test]
fn families_sharing_a_phone_and_namesakes_stay_apart() {
    let rows = with_crowd(&[
        // A family: one home phone and address, different first names, patronymics, genders.
        &[
            "f1",
            "Сидоров Игорь Петрович",
            "8 495 123-45-67",
            "",
            "Москва",
            "05.06.1970",
        ],
        &[
            "f2",
            "Сидорова Елена Викторовна",
            "8 495 123-45-67",
            "",
            "Москва",
            "17.09.1972",
        ],
        &[
            "f3",
            "Сидоров Игорь Игоревич",
            "8 495 123-45-67",
            "",
            "Москва",
            "01.02.1995",
        ],
        &[
            "f4",
            "Сидоров Максим Игоревич",
            "+7 (495) 123-45-67",
            "",
            "Москва",
            "03.04.1998",
        ],
        // Namesakes: same full name, different birth dates, phones, cities.
        &[
            "n1",
            "Иванов Иван Иванович",
            "+7 903 111-22-33",
            "",
            "Москва",
            "01.01.1980",
        ],
        &[
            "n2",
            "Иванов Иван Иванович",
            "+7 905 444-55-66",
            "",
            "Новосибирск",
            "15.07.1964",
        ],
        // And a true duplicate of the father, to show the phone still helps.
        &[
            "f5",
            "Сидоров И. П.",
            "84951234567",
            "",
            "г. Москва",
            "05.06.1970",
        ],
    ]);
    let groups = run(&rows);
    assert_eq!(groups, vec![vec!["f1", "f5"]], "{groups:?}");
}

#[test]
fn febrl1_pairwise_f1_is_at_least_splinks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let frame = Frame::read(&dir.join("febrl1.csv")).unwrap();
    let roles = Roles::detect(&frame, &[], None).unwrap();
    let settings = Settings::default();
    let prepared = prepare(&frame, &roles, settings.today);
    let outcome = dedupe(&prepared, &settings);
    let mut groups: HashMap<usize, Vec<&str>> = HashMap::new();
    for (i, cluster) in outcome.cluster_of.iter().enumerate() {
        groups.entry(*cluster).or_default().push(&prepared.ids[i]);
    }
    let pair = |a: &str, b: &str| {
        if a < b {
            (a.to_string(), b.to_string())
        } else {
            (b.to_string(), a.to_string())
        }
    };
    let mut predicted = HashSet::new();
    for members in groups.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                predicted.insert(pair(a, b));
            }
        }
    }
    let truth: HashSet<(String, String)> =
        std::fs::read_to_string(dir.join("febrl1_true_links.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(',').map(|(a, b)| pair(a.trim(), b.trim())))
            .collect();
    let tp = predicted.intersection(&truth).count() as f64;
    let (precision, recall) = (tp / predicted.len() as f64, tp / truth.len() as f64);
    let f1 = 2.0 * precision * recall / (precision + recall);
    println!("FEBRL1: precision {precision:.4} recall {recall:.4} F1 {f1:.4}");
    assert!(
        f1 >= 0.990,
        "Splink gets 0.990; we get {f1:.4} (P {precision:.4}, R {recall:.4})"
    );
}

#[test]
fn a_new_record_is_matched_against_existing_ones_without_retraining() {
    let mut rows = crowd();
    rows.push(
        [
            "p1",
            "Петров Александр Сергеевич",
            "8 (916) 555-12-34",
            "a.petrov@mail.ru",
            "Москва",
            "12.03.1985",
        ]
        .map(String::from)
        .to_vec(),
    );
    let frame = Frame::new(HEADERS.iter().map(|h| h.to_string()).collect(), rows);
    let roles = Roles::detect(&frame, &[], None).expect("roles");
    let settings = Settings::default();
    let index = quality::dedupe::Index::build(prepare(&frame, &roles, settings.today), &settings);
    assert_eq!(index.len(), 201);
    let new = ["new", "Саша Петров", "+7 916 5551234", "", "МСК", ""]
        .map(String::from)
        .to_vec();
    let found = index.find(&new, &roles);
    assert_eq!(
        found.first().map(|m| m.id.as_str()),
        Some("p1"),
        "{found:?}"
    );
    assert!(
        found[0]
            .fields
            .iter()
            .any(|f| f.field == "phone" && f.weight > 0.0)
    );
    let wife = [
        "w",
        "Петрова Елена Викторовна",
        "8 (916) 555-12-34",
        "",
        "Москва",
        "17.09.1987",
    ]
    .map(String::from)
    .to_vec();
    assert!(
        index.find(&wife, &roles).is_empty(),
        "a family member is not offered"
    );
}

#[test]
fn a_pair_labelled_distinct_stays_apart_and_labels_train_the_model() {
    let mut rows = crowd();
    rows.push(
        [
            "p1",
            "Петров Александр",
            "8 (916) 555-12-34",
            "",
            "Москва",
            "",
        ]
        .map(String::from)
        .to_vec(),
    );
    rows.push(
        ["p2", "Петров Саша", "+7 916 5551234", "", "МСК", ""]
            .map(String::from)
            .to_vec(),
    );
    let frame = Frame::new(HEADERS.iter().map(|h| h.to_string()).collect(), rows);
    let roles = Roles::detect(&frame, &[], None).expect("roles");
    let settings = Settings::default();
    let prepared = prepare(&frame, &roles, settings.today);
    let (p1, p2) = (prepared.ids.len() - 2, prepared.ids.len() - 1);
    let unlabelled = dedupe(&prepared, &settings);
    assert_eq!(
        unlabelled.cluster_of[p1], unlabelled.cluster_of[p2],
        "one person by default"
    );
    let labelled = quality::dedupe::dedupe_labelled(&prepared, &settings, &[(p2, p1, false)]);
    assert_ne!(
        labelled.cluster_of[p1], labelled.cluster_of[p2],
        "the reviewer said no"
    );
}

#[test]
fn one_product_under_two_skus_is_found_and_colour_variants_are_not() {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let models = [
        "Nike Air Max 90",
        "Adidas Superstar",
        "Puma Suede",
        "New Balance 574",
        "Asics Gel-Lyte",
    ];
    let colours = ["белый", "чёрный", "серый", "красный"];
    for (m, model) in models.iter().enumerate() {
        for (c, colour) in colours.iter().enumerate() {
            rows.push(vec![
                format!("p{m}{c}"),
                format!("SN-1{m}0{c}"),
                format!("{model}, {colour}"),
            ]);
        }
    }
    rows.push(vec![
        "dup".into(),
        "SN1201-A".into(),
        "Puma Suede, чёрный".into(),
    ]);
    let frame = Frame::new(vec!["id".into(), "Артикул".into(), "Товар".into()], rows);
    let roles = Roles::detect(&frame, &[], None).expect("roles");
    let settings = Settings::default();
    let prepared = prepare(&frame, &roles, settings.today);
    let outcome = dedupe(&prepared, &settings);
    let mut groups: HashMap<usize, Vec<String>> = HashMap::new();
    for (i, cluster) in outcome.cluster_of.iter().enumerate() {
        groups
            .entry(*cluster)
            .or_default()
            .push(prepared.ids[i].clone());
    }
    let mut found: Vec<Vec<String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    for group in &mut found {
        group.sort();
    }
    assert_eq!(found, vec![vec!["dup".to_string(), "p21".to_string()]]);
}
