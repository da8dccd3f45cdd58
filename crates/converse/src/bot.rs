//! A bot: a checked flow file with the NLU model trained from the files it
//! names. It holds no conversation; each call takes the caller's
//! `Conversation`, changes it, and says what to send, execute or hand over.

use std::fmt;
use std::path::Path;

use chrono::{DateTime, Utc};
use nlu::{NluModel, Options, TrainingData};

use crate::check::suggestion;
use crate::conversation::{Conversation, HandoffRecord, Speaker};
use crate::dialogue::{self, Reply};
use crate::error::{Error, Issue, Result};
use crate::flow::Flow;
use crate::output::{Output, Turn};
use crate::{handoff, template};

/// A loaded bot.
pub struct Bot {
    flow: Flow,
    nlu: NluModel,
    /// What the bot answers questions from when no flow or answer fits.
    knowledge: Option<kb::KnowledgeBase>,
}

impl fmt::Debug for Bot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bot")
            .field("bot", &self.flow.bot)
            .finish_non_exhaustive()
    }
}

impl Bot {
    /// Reads a flow file and trains the NLU on the files it lists (paths
    /// relative to the flow file).
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| Error::Io {
            path: origin.clone(),
            error,
        })?;
        let flow = Flow::parse(&origin, &text)?;
        if flow.nlu.is_empty() {
            return Err(Error::Invalid {
                origin,
                issues: vec![Issue {
                    field: "nlu".into(),
                    message: "lists no NLU file; the bot needs intents to understand anything"
                        .into(),
                }],
            });
        }
        let directory = path.parent().unwrap_or(Path::new("."));
        let files: Vec<_> = flow.nlu.iter().map(|file| directory.join(file)).collect();
        let nlu_error = |error| Error::Nlu {
            origin: origin.clone(),
            error,
        };
        let data = TrainingData::load(&files).map_err(nlu_error)?;
        let model = NluModel::train(&data, &Options::default()).map_err(nlu_error)?;
        let knowledge = if flow.knowledge.is_empty() {
            None
        } else {
            let files: Vec<_> = flow
                .knowledge
                .iter()
                .map(|file| directory.join(file))
                .collect();
            Some(
                kb::KnowledgeBase::load(&files).map_err(|error| Error::Knowledge {
                    origin: origin.clone(),
                    error,
                })?,
            )
        };
        Ok(Self::assemble(flow, model, &origin)?.with_knowledge(knowledge))
    }

    /// A bot from a flow file's text and a model trained elsewhere; the
    /// flow's `nlu` list is not read.
    pub fn from_parts(flow_text: &str, origin: &str, nlu: NluModel) -> Result<Self> {
        let flow = Flow::parse(origin, flow_text)?;
        Self::assemble(flow, nlu, origin)
    }

    /// Checks that every intent and entity the flow names is one the model
    /// knows: a misspelt intent would otherwise never start its flow.
    fn assemble(flow: Flow, nlu: NluModel, origin: &str) -> Result<Self> {
        let mut issues = Vec::new();
        let intents = nlu.intents();
        for (field, intent) in flow.intents() {
            if !intents.iter().any(|it| it == intent) {
                issues.push(Issue {
                    field,
                    message: format!(
                        "the NLU data has no intent \"{intent}\"{}",
                        suggestion(intent, intents.iter())
                    ),
                });
            }
        }
        let entities = nlu.entities();
        for (name, slot) in &flow.slots {
            if let Some(entity) = &slot.entity
                && !entities.contains(entity)
            {
                issues.push(Issue {
                    field: format!("slots.{name}.entity"),
                    message: format!(
                        "the NLU data has no entity \"{entity}\"{}",
                        suggestion(entity, entities.iter())
                    ),
                });
            }
        }
        if issues.is_empty() {
            Ok(Bot {
                flow,
                nlu,
                knowledge: None,
            })
        } else {
            Err(Error::Invalid {
                origin: origin.to_string(),
                issues,
            })
        }
    }

    /// The same bot answering questions from `knowledge` (articles, FAQ,
    /// catalogue) where it would otherwise say it did not understand.
    pub fn with_knowledge(mut self, knowledge: Option<kb::KnowledgeBase>) -> Self {
        self.knowledge = knowledge;
        self
    }

    pub fn flow(&self) -> &Flow {
        &self.flow
    }

    pub fn nlu(&self) -> &NluModel {
        &self.nlu
    }

    /// Opens a conversation: the greeting, and a handoff at once for a
    /// customer the context marks as VIP.
    pub fn start(&self, conversation: &mut Conversation, now: DateTime<Utc>) -> Vec<Output> {
        if conversation.paused {
            return Vec::new();
        }
        let mut reply = Reply::default();
        if let Some(greeting) = &self.flow.greeting {
            let text = template::render(greeting, &conversation.variables());
            if !text.trim().is_empty() {
                reply.outputs.push(Output::Say(text));
            }
        }
        if dialogue::fires(self.flow.handoff.vip.as_deref(), "vip", conversation) {
            reply.handoff = Some(dialogue::Pending {
                reason: "vip".into(),
                message: None,
            });
        }
        self.finish(conversation, reply, now)
    }

    /// Answers one customer message. While a manager has the conversation
    /// the message is only recorded.
    pub fn turn(&self, conversation: &mut Conversation, text: &str, now: DateTime<Utc>) -> Turn {
        let today = now.date_naive();
        let parse = self.nlu.parse_at(text, today);
        conversation.record(Speaker::Customer, text, Some(&parse.intent.name), now);
        if conversation.paused {
            return Turn {
                outputs: Vec::new(),
                parse,
                knowledge: None,
            };
        }
        conversation.counters.turns += 1;
        let mut reply = Reply::default();
        let fallbacks = conversation.counters.fallbacks;
        dialogue::respond(&self.flow, conversation, &parse, today, &mut reply);
        let knowledge = (conversation.counters.fallbacks > fallbacks && reply.handoff.is_none())
            .then(|| self.answer_from_knowledge(conversation, text, &mut reply))
            .flatten();
        let outputs = self.finish(conversation, reply, now);
        Turn {
            outputs,
            parse,
            knowledge,
        }
    }

    /// Replaces "I did not understand" with an answer from the knowledge
    /// base when it has one, citing its source.
    fn answer_from_knowledge(
        &self,
        conversation: &mut Conversation,
        text: &str,
        reply: &mut Reply,
    ) -> Option<String> {
        let answer = self.knowledge.as_ref().and_then(|kb| kb.answer(text))?;
        let last = reply
            .outputs
            .iter_mut()
            .rev()
            .find(|o| o.text().is_some())?;
        let said = cited(&answer);
        *last = Output::Say(said.clone());
        conversation.counters.fallbacks -= 1;
        conversation.unsure_turns = 0;
        Some(said)
    }

    /// The bot's knowledge base, if its flow lists one.
    pub fn knowledge(&self) -> Option<&kb::KnowledgeBase> {
        self.knowledge.as_ref()
    }

    /// Gives the conversation back to the bot after a manager's handoff; it
    /// answers again from the next message, with no flow under way.
    pub fn release(&self, conversation: &mut Conversation) {
        conversation.paused = false;
        conversation.unsure_turns = 0;
        conversation.position = None;
    }

    /// Records what the bot says and carries out a handoff decided this turn:
    /// its message, the packet (with the transcript up to that message), the
    /// pause.
    fn finish(
        &self,
        conversation: &mut Conversation,
        reply: Reply,
        now: DateTime<Utc>,
    ) -> Vec<Output> {
        let Reply {
            mut outputs,
            handoff,
        } = reply;
        if let Some(pending) = &handoff {
            conversation.position = None;
            let message = pending
                .message
                .as_deref()
                .or(self.flow.handoff.message.as_deref())
                .unwrap_or(handoff::DEFAULT_MESSAGE);
            let text = template::render(message, &conversation.variables());
            if !text.trim().is_empty() {
                outputs.push(Output::Say(text));
            }
        }
        for text in outputs.iter().filter_map(Output::text) {
            conversation.record(Speaker::Bot, text, None, now);
        }
        if let Some(pending) = handoff {
            let packet = handoff::packet(&self.flow, conversation, &pending.reason, now);
            conversation.paused = true;
            conversation.unsure_turns = 0;
            conversation.counters.handoffs += 1;
            conversation.handoffs.push(HandoffRecord {
                reason: pending.reason,
                at: now,
            });
            outputs.push(Output::Handoff(packet));
        }
        outputs
    }
}

/// An answer with its sources, as the customer reads it.
pub fn cited(answer: &kb::Answer) -> String {
    format!(
        "{}\n(Источник: {})",
        answer.text,
        answer.citations.join(", ")
    )
}
