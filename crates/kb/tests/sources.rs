//! What each kind of source becomes, and how bad input is reported: every
//! problem names its file and, where there is one, its row and column or field.

use std::path::PathBuf;

use kb::{Kind, KnowledgeBase, LoadError, Passage, SourceError, parse_source};

fn passages(name: &str, text: &str) -> Vec<Passage> {
    parse_source(name, text).expect("valid source")
}

fn problems(name: &str, text: &str) -> Vec<String> {
    let error: LoadError = parse_source(name, text).expect_err("invalid source");
    error.problems.iter().map(ToString::to_string).collect()
}

/// A fresh directory for files this test writes.
fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("kb-sources")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn an_article_is_cut_at_headings_and_each_passage_cites_its_file_and_heading() {
    let text = "\
Вступление без заголовка.

# Доставка

Доставляем по всей России.

## Сроки

**Москва** — 1 день, [регионы](https://example.ru/regions) — 3–5 дней.

- курьер
- пункт выдачи

## Пусто

# Оплата
Картой или *наличными*.
";
    let found = passages("help.md", text);
    let summary: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|p| (p.citation.as_str(), p.title.as_str(), p.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("help.md", "", "Вступление без заголовка."),
            ("help.md#Доставка", "Доставка", "Доставляем по всей России."),
            (
                "help.md#Сроки",
                "Доставка › Сроки",
                "Москва — 1 день, регионы — 3–5 дней.\n\n- курьер\n- пункт выдачи"
            ),
            ("help.md#Оплата", "Оплата", "Картой или наличными."),
        ]
    );
    assert!(found.iter().all(|p| p.kind == Kind::Article));
}

#[test]
fn a_long_section_is_split_between_sentences_into_passages_of_at_most_120_words() {
    let sentence = "Груз принимают на терминале с девяти до восьми по будням и выходным.";
    let paragraph = vec![sentence; 40].join(" ");
    let found = passages("long.md", &format!("## Терминал\n\n{paragraph}\n"));
    assert!(found.len() >= 4, "{} passages", found.len());
    for passage in &found {
        let words = passage.text.split_whitespace().count();
        assert!(words <= 120, "{words} words");
        assert!(
            passage.text.ends_with('.'),
            "cut mid-sentence: {}",
            passage.text
        );
        assert_eq!(passage.citation, "long.md#Терминал");
    }
}

#[test]
fn faq_yaml_takes_q_and_a_or_question_and_answer_and_several_phrasings() {
    let text = "\
- id: return
  q:
    - Как вернуть товар?
    - Можно сдать покупку?
  a: В течение 14 дней.
- question: Есть доставка?
  answer: Да, по всей России.
- вопрос: Есть гарантия?
  ответ: 12 месяцев.
";
    let found = passages("faq.yaml", text);
    let summary: Vec<(&str, &str, Vec<&str>, &str)> = found
        .iter()
        .map(|p| {
            (
                p.citation.as_str(),
                p.title.as_str(),
                p.alternatives.iter().map(String::as_str).collect(),
                p.text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "faq.yaml#return",
                "Как вернуть товар?",
                vec!["Можно сдать покупку?"],
                "В течение 14 дней."
            ),
            (
                "faq.yaml#2",
                "Есть доставка?",
                vec![],
                "Да, по всей России."
            ),
            ("faq.yaml#3", "Есть гарантия?", vec![], "12 месяцев."),
        ]
    );
    assert!(found.iter().all(|p| p.kind == Kind::Faq));
}

#[test]
fn faq_csv_is_recognised_by_its_question_and_answer_columns_in_either_language() {
    let found = passages(
        "faq.csv",
        "Вопрос;Ответ\n\"Когда, во сколько?\";С 9 до 18\n\nГде вы?;\"Москва, Тверская\"\n",
    );
    let summary: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|p| (p.citation.as_str(), p.title.as_str(), p.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("faq.csv#1", "Когда, во сколько?", "С 9 до 18"),
            ("faq.csv#2", "Где вы?", "Москва, Тверская"),
        ]
    );
}

#[test]
fn a_catalogue_row_becomes_one_sentence_citing_its_sku() {
    let found = passages(
        "catalogue.csv",
        "sku,name,price,stock,category,Шумоподавление,image,синонимы\n\
         AP-PRO,Наушники AirPods Pro,24990,5,Наушники,да,https://x.ru/1.jpg,\"аирподс, эирподс\"\n\
         SNY-XM5,Наушники Sony WH-1000XM5,\"32 990,50\",0,Наушники,,,\n\
         CASE-1,Чехол,,,,,,\n",
    );
    let summary: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|p| (p.citation.as_str(), p.title.as_str(), p.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "catalogue:AP-PRO",
                "Наушники AirPods Pro",
                "Наушники AirPods Pro — цена 24 990 ₽, в наличии 5 шт.; категория: Наушники; \
                 шумоподавление: да; артикул: AP-PRO"
            ),
            (
                "catalogue:SNY-XM5",
                "Наушники Sony WH-1000XM5",
                "Наушники Sony WH-1000XM5 — цена 32 990,50 ₽, нет в наличии; категория: Наушники; \
                 артикул: SNY-XM5"
            ),
            ("catalogue:CASE-1", "Чехол", "Чехол; артикул: CASE-1"),
        ]
    );
    assert_eq!(found[0].alternatives, ["аирподс", "эирподс"]);
    assert_eq!(found[0].sku.as_deref(), Some("AP-PRO"));
    assert!(found.iter().all(|p| p.kind == Kind::Product));
}

