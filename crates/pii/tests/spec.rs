//! What the detector must find and must leave alone, one test per kind.
//! Each case lists every entity expected in the text, as (kind, text).

use pii::{Entity, PiiKind, detect};

fn show(entities: &[Entity]) -> Vec<(PiiKind, String)> {
    entities.iter().map(|e| (e.kind, e.text.clone())).collect()
}

/// Asserts that `text` holds exactly `expected`, and that every entity's
/// character offsets point at its text.
fn check(text: &str, expected: &[(PiiKind, &str)]) {
    let entities = detect(text);
    for entity in &entities {
        let by_offsets: String = text
            .chars()
            .skip(entity.start)
            .take(entity.end - entity.start)
            .collect();
        assert_eq!(
            by_offsets, entity.text,
            "offsets of {:?} in {text:?}",
            entity.text
        );
    }
    let expected: Vec<(PiiKind, String)> = expected
        .iter()
        .map(|(k, t)| (*k, (*t).to_string()))
        .collect();
    assert_eq!(show(&entities), expected, "in {text:?}");
}

fn none(text: &str) {
    check(text, &[]);
}

use PiiKind::{BankAccount, Card, Email, Inn, Ogrn, Passport, Person, Phone, Snils};

#[test]
fn phones_in_every_common_writing() {
    for phone in [
        "+7 (916) 123-45-67",
        "8 916 123 45 67",
        "89161234567",
        "8-916-123-45-67",
        "+7 916 1234567",
        "(495) 123-45-67",
        "+79161234567",
        "8 (800) 555-35-35",
        "+44 20 7946 0958",
        "+1 (415) 555-2671",
        "+49 30 123456",
        "+375 29 123-45-67",
        "9161234567",
    ] {
        check(
            &format!("Клиент оставил номер {phone}, перезвонить."),
            &[(Phone, phone)],
        );
    }
    check(
        "Тел.: +7 (495) 123-45-67 доб. 123",
        &[(Phone, "+7 (495) 123-45-67")],
    );
    check("тел. 123-45-67", &[(Phone, "123-45-67")]);
    check(
        "звоните 8 916 123-45-67 или 8 903 765 43 21",
        &[(Phone, "8 916 123-45-67"), (Phone, "8 903 765 43 21")],
    );
}

#[test]
fn numbers_that_are_not_phones() {
    none("Заказ № 4951234567 отгружен 12.03.2024 на сумму 15 400 руб.");
    none("Работаем с 09:00-18:00, обед 13:00–14:00.");
    none("Счёт 12345 от 01.02.2024, сумма 1 234 567,89 руб.");
    none("Артикул 89161234567AB, трек 80091234567890");
    none("Version 8.916.1234567, build 20240312");
}

#[test]
fn emails_with_plus_dots_and_cyrillic_domains() {
    check(
        "Пишите на ivan.petrov+crm@mail.ru.",
        &[(Email, "ivan.petrov+crm@mail.ru")],
    );
    check(
        "почта: info@пример.рф, копия a_b-c@sub.example.co.uk",
        &[
            (Email, "info@пример.рф"),
            (Email, "a_b-c@sub.example.co.uk"),
        ],
    );
    none("Пишите в @support или на сайт example.com");
}

#[test]
fn inn_needs_valid_check_digits() {
    check("ИНН 7707083893", &[(Inn, "7707083893")]);
    check("ИНН: 500100732259, КПП 770701001", &[(Inn, "500100732259")]);
    check("реквизиты: 7707083893/770701001", &[(Inn, "7707083893")]);
    check("INN 7707083893", &[(Inn, "7707083893")]);
    none("ИНН 7707083894");
    none("ИНН 500100732258");
}

#[test]
fn ten_digits_starting_with_nine_are_a_mobile_unless_cued_as_inn() {
    check("мой номер 9161234567", &[(Phone, "9161234567")]);
    check("тел 9701234564", &[(Phone, "9701234564")]);
    check("ИНН 9701234564", &[(Inn, "9701234564")]);
}

