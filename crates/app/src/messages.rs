//! Understanding a message for callers outside the bots: what Rasa's
//! `POST /model/parse` does, with the model the configuration names.

use crate::{Actor, App, Error, Result};

impl App {
    /// Intent, entities, sentiment and language of `text`. Any signed-in
    /// role may ask: the answer holds nothing from the store.
    pub fn parse_message(&self, _actor: &Actor, text: &str) -> Result<nlu::Parse> {
        let model = self.config.nlu.as_ref().ok_or_else(|| {
            Error::Unavailable(
                "no NLU model is configured: train one with `fundament nlu train DATA.yml --out DIR` and set `nlu_model = \"DIR\"` in the config file".into(),
            )
        })?;
        if text.chars().count() > MAX_CHARS {
            return Err(Error::BadRequest(format!(
                "text: {} characters; at most {MAX_CHARS} are parsed",
                text.chars().count()
            )));
        }
        Ok(model.parse(text))
    }
}

/// Longer texts are documents, not chat messages (and cost time per word).
const MAX_CHARS: usize = 10_000;
