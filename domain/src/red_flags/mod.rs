//! The platform's one red-flag detector: the signs of emergency triage read
//! in what people write, French or English (the assistant, the symptom
//! checker's free text, patients' chat messages, text messages). What it
//! knows is data (`domain/data/red_flags.toml`: categories, rules, negation
//! words); this module reads it and matches it, tolerating typos, missing
//! accents, negations ("pas de douleur à la poitrine") and third persons
//! ("ma mère", "my wife": the rules never ask who has the sign).

mod advice;
mod clause;
mod index;
mod words;

pub use advice::{advice, numbers};

use std::sync::LazyLock;

use serde::Deserialize;

use crate::error::{DomainError, DomainResult};
use clause::{Clause, occurrences, possible};
use index::Vocabulary;
use words::clauses;

const DATA: &str = include_str!("../../data/red_flags.toml");

pub use crate::symptoms::triage::EMERGENCY_NUMBERS;
/// The national suicide prevention line, given with them for suicidal thoughts.
pub const SUICIDE_LINE: &str = "3114";
/// The category whose answer adds [`SUICIDE_LINE`].
pub const SUICIDE: &str = "suicide";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    window: usize,
    negations: String,
    ignore: String,
    fillers: String,
    resolved: String,
    clause_breaks: String,
    category: Vec<RawCategory>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    code: String,
    fr: String,
    en: String,
    /// Words a rule may span here, when not the file's `window`.
    #[serde(default)]
    window: Option<usize>,
    rules: Vec<Vec<String>>,
}

/// One word of a rule.
#[derive(Debug, Clone, PartialEq)]
enum Word {
    /// A word of the vocabulary, give or take a typo.
    Exact(usize),
    /// A stem of the vocabulary: a written word starting with it.
    Stem(usize),
    /// A baby under three months (see `words::infant_at`).
    Infant,
    /// A large amount (see `words::many_at`).
    Many,
    /// Weeks of pregnancy (see `words::gestation_at`).
    Gestation,
}

/// Words in a row.
type Phrase = Vec<Word>;

/// A sign category and what raises it.
#[derive(Debug, Clone)]
pub struct Category {
    /// Stable code (`chest_pain`, `suicide`…).
    pub code: String,
    /// What it is, for the reader (French, English).
    pub fr: String,
    pub en: String,
    /// Words a rule may span.
    window: usize,
    /// Rules: every group (alternative phrases) of one rule must match.
    rules: Vec<Vec<Vec<Phrase>>>,
}

/// What a text says to the detector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading<'a> {
    /// The codes of the categories it raises.
    Flags(Vec<&'a str>),
    /// No flag; the words of the signs it tells as absent or over ("no
    /// chest pain", "fainted once last summer, fine since"), folded: what
    /// the message is not about, so the assistant reads the request
    /// without them.
    Quiet(Vec<String>),
}

/// The detector, read from its data.
#[derive(Debug, Clone)]
pub struct Detector {
    vocabulary: Vocabulary,
    negations: Vec<String>,
    fillers: Vec<String>,
    resolved: Vec<Vec<String>>,
    breaks: Vec<String>,
    ignore: Vec<Vec<String>>,
    categories: Vec<Category>,
}

fn words_of(list: &str) -> Vec<String> {
    list.split('|')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn phrase(text: &str, vocabulary: &mut Vocabulary) -> DomainResult<Phrase> {
    let refused = || {
        DomainError::internal(format!(
            "red flags: \"{text}\" is not lower-case words without accents"
        ))
    };
    let phrase = text
        .split_whitespace()
        .map(|w| {
            Ok(match w {
                "@infant" => Word::Infant,
                "@many" => Word::Many,
                "@gestation" => Word::Gestation,
                _ => {
                    let (word, stem) = w.strip_suffix('*').map_or((w, false), |s| (s, true));
                    if word.is_empty()
                        || word
                            .chars()
                            .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
                    {
                        return Err(refused());
                    }
                    let id = vocabulary.intern(word, stem);
                    if stem {
                        Word::Stem(id)
                    } else {
                        Word::Exact(id)
                    }
                }
            })
        })
        .collect::<DomainResult<Phrase>>()?;
    if phrase.is_empty() {
        return Err(refused());
    }
    Ok(phrase)
}

/// The shipped detector.
pub fn detector() -> &'static Detector {
    static DETECTOR: LazyLock<Detector> = LazyLock::new(|| {
        Detector::from_toml(DATA).expect("red_flags.toml is read by the red_flags tests")
    });
    &DETECTOR
}

