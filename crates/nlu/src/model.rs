//! A trained NLU model: what it learns from Rasa data, how it parses a
//! message into Rasa's `/model/parse` shape, and how it is kept on disk
//! (`model.json` for everything but the intent weights, `weights.bin` for
//! those as little-endian `f32`: a JSON array of millions of floats would be
//! slow to read and five times larger).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::NluError;
use crate::gazetteer::{self, Gazetteer};
use crate::intent::{Classifier, Vectoriser};
use crate::rasa::TrainingData;
use crate::rules;
use crate::sentiment::{Sentiment, sentiment};
use crate::tagger::{self, Features, Span, Tagger};
use crate::text::{Token, language, tokenize};

/// The intent Rasa's FallbackClassifier reports when no intent is likely enough.
pub const FALLBACK: &str = "nlu_fallback";

/// The built-in city gazetteer's list name among the tagger's features.
const CITIES: &str = "~city";

const FORMAT: u32 = 1;

#[derive(Debug, Clone)]
pub struct Options {
    /// Inverse strength of the intent model's L2 penalty (scikit-learn's `C`).
    pub c: f64,
    /// Passes of the entity tagger over the training sentences.
    pub epochs: usize,
    /// Below this top probability a message is out of scope, and its intent
    /// `nlu_fallback` (as Rasa's FallbackClassifier). `None`: chosen on
    /// held-out folds of the training data as the highest threshold that
    /// makes at most 1% of right answers out of scope; then the intent is
    /// replaced only when the data has an out-of-scope intent of its own
    /// (`out_of_scope`, `oos`), by that intent, and otherwise the parse
    /// says `out_of_scope: true` beside the best intent.
    pub fallback_threshold: Option<f32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            c: 20.0,
            epochs: 15,
            fallback_threshold: None,
        }
    }
}

/// Share of right held-out answers the automatic fallback threshold may cost.
const FALLBACK_BUDGET: f64 = 0.01;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntentScore {
    pub name: String,
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    pub entity: String,
    /// Offsets in Unicode characters; `end` exclusive.
    pub start: usize,
    pub end: usize,
    /// The canonical value (a synonym's, a lookup entry's, a city's name),
    /// else the text.
    pub value: String,
    /// The text as written.
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub extractor: &'static str,
    /// A typed reading: `{"kg": 15000}`, `{"date": "2026-12-03"}`, `{"phone": "+7…"}`.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub additional_info: Value,
}

/// A parsed message, in Rasa's `/model/parse` shape plus sentiment and language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parse {
    pub text: String,
    pub intent: IntentScore,
    pub intent_ranking: Vec<IntentScore>,
    pub entities: Vec<Entity>,
    /// None of the intents fits well (or the out-of-scope intent fits best).
    pub out_of_scope: bool,
    pub sentiment: Sentiment,
    pub language: &'static str,
}

/// Which entity a rule kind or the city gazetteer stands for in this data
/// (its annotations mostly coincide with the rule's finds), so built-in
/// knowledge speaks the data's own entity names.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Claims {
    rules: BTreeMap<String, String>,
    cities: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    format: u32,
    intents: Vec<String>,
    dimension: usize,
    vectoriser: Vectoriser,
    known_words: Vec<(String, String)>,
    tagger: Tagger,
    synonyms: BTreeMap<String, String>,
    lookups: BTreeMap<String, Vec<String>>,
    regexes: BTreeMap<String, Vec<String>>,
    claims: Claims,
    /// Characters that entity annotations include beside their words
    /// («№», «+», «$»), per entity.
    edges: BTreeMap<String, String>,
    /// Entities whose annotations never hold a digit: a bare number is not
    /// one of them, however its neighbours look (few examples teach the
    /// tagger that a city follows a comma, not that «15» is no city).
    #[serde(default)]
    wordy: BTreeSet<String>,
    fallback_threshold: f32,
    /// What a message below the threshold is called, if anything.
    fallback_intent: Option<String>,
    language: String,
}

