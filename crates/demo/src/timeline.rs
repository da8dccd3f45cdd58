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
use crate::touches::{Channel, PlannedActivity, message, reply, request, touch};

/// The share of requests nobody ever answers: they stay open at the first
/// stage however old they are, as stale leads do in real CRMs.
pub(crate) const FORGOTTEN_SHARE: f64 = 0.03;

/// How many touches follow the first reply (two more for B2B), by weight.
#[rustfmt::skip]
const EXTRA_TOUCHES: &[(u32, f64)] = &[
    (0, 10.0), (1, 16.0), (2, 18.0), (3, 16.0), (4, 12.0), (5, 9.0), (6, 7.0), (7, 5.0), (8, 3.0), (10, 2.0), (13, 1.0),
];

/// Lost reasons when the client's words suggest none, by weight.
#[rustfmt::skip]
const LOST_REASONS: &[(&str, f64)] = &[
    ("дорого", 30.0), ("выбрал конкурента", 25.0), ("не дозвонились", 20.0), ("неактуально", 25.0),
];

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
    let extra = pick_weighted(rng, EXTRA_TOUCHES);
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
    pick_weighted(rng, LOST_REASONS)
}
