//! The questions the assistant is judged on (`questions.tsv`: French and
//! English, as patients write them, emergencies and off-topic included),
//! split once into a training part and a test part by a fixed rule: a
//! question is in the test part when the FNV-1a hash of its text, modulo
//! 10, is below 3 (about 30 %). The classifier learns from the training
//! part; the test part is only ever replayed (`medplat bench --assistant`
//! and the tests), never used to tune.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::{Assistant, EMERGENCY, Understood};

/// The questions, with their expected label.
pub const QUESTIONS: &str = include_str!("../../data/assistant/questions.tsv");

/// More examples for the classifier only, never evaluated (question, intent).
pub const TRAINING: &str = include_str!("../../data/assistant/training.tsv");

/// A second sample written after the assistant was tuned, replayed by the
/// bench only: a check on questions nothing was ever adjusted to.
pub const FRESH: &str = include_str!("../../data/assistant/fresh.tsv");

/// A development sample of the hard kinds (two topics, long, negated,
/// third person), written without reading the judged files: what the
/// classifier's settings may be compared on, with the cross-validation.
pub const DEV: &str = include_str!("../../data/assistant/dev.tsv");

/// Which part of the questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Training,
    Test,
}

/// One question and what it must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub text: &'static str,
    /// An intent, `a+b`, `unknown`, or `emergency:<category>`.
    pub label: &'static str,
    /// `fr` or `en`.
    pub lang: &'static str,
    /// How it is written (`typo`, `negated`, `third_person`…).
    pub kind: &'static str,
}

impl Question {
    /// The part the fixed rule puts it in.
    pub fn part(&self) -> Part {
        let hash = self.text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        if hash % 10 < 3 {
            Part::Test
        } else {
            Part::Training
        }
    }

    /// Whether it is an emergency.
    pub fn is_emergency(&self) -> bool {
        self.label.starts_with(EMERGENCY)
    }

    /// The emergency category it names, if one.
    pub fn category(&self) -> Option<&'static str> {
        self.label.strip_prefix("emergency:")
    }

    /// The label an answer is compared with (`emergency` for any category).
    pub fn expected(&self) -> &'static str {
        if self.is_emergency() {
            EMERGENCY
        } else {
            self.label
        }
    }
}

/// Every question of `questions.tsv`.
pub fn questions() -> Vec<Question> {
    read(QUESTIONS)
}

/// Every question of `fresh.tsv`.
pub fn fresh() -> Vec<Question> {
    read(FRESH)
}

/// Every question of `dev.tsv`.
pub fn dev() -> Vec<Question> {
    read(DEV)
}

fn read(text: &'static str) -> Vec<Question> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some(Question {
                text: cols.next()?,
                label: cols.next()?,
                lang: cols.next()?,
                kind: cols.next().unwrap_or("plain"),
            })
        })
        .collect()
}

/// The questions of one part.
pub fn part(part: Part) -> Vec<Question> {
    questions()
        .into_iter()
        .filter(|q| q.part() == part)
        .collect()
}

/// The examples of `training.tsv`.
pub fn extra_examples() -> Vec<(&'static str, &'static str)> {
    TRAINING
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .collect()
}

/// The training part as (question, intent) examples for the classifier:
/// one intent each (two-topic messages and emergencies are not examples of
/// one intent); then `training.tsv`.
pub fn training_examples() -> Vec<(&'static str, &'static str)> {
    part(Part::Training)
        .into_iter()
        .filter(|q| !q.is_emergency() && !q.label.contains('+'))
        .map(|q| (q.text, q.label))
        .chain(extra_examples())
        .collect()
}

/// The folds of a `folds`-fold cross-validation on the training part: each
/// is an assistant trained without one fold (on the other folds' one-intent
/// questions and `training.tsv`) and the questions of the fold it left out,
/// every `folds`-th question. Nothing of the test part is read.
pub fn folds(
    folds: usize,
    settings: super::classifier::Settings,
) -> crate::error::DomainResult<Vec<(Assistant, Vec<Question>)>> {
    let training = part(Part::Training);
    (0..folds)
        .map(|fold| {
            let (held, kept): (Vec<_>, Vec<_>) = training
                .iter()
                .enumerate()
                .partition(|(i, _)| i % folds == fold);
            let extra: Vec<(&str, &str)> = kept
                .iter()
                .filter(|(_, q)| !q.is_emergency() && !q.label.contains('+'))
                .map(|(_, q)| (q.text, q.label))
                .chain(extra_examples())
                .collect();
            let model = Assistant::builtin_with(&extra, settings)?;
            Ok((model, held.into_iter().map(|(_, q)| *q).collect()))
        })
        .collect()
}

