//! An action named outranks what it is about: "prendre rdv chez le
//! cardiologue" asks for a booking, not for the list of specialties; "I need
//! to call off my appointment with Dr Dupont" for a cancellation, not for
//! Dr Dupont's free slots. The rules are the `[[precedence]]` tables of
//! `intents.toml`; the first whose words a message holds turns an intent of
//! its `over` list into its own.

use serde::Deserialize;

use super::classifier::tokens;
use crate::error::{DomainError, DomainResult};

/// A rule as `intents.toml` writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PrecedenceRule {
    intent: String,
    words: Vec<String>,
    over: Vec<String>,
}

/// A rule by intent index, its words folded.
#[derive(Debug, Clone)]
struct Rule {
    intent: usize,
    words: Vec<Vec<String>>,
    over: Vec<usize>,
}

/// The rules, in order.
#[derive(Debug, Clone, Default)]
pub(super) struct Precedence(Vec<Rule>);

impl Precedence {
    /// Reads the rules against the intents' names (`names[i]` is intent `i`).
    pub(super) fn new(rules: &[PrecedenceRule], names: &[&str]) -> DomainResult<Self> {
        let index = |name: &str| {
            names
                .iter()
                .position(|n| *n == name)
                .ok_or_else(|| DomainError::internal(format!("precedence: no intent named {name}")))
        };
        let rules = rules
            .iter()
            .map(|rule| {
                Ok(Rule {
                    intent: index(&rule.intent)?,
                    words: rule
                        .words
                        .iter()
                        .map(|w| tokens(w))
                        .filter(|w| !w.is_empty())
                        .collect(),
                    over: rule
                        .over
                        .iter()
                        .map(|n| index(n))
                        .collect::<DomainResult<_>>()?,
                })
            })
            .collect::<DomainResult<_>>()?;
        Ok(Self(rules))
    }

    /// Whether `words` name the action of `intent` (a rule's words).
    pub(super) fn names(&self, words: &[String], intent: usize) -> bool {
        let holds = |phrase: &Vec<String>| words.windows(phrase.len()).any(|w| w == phrase);
        self.0
            .iter()
            .any(|rule| rule.intent == intent && rule.words.iter().any(holds))
    }

    /// The intent `words` ask for when the classifier chose `intent`.
    pub(super) fn rank(&self, words: &[String], intent: usize) -> usize {
        let holds = |phrase: &Vec<String>| words.windows(phrase.len()).any(|w| w == phrase);
        self.0
            .iter()
            .find(|rule| rule.over.contains(&intent) && rule.words.iter().any(holds))
            .map_or(intent, |rule| rule.intent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Precedence {
        let raw = [PrecedenceRule {
            intent: "cancel".into(),
            words: vec!["annuler".into(), "call off".into()],
            over: vec!["specialties".into()],
        }];
        Precedence::new(&raw, &["book", "cancel", "specialties", "price"]).unwrap()
    }

    #[test]
    fn an_action_named_outranks_only_what_its_rule_lists() {
        let words = tokens("je dois annuler mon rendez-vous chez le cardiologue");
        assert_eq!(rules().rank(&words, 2), 1, "specialty → cancel");
        assert_eq!(
            rules().rank(&words, 3),
            3,
            "price is not in the rule's list"
        );
        let phrase = tokens("I need to call off my appointment");
        assert_eq!(rules().rank(&phrase, 2), 1, "a phrase of two words");
        let apart = tokens("call me, I want it off");
        assert_eq!(rules().rank(&apart, 2), 2, "the words apart are no phrase");
        assert!(rules().names(&words, 1));
        assert!(!rules().names(&tokens("et jeudi ?"), 1));
    }

    #[test]
    fn a_rule_naming_an_unknown_intent_is_refused() {
        let raw = [PrecedenceRule {
            intent: "cancel".into(),
            words: vec!["annuler".into()],
            over: vec!["nowhere".into()],
        }];
        assert!(Precedence::new(&raw, &["cancel"]).is_err());
    }
}
