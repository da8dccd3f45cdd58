//! The seed's three bots, shipped with the library so a demo runs them
//! without files: an online school that qualifies a lead and hands it over,
//! an electronics shop that answers stock and takes orders, and a B2B
//! logistics firm that turns one message into a draft request.

use nlu::{NluModel, Options, TrainingData};

use crate::{Bot, Error, Result};

/// Knowledge files of the examples, by name (as their flows list them).
const KNOWLEDGE: [(&str, &str); 1] = [("school.faq.yml", include_str!("../flows/school.faq.yml"))];

/// (flow file, its NLU file), by the flow's file name.
pub const EXAMPLES: [(&str, &str, &str); 3] = [
    (
        "school.yml",
        include_str!("../flows/school.yml"),
        include_str!("../flows/school.nlu.yml"),
    ),
    (
        "shop.yml",
        include_str!("../flows/shop.yml"),
        include_str!("../flows/shop.nlu.yml"),
    ),
    (
        "logistics.yml",
        include_str!("../flows/logistics.yml"),
        include_str!("../flows/logistics.nlu.yml"),
    ),
];

/// The three example bots, their NLU trained.
pub fn example_bots() -> Result<Vec<Bot>> {
    EXAMPLES
        .iter()
        .map(|(origin, flow, data)| {
            let nlu_error = |error| Error::Nlu {
                origin: (*origin).to_string(),
                error,
            };
            let data = TrainingData::parse(origin, data).map_err(nlu_error)?;
            let model = NluModel::train(&data, &Options::default()).map_err(nlu_error)?;
            let bot = Bot::from_parts(flow, origin, model)?;
            let mut passages = Vec::new();
            for file in &bot.flow().knowledge {
                let Some((name, text)) = KNOWLEDGE.iter().find(|(name, _)| name == file) else {
                    continue;
                };
                passages.extend(kb::parse_source(name, text).map_err(|error| {
                    Error::Knowledge {
                        origin: (*origin).to_string(),
                        error,
                    }
                })?);
            }
            let knowledge =
                (!passages.is_empty()).then(|| kb::KnowledgeBase::from_passages(passages));
            Ok(bot.with_knowledge(knowledge))
        })
        .collect()
}
