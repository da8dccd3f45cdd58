//! One deal's life: the client's request, the manager's first reply after a
//! delay, the touches that follow, and the outcome drawn from the
//! [`OUTCOME_MODEL`](crate::outcome::OUTCOME_MODEL).
//!
//! The timeline is planned before any record exists, because the deal's
//! stage, status and dates depend on what happened. Nothing after `now`
//! happens: a deal whose story runs past `now` stays open, and so does the
//! rare request nobody ever answers. Records are made in `deals` and
//! `activities`.

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;

use crate::chance::{chance, hours, log_normal, minutes, normal, pick_weighted};
use crate::factory::moscow_offset;
use crate::messages::{self, Audience, Grievance, Tone};
use crate::outcome::{DealSignals, OUTCOME_MODEL, sigmoid};
use crate::staff::Manager;

/// The share of requests nobody ever answers: they stay open at the first
/// stage however old they are, as stale leads do in real CRMs.
pub(crate) const FORGOTTEN_SHARE: f64 = 0.03;

/// How a deal's first request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Channel {
    /// The channel as activities and deals name it, e.g. `Telegram`.
    pub(crate) name: &'static str,
    /// The activity kind of a message on it: `chat`, `call` or `email`.
    pub(crate) kind: &'static str,
}

/// One activity before it becomes a record.
#[derive(Debug, Clone)]
pub(crate) struct PlannedActivity {
    /// `call`, `chat`, `email`, `meeting`, `note` or `task`.
    pub(crate) kind: &'static str,
    /// `inbound`, `outbound`, or none for notes and tasks.
    pub(crate) direction: Option<&'static str>,
    /// The channel, if the activity went through one.
    pub(crate) channel: Option<&'static str>,
    /// What was said or written.
    pub(crate) text: String,
    /// Whether the manager wrote it (and is its author).
    pub(crate) by_manager: bool,
    /// When it happened.
    pub(crate) occurred_at: DateTime<Utc>,
    /// A task's due time.
    pub(crate) due_at: Option<DateTime<Utc>>,
    /// A call's or meeting's length.
    pub(crate) duration_seconds: Option<i64>,
    /// The tone of a client's chat or e-mail message.
    pub(crate) tone: Option<Tone>,
    /// What a negative message is about.
    pub(crate) grievance: Option<Grievance>,
}

/// How a deal ended, or where it stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Outcome {
    /// Still open at an open stage (an index into the pipeline's open stages).
    Open { stage: usize },
    /// Won when it closed.
    Won { closed_at: DateTime<Utc> },
    /// Lost when it closed, for a reason.
    Lost {
        closed_at: DateTime<Utc>,
        reason: &'static str,
    },
}

/// A deal's planned history.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    /// Activities in time order, the client's request first.
    pub(crate) activities: Vec<PlannedActivity>,
    /// The result.
    pub(crate) outcome: Outcome,
}

/// What a deal starts from.
pub(crate) struct DealStart<'a> {
    /// When the request arrived.
    pub(crate) opened_at: DateTime<Utc>,
    /// The deal's source.
    pub(crate) source: &'static str,
    /// The channel the request came through.
    pub(crate) channel: Channel,
    /// The client's language and the side of the business.
    pub(crate) audience: Audience,
    /// The manager who answers.
    pub(crate) manager: &'a Manager,
    /// The client's first words.
    pub(crate) request: String,
    /// How many open stages the pipeline has.
    pub(crate) open_stages: usize,
    /// The present moment.
    pub(crate) now: DateTime<Utc>,
}

/// The channel a request from `source` arrives through.
pub(crate) fn channel_for_source(rng: &mut StdRng, source: &str) -> Channel {
    let (form, phone) = (
        Channel {
            name: "Форма на сайте",
            kind: "email",
        },
        Channel {
            name: "Телефон",
            kind: "call",
        },
    );
    let chat = |name| Channel { name, kind: "chat" };
    match source {
        "Сайт" | "Яндекс.Директ" => {
            if chance(rng, 0.75) {
                form
            } else {
                phone
            }
        }
        "Звонок" => phone,
        "Рекомендация" => {
            if chance(rng, 0.5) {
                phone
            } else {
                chat("WhatsApp")
            }
        }
        "Telegram" => chat("Telegram"),
        "VK" => chat("VK"),
        "Авито" => chat("Авито"),
        _ => chat("WhatsApp"),
    }
}

