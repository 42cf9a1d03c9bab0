//! The offline assistant: answers what people ask a clinic, in French or
//! English, with no outside service. What it understands is data
//! (`domain/data/assistant/intents.toml`: intents, examples, answers,
//! links), scored by TF-IDF over words and character trigrams so that typos
//! and missing accents still match. Emergency signs come first, whatever
//! was asked: the numbers 15, 112 (and 3114 for suicidal thoughts). It never
//! gives a diagnosis, and says plainly when it has not understood.

pub mod conversation;
pub mod entities;
mod scorer;
mod text;
pub mod when;

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::error::{DomainError, DomainResult};
use crate::symptoms::triage::{Signs, red_flags};
use scorer::Scorer;

/// Questions and the intent each must get (tests, `medplat bench --assistant`).
pub const SAMPLE_QUESTIONS: &str = include_str!("../../data/assistant/questions.tsv");

/// [`SAMPLE_QUESTIONS`] as (question, expected intent) pairs.
pub fn sample_questions() -> Vec<(&'static str, &'static str)> {
    SAMPLE_QUESTIONS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .collect()
}

/// The intents the platform ships.
const BUILTIN: &str = include_str!("../../data/assistant/intents.toml");

/// Below this similarity a question is not understood.
pub const THRESHOLD: f32 = 0.30;

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
    /// The intent understood (`emergency`, `unknown` or one of the file's).
    pub intent: String,
    /// `fr` or `en`.
    pub lang: &'static str,
    pub suggestions: Vec<Suggestion>,
    /// Options to pick from (empty for a plain answer).
    pub choices: Vec<Choice>,
    /// The similarity that decided, 0–1 (1 for the emergency rules).
    pub confidence: f32,
}