#[test]
fn snils_in_its_forms() {
    check("СНИЛС 112-233-445 95", &[(Snils, "112-233-445 95")]);
    check("снилс: 112-233-445-95", &[(Snils, "112-233-445-95")]);
    check("СНИЛС 11223344595", &[(Snils, "11223344595")]);
    check(
        "страховой номер 087-654-303 00",
        &[(Snils, "087-654-303 00")],
    );
    none("СНИЛС 112-233-445 96");
    // Eleven digits from 8 are a phone unless a cue says СНИЛС.
    check("позвоните 89161234567", &[(Phone, "89161234567")]);
}

#[test]
fn passports_in_their_forms() {
    check(
        "паспорт 45 09 123456 выдан ОВД",
        &[(Passport, "45 09 123456")],
    );
    check("Паспорт: 4509 123456", &[(Passport, "4509 123456")]);
    check("паспорт РФ 4509123456", &[(Passport, "4509123456")]);
    check(
        "серия 4509 номер 123456",
        &[(Passport, "4509 номер 123456")],
    );
    check(
        "паспорт серии 45 09 № 123456",
        &[(Passport, "45 09 № 123456")],
    );
    none("заказ 4509123456 отгружен");
}

#[test]
fn cards_must_pass_luhn() {
    check(
        "карта 4276 3800 1234 5679",
        &[(Card, "4276 3800 1234 5679")],
    );
    check(
        "Оплата с карты 5469-3800-1234-5673",
        &[(Card, "5469-3800-1234-5673")],
    );
    check("card 2200123412341236 (Мир)", &[(Card, "2200123412341236")]);
    none("карта 4276 3800 1234 5675");
    none("карта 4276380012345675");
}

#[test]
fn ogrn_and_bank_accounts() {
    check("ОГРН 1027700132195", &[(Ogrn, "1027700132195")]);
    check("ОГРНИП 304500116000157", &[(Ogrn, "304500116000157")]);
    none("ОГРН 1027700132196");
    check(
        "р/с 40702810938000012345 в ПАО Сбербанк",
        &[(BankAccount, "40702810938000012345")],
    );
    check(
        "к/с 30101810400000000225",
        &[(BankAccount, "30101810400000000225")],
    );
}

#[test]
fn full_russian_names_in_any_order_and_case() {
    check(
        "Звонил Иванов Иван Иванович по поводу счёта.",
        &[(Person, "Иванов Иван Иванович")],
    );
    check(
        "Передайте документы Ивановой Марии Сергеевне.",
        &[(Person, "Ивановой Марии Сергеевне")],
    );
    check(
        "Договорились с Петровым Андреем о встрече.",
        &[(Person, "Петровым Андреем")],
    );
    check(
        "Забрать оригиналы у Сидоровой Анны.",
        &[(Person, "Сидоровой Анны")],
    );
    check(
        "Напомнил о Кузнецове, он ждёт ответа.",
        &[(Person, "Кузнецове")],
    );
    check(
        "Мария Ивановна просила перезвонить.",
        &[(Person, "Мария Ивановна")],
    );
    check(
        "Отправил письмо Марии Ивановне.",
        &[(Person, "Марии Ивановне")],
    );
    check(
        "Встреча с Ильёй Никитиным в 15:00.",
        &[(Person, "Ильёй Никитиным")],
    );
    check(
        "Звонила Любовь Петровна Соколова.",
        &[(Person, "Любовь Петровна Соколова")],
    );
    check(
        "Счёт для Вишневского Павла.",
        &[(Person, "Вишневского Павла")],
    );
}

#[test]
fn initials_before_or_after_the_surname() {
    check("Ответственный: Петров И.С.", &[(Person, "Петров И.С.")]);
    check("Подписал И. С. Петров.", &[(Person, "И. С. Петров")]);
    check(
        "Передать Петрову И.С. оригинал.",
        &[(Person, "Петрову И.С.")],
    );
}

#[test]
fn a_first_name_alone_used_as_a_name() {
    check("Маша, перезвоните клиенту.", &[(Person, "Маша")]);
    check("Документы передал Сергею вчера.", &[(Person, "Сергею")]);
    check("Добрый день, Анна!", &[(Person, "Анна")]);
}

