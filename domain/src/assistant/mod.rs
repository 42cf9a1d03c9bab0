//! The offline assistant: answers what people ask a clinic, in French or
//! English, with no outside service. What it understands is data
//! (`domain/data/assistant/intents.toml`: intents, examples, answers,
//! links, the practice's details), learnt by a classifier (`classifier`)
//! from the intents' examples and the training part of `questions.tsv`.
//!
//! A question is read in this order: emergency signs first, by the
//! platform's red-flag detector (the numbers 15, 112, and 3114 for suicidal
//! thoughts), whatever else is asked; then the greetings and politeness
//! around it are set aside (answered only when nothing else is asked); then
//! each topic of the message is classified, and two topics are answered in
//! order. When the likeliest intent is not likely enough, it says plainly
//! that it has not understood. It never gives a diagnosis.

mod answers;
pub mod classifier;
pub mod clinic;
pub mod conversation;
pub mod entities;
pub mod evaluation;
mod parts;
mod precedence;
mod text;
pub mod when;

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::error::{DomainError, DomainResult};
use crate::red_flags::{Reading, detector};
use classifier::{Classifier, Settings, tokens};
use clinic::Clinic;
use precedence::{Precedence, PrecedenceRule};

/// The intents the platform ships.
const BUILTIN: &str = include_str!("../../data/assistant/intents.toml");

/// The label of what is not understood.
pub const UNKNOWN: &str = "unknown";
/// The label of an emergency answer.
pub const EMERGENCY: &str = "emergency";
/// The intent whose examples are what the assistant is not for.
const OFF_TOPIC: &str = "off_topic";
/// How much surer than the whole message a clause must be to be read
/// instead of it (chosen on `dev.tsv` and the cross-validation: 0.1 to 0.3
/// score the same, 0 and 0.4 lower).
const CLAUSE_MARGIN: f32 = 0.2;
/// Intents never taken for a second topic: symptoms told around a question
/// are its context.
const NOT_A_TOPIC: &[&str] = &["symptoms"];

/// A link the widget shows as a button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub label: String,
    pub href: String,
}

/// An option the widget shows as a button; choosing it sends `send` back
/// as the next message (a slot, an appointment, a yes or a no).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    pub send: String,
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub message: String,
    /// The intent understood (`emergency`, `unknown`, one of the file's, or
    /// two of them joined by `+`).
    pub intent: String,
    /// `fr` or `en`.
    pub lang: &'static str,
    pub suggestions: Vec<Suggestion>,
    /// Options to pick from (empty for a plain answer).
    pub choices: Vec<Choice>,
    /// The probability that decided, 0–1 (1 for the emergency rules).
    pub confidence: f32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    href: String,
    fr: String,
    en: String,
    #[serde(default)]
    audience: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Intent {
    name: String,
    #[serde(default)]
    social: bool,
    examples_fr: Vec<String>,
    examples_en: Vec<String>,
    answer_fr: String,
    answer_en: String,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    anonymous_links: Vec<Link>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    threshold: f32,
    topic_threshold: f32,
    politeness: Vec<String>,
    topic_breaks: Vec<String>,
    #[serde(default)]
    off_topic_words: Vec<String>,
    clinic: Clinic,
    #[serde(default)]
    precedence: Vec<PrecedenceRule>,
    intent: Vec<Intent>,
}

/// Who asks: anonymous, or signed in with a role.
pub type Asker = Option<Role>;

/// One topic of a message: an intent and how likely it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub intent: String,
    pub confidence: f32,
    /// The words of the message it was read from.
    pub text: String,
}

/// What a message is understood as.
#[derive(Debug, Clone, PartialEq)]
pub enum Understood {
    /// Emergency signs, by category code.
    Emergency(Vec<String>),
    /// One or two topics, in the message's order.
    Topics(Vec<Topic>),
    /// Nothing likely enough (or off topic); the best probability.
    Unknown(f32),
}

impl Understood {
    /// The label the evaluation compares: `emergency`, `unknown`, an intent
    /// or two joined by `+`.
    pub fn label(&self) -> String {
        match self {
            Self::Emergency(_) => EMERGENCY.to_owned(),
            Self::Unknown(_) => UNKNOWN.to_owned(),
            Self::Topics(topics) => topics
                .iter()
                .map(|t| t.intent.as_str())
                .collect::<Vec<_>>()
                .join("+"),
        }
    }
}

