//! The people behind the records: a population of distinct persons with
//! their true name, birth date, city, address, phones, e-mail and employer,
//! including the hard negatives a deduplicator must keep apart: families
//! (one surname, address and home phone), twins, a father and son of the
//! same first name, and namesakes.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::addresses::{Address, address};
use crate::chance::{chance, pick, weighted};
use crate::cities::{City, pick_city};
use crate::companies::{Company, company};
use crate::dates::{birth_date, years_from};
use crate::emails;
use crate::ids::inn12;
use crate::names::{Case, Gender, decline_surname, patronymic, pick_given, pick_surname};
use crate::phones::{Phone, landline, mobile};

/// How two or more distinct people are related in a way that makes their
/// records look alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// Spouses, or a parent and an adult child: one surname, address and home phone.
    Family,
    /// Twins: one surname, patronymic, birth date, address and home phone.
    Twins,
    /// A father and son with one first name and different patronymics.
    FatherSon,
    /// Unrelated people with the same full name.
    Namesakes,
}

impl RelationKind {
    /// The name used in the relations file.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Family => "family",
            RelationKind::Twins => "twins",
            RelationKind::FatherSon => "father_son",
            RelationKind::Namesakes => "namesakes",
        }
    }
}

/// One real person.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub id: u32,
    pub gender: Gender,
    pub first: &'static str,
    /// The surname in its masculine form; `surname()` gives this person's form.
    pub surname_base: &'static str,
    pub patronymic: Option<String>,
    /// None when no source ever recorded it.
    pub birth: Option<NaiveDate>,
    pub city: &'static City,
    pub home: Address,
    pub mobile: Phone,
    pub home_phone: Option<Phone>,
    pub email: Option<String>,
    pub work_email: Option<String>,
    pub employer: Option<usize>,
    pub sole_trader_inn: Option<String>,
    pub personal_inn: Option<String>,
}

impl Person {
    /// The surname as this person bears it (Иванова for a woman).
    pub fn surname(&self) -> String {
        decline_surname(self.surname_base, self.gender, Case::Nom)
    }
}

/// Shares of the population that are hard negatives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mix {
    pub family: f64,
    pub namesakes: f64,
}

/// Everyone, the companies they work for, and how some of them are related.
#[derive(Debug)]
pub(crate) struct Population {
    pub people: Vec<Person>,
    pub companies: Vec<Company>,
    pub relations: Vec<(RelationKind, Vec<u32>)>,
    pub registry: Registry,
}

/// Phones and e-mail addresses already given to someone, so that new ones
/// never collide by accident.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub phones: HashSet<String>,
    pub emails: HashSet<String>,
}

impl Registry {
    /// A mobile number nobody has yet.
    pub fn new_mobile(&mut self, rng: &mut StdRng) -> Phone {
        loop {
            let phone = mobile(rng);
            if self.phones.insert(phone.e164()) {
                return phone;
            }
        }
    }

    /// A city number nobody has yet.
    pub fn new_landline(&mut self, rng: &mut StdRng, city: &City) -> Phone {
        loop {
            let phone = landline(rng, city);
            if self.phones.insert(phone.e164()) {
                return phone;
            }
        }
    }
}

struct Builder<'r> {
    rng: &'r mut StdRng,
    registry: Registry,
    companies: Vec<Company>,
    company_names: HashSet<String>,
    target: usize,
}

struct Draft {
    gender: Gender,
    first: &'static str,
    surname_base: &'static str,
    patronymic: Option<String>,
    birth: NaiveDate,
    city: &'static City,
    home: Address,
    home_phone: Option<Phone>,
    shared_email: Option<String>,
}