/// Plays a deal out from its request to its outcome or to `now`.
pub(crate) fn simulate(rng: &mut StdRng, start: &DealStart<'_>) -> Timeline {
    let mut activities = vec![request(rng, start)];
    if chance(rng, FORGOTTEN_SHARE) {
        return Timeline {
            activities,
            outcome: Outcome::Open { stage: 0 },
        };
    }
    let reply_at = first_reply_at(rng, start);
    let reply_minutes = (reply_at - start.opened_at).num_seconds() as f64 / 60.0;
    let is_slow = reply_minutes > 120.0;
    if is_slow && chance(rng, 0.5) {
        let nudge_at = start.opened_at + (reply_at - start.opened_at) * 2 / 3;
        if nudge_at <= start.now {
            let text =
                messages::client_message(rng, start.audience, Tone::Negative, Grievance::Ignored);
            activities.push(message(
                start,
                nudge_at,
                (false, text),
                Some((Tone::Negative, Grievance::Ignored)),
            ));
        }
    }
    if reply_at > start.now {
        return Timeline {
            activities,
            outcome: Outcome::Open { stage: 0 },
        };
    }
    activities.push(reply(rng, start, reply_at));
    let extra = *pick_weighted(
        rng,
        &[
            (0, 10.0),
            (1, 16.0),
            (2, 18.0),
            (3, 16.0),
            (4, 12.0),
            (5, 9.0),
            (6, 7.0),
            (7, 5.0),
            (8, 3.0),
            (10, 2.0),
            (13, 1.0),
        ],
    );
    let extra = extra + if start.audience.is_b2b { 2 } else { 0 };
    let mut at = reply_at;
    for _ in 0..extra {
        at += hours(log_normal(rng, 18.0, 1.0)).max(TimeDelta::minutes(5));
        if at > start.now {
            return Timeline {
                outcome: open_at_stage(&activities, start.open_stages),
                activities,
            };
        }
        activities.push(touch(rng, start, at, is_slow));
    }
    let closed_at = at + hours(log_normal(rng, 20.0, 1.0)).max(TimeDelta::minutes(10));
    if closed_at > start.now {
        return Timeline {
            outcome: open_at_stage(&activities, start.open_stages),
            activities,
        };
    }
    let signals = DealSignals {
        source: start.source,
        first_reply_minutes: reply_minutes,
        touches: activities.len(),
        negative_messages: activities
            .iter()
            .filter(|it| it.tone == Some(Tone::Negative))
            .count(),
        positive_messages: activities
            .iter()
            .filter(|it| it.tone == Some(Tone::Positive))
            .count(),
        is_b2b: start.audience.is_b2b,
    };
    let logit = OUTCOME_MODEL.logit(&signals) + OUTCOME_MODEL.noise_sd * normal(rng);
    let outcome = if chance(rng, sigmoid(logit)) {
        Outcome::Won { closed_at }
    } else {
        Outcome::Lost {
            closed_at,
            reason: lost_reason(rng, &activities, reply_minutes),
        }
    };
    Timeline {
        activities,
        outcome,
    }
}

/// The client's first request on the deal's channel.
fn request(rng: &mut StdRng, start: &DealStart<'_>) -> PlannedActivity {
    let mut activity = message(
        start,
        start.opened_at,
        (false, start.request.clone()),
        Some((Tone::Neutral, Grievance::Other)),
    );
    if start.channel.kind == "call" {
        (activity.kind, activity.channel) = ("call", Some(start.channel.name));
        activity.text = format!("Входящий звонок. {}", start.request);
        activity.duration_seconds = Some(log_normal(rng, 150.0, 0.6).round() as i64);
        activity.tone = None;
    }
    activity
}