impl Detector {
    /// A detector from a text in the shape of `red_flags.toml`.
    pub fn from_toml(raw: &str) -> DomainResult<Self> {
        let file: File = toml::from_str(raw).map_err(DomainError::internal)?;
        let mut vocabulary = Vocabulary::default();
        let mut categories = Vec::new();
        for raw in file.category {
            let mut rules = Vec::new();
            for rule in &raw.rules {
                let groups = rule
                    .iter()
                    .map(|group| {
                        words_of(group)
                            .iter()
                            .map(|p| phrase(p, &mut vocabulary))
                            .collect()
                    })
                    .collect::<DomainResult<Vec<Vec<Phrase>>>>()?;
                if groups.is_empty() {
                    return Err(DomainError::internal(format!(
                        "red flags: an empty rule in {}",
                        raw.code
                    )));
                }
                rules.push(groups);
            }
            categories.push(Category {
                code: raw.code,
                fr: raw.fr,
                en: raw.en,
                window: raw.window.unwrap_or(file.window),
                rules,
            });
        }
        Ok(Self {
            vocabulary,
            negations: words_of(&file.negations),
            fillers: words_of(&file.fillers),
            resolved: words_of(&file.resolved)
                .iter()
                .map(|p| p.split_whitespace().map(str::to_owned).collect())
                .collect(),
            breaks: words_of(&file.clause_breaks),
            ignore: words_of(&file.ignore)
                .iter()
                .map(|p| p.split_whitespace().map(str::to_owned).collect())
                .collect(),
            categories,
        })
    }

    /// Every category the detector knows, in its file's order.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The rules' words and stems.
    #[cfg(test)]
    fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The clauses of `text` as the rules read them.
    fn read_clauses(&self, text: &str) -> Vec<Clause> {
        clauses(text, &self.breaks)
            .into_iter()
            .map(|c| Clause::read(self.without_ignored(c), &self.vocabulary))
            .collect()
    }

    /// The categories `text` raises (each once, in the file's order).
    pub fn flags(&self, text: &str) -> Vec<&Category> {
        self.flags_in(&self.read_clauses(text))
    }

    fn flags_in(&self, clauses: &[Clause]) -> Vec<&Category> {
        // What the text holds at all: a rule one of whose groups has no
        // phrase made of words the text holds cannot match anywhere.
        let mut seen = self.vocabulary.nothing();
        for hits in clauses.iter().flat_map(|c| &c.hits) {
            seen.add(hits);
        }
        self.categories
            .iter()
            .filter(|category| {
                category.rules.iter().any(|groups| {
                    possible(groups, &seen)
                        && clauses
                            .iter()
                            .any(|clause| self.rule_matches(groups, clause, category.window))
                })
            })
            .collect()
    }

    /// The codes of [`Detector::flags`].
    pub fn codes(&self, text: &str) -> Vec<&str> {
        self.flags(text)
            .into_iter()
            .map(|c| c.code.as_str())
            .collect()
    }

