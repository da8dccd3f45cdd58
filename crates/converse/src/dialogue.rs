//! What the bot does with one understood message: hand over at once when a
//! trigger fires, fill slots, answer the pending question or ask again, run
//! a flow's steps until it needs the customer, answer small talk, or admit it
//! did not understand. It collects what to say and do in a `Reply`; `Bot`
//! turns that into outputs, the transcript and the pause.

use chrono::NaiveDate;
use nlu::Parse;

use crate::conversation::{Conversation, Position};
use crate::flow::{Dialogue, Flow};
use crate::output::Output;
use crate::steps::Instruction;
use crate::{slots, template};

/// What one turn has decided so far.
#[derive(Debug, Default)]
pub(crate) struct Reply {
    pub outputs: Vec<Output>,
    pub handoff: Option<Pending>,
}

/// A handoff decided this turn, carried out when the turn ends.
#[derive(Debug)]
pub(crate) struct Pending {
    pub reason: String,
    /// The flow step's own message, said instead of `handoff.message`.
    pub message: Option<String>,
}

impl Reply {
    fn say(&mut self, text: String) {
        if !text.trim().is_empty() {
            self.outputs.push(Output::Say(text));
        }
    }

    fn hand_over(&mut self, reason: &str, message: Option<String>) {
        self.handoff = Some(Pending {
            reason: reason.to_string(),
            message,
        });
    }
}

/// Decides the answer to a message the NLU has read.
pub(crate) fn respond(
    flow: &Flow,
    conversation: &mut Conversation,
    parse: &Parse,
    today: NaiveDate,
    reply: &mut Reply,
) {
    let sure = is_sure(flow, parse);
    let intent = parse.intent.name.as_str();
    // An explicit request wins over everything, a question pending included.
    if sure && flow.handoff.intents.iter().any(|it| it == intent) {
        return reply.hand_over(intent, None);
    }
    if let Some(threshold) = flow.handoff.negative_sentiment
        && parse.sentiment.score <= threshold
    {
        return reply.hand_over("negative_sentiment", None);
    }
    let asking = conversation.asking().map(str::to_string);
    let answer = asking
        .as_deref()
        .and_then(|name| slots::answer(name, &flow.slots, parse, today));
    let used = answer.as_ref().and_then(|(_, entity)| *entity);
    let others = slots::from_entities(
        &flow.slots,
        parse,
        today,
        asking.as_deref().map(|name| (name, used)),
    );
    let learnt = !others.is_empty();
    let answered = answer.is_some();
    if let Some((values, _)) = answer {
        conversation.fill(values);
    }
    conversation.fill(others);
    if fires(flow.handoff.vip.as_deref(), "vip", conversation) {
        return reply.hand_over("vip", None);
    }
    match asking {
        Some(_) if answered => {
            conversation.unsure_turns = 0;
            run(flow, conversation, reply);
        }
        Some(name) => not_answered(flow, conversation, parse, sure, &name, reply),
        None => no_question(flow, conversation, parse, sure, learnt, reply),
    }
    // A complex request waits until no question is pending, so that the
    // manager gets the whole of it.
    if reply.handoff.is_none()
        && conversation.asking().is_none()
        && fires(flow.handoff.complex.as_deref(), "complex", conversation)
    {
        reply.hand_over("complex", None);
    }
}

/// Whether a VIP or complex-request condition holds and has not already
/// handed this conversation over: they describe the customer, so after a
/// manager releases the conversation they do not fire again.
pub(crate) fn fires(condition: Option<&str>, reason: &str, conversation: &Conversation) -> bool {
    condition.is_some_and(|it| template::holds(it, &conversation.variables()))
        && !conversation.handed_over_for(reason)
}

/// Whether the NLU is sure enough of the intent to act on it.
fn is_sure(flow: &Flow, parse: &Parse) -> bool {
    !parse.out_of_scope
        && flow
            .handoff
            .low_confidence
            .is_none_or(|low| parse.intent.confidence >= low.below)
}