/// The assistant's knowledge and its classifier.
#[derive(Debug, Clone)]
pub struct Assistant {
    intents: Vec<Intent>,
    classifier: Classifier,
    threshold: f32,
    topic_threshold: f32,
    politeness: Vec<Vec<String>>,
    breaks: Vec<Vec<String>>,
    /// Words naming what is not the practice's (folded).
    elsewhere: Vec<String>,
    /// The practice; its contact follows the platform's settings.
    clinic: Arc<std::sync::RwLock<Clinic>>,
    precedence: Precedence,
    /// Specialty names for `{specialties}`: (French, English).
    specialties: Vec<(String, String)>,
}

fn phrases(list: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = list.iter().map(|p| tokens(p)).collect();
    out.retain(|p| !p.is_empty());
    // Longest first, so that "merci beaucoup" goes before "merci".
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

impl Assistant {
    /// The shipped intents, trained on their examples and the training part
    /// of `questions.tsv`; trained once per process, then shared.
    pub fn builtin() -> DomainResult<Arc<Self>> {
        static BUILT: OnceLock<Arc<Assistant>> = OnceLock::new();
        if let Some(built) = BUILT.get() {
            return Ok(built.clone());
        }
        let training = evaluation::training_examples();
        let built = Arc::new(Self::from_toml(BUILTIN, &training, Settings::default())?);
        Ok(BUILT.get_or_init(|| built).clone())
    }

    /// The shipped intents trained on their examples and on `extra`
    /// (question, intent) pairs only (cross-validation).
    pub fn builtin_with(extra: &[(&str, &str)], settings: Settings) -> DomainResult<Self> {
        Self::from_toml(BUILTIN, extra, settings)
    }

    /// Intents from a TOML text in the shape of `intents.toml`, trained on
    /// their examples and on `extra` (question, intent) pairs.
    pub fn from_toml(raw: &str, extra: &[(&str, &str)], settings: Settings) -> DomainResult<Self> {
        let file: File = toml::from_str(raw).map_err(DomainError::internal)?;
        file.clinic.check()?;
        let mut examples: Vec<(&str, usize)> = Vec::new();
        for (i, intent) in file.intent.iter().enumerate() {
            if intent.examples_fr.is_empty() || intent.examples_en.is_empty() {
                return Err(DomainError::internal(format!(
                    "intent {} lacks examples in a language",
                    intent.name
                )));
            }
            examples.extend(intent.examples_fr.iter().map(|e| (e.as_str(), i)));
            examples.extend(intent.examples_en.iter().map(|e| (e.as_str(), i)));
        }
        for (question, name) in extra {
            let name = if *name == UNKNOWN { OFF_TOPIC } else { name };
            let i = file
                .intent
                .iter()
                .position(|intent| intent.name == name)
                .ok_or_else(|| DomainError::internal(format!("no intent named {name}")))?;
            examples.push((question, i));
        }
        let classifier = Classifier::train(&examples, file.intent.len(), settings);
        let names: Vec<&str> = file.intent.iter().map(|i| i.name.as_str()).collect();
        let precedence = Precedence::new(&file.precedence, &names)?;
        Ok(Self {
            precedence,
            classifier,
            threshold: file.threshold,
            topic_threshold: file.topic_threshold,
            politeness: phrases(&file.politeness),
            breaks: phrases(&file.topic_breaks),
            elsewhere: file
                .off_topic_words
                .iter()
                .flat_map(|w| tokens(w))
                .collect(),
            clinic: Arc::new(std::sync::RwLock::new(file.clinic)),
            intents: file.intent,
            specialties: Vec::new(),
        })
    }

    /// The practice as the assistant describes it now.
    pub fn clinic(&self) -> Clinic {
        self.clinic
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Gives the practice another name and contact (the platform's
    /// settings); nothing is written when they are the same.
    pub fn set_contact(&self, name: &str, phone: &str, email: &str, address: &str) {
        let same = {
            let c = self.clinic.read().unwrap_or_else(|e| e.into_inner());
            (
                c.name.as_str(),
                c.phone.as_str(),
                c.email.as_str(),
                c.address.as_str(),
            ) == (name, phone, email, address)
        };
        if !same {
            let mut c = self.clinic.write().unwrap_or_else(|e| e.into_inner());
            c.name = name.to_owned();
            c.phone = phone.to_owned();
            c.email = email.to_owned();
            c.address = address.to_owned();
        }
    }

    /// The same knowledge with another threshold (for tuning it).
    pub fn with_threshold(mut self, threshold: f32) -> Self {
        self.threshold = threshold;
        self
    }

    /// The threshold below which nothing is understood.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The same knowledge with another threshold for each of two topics.
    pub fn with_topic_threshold(mut self, threshold: f32) -> Self {
        self.topic_threshold = threshold;
        self
    }

    /// The probability from which a part of a message is a topic of its own.
    pub fn topic_threshold(&self) -> f32 {
        self.topic_threshold
    }

    /// The specialties `{specialties}` lists.
    pub fn with_specialties(mut self, names: Vec<(String, String)>) -> Self {
        self.specialties = names;
        self
    }

    /// The names of the intents.
    pub fn intents(&self) -> impl Iterator<Item = &str> {
        self.intents.iter().map(|i| i.name.as_str())
    }

    /// Whether to answer `question` in French: as it reads, else
    /// `french_default`.
    pub fn is_french(&self, question: &str, french_default: bool) -> bool {
        text::looks_french(question).unwrap_or(french_default)
    }

    /// The likeliest intent of `text` and its probability.
    fn classify(&self, text: &str) -> Option<(usize, f32)> {
        let p = self.classifier.probabilities(text)?;
        p.iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The likeliest intent of `words` once actions outrank what they are
    /// about (see [`PrecedenceRule`]).
    fn decide(&self, words: &[String]) -> Option<(usize, f32)> {
        let (i, p) = self.classify(&words.join(" "))?;
        Some((self.precedence.rank(words, i), p))
    }

    /// What `question` is understood as.
    pub fn understand(&self, question: &str) -> Understood {
        let quiet = match detector().reading(question) {
            Reading::Flags(codes) => {
                return Understood::Emergency(codes.into_iter().map(str::to_owned).collect());
            }
            Reading::Quiet(words) => words,
        };
        if tokens(question).iter().any(|w| self.elsewhere.contains(w)) {
            return Understood::Unknown(0.0);
        }
        // Signs told as absent or over ("no chest pain", "fainted once last
        // summer, fine since") are not what is asked: the request is read
        // without them.
        let masked = text::without_words(question, &quiet);
        let question = if tokens(&masked).is_empty() {
            question
        } else {
            masked.as_str()
        };
        // Two topics: each part of the message classified on its own.
        let mut topics: Vec<Topic> = Vec::new();
        for part in self.parts(question, false) {
            let words = self.unwrapped(&part);
            if words.len() < 3 {
                continue;
            }
            let text = words.join(" ");
            if let Some((i, p)) = self.decide(words) {
                let intent = &self.intents[i];
                let counts = p >= self.topic_threshold.max(self.threshold)
                    && !intent.social
                    && intent.name != OFF_TOPIC
                    && !NOT_A_TOPIC.contains(&intent.name.as_str());
                if counts && topics.iter().all(|t| t.intent != intent.name) {
                    topics.push(Topic {
                        intent: intent.name.clone(),
                        confidence: p,
                        text,
                    });
                }
            }
        }
        if topics.len() >= 2 {
            topics.truncate(2);
            return Understood::Topics(topics);
        }
        // One topic: the message without its politeness, or the politeness
        // itself when nothing else is said.
        let words = tokens(question);
        let inner = self.unwrapped(&words);
        // A single word left ("Bonjour gemini", "lent : merci") says too
        // little on its own: the whole message is read.
        let kept = if inner.len() < 2 { &words[..] } else { inner };
        let mut text = kept.join(" ");
        let mut decided = self.decide(kept);
        // A long message: the clause that asks, when it is clearly surer
        // than the whole message (context around a request blurs it).
        if let Some((j, q, clause)) = self.surest_clause(question) {
            let whole_weak = decided.is_none_or(|(i, p)| {
                p < self.threshold || self.intents[i].social || self.intents[i].name == OFF_TOPIC
            });
            if whole_weak || decided.is_some_and(|(_, p)| q > p + CLAUSE_MARGIN) {
                decided = Some((j, q));
                text = clause;
            }
        }
        match decided {
            Some((i, p)) if p >= self.threshold && self.intents[i].name != OFF_TOPIC => {
                Understood::Topics(vec![Topic {
                    intent: self.intents[i].name.clone(),
                    confidence: p,
                    text,
                }])
            }
            Some((_, p)) => Understood::Unknown(p),
            None => Understood::Unknown(0.0),
        }
    }

    /// Whether `question` names the action of `intent` in the words of its
    /// precedence rules ("annuler", "call off" for `cancel`).
    pub fn names_action(&self, question: &str, intent: &str) -> bool {
        self.intents
            .iter()
            .position(|i| i.name == intent)
            .is_some_and(|i| self.precedence.names(&tokens(question), i))
    }

    /// The intent `question` is understood as, if one (the first of two;
    /// emergencies aside).
    pub fn intent(&self, question: &str) -> Option<String> {
        match self.understand(question) {
            Understood::Topics(topics) => topics.into_iter().next().map(|t| t.intent),
            _ => None,
        }
    }
}

pub use answers::emergency_reply;

#[cfg(test)]
mod tests;
