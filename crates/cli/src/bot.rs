//! `fundament bot chat --flow FLOW.yml`: talk to a bot in the terminal, to
//! try a flow before a channel carries it. Actions are shown, not done.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use converse::{Bot, Conversation, Output};

#[derive(Subcommand)]
pub enum BotAction {
    /// Talk to a flow: type messages; `/release` gives a handed-over chat back
    /// to the bot, `/state` prints the conversation, `/quit` ends.
    Chat {
        /// The bot's flow file (its NLU files beside it).
        #[arg(long)]
        flow: PathBuf,
    },
}

pub fn run(action: BotAction) -> Result<ExitCode> {
    let BotAction::Chat { flow } = action;
    let bot = Bot::load(&flow)?;
    let mut conversation = Conversation::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let now = chrono::Utc::now;
    show(&mut out, &bot.start(&mut conversation, now()))?;
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading standard input")?;
        let text = line.trim();
        match text {
            "" => continue,
            "/quit" => break,
            "/release" => {
                bot.release(&mut conversation);
                writeln!(out, "(диалог снова у бота)")?;
                continue;
            }
            "/state" => {
                writeln!(out, "{}", serde_json::to_string_pretty(&conversation)?)?;
                continue;
            }
            _ => {}
        }
        let turn = bot.turn(&mut conversation, text, now());
        writeln!(
            out,
            "  [{} {:.2}{}]",
            turn.parse.intent.name,
            turn.parse.intent.confidence,
            turn.parse
                .entities
                .iter()
                .map(|e| format!(", {}={}", e.entity, e.value))
                .collect::<String>()
        )?;
        show(&mut out, &turn.outputs)?;
        if conversation.is_paused() && turn.outputs.is_empty() {
            writeln!(
                out,
                "(диалог у менеджера, бот молчит; /release — вернуть боту)"
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(out: &mut impl Write, outputs: &[Output]) -> Result<()> {
    for output in outputs {
        match output {
            Output::Say(text) => writeln!(out, "бот: {text}")?,
            Output::Action { kind, params } => writeln!(
                out,
                "  → действие {}: {}",
                kind.as_str(),
                serde_json::to_string(params)?
            )?,
            Output::Handoff(packet) => writeln!(
                out,
                "  → передача менеджеру ({}): {}",
                packet.reason, packet.summary
            )?,
        }
    }
    out.flush()?;
    Ok(())
}
