//! The seed's three bots, shipped with the library so a demo runs them
//! without files: an online school that qualifies a lead and hands it over,
//! an electronics shop that answers stock and takes orders, and a B2B
//! logistics firm that turns one message into a draft request.

use nlu::{NluModel, Options, TrainingData};

use crate::{Bot, Error, Result};

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
            let nlu_error = |source| Error::Nlu {
                origin: (*origin).to_string(),
                source,
            };
            let data = TrainingData::parse(origin, data).map_err(nlu_error)?;
            let model = NluModel::train(&data, &Options::default()).map_err(nlu_error)?;
            Bot::from_parts(flow, origin, model)
        })
        .collect()
}