/// Shown by what it knows, not by its weights.
impl std::fmt::Debug for NluModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NluModel")
            .field("intents", &self.stored.intents.len())
            .field("entities", &self.entities())
            .finish_non_exhaustive()
    }
}

pub struct NluModel {
    stored: Stored,
    classifier: Classifier,
    gazetteer: Gazetteer,
    regexes: Vec<(String, Regex)>,
    stem_synonyms: HashMap<String, String>,
}

impl NluModel {
    /// Trains on Rasa data. Needs at least one intent with an example.
    pub fn train(data: &TrainingData, options: &Options) -> Result<Self, NluError> {
        let intents = data.intents();
        if intents.is_empty() {
            return Err(NluError::Data {
                origin: "training data".into(),
                message: "no intent has an example (`- intent: NAME` with `examples: |` lines starting with `- `)".into(),
            });
        }
        let documents: Vec<Vec<Token>> = data.examples.iter().map(|e| tokenize(&e.text)).collect();
        let vectoriser = Vectoriser::fit(&documents);
        let rows: Vec<_> = documents.iter().map(|d| vectoriser.transform(d)).collect();
        let targets: Vec<usize> = data
            .examples
            .iter()
            .map(|e| intents.binary_search(&e.intent).unwrap_or(0))
            .collect();
        let classifier = if intents.len() == 1 {
            // One intent: always it, with no weights to learn.
            Classifier {
                labels: intents.clone(),
                weights: vec![0.0; vectoriser.dimension() + 1],
                dimension: vectoriser.dimension(),
            }
        } else {
            Classifier::fit(
                &rows,
                &targets,
                intents.clone(),
                vectoriser.dimension(),
                options.c,
            )
        };
        let own = intents
            .iter()
            .find(|i| crate::eval::out_of_scope(i))
            .cloned();
        let (fallback_threshold, fallback_intent) = match options.fallback_threshold {
            Some(threshold) => (threshold, Some(FALLBACK.to_string())),
            None if intents.len() == 1 => (0.0, None),
            None => (
                fallback_threshold(&rows, &targets, &intents, vectoriser.dimension(), options.c),
                own,
            ),
        };
        let regexes = compile(&data.regexes)?;
        let gazetteer = lookups_gazetteer(&data.lookups);
        let mut labels: Vec<String> = data
            .examples
            .iter()
            .flat_map(|e| e.entities.iter().map(label_of))
            .collect();
        labels.sort();
        labels.dedup();
        let today = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        let claims = claim(data, &documents, today);
        let mut edges: BTreeMap<String, HashSet<char>> = BTreeMap::new();
        let sentences: Vec<(Vec<Features>, Vec<Span>)> = data
            .examples
            .iter()
            .zip(&documents)
            .map(|(example, tokens)| {
                let marks = marks(
                    tokens,
                    &finds(&example.text, tokens, &gazetteer, &regexes, today),
                );
                let features = features(tokens, &marks);
                let spans = example
                    .entities
                    .iter()
                    .filter_map(|a| {
                        let first = tokens
                            .iter()
                            .position(|t| t.end > a.start && t.start < a.end)?;
                        let last = tokens
                            .iter()
                            .rposition(|t| t.end > a.start && t.start < a.end)?
                            + 1;
                        let chars: Vec<char> = example.text.chars().collect();
                        let seen = edges.entry(a.entity.clone()).or_default();
                        seen.extend(
                            chars[a.start..tokens[first].start.max(a.start)]
                                .iter()
                                .filter(|c| !c.is_whitespace()),
                        );
                        seen.extend(
                            chars[tokens[last - 1].end.min(a.end)..a.end]
                                .iter()
                                .filter(|c| !c.is_whitespace()),
                        );
                        Some(Span {
                            label: labels.binary_search(&label_of(a)).unwrap_or(0),
                            first,
                            last,
                        })
                    })
                    .collect();
                (features, remove_overlaps(spans))
            })
            .collect();
        let tagger = Tagger::train(labels, &sentences, options.epochs);
        let stored = Stored {
            format: FORMAT,
            dimension: vectoriser.dimension(),
            known_words: vectoriser.known_words(),
            vectoriser,
            intents,
            tagger,
            synonyms: data.synonyms.clone(),
            lookups: data.lookups.clone(),
            regexes: data.regexes.clone(),
            claims,
            wordy: wordy(data),
            edges: edges
                .into_iter()
                .map(|(k, v)| {
                    let mut chars: Vec<char> = v.into_iter().collect();
                    chars.sort_unstable();
                    (k, chars.into_iter().collect())
                })
                .collect(),
            fallback_threshold,
            fallback_intent,
            language: majority_language(data),
        };
        Ok(NluModel::assemble(stored, classifier, gazetteer, regexes))
    }