#[test]
fn russian_catalogue_headers_with_units_are_understood() {
    let found = passages(
        "товары.csv",
        "Артикул;Наименование;Цена, руб.;Остаток;Валюта\nX1;Колонка;1990 руб.;есть;RUB\n",
    );
    assert_eq!(
        found[0].text,
        "Колонка — цена 1 990 ₽, в наличии; артикул: X1"
    );
}

#[test]
fn bad_catalogue_values_are_all_reported_with_file_row_and_column() {
    let found = problems(
        "catalogue.csv",
        "sku,name,price,stock\nA1,Наушники,24990,5\nA2,Колонка,дорого,1\nA3,,100,1\nA4,Часы,100,много\na1,Дубль,1,1\n",
    );
    assert_eq!(
        found,
        [
            "catalogue.csv, row 3, column `price`: expected a price such as 24990 or 24 990,50 (found «дорого»)",
            "catalogue.csv, row 4, column `name`: the name is empty (found «»)",
            "catalogue.csv, row 5, column `stock`: expected a whole number of items, or да/нет (found «много»)",
            "catalogue.csv, row 6, column `sku`: SKU a1 is already used by row 2",
        ]
    );
}

#[test]
fn a_faq_item_without_an_answer_names_the_item_and_the_field() {
    let found = problems(
        "faq.yaml",
        "- q: Есть доставка?\n  a: Да.\n- q: Есть гарантия?\n- просто текст\n",
    );
    assert_eq!(
        found,
        [
            "faq.yaml, item 2, field `a`: is missing",
            "faq.yaml, item 3: expected a mapping with a question and an answer",
        ]
    );
}

#[test]
fn broken_yaml_names_the_line() {
    let found = problems("faq.yaml", "- q: Есть доставка?\n  a: [Да\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("faq.yaml, line "), "{}", found[0]);
}

#[test]
fn a_table_that_is_neither_faq_nor_catalogue_lists_the_columns_it_has() {
    let found = problems("contacts.csv", "ФИО,Телефон\nИванов,+79161234567\n");
    assert_eq!(
        found,
        [
            "contacts.csv: the columns (ФИО, Телефон) are neither a FAQ (question, answer) nor a catalogue (sku, name)"
        ]
    );
}

#[test]
fn a_row_with_more_cells_than_the_header_is_reported_by_row() {
    let found = problems("faq.csv", "question,answer\nА?,Б\nВ?,Г,лишнее\n");
    assert_eq!(
        found,
        ["faq.csv, row 3: 3 cells, but the header has 2 columns"]
    );
}

#[test]
fn a_file_of_unknown_kind_named_explicitly_is_refused() {
    let dir = scratch("unknown_kind");
    let file = dir.join("notes.docx");
    std::fs::write(&file, "x").expect("write");
    let error = KnowledgeBase::load([&file]).err().expect("refused");
    assert!(matches!(
        error.problems.as_slice(),
        [SourceError::UnknownKind { .. }]
    ));
}

#[test]
fn a_directory_is_read_whole_skipping_other_files_and_problems_of_every_file_come_together() {
    let dir = scratch("directory");
    std::fs::write(dir.join("a.md"), "# Раздел\n\nТекст.\n").expect("write");
    std::fs::write(dir.join("faq.yaml"), "- q: Вопрос?\n  a: Ответ.\n").expect("write");
    std::fs::write(dir.join("photo.jpg"), [0xff, 0xd8]).expect("write");
    let kb = KnowledgeBase::load([&dir]).expect("loads");
    let citations: Vec<&str> = kb.passages().iter().map(|p| p.citation.as_str()).collect();
    assert_eq!(citations, ["a.md#Раздел", "faq.yaml#1"]);

    std::fs::write(dir.join("bad.yaml"), "- q: Вопрос?\n").expect("write");
    std::fs::write(dir.join("bad.csv"), "sku,name,price\nX,Y,z\n").expect("write");
    let error = KnowledgeBase::load([&dir]).err().expect("refused");
    assert_eq!(error.problems.len(), 2, "{error}");
    assert!(error.to_string().starts_with("2 problems"), "{error}");
}

#[test]
fn a_file_not_in_utf8_is_refused_with_where_it_stops_being_text() {
    let dir = scratch("encoding");
    let file = dir.join("faq.csv");
    // «Вопрос» in Windows-1251.
    std::fs::write(&file, [b'q', b',', 0xc2, 0xee, 0xef, 0xf0, 0xee, 0xf1]).expect("write");
    let error = KnowledgeBase::load([&file]).err().expect("refused");
    assert!(
        matches!(
            error.problems.as_slice(),
            [SourceError::Encoding { offset: 2, .. }]
        ),
        "{error}"
    );
}

#[test]
fn one_sku_in_two_catalogue_files_is_refused() {
    let dir = scratch("two_catalogues");
    std::fs::write(dir.join("a.csv"), "sku,name\nX1,Колонка\n").expect("write");
    std::fs::write(dir.join("b.csv"), "sku,name\nX1,Часы\n").expect("write");
    let error = KnowledgeBase::load([&dir]).err().expect("refused");
    assert!(
        error
            .to_string()
            .starts_with("SKU X1 is in two catalogue files"),
        "{error}"
    );
}
