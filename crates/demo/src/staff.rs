//! The people and the sales process: users (an admin, five managers, an
//! analyst), the two pipelines and their stages.
//!
//! Managers differ in how fast they usually answer a new lead; that speed
//! feeds the outcome model through the deals they own. Nothing here touches
//! customers.

use chrono::{DateTime, TimeDelta, Utc};
use domain::{EntityKind, Id, Record};
use serde_json::json;

use crate::chance::pick_weighted;
use crate::factory::Factory;

/// A manager who owns contacts and deals.
#[derive(Debug, Clone)]
pub(crate) struct Manager {
    /// The user's id.
    pub(crate) id: Id,
    /// The name shown as an activity's author, e.g. `Мария Петрова`.
    pub(crate) display_name: &'static str,
    /// The given name, used when greeting a client.
    pub(crate) first_name: &'static str,
    /// The median minutes to a first reply during working hours.
    pub(crate) reply_median_minutes: f64,
    /// Relative share of new contacts assigned to the manager.
    pub(crate) workload: f64,
}

/// One pipeline's stage names by outcome.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PipelineStages {
    /// The pipeline's name.
    pub(crate) name: &'static str,
    /// Open stages in order.
    pub(crate) open: &'static [&'static str],
    /// The stage of won deals.
    pub(crate) won: &'static str,
    /// The stage of lost deals.
    pub(crate) lost: &'static str,
}

/// The online shop's pipeline.
pub(crate) const SHOP: PipelineStages = PipelineStages {
    name: "Продажи",
    open: &[
        "Новая заявка",
        "Квалификация",
        "Предложение",
        "Счёт выставлен",
    ],
    won: "Успешно",
    lost: "Отказ",
};

/// The wholesale and logistics pipeline.
pub(crate) const B2B: PipelineStages = PipelineStages {
    name: "B2B",
    open: &[
        "Новая заявка",
        "Квалификация",
        "Расчёт стоимости",
        "КП отправлено",
        "Договор",
    ],
    won: "Успешно",
    lost: "Отказ",
};

/// Users, pipelines and stages, made once at the start of the year.
pub(crate) struct Staff {
    /// Every user record.
    pub(crate) users: Vec<Record>,
    /// The managers among them.
    pub(crate) managers: Vec<Manager>,
    /// Pipeline records.
    pub(crate) pipelines: Vec<Record>,
    /// Stage records.
    pub(crate) stages: Vec<Record>,
}

/// (login, display name, first name, median reply minutes, workload)
#[rustfmt::skip]
const MANAGERS: &[(&str, &str, &str, f64, f64)] = &[
    ("m.petrova", "Мария Петрова", "Мария", 6.0, 1.3),
    ("a.smirnov", "Алексей Смирнов", "Алексей", 25.0, 1.0),
    ("o.kuznetsova", "Ольга Кузнецова", "Ольга", 12.0, 1.1),
    ("d.volkov", "Дмитрий Волков", "Дмитрий", 70.0, 0.8),
    ("e.sokolova", "Екатерина Соколова", "Екатерина", 35.0, 0.9),
];

/// Makes the users, pipelines and stages, all created about a year before `now`.
pub(crate) fn generate_staff(factory: &mut Factory, now: DateTime<Utc>) -> Staff {
    let founded = now - TimeDelta::days(365) + TimeDelta::hours(2);
    let mut users = Vec::new();
    let admin = json!({
        "login": "admin", "display_name": "Администратор", "emails": "admin@shop.example.ru",
        "role": "admin", "active": true,
    });
    users.push(factory.make(EntityKind::User, admin, founded));
    let mut managers = Vec::new();
    for (offset, &(login, display_name, first_name, reply_median_minutes, workload)) in
        MANAGERS.iter().enumerate()
    {
        let raw = json!({
            "login": login, "display_name": display_name, "emails": format!("{login}@shop.example.ru"),
            "role": if offset % 2 == 0 { "manager" } else { "Менеджер" }, "active": "да",
        });
        let user = factory.make(
            EntityKind::User,
            raw,
            founded + TimeDelta::minutes(10 * (offset as i64 + 1)),
        );
        managers.push(Manager {
            id: user.id,
            display_name,
            first_name,
            reply_median_minutes,
            workload,
        });
        users.push(user);
    }
    let analyst = json!({
        "login": "i.lebedev", "display_name": "Игорь Лебедев", "emails": "i.lebedev@shop.example.ru",
        "role": "analyst", "active": true,
    });
    users.push(factory.make(EntityKind::User, analyst, founded + TimeDelta::hours(1)));

    let mut pipelines = Vec::new();
    let mut stages = Vec::new();
    for (offset, pipeline) in [SHOP, B2B].iter().enumerate() {
        let created_at = founded + TimeDelta::hours(2 + offset as i64);
        let record = factory.make(
            EntityKind::Pipeline,
            json!({"name": pipeline.name}),
            created_at,
        );
        let names = pipeline
            .open
            .iter()
            .map(|name| (*name, "open"))
            .chain([(pipeline.won, "won"), (pipeline.lost, "lost")]);
        for (position, (name, outcome)) in names.enumerate() {
            let raw = json!({"name": name, "pipeline_id": record.id.to_string(), "position": position + 1, "outcome": outcome});
            stages.push(factory.make(
                EntityKind::Stage,
                raw,
                created_at + TimeDelta::minutes(position as i64 + 1),
            ));
        }
        pipelines.push(record);
    }
    Staff {
        users,
        managers,
        pipelines,
        stages,
    }
}

/// The index of a manager drawn by workload.
pub(crate) fn manager_index(factory: &mut Factory, managers: &[Manager]) -> usize {
    let weighted: Vec<(usize, f64)> = managers
        .iter()
        .enumerate()
        .map(|(index, manager)| (index, manager.workload))
        .collect();
    pick_weighted(&mut factory.rng, &weighted)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn there_is_one_admin_five_managers_and_one_analyst() {
        // Arrange
        let mut factory = Factory::new(1);
        let now = Utc
            .with_ymd_and_hms(2026, 11, 1, 9, 0, 0)
            .single()
            .expect("valid date");
        // Act
        let staff = generate_staff(&mut factory, now);
        // Assert
        let roles: Vec<&str> = staff
            .users
            .iter()
            .filter_map(|user| user.text("role"))
            .collect();
        assert_eq!(
            roles,
            [
                "admin", "manager", "manager", "manager", "manager", "manager", "analyst"
            ]
        );
        assert_eq!(staff.managers.len(), 5);
        assert!(
            staff
                .users
                .iter()
                .all(|user| user.fields.get("active") == Some(&domain::Value::Bool(true)))
        );
    }

    #[test]
    fn each_pipeline_ends_in_one_won_and_one_lost_stage() {
        let mut factory = Factory::new(1);
        let staff = generate_staff(&mut factory, Utc::now());
        for pipeline in &staff.pipelines {
            let outcomes: Vec<&str> = staff
                .stages
                .iter()
                .filter(|stage| stage.reference("pipeline_id") == Some(pipeline.id))
                .filter_map(|stage| stage.text("outcome"))
                .collect();
            assert_eq!(
                outcomes.iter().filter(|it| **it == "won").count(),
                1,
                "{}",
                pipeline.title()
            );
            assert_eq!(
                outcomes.iter().filter(|it| **it == "lost").count(),
                1,
                "{}",
                pipeline.title()
            );
            assert!(outcomes.len() >= 6, "{}", pipeline.title());
        }
    }
}