impl Builder<'_> {
    fn random_patronymic(&mut self, gender: Gender) -> Option<String> {
        if chance(self.rng, 0.93) {
            let father = pick_given(self.rng, Gender::Male).name;
            Some(patronymic(father, gender))
        } else {
            None
        }
    }

    fn draft(&mut self, gender: Gender) -> Draft {
        let city = pick_city(self.rng);
        let home = address(self.rng, city, false);
        let has_landline = chance(self.rng, 0.15);
        Draft {
            gender,
            first: pick_given(self.rng, gender).name,
            surname_base: pick_surname(self.rng),
            patronymic: self.random_patronymic(gender),
            birth: birth_date(self.rng),
            city,
            home,
            home_phone: has_landline.then(|| self.registry.new_landline(self.rng, city)),
            shared_email: None,
        }
    }

    fn employer(&mut self, city: &'static City) -> usize {
        let wanted = (self.target / 8).max(3);
        let same_city: Vec<usize> = self
            .companies
            .iter()
            .enumerate()
            .filter(|(_, company)| std::ptr::eq(company.city, city))
            .map(|(i, _)| i)
            .collect();
        let crowded = self.companies.len() >= wanted;
        if !same_city.is_empty() && (crowded || chance(self.rng, 0.6)) {
            if chance(self.rng, 0.95) {
                return *pick(self.rng, &same_city);
            }
            // Now and then someone works for a company in another city.
            return self.rng.random_range(0..self.companies.len());
        }
        let company = company(self.rng, city, &mut self.company_names);
        self.registry.phones.insert(company.phone.e164());
        self.companies.push(company);
        self.companies.len() - 1
    }

    fn person(&mut self, draft: Draft) -> Person {
        let surname = decline_surname(draft.surname_base, draft.gender, Case::Nom);
        let mobile = self.registry.new_mobile(self.rng);
        let email = match draft.shared_email {
            Some(shared) => Some(shared),
            None if chance(self.rng, 0.8) => Some(emails::personal(
                self.rng,
                draft.first,
                &surname,
                draft.birth.year(),
                &mut self.registry.emails,
            )),
            None => None,
        };
        let role = weighted(self.rng, &[("employee", 38), ("sole", 7), ("private", 55)]);
        let employer = (role == "employee").then(|| self.employer(draft.city));
        let work_email = match employer {
            Some(index) if chance(self.rng, 0.5) => {
                let domain = self.companies[index].domain.clone();
                if chance(self.rng, 0.1) {
                    // A shared mailbox: colleagues' records carry the same address.
                    Some(format!(
                        "{}@{domain}",
                        pick(self.rng, &["info", "office", "sales", "zakaz"])
                    ))
                } else {
                    Some(emails::work(
                        self.rng,
                        draft.first,
                        &surname,
                        &domain,
                        &mut self.registry.emails,
                    ))
                }
            }
            _ => None,
        };
        let sole_trader_inn = (role == "sole").then(|| inn12(self.rng, draft.city.region));
        let personal_inn = (role == "private" && chance(self.rng, 0.12))
            .then(|| inn12(self.rng, draft.city.region));
        Person {
            id: 0,
            gender: draft.gender,
            first: draft.first,
            surname_base: draft.surname_base,
            patronymic: draft.patronymic,
            birth: chance(self.rng, 0.85).then_some(draft.birth),
            city: draft.city,
            home: draft.home,
            mobile,
            home_phone: draft.home_phone,
            email,
            work_email,
            employer,
            sole_trader_inn,
            personal_inn,
        }
    }

    fn random_gender(&mut self) -> Gender {
        if chance(self.rng, 0.52) {
            Gender::Female
        } else {
            Gender::Male
        }
    }

    /// A first name of `gender` other than `not`.
    fn other_first(&mut self, gender: Gender, not: &[&str]) -> &'static str {
        loop {
            let name = pick_given(self.rng, gender).name;
            if !not.contains(&name) {
                return name;
            }
        }
    }

    /// A relative of `head`: same surname, city, address, home phone and
    /// family mailbox; own first name and (for now) patronymic and birth date.
    fn relative(&mut self, head: &Draft, gender: Gender, first: &'static str) -> Draft {
        Draft {
            gender,
            first,
            surname_base: head.surname_base,
            patronymic: self.random_patronymic(gender),
            birth: head.birth,
            city: head.city,
            home: head.home.clone(),
            home_phone: head.home_phone.clone(),
            shared_email: head.shared_email.clone(),
        }
    }

    /// A household sharing surname, city, address and home phone; at most `room` people.
    fn household(&mut self, room: usize) -> (RelationKind, Vec<Person>) {
        let kind = weighted(
            self.rng,
            &[
                ("couple", 35),
                ("couple_child", 30),
                ("parent_child", 10),
                ("father_son", 15),
                ("twins", 10),
            ],
        );
        let kind = if room < 3 && kind == "couple_child" {
            "couple"
        } else {
            kind
        };
        let mut head = self.draft(Gender::Male);
        head.home_phone = Some(self.registry.new_landline(self.rng, head.city));
        if chance(self.rng, 0.15) {
            let family = decline_surname(head.surname_base, Gender::Male, Case::Nom);
            head.shared_email = Some(emails::family(self.rng, &family, &mut self.registry.emails));
        }
        let mut drafts = Vec::new();
        let relation = match kind {
            "twins" => {
                let gender = self.random_gender();
                let first = self.other_first(gender, &[head.first]);
                let mut twin = self.relative(&head, gender, first);
                let father = pick_given(self.rng, Gender::Male).name;
                head.patronymic = Some(patronymic(father, Gender::Male));
                twin.patronymic = Some(patronymic(father, gender));
                drafts.push(twin);
                RelationKind::Twins
            }
            "father_son" => {
                head.birth = head.birth.min(date(1975));
                let grandfather = self.other_first(Gender::Male, &[head.first]);
                head.patronymic = Some(patronymic(grandfather, Gender::Male));
                let mut son = self.relative(&head, Gender::Male, head.first);
                son.patronymic = Some(patronymic(head.first, Gender::Male));
                let gap = self.rng.random_range(22..36);
                son.birth = years_from(self.rng, head.birth, gap);
                drafts.push(son);
                RelationKind::FatherSon
            }
            _ => {
                let with_child = kind == "couple_child" || kind == "parent_child";
                if with_child {
                    head.birth = head.birth.min(date(1975));
                }
                if kind != "parent_child" {
                    let wife_first = self.other_first(Gender::Female, &[]);
                    let mut wife = self.relative(&head, Gender::Female, wife_first);
                    let gap = self.rng.random_range(-6..4);
                    wife.birth = years_from(self.rng, head.birth, gap);
                    drafts.push(wife);
                }
                if with_child {
                    let gender = self.random_gender();
                    let first = self.other_first(gender, &[head.first]);
                    let mut child = self.relative(&head, gender, first);
                    child.patronymic = Some(patronymic(head.first, gender));
                    let gap = self.rng.random_range(20..34);
                    child.birth = years_from(self.rng, head.birth, gap);
                    drafts.push(child);
                }
                RelationKind::Family
            }
        };
        drafts.insert(0, head);
        let people = drafts.into_iter().map(|draft| self.person(draft)).collect();
        (relation, people)
    }

    /// Two or three unrelated people with one full name, in different cities.
    fn namesakes(&mut self, room: usize) -> Vec<Person> {
        let count = if room >= 3 && chance(self.rng, 0.15) {
            3
        } else {
            2
        };
        let gender = self.random_gender();
        let first = self.draft(gender);
        let patronymic = first
            .patronymic
            .clone()
            .or_else(|| Some(patronymic(pick_given(self.rng, Gender::Male).name, gender)));
        let mut cities: Vec<&'static City> = vec![first.city];
        let mut drafts = vec![Draft {
            patronymic: patronymic.clone(),
            ..first
        }];
        while drafts.len() < count {
            let mut other = self.draft(gender);
            if cities.iter().any(|city| std::ptr::eq(*city, other.city)) {
                continue;
            }
            cities.push(other.city);
            other.first = drafts[0].first;
            other.surname_base = drafts[0].surname_base;
            other.patronymic = patronymic.clone();
            drafts.push(other);
        }
        drafts
            .into_iter()
            .map(|draft| {
                let mut person = self.person(draft);
                person.birth = person.birth.or(Some(birth_date(self.rng)));
                person
            })
            .collect()
    }
}

