//! A flow's steps (`ask`, `say`, `action`, `if`, `handoff`) as the YAML
//! gives them, compiled into a flat program: `if` becomes jumps, so that a
//! conversation's place in a flow, branches included, is one number it can
//! keep in its JSON.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::check::suggestion;
use crate::flow::{ActionKind, Slot};
use crate::template;

/// A step of a flow once `if` is turned into jumps. Every jump goes forward,
/// so running a program always ends.
#[derive(Debug, Clone)]
pub(crate) enum Instruction {
    Ask(String),
    Say(String),
    Action {
        kind: ActionKind,
        params: Map<String, Value>,
    },
    Handoff {
        reason: String,
        message: Option<String>,
    },
    JumpUnless {
        condition: String,
        target: usize,
    },
    Jump(usize),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    ask: Option<String>,
    say: Option<String>,
    action: Option<String>,
    with: Option<Map<String, Value>>,
    #[serde(rename = "if")]
    condition: Option<String>,
    then: Option<Vec<RawStep>>,
    #[serde(rename = "else")]
    otherwise: Option<Vec<RawStep>>,
    handoff: Option<String>,
    message: Option<String>,
}

/// Appends the program of `steps`; `if` becomes a jump over `then` when the
/// condition fails, and a jump over `else` at the end of `then`.
pub(crate) fn compile(
    steps: &[RawStep],
    path: &str,
    slots: &BTreeMap<String, Slot>,
    program: &mut Vec<Instruction>,
    texts: &mut Vec<(String, String)>,
    problem: &mut impl FnMut(String, String),
) {
    for (index, step) in steps.iter().enumerate() {
        let at = format!("{path}[{index}]");
        let kinds: Vec<&str> = [
            ("ask", step.ask.is_some()),
            ("say", step.say.is_some()),
            ("action", step.action.is_some()),
            ("if", step.condition.is_some()),
            ("handoff", step.handoff.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
        .collect();
        if kinds.len() != 1 {
            let found = if kinds.is_empty() {
                "none".to_string()
            } else {
                kinds.join(" and ")
            };
            problem(
                at,
                format!("a step is one of ask, say, action, if, handoff; this one has {found}"),
            );
            continue;
        }
        let misplaced = [
            ("with", step.with.is_some(), "action"),
            ("then", step.then.is_some(), "if"),
            ("else", step.otherwise.is_some(), "if"),
            ("message", step.message.is_some(), "handoff"),
        ];
        for (field, present, owner) in misplaced {
            if present && kinds[0] != owner {
                problem(
                    format!("{at}.{field}"),
                    format!("belongs to an `{owner}` step"),
                );
            }
        }
        if index + 1 < steps.len() && step.handoff.is_some() {
            problem(
                format!("{path}[{}]", index + 1),
                "follows a handoff; the bot is silent after it (give the handoff a `message`)"
                    .into(),
            );
        }
        if let Some(slot) = &step.ask {
            if !slots.contains_key(slot) {
                problem(
                    format!("{at}.ask"),
                    format!("no slot named \"{slot}\"{}", suggestion(slot, slots.keys())),
                );
            }
            program.push(Instruction::Ask(slot.clone()));
        } else if let Some(text) = &step.say {
            texts.push((format!("{at}.say"), text.clone()));
            program.push(Instruction::Say(text.clone()));
        } else if let Some(kind) = &step.action {
            let params = step.with.clone().unwrap_or_default();
            template::texts_in(&Value::Object(params.clone()), &format!("{at}.with"), texts);
            match ActionKind::parse(kind) {
                Some(kind) => program.push(Instruction::Action { kind, params }),
                None => {
                    let known: Vec<&str> = ActionKind::ALL.iter().map(|(_, name)| *name).collect();
                    problem(
                        format!("{at}.action"),
                        format!("no action kind \"{kind}\"; known: {}", known.join(", ")),
                    );
                }
            }
        } else if let Some(reason) = &step.handoff {
            if reason.trim().is_empty() {
                problem(
                    format!("{at}.handoff"),
                    "give a reason (`handoff: hot_lead`)".into(),
                );
            }
            if let Some(message) = &step.message {
                texts.push((format!("{at}.message"), message.clone()));
            }
            program.push(Instruction::Handoff {
                reason: reason.clone(),
                message: step.message.clone(),
            });
        } else if let Some(condition) = &step.condition {
            if let Err(message) = template::check_expression(condition) {
                problem(format!("{at}.if"), format!("not an expression: {message}"));
            }
            let Some(then) = &step.then else {
                problem(
                    format!("{at}.then"),
                    "is missing; an `if` needs the steps to take when it holds".into(),
                );
                continue;
            };
            let test = program.len();
            program.push(Instruction::JumpUnless {
                condition: condition.clone(),
                target: 0,
            });
            compile(then, &format!("{at}.then"), slots, program, texts, problem);
            let after_then = match &step.otherwise {
                Some(otherwise) => {
                    let skip = program.len();
                    program.push(Instruction::Jump(0));
                    let start = program.len();
                    compile(
                        otherwise,
                        &format!("{at}.else"),
                        slots,
                        program,
                        texts,
                        problem,
                    );
                    program[skip] = Instruction::Jump(program.len());
                    start
                }
                None => program.len(),
            };
            program[test] = Instruction::JumpUnless {
                condition: condition.clone(),
                target: after_then,
            };
        }
    }
}
