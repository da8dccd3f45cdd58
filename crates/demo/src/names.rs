//! People's names: Russian surnames, given names and patronymics that agree
//! in gender, English names, diminutives, typos and transliteration.
//!
//! It makes names only; where a person lives or how to reach them is decided
//! in `contacts`.

use rand::Rng;
use rand::rngs::StdRng;

use crate::chance::{chance, pick};

/// A generated person's name.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    /// Surname, in the person's gender.
    pub(crate) last_name: String,
    /// Given name.
    pub(crate) first_name: String,
    /// Patronymic; English speakers have none.
    pub(crate) middle_name: Option<String>,
    /// Whether the name is English rather than Russian.
    pub(crate) is_english: bool,
}

#[rustfmt::skip]
const MALE_FIRST: &[&str] = &[
    "Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил", "Никита",
    "Матвей", "Роман", "Егор", "Иван", "Павел", "Владимир", "Денис", "Евгений", "Тимур", "Олег", "Константин",
    "Николай", "Антон", "Виктор", "Игорь", "Юрий", "Руслан", "Георгий", "Вадим", "Фёдор", "Глеб",
];

#[rustfmt::skip]
const FEMALE_FIRST: &[&str] = &[
    "Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна", "Ирина", "Светлана", "Юлия", "Анастасия",
    "Дарья", "Алина", "Полина", "Виктория", "Ксения", "Марина", "Валерия", "Софья", "Алёна", "Евгения", "Кристина",
    "Людмила", "Надежда", "Вера", "Елизавета",
];

/// Patronymics as (male, female).
#[rustfmt::skip]
const PATRONYMICS: &[(&str, &str)] = &[
    ("Александрович", "Александровна"), ("Дмитриевич", "Дмитриевна"), ("Сергеевич", "Сергеевна"),
    ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"), ("Игоревич", "Игоревна"), ("Викторович", "Викторовна"),
    ("Владимирович", "Владимировна"), ("Николаевич", "Николаевна"), ("Михайлович", "Михайловна"),
    ("Евгеньевич", "Евгеньевна"), ("Олегович", "Олеговна"), ("Павлович", "Павловна"), ("Юрьевич", "Юрьевна"),
    ("Иванович", "Ивановна"), ("Петрович", "Петровна"), ("Анатольевич", "Анатольевна"), ("Валерьевич", "Валерьевна"),
    ("Геннадьевич", "Геннадьевна"), ("Романович", "Романовна"), ("Фёдорович", "Фёдоровна"), ("Артёмович", "Артёмовна"),
];

/// Surnames in their male form; `female_surname` derives the female form.
#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
    "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
    "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
    "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
    "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров",
    "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов",
    "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
    "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров",
    "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников", "Гончаров",
    "Емельянов", "Никифоров", "Грачёв", "Котов", "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев",
    "Панов", "Моисеев", "Румянцев", "Акимов", "Кондратьев", "Бирюков", "Горбунов", "Анисимов", "Ерёмин", "Тихомиров",
    "Галкин", "Лукьянов", "Михеев", "Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов", "Харитонов", "Князев",
    "Цветков", "Левин", "Воронов", "Аксёнов", "Мальцев", "Логинов", "Горшков", "Савин", "Краснов", "Демидов", "Елисеев",
    "Рыбаков", "Сафонов", "Плотников", "Шубин", "Лаптев", "Третьяков", "Суханов", "Лёвкин", "Алёхин", "Островский",
    "Покровский", "Вишневский", "Заболоцкий", "Шевченко", "Бондаренко", "Ким", "Черных", "Седых", "Ковальчук", "Цой",
];

#[rustfmt::skip]
const ENGLISH_MALE: &[&str] = &[
    "John", "James", "Michael", "David", "Daniel", "Thomas", "Robert", "Peter", "Mark", "Chris",
];
#[rustfmt::skip]
const ENGLISH_FEMALE: &[&str] = &[
    "Emily", "Sarah", "Emma", "Olivia", "Jessica", "Anna", "Laura", "Kate", "Sophie", "Rachel",
];
#[rustfmt::skip]
const ENGLISH_SURNAMES: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Miller", "Davis", "Clark", "Walker", "Wright", "Green", "Baker",
    "Evans", "Schmidt", "Rossi", "Martin", "Turner", "Hughes", "Cooper", "Morgan",
];

/// Everyday forms of given names, which a second system often holds.
#[rustfmt::skip]
const DIMINUTIVES: &[(&str, &str)] = &[
    ("Александр", "Саша"), ("Алексей", "Лёша"), ("Дмитрий", "Дима"), ("Сергей", "Серёжа"), ("Михаил", "Миша"),
    ("Евгений", "Женя"), ("Владимир", "Вова"), ("Николай", "Коля"), ("Екатерина", "Катя"), ("Мария", "Маша"),
    ("Наталья", "Наташа"), ("Татьяна", "Таня"), ("Анастасия", "Настя"), ("Елена", "Лена"), ("Ольга", "Оля"),
    ("Юлия", "Юля"), ("Ирина", "Ира"), ("Дарья", "Даша"), ("Ксения", "Ксюша"), ("Светлана", "Света"), ("Анна", "Аня"),
    ("Евгения", "Женя"), ("Виктория", "Вика"),
];

