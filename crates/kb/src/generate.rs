//! Optional answers written by a language model behind an OpenAI-compatible
//! `POST {base_url}/chat/completions` (llama.cpp server, vLLM, Ollama, hosted
//! APIs). The model sees only the retrieved passages and the question with
//! personal data masked, is told to answer from the passages alone and to
//! cite them as [1], [2]; an answer citing none of them is not used.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use serde_json::{Value, json};

use crate::answer::{Answer, Hit};
use crate::compiled;
use crate::error::GenerateError;
use crate::mask::mask_personal_data;
use crate::passage::Kind;

/// What the model is told to say when the passages do not answer the
/// question; the bot then hands over instead of guessing.
pub const NO_ANSWER: &str = "НЕТ ОТВЕТА";

const SYSTEM_PROMPT: &str = "Ты — помощник службы поддержки. Отвечай на вопрос клиента только по \
фрагментам базы знаний из сообщения. Не добавляй фактов, цен, сроков и условий, которых нет во \
фрагментах, и не давай советов от себя. После каждого утверждения ставь номер фрагмента, из \
которого оно взято, в квадратных скобках: [1], [2]. Если во фрагментах нет ответа, напиши ровно: \
НЕТ ОТВЕТА. Отвечай кратко, вежливо, на языке вопроса. Метки вида [ИМЯ], [ТЕЛЕФОН], [EMAIL], \
[АДРЕС] заменяют скрытые данные клиента — не пытайся их угадать.";

/// Longest piece of an error answer kept; proxies answer with whole HTML pages.
const MAX_ERROR_BODY_CHARS: usize = 300;

/// Where and how to reach the model.
#[derive(Clone)]
pub struct GeneratorConfig {
    /// Up to the API version: `http://127.0.0.1:8080/v1`.
    pub base_url: String,
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub api_key: Option<String>,
    /// For the whole exchange; the extractive answer is given when it runs out.
    pub timeout: Duration,
}

impl GeneratorConfig {
    /// No key, and 30 s: a local model on a CPU may take that long.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        GeneratorConfig {
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            timeout: Duration::from_secs(30),
        }
    }
}

impl fmt::Debug for GeneratorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratorConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "…"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A client of one model endpoint.
#[derive(Debug, Clone)]
pub struct Generator {
    config: GeneratorConfig,
    endpoint: reqwest::Url,
    http: reqwest::Client,
    passages: usize,
}

