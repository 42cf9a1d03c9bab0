//! What a question names beside its intent: a specialty, a doctor, a
//! consultation type, a choice among the options last offered ("le 2",
//! "the first one", "9h30"), or the answer to a confirmation. The words are
//! data (`domain/data/assistant/entities.toml`); long words match with a
//! typo.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{DomainError, DomainResult};
use crate::scheduling::ConsultationType;
use crate::symptoms::triage::fold;

const BUILTIN: &str = include_str!("../../data/assistant/entities.toml");

#[derive(Debug, Clone, Deserialize)]
struct ConsultationTypes {
    remote: Vec<String>,
    in_person: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Answers {
    yes: Vec<String>,
    no: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    specialties: BTreeMap<String, Vec<String>>,
    consultation_types: ConsultationTypes,
    answers: Answers,
}

/// The recognised words, normalised.
#[derive(Debug, Clone)]
pub struct Lexicon {
    specialties: Vec<(String, Vec<String>)>,
    remote: Vec<String>,
    in_person: Vec<String>,
    yes: Vec<String>,
    no: Vec<String>,
}

/// Lower case, no accents, words separated by one space, with a space at
/// each end so that `" word "` finds whole words only.
pub fn normalise(text: &str) -> String {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!(" {} ", words.join(" "))
}

fn normalised(list: Vec<String>) -> Vec<String> {
    list.iter()
        .map(|w| normalise(w).trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether the normalised `text` holds `entry` (a word, with a typo allowed
/// in long ones, or a phrase).
fn holds(text: &str, entry: &str) -> bool {
    if text.contains(&format!(" {entry} ")) {
        return true;
    }
    if entry.contains(' ') || entry.chars().count() < 6 {
        return false;
    }
    let allowed = if entry.chars().count() >= 10 { 2 } else { 1 };
    text.split(' ')
        .filter(|w| w.chars().count() >= 5)
        .any(|w| strsim::levenshtein(w, entry) <= allowed)
}

impl Lexicon {
    /// The shipped words.
    pub fn builtin() -> DomainResult<Self> {
        Self::from_toml(BUILTIN)
    }

    /// Words from a TOML text in the shape of `entities.toml`.
    pub fn from_toml(raw: &str) -> DomainResult<Self> {
        let file: File = toml::from_str(raw).map_err(DomainError::internal)?;
        Ok(Self {
            specialties: file
                .specialties
                .into_iter()
                .map(|(code, words)| (code, normalised(words)))
                .collect(),
            remote: normalised(file.consultation_types.remote),
            in_person: normalised(file.consultation_types.in_person),
            yes: normalised(file.answers.yes),
            no: normalised(file.answers.no),
        })
    }

    /// The code of the specialty the text names, if it names one.
    pub fn specialty(&self, text: &str) -> Option<&str> {
        let text = normalise(text);
        // Exact words first, so that a typo-match never beats a real word.
        self.specialties
            .iter()
            .find(|(_, words)| words.iter().any(|w| text.contains(&format!(" {w} "))))
            .or_else(|| {
                self.specialties
                    .iter()
                    .find(|(_, words)| words.iter().any(|w| holds(&text, w)))
            })
            .map(|(code, _)| code.as_str())
    }

    /// The consultation type the text asks for, if it says.
    pub fn consultation_type(&self, text: &str) -> Option<ConsultationType> {
        let text = normalise(text);
        if self.in_person.iter().any(|w| holds(&text, w)) {
            Some(ConsultationType::InPerson)
        } else if self.remote.iter().any(|w| holds(&text, w)) {
            Some(ConsultationType::Remote)
        } else {
            None
        }
    }

    /// `Some(true)` when the text begins with a yes, `Some(false)` with a no.
    pub fn answer(&self, text: &str) -> Option<bool> {
        let text = normalise(text);
        let starts = |list: &[String]| list.iter().any(|w| text.starts_with(&format!(" {w} ")));
        if starts(&self.no) {
            Some(false)
        } else if starts(&self.yes) {
            Some(true)
        } else {
            None
        }
    }
}

/// The doctor a text names among `doctors` (id, first name, last name):
/// by last name, a typo allowed in long ones.
pub fn doctor<T: Copy>(text: &str, doctors: &[(T, String, String)]) -> Option<T> {
    let text = normalise(text);
    let last = |d: &(T, String, String)| normalise(&d.2).trim().to_owned();
    doctors
        .iter()
        .find(|d| text.contains(&format!(" {} ", last(d))))
        .or_else(|| {
            doctors.iter().find(|d| {
                let name = last(d);
                name.chars().count() >= 6 && holds(&text, &name)
            })
        })
        .map(|d| d.0)
}

const ORDINALS: &[(&[&str], usize)] = &[
    (&["premier", "premiere", "first", "1er", "1st"], 1),
    (&["deuxieme", "second", "seconde", "2e", "2eme", "2nd"], 2),
    (&["troisieme", "third", "3e", "3eme", "3rd"], 3),
    (&["quatrieme", "fourth", "4e", "4eme", "4th"], 4),
    (&["cinquieme", "fifth", "5e", "5eme", "5th"], 5),
    (&["sixieme", "sixth", "6e", "6eme", "6th"], 6),
];

/// Which of `count` options a text picks, from 0: "2", "le 2", "créneau 2",
/// "the first one", "le dernier".
pub fn choice(text: &str, count: usize) -> Option<usize> {
    let text = normalise(text);
    let words: Vec<&str> = text.split_whitespace().collect();
    let picked = words
        .iter()
        .find_map(|w| {
            ORDINALS
                .iter()
                .find(|(names, _)| names.contains(w))
                .map(|(_, n)| *n)
        })
        .or_else(|| {
            (words.len() <= 4)
                .then(|| words.iter().find_map(|w| w.parse::<usize>().ok()))
                .flatten()
        })
        .or_else(|| {
            words
                .iter()
                .any(|w| ["dernier", "derniere", "last"].contains(w))
                .then_some(count)
        })?;
    (1..=count).contains(&picked).then(|| picked - 1)
}

/// A time of day a text gives: "9h", "9h30", "09:00", "14 h 15", "3pm".
pub fn time_of_day(text: &str) -> Option<(i8, i8)> {
    let ascii: String = fold(text)
        .chars()
        .map(|c| if c.is_ascii() { c } else { ' ' })
        .collect();
    let bytes = ascii.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let Ok(hour) = ascii[start..i].parse::<i8>() else {
            continue;
        };
        let rest = ascii[i..].trim_start();
        let (minute, pm) = if let Some(after) = rest.strip_prefix(['h', ':']) {
            let digits: String = after
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            (digits.parse::<i8>().unwrap_or(0), false)
        } else if rest.starts_with("pm") {
            (0, true)
        } else if rest.starts_with("am") {
            (0, false)
        } else {
            continue;
        };
        let hour = if pm && hour < 12 { hour + 12 } else { hour };
        if (0..24).contains(&hour) && (0..60).contains(&minute) {
            return Some((hour, minute));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specialties_with_typos_and_without_accents() {
        let lexicon = Lexicon::builtin().unwrap();
        assert_eq!(
            lexicon.specialty("je cherche un cardiologue"),
            Some("cardiology")
        );
        assert_eq!(lexicon.specialty("un cardiologe mardi"), Some("cardiology"));
        assert_eq!(lexicon.specialty("un Pédiatre"), Some("pediatrics"));
        assert_eq!(lexicon.specialty("a dermatologist"), Some("dermatology"));
        assert_eq!(
            lexicon.specialty("mon médecin généraliste"),
            Some("general")
        );
        assert_eq!(lexicon.specialty("et jeudi ?"), None);
        assert_eq!(lexicon.specialty("bonjour"), None);
    }

    #[test]
    fn consultation_types_and_answers() {
        let lexicon = Lexicon::builtin().unwrap();
        assert_eq!(
            lexicon.consultation_type("en téléconsultation"),
            Some(ConsultationType::Remote)
        );
        assert_eq!(
            lexicon.consultation_type("in person please"),
            Some(ConsultationType::InPerson)
        );
        assert_eq!(lexicon.consultation_type("mardi"), None);
        assert_eq!(lexicon.answer("Oui, je confirme"), Some(true));
        assert_eq!(lexicon.answer("d'accord"), Some(true));
        assert_eq!(lexicon.answer("yes please"), Some(true));
        assert_eq!(lexicon.answer("Non merci"), Some(false));
        assert_eq!(lexicon.answer("no"), Some(false));
        assert_eq!(lexicon.answer("et jeudi ?"), None);
        assert_eq!(lexicon.answer("nonobstant"), None);
    }

    #[test]
    fn doctors_by_last_name() {
        let doctors = vec![
            (1, "Claire".to_owned(), "Dupont".to_owned()),
            (2, "Minh".to_owned(), "Nguyen".to_owned()),
            (3, "Léa".to_owned(), "Haddad".to_owned()),
        ];
        assert_eq!(doctor("avec le Dr Dupont", &doctors), Some(1));
        assert_eq!(doctor("docteur nguyen demain", &doctors), Some(2));
        assert_eq!(doctor("dr hadad", &doctors), Some(3));
        assert_eq!(doctor("un cardiologue", &doctors), None);
    }

    #[test]
    fn choices() {
        assert_eq!(choice("2", 3), Some(1));
        assert_eq!(choice("le 2", 3), Some(1));
        assert_eq!(choice("Créneau 3", 3), Some(2));
        assert_eq!(choice("the first one", 3), Some(0));
        assert_eq!(choice("le dernier", 3), Some(2));
        assert_eq!(choice("4", 3), None);
        assert_eq!(choice("bonjour", 3), None);
    }

    #[test]
    fn times() {
        assert_eq!(time_of_day("celui de 9h"), Some((9, 0)));
        assert_eq!(time_of_day("à 14 h 30"), Some((14, 30)));
        assert_eq!(time_of_day("09:15"), Some((9, 15)));
        assert_eq!(time_of_day("3pm"), Some((15, 0)));
        assert_eq!(time_of_day("le 2"), None);
        assert_eq!(time_of_day("le 3 décembre"), None);
    }
}