    fn assemble(
        stored: Stored,
        classifier: Classifier,
        gazetteer: Gazetteer,
        regexes: Vec<(String, Regex)>,
    ) -> Self {
        let stem_synonyms = stored
            .synonyms
            .iter()
            .map(|(surface, value)| (gazetteer::key(&tokenize(surface)), value.clone()))
            .collect();
        NluModel {
            stored,
            classifier,
            gazetteer,
            regexes,
            stem_synonyms,
        }
    }

    pub fn intents(&self) -> &[String] {
        &self.stored.intents
    }

    pub fn entities(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .stored
            .tagger
            .labels
            .iter()
            .map(|l| split_label(l).0)
            .collect();
        names.dedup();
        names
    }

    /// Parses a message, dates read against today.
    pub fn parse(&self, text: &str) -> Parse {
        self.parse_at(text, chrono::Local::now().date_naive())
    }

    /// Parses a message, relative dates («завтра») read against `today`.
    pub fn parse_at(&self, text: &str, today: NaiveDate) -> Parse {
        let tokens = tokenize(text);
        let row = self.stored.vectoriser.transform(&tokens);
        let probabilities = self.classifier.probabilities(&row);
        let mut ranking: Vec<IntentScore> = self
            .classifier
            .labels
            .iter()
            .zip(probabilities)
            .map(|(name, confidence)| IntentScore {
                name: name.clone(),
                confidence: round(confidence),
            })
            .collect();
        ranking.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.name.cmp(&b.name))
        });
        ranking.truncate(10);
        let top = ranking.first().cloned().unwrap_or(IntentScore {
            name: FALLBACK.into(),
            confidence: 0.0,
        });
        let unsure = top.confidence < self.stored.fallback_threshold || tokens.is_empty();
        let out_of_scope = unsure || crate::eval::out_of_scope(&top.name);
        let intent = match (&self.stored.fallback_intent, unsure) {
            (Some(name), true) => IntentScore {
                name: name.clone(),
                confidence: self.stored.fallback_threshold,
            },
            _ => top,
        };
        Parse {
            text: text.to_string(),
            intent,
            intent_ranking: ranking,
            out_of_scope,
            entities: self.entities_in(text, &tokens, today),
            sentiment: sentiment(text, &tokens),
            language: language(text).unwrap_or(if self.stored.language == "en" {
                "en"
            } else {
                "ru"
            }),
        }
    }

    fn entities_in(&self, text: &str, tokens: &[Token], today: NaiveDate) -> Vec<Entity> {
        let chars: Vec<char> = text.chars().collect();
        let finds = finds(text, tokens, &self.gazetteer, &self.regexes, today);
        let marks = marks(tokens, &finds);
        let (found, cities, lookups) = (&finds.rules, &finds.cities, &finds.lookups);
        let names = self.entities();
        let mut entities: Vec<Entity> = Vec::new();
        for span in self.stored.tagger.tag(&features(tokens, &marks)) {
            let (entity, role, group) = split_label(&self.stored.tagger.labels[span.label]);
            if self.stored.wordy.contains(&entity)
                && tokens[span.first..span.last].iter().all(Token::is_number)
            {
                continue;
            }
            let (start, end) = self.widen(
                &entity,
                &chars,
                tokens[span.first].start,
                tokens[span.last - 1].end,
            );
            let surface: String = chars[start..end].iter().collect();
            let key = gazetteer::key(&tokens[span.first..span.last]);
            let canonical = self
                .stored
                .synonyms
                .get(&surface.to_lowercase())
                .or_else(|| self.stem_synonyms.get(&key))
                .cloned()
                .or_else(|| {
                    lookups
                        .iter()
                        .find(|f| {
                            f.first == span.first && f.last == span.last && f.entry.list == entity
                        })
                        .map(|f| f.entry.canonical.clone())
                })
                .or_else(|| {
                    (self.stored.claims.cities.as_deref() == Some(entity.as_str()))
                        .then(|| {
                            cities
                                .iter()
                                .find(|f| f.first == span.first && f.last == span.last)
                                .map(|f| f.entry.canonical.clone())
                        })
                        .flatten()
                });
            // A rule of this entity that covers the span reads the value,
            // and its edges win: «100 000 ₽» over the words «100 000».
            let rule = found.iter().find(|m| {
                m.start <= start && m.end >= end && self.claimed(m.kind) == Some(entity.as_str())
            });
            let (start, end, surface) = match rule {
                Some(m)
                    if canonical.is_none()
                        && self.may_extend(&entity, &chars, (start, end), (m.start, m.end)) =>
                {
                    (m.start, m.end, m.text.clone())
                }
                _ => (start, end, surface),
            };
            let info = rule.map(|m| m.info.clone()).unwrap_or(Value::Null);
            entities.push(Entity {
                value: canonical.unwrap_or_else(|| surface.clone()),
                text: surface,
                entity,
                start,
                end,
                role,
                group,
                extractor: "tagger",
                additional_info: info,
            });
        }
        // What Rasa's RegexEntityExtractor does: a regex or lookup table
        // named like an entity finds that entity; and phones and e-mails,
        // whose shape is certain, are found wherever the data uses them.
        let mut extra: Vec<Entity> = Vec::new();
        for &(name, start, end) in &finds.regexes {
            if names.iter().any(|n| n == name) {
                extra.push(self.plain(name, &chars, start, end, "regex", Value::Null));
            }
        }
        for f in lookups {
            if names.contains(&f.entry.list) {
                let mut entity = self.plain(
                    &f.entry.list,
                    &chars,
                    tokens[f.first].start,
                    tokens[f.last - 1].end,
                    "lookup",
                    Value::Null,
                );
                entity.value = f.entry.canonical.clone();
                extra.push(entity);
            }
        }
        for m in found {
            // Rules whose shape is certain find their entity where the
            // tagger found nothing (order numbers are too loose for that).
            if m.kind != "order_number"
                && let Some(entity) = self.claimed(m.kind)
            {
                extra.push(self.plain(entity, &chars, m.start, m.end, "rule", m.info.clone()));
            }
        }
        for entity in extra {
            if !entities
                .iter()
                .any(|e| e.start < entity.end && entity.start < e.end)
            {
                entities.push(entity);
            }
        }
        entities.sort_by_key(|e| (e.start, e.end));
        entities
    }

    fn claimed(&self, kind: &str) -> Option<&str> {
        self.stored.claims.rules.get(kind).map(String::as_str)
    }

    fn plain(
        &self,
        entity: &str,
        chars: &[char],
        start: usize,
        end: usize,
        extractor: &'static str,
        info: Value,
    ) -> Entity {
        let surface: String = chars[start..end].iter().collect();
        let value = self
            .stored
            .synonyms
            .get(&surface.to_lowercase())
            .cloned()
            .unwrap_or_else(|| surface.clone());
        Entity {
            entity: entity.to_string(),
            start,
            end,
            value,
            text: surface,
            role: None,
            group: None,
            extractor,
            additional_info: info,
        }
    }

    /// Whether a rule's wider span is this entity's: what it adds is words,
    /// or marks this entity's annotations include.
    fn may_extend(
        &self,
        entity: &str,
        chars: &[char],
        inner: (usize, usize),
        outer: (usize, usize),
    ) -> bool {
        let edges = self
            .stored
            .edges
            .get(entity)
            .map(String::as_str)
            .unwrap_or("");
        chars[outer.0..inner.0]
            .iter()
            .chain(&chars[inner.1..outer.1])
            .all(|&c| c.is_alphanumeric() || c.is_whitespace() || edges.contains(c))
    }

    /// Takes in the marks next to a span that this entity's annotations
    /// include («№ 4567», «+7…», «$200»).
    fn widen(
        &self,
        entity: &str,
        chars: &[char],
        mut start: usize,
        mut end: usize,
    ) -> (usize, usize) {
        let Some(edges) = self.stored.edges.get(entity) else {
            return (start, end);
        };
        let takes = |c: char| edges.contains(c);
        if start > 0 && takes(chars[start - 1]) {
            start -= 1;
        } else if start > 1 && chars[start - 1] == ' ' && takes(chars[start - 2]) {
            start -= 2;
        }
        if end < chars.len() && takes(chars[end]) {
            end += 1;
        }
        (start, end)
    }

    /// Writes `model.json` and `weights.bin` into `dir` (created if missing).
    pub fn save(&self, dir: &Path) -> Result<(), NluError> {
        let io = |error| NluError::Io {
            path: dir.display().to_string(),
            error,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let json = serde_json::to_vec(&self.stored).map_err(|e| NluError::Model {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let mut weights = Vec::with_capacity(self.classifier.weights.len() * 4);
        for w in &self.classifier.weights {
            weights.extend_from_slice(&w.to_le_bytes());
        }
        std::fs::write(dir.join("weights.bin"), weights).map_err(io)?;
        std::fs::write(dir.join("model.json"), json).map_err(io)
    }

    /// Reads a model `save` wrote.
    pub fn load(dir: &Path) -> Result<Self, NluError> {
        let bad = |message: String| NluError::Model {
            path: dir.display().to_string(),
            message,
        };
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|error| NluError::Io {
                path: dir.join(name).display().to_string(),
                error,
            })
        };
        let mut stored: Stored = serde_json::from_slice(&read("model.json")?)
            .map_err(|e| bad(format!("model.json is not a fundament NLU model: {e}")))?;
        if stored.format != FORMAT {
            return Err(bad(format!(
                "model format {} is not {FORMAT}; train it again with this version",
                stored.format
            )));
        }
        let bytes = read("weights.bin")?;
        let expected = (stored.dimension + 1) * stored.intents.len() * 4;
        let expected = if stored.intents.len() == 1 {
            (stored.dimension + 1) * 4
        } else {
            expected
        };
        if bytes.len() != expected {
            return Err(bad(format!(
                "weights.bin has {} bytes, the model needs {expected}",
                bytes.len()
            )));
        }
        let weights = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        stored
            .vectoriser
            .restore_spelling(std::mem::take(&mut stored.known_words));
        let classifier = Classifier {
            labels: stored.intents.clone(),
            weights,
            dimension: stored.dimension,
        };
        let regexes = compile(&stored.regexes)?;
        let gazetteer = lookups_gazetteer(&stored.lookups);
        Ok(NluModel::assemble(stored, classifier, gazetteer, regexes))
    }
}