/// A new person: Russian with a patronymic, or, with probability
/// `english_share`, English without one.
pub(crate) fn person(rng: &mut StdRng, english_share: f64) -> Person {
    let is_female = chance(rng, 0.5);
    if chance(rng, english_share) {
        let first = if is_female {
            pick(rng, ENGLISH_FEMALE)
        } else {
            pick(rng, ENGLISH_MALE)
        };
        return Person {
            last_name: (*pick(rng, ENGLISH_SURNAMES)).to_string(),
            first_name: (*first).to_string(),
            middle_name: None,
            is_english: true,
        };
    }
    let surname = pick(rng, SURNAMES);
    let (male_patronymic, female_patronymic) = *pick(rng, PATRONYMICS);
    let (first_name, last_name, middle_name) = if is_female {
        (
            *pick(rng, FEMALE_FIRST),
            female_surname(surname),
            female_patronymic,
        )
    } else {
        (
            *pick(rng, MALE_FIRST),
            (*surname).to_string(),
            male_patronymic,
        )
    };
    Person {
        last_name,
        first_name: first_name.to_string(),
        middle_name: Some(middle_name.to_string()),
        is_english: false,
    }
}

/// The female form of a Russian surname: Иванов → Иванова, Островский →
/// Островская; surnames that do not decline stay as they are.
pub(crate) fn female_surname(male: &str) -> String {
    if let Some(stem) = male.strip_suffix("ий") {
        return format!("{stem}ая");
    }
    if ["ов", "ев", "ёв", "ин", "ын"]
        .iter()
        .any(|suffix| male.ends_with(suffix))
    {
        return format!("{male}а");
    }
    male.to_string()
}

/// The everyday form of a given name, if it has a common one.
pub(crate) fn diminutive(first_name: &str) -> Option<&'static str> {
    DIMINUTIVES
        .iter()
        .find(|(full, _)| *full == first_name)
        .map(|(_, short)| *short)
}

/// The name as another system might have typed it: `ё` written as `е` (or
/// back), otherwise one letter swapped, dropped or doubled. Always differs
/// from the input for names of three or more letters.
pub(crate) fn misspell(rng: &mut StdRng, name: &str) -> String {
    if name.contains('ё') {
        return name.replace('ё', "е");
    }
    let mut letters: Vec<char> = name.chars().collect();
    if letters.len() < 3 {
        return format!("{name}{}", letters.last().copied().unwrap_or('а'));
    }
    // Keep the first letter: people rarely mistype it, and matching keys on it.
    let at = 1 + rng.random_range(0..letters.len() - 2);
    match rng.random_range(0..3) {
        0 if letters[at] != letters[at + 1] => letters.swap(at, at + 1),
        1 => {
            letters.remove(at);
        }
        _ => letters.insert(at, letters[at]),
    }
    letters.into_iter().collect()
}

/// Latin letters for a Russian name, as people type it in e-mail addresses.
pub(crate) fn latin(text: &str) -> String {
    let mut out = String::new();
    for letter in text.to_lowercase().chars() {
        let mapped = match letter {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' | 'ы' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ю' => "yu",
            'я' => "ya",
            other if other.is_ascii_alphanumeric() => {
                out.push(other);
                continue;
            }
            _ => "",
        };
        out.push_str(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn female_surnames_agree_in_gender() {
        for (male, female) in [
            ("Иванов", "Иванова"),
            ("Соловьёв", "Соловьёва"),
            ("Ильин", "Ильина"),
            ("Островский", "Островская"),
            ("Шевченко", "Шевченко"),
            ("Ким", "Ким"),
        ] {
            assert_eq!(female_surname(male), female, "surname {male}");
        }
    }

    #[test]
    fn russian_people_have_agreeing_patronymics_and_english_people_none() {
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..500 {
            let person = person(&mut rng, 0.1);
            match &person.middle_name {
                None => assert!(person.is_english, "{person:?}"),
                Some(middle) => {
                    let female = FEMALE_FIRST.contains(&person.first_name.as_str());
                    assert_eq!(middle.ends_with("вна"), female, "{person:?}");
                }
            }
        }
    }

    #[test]
    fn a_misspelled_name_differs_from_the_original() {
        let mut rng = StdRng::seed_from_u64(9);
        for name in SURNAMES {
            assert_ne!(misspell(&mut rng, name), *name);
        }
        assert_eq!(misspell(&mut rng, "Королёва"), "Королева");
    }

    #[test]
    fn names_transliterate_for_email_addresses() {
        assert_eq!(latin("Журавлёв"), "zhuravlev");
        assert_eq!(latin("Щербакова Юлия"), "shcherbakovayuliya");
    }
}
