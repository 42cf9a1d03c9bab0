//! How the assistant says what it understood: an intent's answer in the
//! reader's language with the practice's details and the links for the
//! reader's role, two topics in order, "not understood", and the emergency
//! answer with its numbers.

use super::{Asker, Assistant, EMERGENCY, Reply, Suggestion, Topic, UNKNOWN, Understood};
use crate::red_flags::{self, detector};

impl Assistant {
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
        match self.understand(question) {
            Understood::Emergency(codes) => {
                let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
                emergency_reply(&codes, french)
            }
            Understood::Unknown(p) => not_understood(french, p),
            Understood::Topics(topics) => {
                let mut replies: Vec<Reply> = topics
                    .iter()
                    .map(|t| self.answer_topic(t, question, asker, french, specialties))
                    .collect();
                let mut reply = replies.remove(0);
                for other in replies {
                    reply.message = format!("{}\n\n{}", reply.message, other.message);
                    reply.intent = format!("{}+{}", reply.intent, other.intent);
                    reply.confidence = reply.confidence.min(other.confidence);
                    for s in other.suggestions {
                        if !reply.suggestions.contains(&s) {
                            reply.suggestions.push(s);
                        }
                    }
                }
                reply
            }
        }
    }

    /// The answer to one topic.
    pub fn answer_topic(
        &self,
        topic: &Topic,
        question: &str,
        asker: Asker,
        french: bool,
        specialties: &[(String, String)],
    ) -> Reply {
        let Some(intent) = self.intents.iter().find(|i| i.name == topic.intent) else {
            return not_understood(french, topic.confidence);
        };
        let answer = if french {
            &intent.answer_fr
        } else {
            &intent.answer_en
        };
        let names: Vec<&str> = specialties
            .iter()
            .map(|(fr, en)| if french { fr.as_str() } else { en.as_str() })
            .collect();
        let message = self
            .clinic
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .fill(answer, question, french)
            .replace("{specialties}", &names.join(", "));
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
            lang: if french { "fr" } else { "en" },
            suggestions,
            choices: Vec::new(),
            confidence: topic.confidence,
        }
    }
}

/// "I did not understand", with what the assistant can do.
fn not_understood(french: bool, confidence: f32) -> Reply {
    Reply {
        message: if french {
            "Je n'ai pas compris. Je peux vous aider à prendre, déplacer ou annuler un rendez-vous, trouver un médecin, ou vous repérer dans le portail. Je ne pose pas de diagnostic.".into()
        } else {
            "I did not understand. I can help you book, move or cancel an appointment, find a doctor, or find your way around the portal. I do not give diagnoses.".into()
        },
        intent: UNKNOWN.into(),
        lang: if french { "fr" } else { "en" },
        suggestions: Vec::new(),
        choices: Vec::new(),
        confidence,
    }
}

/// The emergency answer when the question carries an emergency sign.
fn emergency(question: &str, french: bool) -> Option<Reply> {
    let codes = detector().codes(question);
    (!codes.is_empty()).then(|| emergency_reply(&codes, french))
}

/// The emergency answer for red flags `codes`.
pub fn emergency_reply(codes: &[&str], french: bool) -> Reply {
    Reply {
        message: red_flags::advice(codes, french),
        intent: EMERGENCY.into(),
        lang: if french { "fr" } else { "en" },
        suggestions: red_flags::numbers(codes)
            .into_iter()
            .map(|n| Suggestion {
                label: n.to_owned(),
                href: format!("tel:{n}"),
            })
            .collect(),
        choices: Vec::new(),
        confidence: 1.0,
    }
}