/// The fallback threshold from held-out confidences: five folds for small
/// data, one fifth held out for large (a fit there takes many seconds).
fn fallback_threshold(
    rows: &[Vec<(u32, f32)>],
    targets: &[usize],
    intents: &[String],
    dimension: usize,
    c: f64,
) -> f32 {
    let folds = if rows.len() <= 3000 { 5 } else { 1 };
    // Stratified: the n-th example of each intent goes to fold n mod 5.
    let mut seen = vec![0usize; intents.len()];
    let fold_of: Vec<usize> = targets
        .iter()
        .map(|&t| {
            seen[t] += 1;
            seen[t] % 5
        })
        .collect();
    let mut right: Vec<f32> = Vec::new();
    for fold in 0..folds {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..rows.len()).partition(|&i| fold_of[i] != fold);
        let fit_rows: Vec<Vec<(u32, f32)>> = train.iter().map(|&i| rows[i].clone()).collect();
        let fit_targets: Vec<usize> = train.iter().map(|&i| targets[i]).collect();
        let model = Classifier::fit(&fit_rows, &fit_targets, intents.to_vec(), dimension, c);
        for &i in &test {
            let p = model.probabilities(&rows[i]);
            let (best, confidence) =
                p.iter().enumerate().fold(
                    (0, f32::MIN),
                    |acc, (k, &v)| if v > acc.1 { (k, v) } else { acc },
                );
            if best == targets[i] && !crate::eval::out_of_scope(&intents[best]) {
                right.push(confidence);
            }
        }
    }
    if right.is_empty() {
        return 0.0;
    }
    right.sort_by(f32::total_cmp);
    let at = ((right.len() as f64) * FALLBACK_BUDGET).floor() as usize;
    right[at.min(right.len() - 1)]
}