/// Right and asked, for a share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub right: usize,
    pub asked: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.right += usize::from(right);
        self.asked += 1;
    }

    /// The share right, 0–1 (1 when nothing was asked).
    pub fn share(&self) -> f64 {
        if self.asked == 0 {
            1.0
        } else {
            self.right as f64 / self.asked as f64
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.1} % ({} of {})",
            self.share() * 100.0,
            self.right,
            self.asked
        )
    }
}

/// How the assistant did on a set of questions.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Right answers (intent, `unknown` or emergency) per language.
    pub by_language: BTreeMap<&'static str, Tally>,
    /// Right answers per expected label (`emergency` for all categories).
    pub by_label: BTreeMap<&'static str, Tally>,
    /// Emergencies that got the emergency answer.
    pub emergency_recall: Tally,
    /// Emergencies whose own category was among the flags.
    pub emergency_category: Tally,
    /// Non-emergencies that got the emergency answer (`right` counts them).
    pub false_alarms: Tally,
    /// Answers "not understood" that were off topic indeed.
    pub off_topic_precision: Tally,
    /// Off-topic questions answered "not understood".
    pub off_topic_recall: Tally,
    /// The questions answered wrongly: (question, expected, answered).
    pub misses: Vec<(Question, String)>,
    /// Time to understand each question.
    pub times: Vec<Duration>,
}

impl Report {
    /// Adds another report's answers (folds of a cross-validation).
    pub fn merge(&mut self, other: Report) {
        let sum = |a: &mut Tally, b: Tally| {
            a.right += b.right;
            a.asked += b.asked;
        };
        for (lang, tally) in other.by_language {
            sum(self.by_language.entry(lang).or_default(), tally);
        }
        for (label, tally) in other.by_label {
            sum(self.by_label.entry(label).or_default(), tally);
        }
        sum(&mut self.emergency_recall, other.emergency_recall);
        sum(&mut self.emergency_category, other.emergency_category);
        sum(&mut self.false_alarms, other.false_alarms);
        sum(&mut self.off_topic_precision, other.off_topic_precision);
        sum(&mut self.off_topic_recall, other.off_topic_recall);
        self.misses.extend(other.misses);
        self.times.extend(other.times);
    }

    /// All languages together.
    pub fn overall(&self) -> Tally {
        self.by_language
            .values()
            .fold(Tally::default(), |a, t| Tally {
                right: a.right + t.right,
                asked: a.asked + t.asked,
            })
    }
}

/// Replays `questions` through `assistant`.
pub fn evaluate(assistant: &Assistant, questions: &[Question]) -> Report {
    let mut report = Report::default();
    for q in questions {
        let started = Instant::now();
        let understood = assistant.understand(q.text);
        report.times.push(started.elapsed());
        let answered = understood.label();
        let right = answered == q.expected();
        report.by_language.entry(q.lang).or_default().add(right);
        report.by_label.entry(q.expected()).or_default().add(right);
        if !right {
            report.misses.push((*q, answered.clone()));
        }
        let alarmed = matches!(understood, Understood::Emergency(_));
        if q.is_emergency() {
            report.emergency_recall.add(alarmed);
            let category = match (&understood, q.category()) {
                (Understood::Emergency(codes), Some(c)) => codes.iter().any(|x| x == c),
                _ => false,
            };
            report.emergency_category.add(category);
        } else {
            report.false_alarms.add(alarmed);
        }
        let off_topic = q.label == super::UNKNOWN;
        if answered == super::UNKNOWN {
            report.off_topic_precision.add(off_topic);
        }
        if off_topic {
            report.off_topic_recall.add(answered == super::UNKNOWN);
        }
    }
    report
}