impl Generator {
    /// Checks the URL and builds the HTTP client; sends nothing.
    pub fn new(config: GeneratorConfig) -> Result<Generator, GenerateError> {
        let joined = format!("{}/chat/completions", config.base_url.trim_end_matches('/'));
        let bad = |reason: &str| GenerateError::Url {
            url: config.base_url.clone(),
            reason: reason.to_string(),
        };
        let endpoint = reqwest::Url::parse(&joined).map_err(|error| bad(&error.to_string()))?;
        match endpoint.scheme() {
            "http" => {}
            "https" if cfg!(feature = "tls") => {}
            "https" => return Err(bad("built without the `tls` feature")),
            _ => return Err(bad("the scheme must be http or https")),
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(config.timeout))
            .user_agent(concat!("fundament-kb/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| GenerateError::Client(error.to_string()))?;
        Ok(Generator {
            config,
            endpoint,
            http,
            passages: 3,
        })
    }

    /// How many of the best passages the model is shown (3 unless set).
    pub fn with_passages(mut self, passages: usize) -> Generator {
        self.passages = passages.max(1);
        self
    }

    pub(crate) fn passages(&self) -> usize {
        self.passages
    }

    /// The model's answer to `question` from `hits`, its [n] renumbered to
    /// index the answer's citations; `Ok(None)` when the model says the
    /// passages do not answer it. The question is masked before it is sent.
    pub async fn generate(
        &self,
        question: &str,
        hits: &[Hit<'_>],
    ) -> Result<Option<Answer>, GenerateError> {
        let body = json!({
            "model": self.config.model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": user_prompt(&mask_personal_data(question), hits)},
            ],
            "temperature": 0.1,
            "stream": false,
        });
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .timeout(self.config.timeout)
            .json(&body);
        if let Some(key) = &self.config.api_key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .map_err(|error| GenerateError::Transport(error.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|error| GenerateError::Transport(error.to_string()))?;
        if !status.is_success() {
            return Err(GenerateError::Status {
                status: status.as_u16(),
                body: text.chars().take(MAX_ERROR_BODY_CHARS).collect(),
            });
        }
        let content = completion_text(&text)?;
        if content.to_uppercase().contains(NO_ANSWER) {
            return Ok(None);
        }
        let (text, citations) = renumber(&content, hits)?;
        Ok(Some(Answer {
            text,
            citations,
            confidence: hits.first().map_or(0.0, |hit| hit.confidence),
            generated: true,
        }))
    }
}

/// The passages numbered as the model is to cite them, then the question.
fn user_prompt(question: &str, hits: &[Hit<'_>]) -> String {
    let mut prompt = String::from("Фрагменты базы знаний:\n");
    for (index, hit) in hits.iter().enumerate() {
        let passage = hit.passage;
        let body = match passage.kind {
            Kind::Faq => format!("Вопрос: {}\nОтвет: {}", passage.title, passage.text),
            Kind::Article => format!("{}\n{}", passage.title, passage.text),
            Kind::Product => passage.text.clone(),
        };
        prompt.push_str(&format!("\n[{}] {body}\n", index + 1));
    }
    prompt.push_str(&format!("\nВопрос клиента: {question}"));
    prompt
}

/// `choices[0].message.content`, without the `<think>` block reasoning
/// models put before their answer.
fn completion_text(body: &str) -> Result<String, GenerateError> {
    static THINKING: LazyLock<Regex> = LazyLock::new(|| compiled(r"(?s)<think>.*?</think>"));
    let value: Value =
        serde_json::from_str(body).map_err(|error| GenerateError::Shape(error.to_string()))?;
    let content = value
        .pointer("/choices/0/message/content")
        .and_then(Value::as_str)
        .ok_or_else(|| GenerateError::Shape("no choices[0].message.content".to_string()))?;
    let content = THINKING.replace_all(content, "").trim().to_string();
    if content.is_empty() {
        return Err(GenerateError::Shape("the answer is empty".to_string()));
    }
    Ok(content)
}

/// The model's [n] (also «[1, 2]») turned into numbers of the answer's own
/// citation list, in order of first mention, one number per distinct source;
/// references to passages it was not given are dropped.
fn renumber(content: &str, hits: &[Hit<'_>]) -> Result<(String, Vec<String>), GenerateError> {
    static REFERENCE: LazyLock<Regex> = LazyLock::new(|| compiled(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]"));
    let mut citations: Vec<String> = Vec::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let text = REFERENCE.replace_all(content, |captures: &regex::Captures<'_>| {
        let mut renumbered: Vec<usize> = Vec::new();
        for given in captures[1].split([',', ';']) {
            let hit = given
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|index| hits.get(index));
            if let Some(hit) = hit {
                let number = *numbers.entry(hit.citation.to_string()).or_insert_with(|| {
                    citations.push(hit.citation.to_string());
                    citations.len()
                });
                if !renumbered.contains(&number) {
                    renumbered.push(number);
                }
            }
        }
        if renumbered.is_empty() {
            String::new()
        } else {
            let inner: Vec<String> = renumbered.iter().map(usize::to_string).collect();
            format!("[{}]", inner.join(", "))
        }
    });
    if citations.is_empty() {
        return Err(GenerateError::Uncited);
    }
    Ok((text.into_owned(), citations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage::Passage;

    fn passage(citation: &str) -> Passage {
        Passage {
            kind: Kind::Faq,
            citation: citation.to_string(),
            title: "q".to_string(),
            alternatives: Vec::new(),
            text: "a".to_string(),
            sku: None,
        }
    }

    #[test]
    fn references_are_renumbered_by_first_mention_and_strays_dropped() {
        let (a, b, c) = (passage("a.md#x"), passage("b.yaml#1"), passage("a.md#x"));
        let hits: Vec<Hit<'_>> = [&a, &b, &c]
            .into_iter()
            .map(|p| Hit {
                passage: p,
                score: 1.0,
                citation: &p.citation,
                confidence: 1.0,
            })
            .collect();
        let (text, citations) =
            renumber("Да [2]. Срок 14 дней [1, 3]. Выдумка [7].", &hits).expect("cited");
        assert_eq!(text, "Да [1]. Срок 14 дней [2]. Выдумка .");
        assert_eq!(citations, ["b.yaml#1", "a.md#x"]);
        assert!(matches!(
            renumber("Без ссылок.", &hits),
            Err(GenerateError::Uncited)
        ));
    }

    #[test]
    fn thinking_is_cut_from_the_completion() {
        let body = r#"{"choices":[{"message":{"role":"assistant","content":"<think>hm</think>\nДа [1]."}}]}"#;
        assert_eq!(completion_text(body).expect("text"), "Да [1].");
        assert!(completion_text(r#"{"error":"x"}"#).is_err());
    }
}