fn round(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

fn compile(regexes: &BTreeMap<String, Vec<String>>) -> Result<Vec<(String, Regex)>, NluError> {
    let mut compiled = Vec::new();
    for (name, patterns) in regexes {
        for pattern in patterns {
            let regex = Regex::new(pattern).map_err(|e| NluError::Data {
                origin: format!("regex {name}"),
                message: format!("pattern `{pattern}` does not compile: {e}"),
            })?;
            compiled.push((name.clone(), regex));
        }
    }
    Ok(compiled)
}

fn lookups_gazetteer(lookups: &BTreeMap<String, Vec<String>>) -> Gazetteer {
    let mut gazetteer = Gazetteer::default();
    for (name, elements) in lookups {
        for element in elements {
            gazetteer.add(name, element, element, true);
        }
    }
    gazetteer
}

const LABEL_SEPARATOR: char = '\u{1f}';

/// The tagger's label of an annotation: entity, role and group together.
fn label_of(a: &crate::rasa::Annotation) -> String {
    let mut label = a.entity.clone();
    if a.role.is_some() || a.group.is_some() {
        label.push(LABEL_SEPARATOR);
        label.push_str(a.role.as_deref().unwrap_or(""));
        label.push(LABEL_SEPARATOR);
        label.push_str(a.group.as_deref().unwrap_or(""));
    }
    label
}

fn split_label(label: &str) -> (String, Option<String>, Option<String>) {
    let mut parts = label.split(LABEL_SEPARATOR);
    let entity = parts.next().unwrap_or_default().to_string();
    let role = parts.next().filter(|r| !r.is_empty()).map(str::to_string);
    let group = parts.next().filter(|g| !g.is_empty()).map(str::to_string);
    (entity, role, group)
}

/// A word is in one entity at most: of overlapping spans the first is kept
/// (several entities on one span, Rasa's list form, keep the first).
fn remove_overlaps(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|s| (s.first, std::cmp::Reverse(s.last)));
    let mut kept: Vec<Span> = Vec::new();
    for span in spans {
        if kept.last().is_none_or(|k| k.last <= span.first) {
            kept.push(span);
        }
    }
    kept
}