#[test]
fn latin_and_english_names() {
    check("Contact: Ivanov Ivan, sales.", &[(Person, "Ivanov Ivan")]);
    check(
        "John Smith will call back tomorrow.",
        &[(Person, "John Smith")],
    );
    check("Please forward it to Mr. Brown.", &[(Person, "Brown")]);
    check("Hi Sarah, thanks for the update.", &[(Person, "Sarah")]);
}

#[test]
fn capitalised_words_that_are_not_names() {
    none("Спасибо за заказ! Добрый день.");
    none("Заказ доставлен в Москву, Екатеринбург и Казань.");
    none("Доставка по адресу ул. Пушкина, д. 10, г. Королёв.");
    none("Свердловская область, Ленинский проспект 5.");
    none("Поставщик ООО «Петров и партнёры», договор от 5 мая.");
    none("Вера в успех и надежда на лучшее, любовь к делу.");
    none("Оплата до 8 Марта, потом в Мае.");
    none("Готов обсудить. Товаров на складе нет.");
    none("Hope you are well. Will call on Monday in May.");
}

#[test]
fn offsets_count_characters_not_bytes() {
    let text = "Ёжик Ёлкин: тел 89161234567";
    let entities = detect(text);
    let phone = entities
        .iter()
        .find(|e| e.kind == Phone)
        .map(|e| (e.start, e.end));
    assert_eq!(phone, Some((16, 27)));
}

#[test]
fn entities_serialise_with_upper_case_type() {
    let entities = detect("ИНН 7707083893");
    let json = serde_json::to_string(&entities).unwrap_or_default();
    assert_eq!(
        json,
        r#"[{"type":"INN","start":4,"end":14,"text":"7707083893"}]"#
    );
}

#[test]
fn lower_case_names_only_with_a_patronymic() {
    check(
        "передайте сергею ивановичу что счёт готов",
        &[(Person, "сергею ивановичу")],
    );
    check(
        "звонила смирнова анна петровна",
        &[(Person, "смирнова анна петровна")],
    );
    none("вера в успех и надежда на лучшее");
    none("иванов звонил, мария тоже");
}

#[test]
fn a_company_named_after_a_person_is_not_the_person() {
    none("Счёт от ООО Петров и К оплачен.");
    check("Счёт от ИП Петров оплачен.", &[(Person, "Петров")]);
}

#[test]
fn signatures_and_greetings_name_people_the_lists_do_not_know() {
    check("Заранее спасибо, Тоха.", &[(Person, "Тоха")]);
    check(
        "С уважением,\nРезеда Семёнова\nменеджер",
        &[(Person, "Резеда Семёнова")],
    );
    check(
        "Best regards,\nAmanda J. Schneider",
        &[(Person, "Amanda J. Schneider")],
    );
    check(
        "Оливия Сергеевна, здравствуйте!",
        &[(Person, "Оливия Сергеевна")],
    );
    none("Добрый день, коллеги! Спасибо, всё получили.");
}

#[test]
fn a_common_word_starting_a_sentence_is_that_word() {
    none("Страховой номер указан неверно.");
    none("Напомнить клиенту про оплату. Лицевой счёт закрыт.");
    check(
        "Троицкий Григорий Афанасьевич, менеджер",
        &[(Person, "Троицкий Григорий Афанасьевич")],
    );
    check("Мельник просит рассрочку.", &[(Person, "Мельник")]);
    check(
        "ОГРН 1027700132195 Руководитель Ирина Олеговна Иванова просит акт.",
        &[(Ogrn, "1027700132195"), (Person, "Ирина Олеговна Иванова")],
    );
}

#[test]
fn rivers_regions_and_cities_are_places() {
    none("Склад на Неве, доставка по Волге и в Сибирь.");
    none("Офис в Новосибирске, филиал во Владимире.");
    check("Передал документы Владимиру.", &[(Person, "Владимиру")]);
}

#[test]
fn a_plus_number_is_one_phone_even_when_its_range_is_reserved() {
    check("Call me at +44 7700 900394.", &[(Phone, "+44 7700 900394")]);
}