#[derive(Debug, Clone, Deserialize)]
struct Link {
    href: String,
    fr: String,
    en: String,
    #[serde(default)]
    audience: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Intent {
    name: String,
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
struct File {
    intent: Vec<Intent>,
}

/// Who asks: anonymous, or signed in with a role.
pub type Asker = Option<Role>;

/// The assistant's knowledge and its index.
#[derive(Debug, Clone)]
pub struct Assistant {
    intents: Vec<Intent>,
    scorer: Scorer,
    /// Specialty names for `{specialties}`: (French, English).
    specialties: Vec<(String, String)>,
}

/// Conversational emergency phrasings beyond the symptom checker's red flags.
const MORE_EMERGENCIES: &[&str] = &[
    "douleur a la poitrine",
    "douleur dans la poitrine",
    "crise cardiaque",
    "infarctus",
    "avc",
    "bouche de travers",
    "heart attack",
    "stroke",
    "suicidal",
];

impl Assistant {
    /// The shipped intents, checked.
    pub fn builtin() -> DomainResult<Self> {
        Self::from_toml(BUILTIN)
    }

    /// Intents from a TOML text in the shape of `intents.toml`.
    pub fn from_toml(raw: &str) -> DomainResult<Self> {
        let file: File = toml::from_str(raw).map_err(DomainError::internal)?;
        let mut examples = Vec::new();
        for (i, intent) in file.intent.iter().enumerate() {
            if intent.examples_fr.is_empty() || intent.examples_en.is_empty() {
                return Err(DomainError::internal(format!(
                    "intent {} lacks examples in a language",
                    intent.name
                )));
            }
            examples.extend(intent.examples_fr.iter().map(|e| (i, true, e.as_str())));
            examples.extend(intent.examples_en.iter().map(|e| (i, false, e.as_str())));
        }
        let scorer = Scorer::new(&examples);
        Ok(Self {
            intents: file.intent,
            scorer,
            specialties: Vec::new(),
        })
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

    /// Whether to answer `question` in French: as it reads, else as the
    /// example it matches best, else `french_default`.
    pub fn is_french(&self, question: &str, french_default: bool) -> bool {
        text::looks_french(question)
            .or(self
                .scorer
                .best(question)
                .filter(|m| m.score >= THRESHOLD)
                .map(|m| m.french))
            .unwrap_or(french_default)
    }

    /// The intent `question` is understood as, if any (emergencies aside).
    pub fn intent(&self, question: &str) -> Option<&str> {
        self.scorer
            .best(question)
            .filter(|m| m.score >= THRESHOLD)
            .map(|m| self.intents[m.intent].name.as_str())
    }

    /// The emergency answer, when `question` carries an emergency sign.
    pub fn emergency(&self, question: &str, french: bool) -> Option<Reply> {
        emergency(question, french)
    }

    /// Answers `question` for `asker`; `french_default` when the question does
    /// not tell its language.
    pub fn reply(&self, question: &str, asker: Asker, french_default: bool) -> Reply {
        self.answer(question, asker, french_default, &self.specialties)
    }

    /// [`Assistant::reply`] with the specialties `{specialties}` lists given.
    pub fn answer(
        &self,
        question: &str,
        asker: Asker,
        french_default: bool,
        specialties: &[(String, String)],
    ) -> Reply {
        let french = self.is_french(question, french_default);
        let lang = if french { "fr" } else { "en" };
        if let Some(reply) = emergency(question, french) {
            return reply;
        }
        let best = self.scorer.best(question);
        let Some(m) = best.filter(|m| m.score >= THRESHOLD) else {
            return Reply {
                message: if french {
                    "Je n'ai pas compris. Je peux vous aider à prendre, déplacer ou annuler un rendez-vous, trouver un médecin, ou vous repérer dans le portail. Je ne pose pas de diagnostic.".into()
                } else {
                    "I did not understand. I can help you book, move or cancel an appointment, find a doctor, or find your way around the portal. I do not give diagnoses.".into()
                },
                intent: "unknown".into(),
                lang,
                suggestions: Vec::new(),
                choices: Vec::new(),
                confidence: best.map_or(0.0, |m| m.score),
            };
        };
        let intent = &self.intents[m.intent];
        let answer = if french {
            &intent.answer_fr
        } else {
            &intent.answer_en
        };
        let names: Vec<&str> = specialties
            .iter()
            .map(|(fr, en)| if french { fr.as_str() } else { en.as_str() })
            .collect();
        let message = answer.replace("{specialties}", &names.join(", "));
        let links = match asker {
            None => &intent.anonymous_links,
            Some(_) => &intent.links,
        };
        let suggestions = links
            .iter()
            .filter(|l| match (asker, l.audience.as_deref()) {
                (None, _) | (_, None | Some("anyone")) => true,
                (Some(role), Some(audience)) => role.as_str() == audience,
            })
            .map(|l| Suggestion {
                label: if french { l.fr.clone() } else { l.en.clone() },
                href: l.href.clone(),
            })
            .collect();
        Reply {
            message,
            intent: intent.name.clone(),
            lang,
            suggestions,
            choices: Vec::new(),
            confidence: m.score,
        }
    }
}

/// The emergency answer when the question carries an emergency sign.
fn emergency(question: &str, french: bool) -> Option<Reply> {
    let signs = Signs {
        other: question,
        ..Signs::default()
    };
    let flags = red_flags(&signs);
    let folded = crate::symptoms::triage::fold(question);
    let more = MORE_EMERGENCIES.iter().any(|w| {
        folded
            .split(|c: char| !c.is_alphanumeric())
            .any(|t| t == *w)
            || (w.contains(' ') && folded.contains(w))
    });
    if flags.is_empty() && !more {
        return None;
    }
    let suicidal = flags.contains(&"suicidal_thoughts");
    let mut message = if french {
        "Urgence : appelez le 15 (SAMU) ou le 112 maintenant.".to_owned()
    } else {
        "Emergency: call 15 (SAMU) or 112 now.".to_owned()
    };
    if suicidal {
        message.push_str(if french {
            " Si vous pensez au suicide, appelez le 3114 (numéro national de prévention du suicide, jour et nuit)."
        } else {
            " If you are thinking about suicide, call 3114 (the national suicide prevention line, day and night)."
        });
    }
    message.push_str(if french {
        " N'attendez pas une réponse en ligne."
    } else {
        " Do not wait for an answer online."
    });
    let mut numbers = vec!["15", "112"];
    if suicidal {
        numbers.push("3114");
    }
    Some(Reply {
        message,
        intent: "emergency".into(),
        lang: if french { "fr" } else { "en" },
        suggestions: numbers
            .into_iter()
            .map(|n| Suggestion {
                label: n.to_owned(),
                href: format!("tel:{n}"),
            })
            .collect(),
        choices: Vec::new(),
        confidence: 1.0,
    })
}

#[cfg(test)]
mod tests;