/// Entities none of whose annotated texts holds a digit.
fn wordy(data: &TrainingData) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    let mut numeric = BTreeSet::new();
    for example in &data.examples {
        for a in &example.entities {
            all.insert(a.entity.clone());
            let mut text = example.text.chars().skip(a.start).take(a.end - a.start);
            if text.any(|c| c.is_ascii_digit()) {
                numeric.insert(a.entity.clone());
            }
        }
    }
    all.difference(&numeric).cloned().collect()
}

fn majority_language(data: &TrainingData) -> String {
    let russian = data
        .examples
        .iter()
        .filter(|e| language(&e.text) == Some("ru"))
        .count();
    if russian * 2 >= data.examples.len() {
        "ru"
    } else {
        "en"
    }
    .to_string()
}

/// Which entity each rule kind and the city gazetteer stand for: the entity
/// whose annotations they cover most, if at least half of them.
fn claim(data: &TrainingData, documents: &[Vec<Token>], today: NaiveDate) -> Claims {
    let mut totals: HashMap<&str, usize> = HashMap::new();
    let mut hits: HashMap<(&str, &str), usize> = HashMap::new();
    for (example, tokens) in data.examples.iter().zip(documents) {
        let found = rules::find(&example.text, today);
        let cities = Gazetteer::cities().find(tokens);
        for a in &example.entities {
            *totals.entry(&a.entity).or_default() += 1;
            let mut kinds: Vec<&str> = found
                .iter()
                .filter(|m| m.start < a.end && a.start < m.end)
                .map(|m| m.kind)
                .collect();
            if cities
                .iter()
                .any(|f| tokens[f.first].start < a.end && a.start < tokens[f.last - 1].end)
            {
                kinds.push(CITIES);
            }
            kinds.sort_unstable();
            kinds.dedup();
            for kind in kinds {
                *hits.entry((kind, &a.entity)).or_default() += 1;
            }
        }
    }
    let mut best: BTreeMap<&str, (f64, &str)> = BTreeMap::new();
    let mut hits: Vec<((&str, &str), usize)> = hits.into_iter().collect();
    hits.sort_unstable();
    for ((kind, entity), n) in hits {
        let share = n as f64 / totals[entity] as f64;
        if share >= 0.5 && best.get(kind).is_none_or(|(s, _)| share > *s) {
            best.insert(kind, (share, entity));
        }
    }
    let mut claims = Claims::default();
    for (kind, (_, entity)) in best {
        if kind == CITIES {
            claims.cities = Some(entity.to_string());
        } else {
            claims.rules.insert(kind.to_string(), entity.to_string());
        }
    }
    claims
}