/// When the manager first answers: a log-normal delay around their usual
/// speed, pushed to the next morning outside Moscow working hours.
fn first_reply_at(rng: &mut StdRng, start: &DealStart<'_>) -> DateTime<Utc> {
    let delay = log_normal(rng, start.manager.reply_median_minutes, 1.0).clamp(1.0, 2880.0);
    let reply_at = start.opened_at + minutes(delay);
    let moscow = reply_at.with_timezone(&moscow_offset());
    let hour = chrono::Timelike::hour(&moscow);
    if (9..21).contains(&hour) {
        return reply_at;
    }
    let morning_day = if hour >= 21 {
        moscow.date_naive() + TimeDelta::days(1)
    } else {
        moscow.date_naive()
    };
    let morning = morning_day.and_hms_opt(9, 0, 0).expect("09:00 exists") - TimeDelta::hours(3);
    morning.and_utc() + minutes(log_normal(rng, 20.0, 0.8))
}

/// The manager's first answer, on the request's channel or by phone.
fn reply(rng: &mut StdRng, start: &DealStart<'_>, at: DateTime<Utc>) -> PlannedActivity {
    let by_phone =
        start.channel.kind == "call" || (start.channel.kind == "email" && chance(rng, 0.6));
    if by_phone {
        return call(rng, at, "outbound", true);
    }
    let text = messages::first_reply(rng, start.audience, start.manager.first_name);
    let mut activity = message(start, at, (true, text), None);
    if start.channel.kind == "email" {
        (activity.kind, activity.channel) = ("email", Some("E-mail"));
    }
    activity
}

/// One touch after the first reply.
fn touch(
    rng: &mut StdRng,
    start: &DealStart<'_>,
    at: DateTime<Utc>,
    is_slow: bool,
) -> PlannedActivity {
    let weights: &[(&str, f64)] = if start.audience.is_b2b {
        &[
            ("chat", 20.0),
            ("call", 25.0),
            ("email", 25.0),
            ("note", 10.0),
            ("task", 12.0),
            ("meeting", 8.0),
        ]
    } else {
        &[
            ("chat", 35.0),
            ("call", 25.0),
            ("email", 12.0),
            ("note", 14.0),
            ("task", 14.0),
        ]
    };
    let kind = *pick_weighted(rng, weights);
    let mut activity = match kind {
        "chat" | "email" if chance(rng, 0.45) => {
            let tone = if chance(rng, 0.08 + if is_slow { 0.22 } else { 0.0 }) {
                Tone::Negative
            } else if chance(rng, 0.27) {
                Tone::Positive
            } else {
                Tone::Neutral
            };
            let grievance = if is_slow && chance(rng, 0.55) {
                Grievance::Ignored
            } else {
                *pick_weighted(
                    rng,
                    &[
                        (Grievance::Price, 40.0),
                        (Grievance::Competitor, 35.0),
                        (Grievance::Other, 25.0),
                    ],
                )
            };
            let text = messages::client_message(rng, start.audience, tone, grievance);
            message(start, at, (false, text), Some((tone, grievance)))
        }
        "chat" | "email" => message(
            start,
            at,
            (
                true,
                messages::manager_message(rng, start.audience).to_string(),
            ),
            None,
        ),
        "call" => {
            let direction = if chance(rng, 0.3) {
                "inbound"
            } else {
                "outbound"
            };
            let answered = direction == "inbound" || chance(rng, 0.8);
            call(rng, at, direction, answered)
        }
        "meeting" => {
            let mut meeting = manager_entry(at, "meeting", messages::meeting(rng));
            meeting.channel = Some(if chance(rng, 0.5) { "Zoom" } else { "Офис" });
            meeting.duration_seconds = Some(60 * whole_minutes(rng, 30.0, 0.4));
            meeting
        }
        "task" => {
            let mut task = manager_entry(at, "task", messages::task(rng, start.audience.is_b2b));
            task.due_at = Some(at + hours(4.0 + 68.0 * rand::Rng::random::<f64>(rng)));
            task
        }
        _ => manager_entry(at, "note", messages::note(rng)),
    };
    if kind == "email" {
        (activity.kind, activity.channel) = ("email", Some("E-mail"));
    }
    activity
}