    /// `text` read once: the codes it raises, or, when it raises none, its
    /// quiet signs.
    pub fn reading(&self, text: &str) -> Reading<'_> {
        let clauses = self.read_clauses(text);
        let flags = self.flags_in(&clauses);
        if flags.is_empty() {
            Reading::Quiet(self.quiet_in(&clauses))
        } else {
            Reading::Flags(flags.into_iter().map(|c| c.code.as_str()).collect())
        }
    }

    /// The words of signs the clauses tell that raise no flag: every phrase
    /// of a rule held whole by a clause, which a negation, "it is over" or
    /// the distance between its parts defeated.
    fn quiet_in(&self, clauses: &[Clause]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for clause in clauses {
            let mut seen = self.vocabulary.nothing();
            for hits in &clause.hits {
                seen.add(hits);
            }
            for category in &self.categories {
                for groups in &category.rules {
                    if !possible(groups, &seen)
                        || self.rule_matches(groups, clause, category.window)
                    {
                        continue;
                    }
                    let spans: Vec<Vec<(usize, usize)>> =
                        groups.iter().map(|g| occurrences(g, clause)).collect();
                    if spans.iter().any(Vec::is_empty) {
                        continue;
                    }
                    for &(a, b) in spans.iter().flatten() {
                        out.extend(clause.words[a..=b].iter().cloned());
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// A clause without the phrases read as if absent.
    fn without_ignored(&self, clause: Vec<String>) -> Vec<String> {
        let mut out = Vec::with_capacity(clause.len());
        let mut i = 0;
        'words: while i < clause.len() {
            for phrase in &self.ignore {
                if clause[i..].starts_with(phrase) {
                    i += phrase.len();
                    continue 'words;
                }
            }
            out.push(clause[i].clone());
            i += 1;
        }
        out
    }

    /// Whether every group matches within the window, not denied.
    fn rule_matches(&self, groups: &[Vec<Phrase>], read: &Clause, window: usize) -> bool {
        let spans: Vec<Vec<(usize, usize)>> = groups.iter().map(|g| occurrences(g, read)).collect();
        let clause = read.words.as_slice();
        if spans.iter().any(Vec::is_empty) {
            return false;
        }
        // The words of any occurrence: signs' words, transparent when
        // looking for the negation of another ("no chest pain").
        let mut sign = vec![false; clause.len()];
        for &(a, b) in spans.iter().flatten() {
            sign[a..=b].iter_mut().for_each(|w| *w = true);
        }
        // Every choice of one occurrence per group (groups are few and
        // clauses short).
        let mut pick = vec![0usize; spans.len()];
        loop {
            let start = pick.iter().zip(&spans).map(|(&k, s)| s[k].0).min();
            let end = pick.iter().zip(&spans).map(|(&k, s)| s[k].1).max();
            if let (Some(start), Some(end)) = (start, end)
                && end - start <= window
                && !self.denied(clause, start, &sign)
                && !self.denied_inside(clause, &pick, &spans)
                && !self.over(clause, start, end, &sign)
            {
                return true;
            }
            // The next choice, like an odometer.
            let mut g = 0;
            loop {
                if g == pick.len() {
                    return false;
                }
                pick[g] += 1;
                if pick[g] < spans[g].len() {
                    break;
                }
                pick[g] = 0;
                g += 1;
            }
        }
    }

    /// Whether a negation word stands before `start` (only fillers
    /// between), and denies the sign rather than an ability ("n'arrive
    /// plus à lever le bras", "can not lift": the sign itself).
    fn denied(&self, clause: &[String], start: usize, sign: &[bool]) -> bool {
        let mut steps = 0;
        for at in (0..start).rev() {
            let word = &clause[at];
            if self.negations.contains(word) {
                return !self.inability(clause, at);
            }
            if sign[at] {
                continue;
            }
            steps += 1;
            if steps > 4 || !self.fillers.contains(word) {
                return false;
            }
        }
        false
    }

    /// Whether the negation at `at` negates an ability ("n'arrive plus",
    /// "can not"): then it is the sign itself.
    fn inability(&self, clause: &[String], at: usize) -> bool {
        clause[..at]
            .iter()
            .rev()
            .map(String::as_str)
            .find(|w| !matches!(*w, "n" | "ne"))
            .is_some_and(|w| INABILITY.contains(&w))
    }

    /// Whether a negation stands between the chosen occurrences, not part of
    /// any of them ("my face is not swollen", "enceinte, pas de saignement").
    fn denied_inside(
        &self,
        clause: &[String],
        pick: &[usize],
        spans: &[Vec<(usize, usize)>],
    ) -> bool {
        let chosen: Vec<(usize, usize)> = pick.iter().zip(spans).map(|(&k, s)| s[k]).collect();
        let start = chosen.iter().map(|c| c.0).min().unwrap_or(0);
        let end = chosen.iter().map(|c| c.1).max().unwrap_or(0);
        (start..=end).any(|i| {
            !chosen.iter().any(|&(a, b)| (a..=b).contains(&i))
                && self.negations.contains(&clause[i])
                && !self.inability(clause, i)
        })
    }

    /// Whether words saying it is over stand in the sign or closely after
    /// it ("la crise d'asthme est passée avec la ventoline").
    fn over(&self, clause: &[String], start: usize, end: usize, sign: &[bool]) -> bool {
        (start..clause.len().min(end + 1 + RESOLVED_REACH))
            .filter(|i| !sign[*i])
            .any(|i| self.resolved.iter().any(|p| clause[i..].starts_with(p)))
    }
}

/// Verbs whose negation is an inability, not a denial.
const INABILITY: &[&str] = &[
    "arrive", "arrivait", "arrivent", "arive", "peux", "peut", "peuvent", "pouvait", "parviens",
    "parvient", "reussis", "reussit", "can", "could", "able",
];

/// Words after a sign within which "gone", "over" deny it.
const RESOLVED_REACH: usize = 5;

#[cfg(test)]
mod tests;