/// What the gazetteers, rules and regexes find in a message, found once
/// for both the tagger's marks and the entities they add.
struct Finds<'a> {
    rules: Vec<rules::Match>,
    cities: Vec<gazetteer::Found<'static>>,
    lookups: Vec<gazetteer::Found<'a>>,
    /// Regex name and the match's character offsets.
    regexes: Vec<(&'a str, usize, usize)>,
}

fn finds<'a>(
    text: &str,
    tokens: &[Token],
    lookups: &'a Gazetteer,
    regexes: &'a [(String, Regex)],
    today: NaiveDate,
) -> Finds<'a> {
    let mut matched = Vec::new();
    for (name, regex) in regexes {
        for m in regex.find_iter(text) {
            let start = text[..m.start()].chars().count();
            let end = text[..m.end()].chars().count();
            matched.push((name.as_str(), start, end));
        }
    }
    Finds {
        rules: rules::find(text, today),
        cities: Gazetteer::cities().find(tokens),
        lookups: lookups.find(tokens),
        regexes: matched,
    }
}

/// What the finds say about each word, as `source:name:position` marks.
fn marks(tokens: &[Token], finds: &Finds) -> Vec<Vec<String>> {
    let mut marks = vec![Vec::new(); tokens.len()];
    let mut mark = |first: usize, last: usize, name: &str| {
        for (i, m) in marks.iter_mut().enumerate().take(last).skip(first) {
            let position = match (i == first, i + 1 == last) {
                (true, true) => "U",
                (true, false) => "B",
                (false, true) => "L",
                (false, false) => "I",
            };
            m.push(format!("{name}:{position}"));
            m.push(name.to_string());
        }
    };
    for f in &finds.cities {
        let size = if f.entry.big { "big" } else { "small" };
        mark(f.first, f.last, &format!("g:{CITIES}:{size}"));
    }
    for f in &finds.lookups {
        mark(f.first, f.last, &format!("g:{}", f.entry.list));
    }
    let covering = |start: usize, end: usize| {
        let first = tokens.iter().position(|t| t.end > start && t.start < end)?;
        let last = tokens
            .iter()
            .rposition(|t| t.end > start && t.start < end)?
            + 1;
        Some((first, last))
    };
    for m in &finds.rules {
        if let Some((first, last)) = covering(m.start, m.end) {
            mark(first, last, &format!("r:{}", m.kind));
        }
    }
    for (name, start, end) in &finds.regexes {
        if let Some((first, last)) = covering(*start, *end) {
            mark(first, last, &format!("re:{name}"));
        }
    }
    marks
}

