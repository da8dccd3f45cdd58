//! The website chat widget: `GET /widget/{bot}` is a page a site embeds
//! (`<iframe src="…/widget/online-school">`), and the page posts the
//! visitor's messages to `POST /widget/{bot}/messages`. Visitors have no
//! key: the widget acts with the bot role only, each visitor is a random id
//! the page keeps, and each message carries its own id so a retried request
//! is answered once.

use app::{Actor, Inbound, Reply};
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::Role;
use serde::Deserialize;
use serde_json::Map;

use crate::AppState;
use crate::api::bots::{checked_chat, checked_text};
use crate::error::{ApiError, ApiResult};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widget/{bot}", get(page))
        .route("/widget/{bot}/messages", post(message))
        .route("/widget/{bot}/updates", get(updates))
}

#[derive(Deserialize)]
struct Since {
    visitor: String,
    #[serde(default)]
    after: usize,
}

/// What a manager wrote to this visitor since the page last asked.
async fn updates(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    axum::extract::Query(since): axum::extract::Query<Since>,
) -> ApiResult<Json<serde_json::Value>> {
    known(&state, &bot)?;
    let visitor = checked_chat(&since.visitor)?;
    let (messages, next) = state
        .app
        .manager_lines(&bot, "widget", &visitor, since.after)
        .await?;
    Ok(Json(
        serde_json::json!({ "messages": messages, "next": next }),
    ))
}

fn known(state: &AppState, bot: &str) -> ApiResult<()> {
    if state.app.bots().get(bot).is_some() {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            format!("no bot named {bot}"),
        ))
    }
}

async fn page(State(state): State<AppState>, Path(bot): Path<String>) -> ApiResult<Html<String>> {
    known(&state, &bot)?;
    let name = serde_json::to_string(&bot).unwrap_or_else(|_| "\"\"".into());
    Ok(Html(
        PAGE.replace("__BOT_JSON__", &name)
            .replace("__BOT_TITLE__", &escape(&bot)),
    ))
}

#[derive(Deserialize)]
struct Message {
    visitor: String,
    text: String,
    message_id: String,
}

async fn message(
    State(state): State<AppState>,
    Path(bot): Path<String>,
    Json(message): Json<Message>,
) -> ApiResult<Json<Reply>> {
    known(&state, &bot)?;
    let actor = Actor {
        label: format!("widget:{bot}"),
        role: Role::Bot,
        user_id: None,
    };
    let inbound = Inbound {
        bot,
        channel: "widget".into(),
        chat: checked_chat(&message.visitor)?,
        delivery_id: Some(checked_chat(&message.message_id)?),
        text: checked_text(&message.text)?,
        profile: Map::new(),
    };
    Ok(Json(state.app.converse(&actor, &inbound).await?))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PAGE: &str = r#"<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Чат — __BOT_TITLE__</title>
<style>
body{margin:0;font:15px/1.4 system-ui,sans-serif;background:#f4f5f7;display:flex;flex-direction:column;height:100vh}
#log{flex:1;overflow-y:auto;padding:12px}
.m{max-width:80%;margin:6px 0;padding:8px 12px;border-radius:12px;white-space:pre-wrap}
.bot{background:#fff;border:1px solid #dde}
.me{background:#2f6fed;color:#fff;margin-left:auto}
.note{color:#666;font-size:13px;text-align:center}
form{display:flex;gap:8px;padding:10px;background:#fff;border-top:1px solid #dde}
input{flex:1;padding:10px;border:1px solid #ccd;border-radius:8px;font:inherit}
button{padding:10px 16px;border:0;border-radius:8px;background:#2f6fed;color:#fff;font:inherit}
</style></head>
<body><div id="log" aria-live="polite"></div>
<form id="f"><input id="t" data-test="widget-input" autocomplete="off" placeholder="Напишите сообщение…" aria-label="Сообщение"><button data-test="widget-send">Отправить</button></form>
<script>
const bot = __BOT_JSON__;
const key = "fundament-visitor-" + bot;
let visitor = localStorage.getItem(key);
if (!visitor) { visitor = crypto.randomUUID(); localStorage.setItem(key, visitor); }
const log = document.getElementById("log");
function add(text, who) {
  const div = document.createElement("div");
  div.className = "m " + who; div.textContent = text;
  if (who === "bot") div.dataset.test = "bot-message";
  if (who === "bot manager") div.dataset.test = "manager-message";
  log.appendChild(div); log.scrollTop = log.scrollHeight;
}
async function send(text) {
  add(text, "me");
  const body = JSON.stringify({visitor, text, message_id: crypto.randomUUID()});
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await fetch("/widget/" + encodeURIComponent(bot) + "/messages",
        {method: "POST", headers: {"Content-Type": "application/json"}, body});
      const reply = await r.json();
      if (!r.ok) { add(reply.error ? reply.error.message : "Ошибка", "note"); return; }
      for (const m of reply.messages) add(m, "bot");
      if (reply.with_manager && reply.messages.length === 0) add("Менеджер скоро ответит.", "note");
      return;
    } catch (e) { await new Promise(ok => setTimeout(ok, 800)); }
  }
  add("Нет связи. Попробуйте ещё раз.", "note");
}
// A manager who took the chat over writes here too.
let after = 0;
async function poll() {
  try {
    const r = await fetch("/widget/" + encodeURIComponent(bot) + "/updates?visitor=" + encodeURIComponent(visitor) + "&after=" + after);
    if (r.ok) {
      const u = await r.json();
      for (const m of u.messages) add(m, "bot manager");
      after = u.next;
    }
  } catch (e) {}
  setTimeout(poll, 3000);
}
poll();
document.getElementById("f").addEventListener("submit", e => {
  e.preventDefault();
  const t = document.getElementById("t"); const text = t.value.trim();
  if (text) { t.value = ""; send(text); }
});
</script></body></html>
"#;