/// A chat message on the deal's messenger (WhatsApp when the request came
/// another way), written by the manager or the client.
fn message(
    start: &DealStart<'_>,
    at: DateTime<Utc>,
    (by_manager, text): (bool, String),
    tone: Option<(Tone, Grievance)>,
) -> PlannedActivity {
    let (kind, channel) = match start.channel.kind {
        "chat" => ("chat", start.channel.name),
        "email" if !by_manager && at == start.opened_at => ("email", start.channel.name),
        _ => ("chat", "WhatsApp"),
    };
    PlannedActivity {
        kind,
        direction: Some(if by_manager { "outbound" } else { "inbound" }),
        channel: Some(channel),
        text,
        by_manager,
        occurred_at: at,
        due_at: None,
        duration_seconds: None,
        tone: tone.map(|(tone, _)| tone),
        grievance: tone
            .filter(|(tone, _)| *tone == Tone::Negative)
            .map(|(_, grievance)| grievance),
    }
}

/// A phone call; an unanswered one lasts zero seconds.
fn call(
    rng: &mut StdRng,
    at: DateTime<Utc>,
    direction: &'static str,
    answered: bool,
) -> PlannedActivity {
    PlannedActivity {
        kind: "call",
        direction: Some(direction),
        channel: Some("Телефон"),
        text: messages::call_summary(rng, answered).to_string(),
        by_manager: true,
        occurred_at: at,
        due_at: None,
        duration_seconds: Some(if answered {
            log_normal(rng, 150.0, 0.8).round().max(10.0) as i64
        } else {
            0
        }),
        tone: None,
        grievance: None,
    }
}

/// A note, task or meeting by the manager, with no direction.
fn manager_entry(at: DateTime<Utc>, kind: &'static str, text: &str) -> PlannedActivity {
    PlannedActivity {
        kind,
        direction: None,
        channel: None,
        text: text.to_string(),
        by_manager: true,
        occurred_at: at,
        due_at: None,
        duration_seconds: None,
        tone: None,
        grievance: None,
    }
}

/// An open deal's stage: the first while unanswered, then further along
/// the more touches it had.
fn open_at_stage(activities: &[PlannedActivity], open_stages: usize) -> Outcome {
    let answered = activities.iter().any(|it| it.direction == Some("outbound"));
    let stage = if answered {
        (1 + activities.len().saturating_sub(2) / 2).min(open_stages.saturating_sub(1))
    } else {
        0
    };
    Outcome::Open { stage }
}

/// Why a lost deal was lost, following what the client complained about.
fn lost_reason(
    rng: &mut StdRng,
    activities: &[PlannedActivity],
    reply_minutes: f64,
) -> &'static str {
    let said = |grievance| activities.iter().any(|it| it.grievance == Some(grievance));
    if said(Grievance::Price) && chance(rng, 0.7) {
        return "дорого";
    }
    if said(Grievance::Competitor) && chance(rng, 0.7) {
        return "выбрал конкурента";
    }
    if (said(Grievance::Ignored) || reply_minutes > 240.0) && chance(rng, 0.6) {
        return "не дозвонились";
    }
    *pick_weighted(
        rng,
        &[
            ("дорого", 30.0),
            ("выбрал конкурента", 25.0),
            ("не дозвонились", 20.0),
            ("неактуально", 25.0),
        ],
    )
}

/// Whole minutes from a log-normal draw.
fn whole_minutes(rng: &mut StdRng, median: f64, sigma: f64) -> i64 {
    log_normal(rng, median, sigma).round().max(1.0) as i64
}