/// The tagger's view of each word.
fn features(tokens: &[Token], marks: &[Vec<String>]) -> Vec<Features> {
    let word = |i: isize| -> (&str, &str) {
        if i < 0 {
            ("^", "^")
        } else if i as usize >= tokens.len() {
            ("$", "$")
        } else {
            let t = &tokens[i as usize];
            (t.norm.as_str(), t.stem.as_str())
        }
    };
    tokens
        .iter()
        .enumerate()
        .map(|(i, token)| {
            let i = i as isize;
            let (norm, stem) = word(i);
            let chars: Vec<char> = norm.chars().collect();
            let prefix: String = chars.iter().take(3).collect();
            let suffix2: String = chars[chars.len().saturating_sub(2)..].iter().collect();
            let suffix3: String = chars[chars.len().saturating_sub(3)..].iter().collect();
            let shape = shape(&token.text);
            let (p1, ps1) = word(i - 1);
            let (n1, ns1) = word(i + 1);
            let (_, ps2) = word(i - 2);
            let (_, ns2) = word(i + 2);
            let length = match chars.len() {
                0..=2 => "short",
                3..=5 => "mid",
                _ => "long",
            };
            let mut f: Features = vec![
                tagger::hash(&["b"]),
                tagger::hash(&["w", norm]),
                tagger::hash(&["s", stem]),
                tagger::hash(&["p3", &prefix]),
                tagger::hash(&["x2", &suffix2]),
                tagger::hash(&["x3", &suffix3]),
                tagger::hash(&["shape", &shape]),
                tagger::hash(&["len", length]),
                tagger::hash(&["w-1", p1]),
                tagger::hash(&["s-1", ps1]),
                tagger::hash(&["w+1", n1]),
                tagger::hash(&["s+1", ns1]),
                tagger::hash(&["s-2", ps2]),
                tagger::hash(&["s+2", ns2]),
                tagger::hash(&["s-1s", ps1, stem]),
                tagger::hash(&["ss+1", stem, ns1]),
                tagger::hash(&["shape-1", &shape_of(tokens, i - 1)]),
                tagger::hash(&["shape+1", &shape_of(tokens, i + 1)]),
            ];
            for m in &marks[i as usize] {
                f.push(tagger::hash(&["m", m]));
            }
            if let Some(previous) = (i > 0).then(|| &marks[i as usize - 1]) {
                for m in previous {
                    f.push(tagger::hash(&["m-1", m]));
                }
            }
            if let Some(next) = marks.get(i as usize + 1) {
                for m in next {
                    f.push(tagger::hash(&["m+1", m]));
                }
            }
            f
        })
        .collect()
}

fn shape_of(tokens: &[Token], i: isize) -> String {
    if i < 0 || i as usize >= tokens.len() {
        return "-".into();
    }
    shape(&tokens[i as usize].text)
}

/// `Xx`, `x`, `X`, `d`, `dx` …: the word's kinds of characters, runs merged.
fn shape(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        let kind = if c.is_ascii_digit() {
            'd'
        } else if c.is_uppercase() {
            'X'
        } else if c.is_alphabetic() {
            'x'
        } else {
            '.'
        };
        if !out.ends_with(kind) {
            out.push(kind);
        }
    }
    if word.chars().count() > 4 && out == "d" {
        out.push('+');
    }
    out
}