fn date(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default()
}

/// `count` distinct people, a share of them in families and namesake groups.
pub(crate) fn populate(rng: &mut StdRng, count: usize, mix: Mix) -> Population {
    let mut builder = Builder {
        rng,
        registry: Registry::default(),
        companies: Vec::new(),
        company_names: HashSet::new(),
        target: count,
    };
    let mut people: Vec<Person> = Vec::with_capacity(count);
    let mut groups: Vec<(RelationKind, Vec<usize>)> = Vec::new();
    let family_target = (count as f64 * mix.family).round() as usize;
    let namesake_target = (count as f64 * mix.namesakes).round() as usize;
    while people.len() < family_target && count - people.len() >= 2 {
        let (kind, members) = builder.household(count - people.len());
        let start = people.len();
        people.extend(members);
        groups.push((kind, (start..people.len()).collect()));
    }
    let mut namesakes = 0;
    while namesakes < namesake_target && count - people.len() >= 2 {
        let members = builder.namesakes(count - people.len());
        let start = people.len();
        namesakes += members.len();
        people.extend(members);
        groups.push((RelationKind::Namesakes, (start..people.len()).collect()));
    }
    while people.len() < count {
        let gender = builder.random_gender();
        let draft = builder.draft(gender);
        let person = builder.person(draft);
        people.push(person);
    }
    // Entity ids in random order, so that related people do not get neighbouring ids.
    let mut ids: Vec<u32> = (1..=people.len() as u32).collect();
    ids.shuffle(builder.rng);
    for (person, id) in people.iter_mut().zip(&ids) {
        person.id = *id;
    }
    let relations = groups
        .into_iter()
        .map(|(kind, members)| (kind, members.iter().map(|&i| ids[i]).collect()))
        .collect();
    people.sort_by_key(|person| person.id);
    Population {
        people,
        companies: builder.companies,
        relations,
        registry: builder.registry,
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn population() -> Population {
        let mut rng = StdRng::seed_from_u64(11);
        populate(
            &mut rng,
            2_000,
            Mix {
                family: 0.07,
                namesakes: 0.03,
            },
        )
    }

    #[test]
    fn families_share_surname_address_and_phone_but_not_the_name() {
        let population = population();
        let by_id = |id: u32| &population.people[id as usize - 1];
        let mut families = 0;
        for (kind, members) in &population.relations {
            if *kind == RelationKind::Namesakes {
                continue;
            }
            families += members.len();
            let head = by_id(members[0]);
            for &id in &members[1..] {
                let member = by_id(id);
                assert_eq!(member.surname_base, head.surname_base);
                assert_eq!(member.home, head.home);
                assert!(member.home_phone.is_some() && member.home_phone == head.home_phone);
                assert!(
                    member.first != head.first || member.patronymic != head.patronymic,
                    "{kind:?}: {} {:?}",
                    member.first,
                    member.patronymic
                );
                assert_ne!(member.mobile, head.mobile);
            }
            if *kind == RelationKind::FatherSon {
                let son = by_id(members[1]);
                assert_eq!(son.first, head.first);
                assert_ne!(son.patronymic, head.patronymic);
            }
        }
        let share = families as f64 / population.people.len() as f64;
        assert!((0.05..=0.09).contains(&share), "{share}");
    }

    #[test]
    fn namesakes_share_the_full_name_only() {
        let population = population();
        let by_id = |id: u32| &population.people[id as usize - 1];
        let mut groups = 0;
        for (kind, members) in &population.relations {
            if *kind != RelationKind::Namesakes {
                continue;
            }
            groups += 1;
            let a = by_id(members[0]);
            for &id in &members[1..] {
                let b = by_id(id);
                assert_eq!(
                    (a.first, a.surname_base, &a.patronymic),
                    (b.first, b.surname_base, &b.patronymic)
                );
                assert!(!std::ptr::eq(a.city, b.city));
                assert_ne!(a.mobile, b.mobile);
                if a.email.is_some() {
                    assert_ne!(a.email, b.email);
                }
            }
        }
        assert!(groups >= 20, "{groups}");
    }

    #[test]
    fn ids_run_from_one_without_gaps() {
        let population = population();
        for (i, person) in population.people.iter().enumerate() {
            assert_eq!(person.id as usize, i + 1);
        }
    }
}