/// A message that does not answer the pending question: another flow's
/// request starts that flow, small talk is answered and the question asked
/// again, anything else counts as a failed attempt.
fn not_answered(
    flow: &Flow,
    conversation: &mut Conversation,
    parse: &Parse,
    sure: bool,
    slot_name: &str,
    reply: &mut Reply,
) {
    let intent = parse.intent.name.as_str();
    let other =
        starting(flow, intent).filter(|it| Some(it.name.as_str()) != conversation.active_flow());
    if sure && let Some(next) = other {
        return start(flow, conversation, next, reply);
    }
    let Some(slot) = flow.slots.get(slot_name) else {
        // The flow file changed under a saved conversation; start afresh.
        conversation.position = None;
        return;
    };
    let question = slot.question.as_deref().unwrap_or_default();
    if sure && let Some(answer) = flow.answers.get(intent) {
        reply.say(template::render(answer, &conversation.variables()));
        reply.say(template::render(question, &conversation.variables()));
        return;
    }
    let Some(position) = conversation.position.as_mut() else {
        return;
    };
    position.attempts += 1;
    if position.attempts > slot.attempts {
        return reply.hand_over("cannot_fill_slot", None);
    }
    let again = slot.reask.as_deref().unwrap_or(question);
    reply.say(template::render(again, &conversation.variables()));
}

/// A message when no question is pending: a flow's request, small talk, or
/// something the bot did not understand.
fn no_question(
    flow: &Flow,
    conversation: &mut Conversation,
    parse: &Parse,
    sure: bool,
    learnt: bool,
    reply: &mut Reply,
) {
    let intent = parse.intent.name.as_str();
    if sure && let Some(next) = starting(flow, intent) {
        conversation.unsure_turns = 0;
        return start(flow, conversation, next, reply);
    }
    if sure && let Some(answer) = flow.answers.get(intent) {
        conversation.unsure_turns = 0;
        return reply.say(template::render(answer, &conversation.variables()));
    }
    if sure || learnt {
        conversation.unsure_turns = 0;
    } else {
        conversation.unsure_turns += 1;
        if let Some(low) = flow.handoff.low_confidence
            && conversation.unsure_turns >= low.times
        {
            return reply.hand_over("low_confidence", None);
        }
    }
    conversation.counters.fallbacks += 1;
    reply.say(template::render(&flow.fallback, &conversation.variables()));
}

/// The flow this intent starts, if any.
pub(crate) fn starting<'a>(flow: &'a Flow, intent: &str) -> Option<&'a Dialogue> {
    flow.flows
        .iter()
        .find(|it| it.when.iter().any(|when| when == intent))
}

fn start(flow: &Flow, conversation: &mut Conversation, dialogue: &Dialogue, reply: &mut Reply) {
    conversation.position = Some(Position {
        flow: dialogue.name.clone(),
        step: 0,
        asking: None,
        attempts: 0,
    });
    conversation.last_flow = Some(dialogue.name.clone());
    run(flow, conversation, reply);
}

/// Runs the active flow from its current step until it asks a question that
/// is not answered yet, hands over, or ends. Jumps only go forward, so this
/// ends.
fn run(flow: &Flow, conversation: &mut Conversation, reply: &mut Reply) {
    loop {
        let Some(position) = &conversation.position else {
            return;
        };
        let step = position.step;
        let Some(dialogue) = flow.dialogue(&position.flow) else {
            conversation.position = None;
            return;
        };
        let Some(instruction) = dialogue.program.get(step) else {
            conversation.position = None;
            conversation.counters.contained += 1;
            return;
        };
        let mut next = step + 1;
        match instruction {
            Instruction::Ask(name) if !conversation.slots.contains_key(name) => {
                let question = flow
                    .slots
                    .get(name)
                    .and_then(|it| it.question.as_deref())
                    .unwrap_or_default();
                reply.say(template::render(question, &conversation.variables()));
                if let Some(position) = conversation.position.as_mut()
                    && position.asking.as_deref() != Some(name)
                {
                    position.asking = Some(name.clone());
                    position.attempts = 0;
                }
                return;
            }
            Instruction::Ask(_) => {}
            Instruction::Say(text) => reply.say(template::render(text, &conversation.variables())),
            Instruction::Action { kind, params } => reply.outputs.push(Output::Action {
                kind: *kind,
                params: template::render_params(params, &conversation.variables()),
            }),
            Instruction::Handoff { reason, message } => {
                conversation.position = None;
                return reply.hand_over(reason, message.clone());
            }
            Instruction::JumpUnless { condition, target } => {
                if !template::holds(condition, &conversation.variables()) {
                    next = *target;
                }
            }
            Instruction::Jump(target) => next = *target,
        }
        if let Some(position) = conversation.position.as_mut() {
            position.step = next;
            position.asking = None;
            position.attempts = 0;
        }
    }
}
