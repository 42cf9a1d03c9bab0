//! A clause as the detector reads it, and where a rule's phrases occur in
//! it.

use super::index::{Hits, Vocabulary};
use super::words::{gestation_at, infant_at, many_at};
use super::{Phrase, Word};

/// A clause's words, with the vocabulary entries each matches.
pub(super) struct Clause {
    pub(super) words: Vec<String>,
    pub(super) hits: Vec<Hits>,
}

impl Clause {
    pub(super) fn read(words: Vec<String>, vocabulary: &Vocabulary) -> Self {
        let hits = words.iter().map(|w| vocabulary.hits(w)).collect();
        Self { words, hits }
    }
}

/// Whether every group has a phrase whose words all occur in `seen`.
pub(super) fn possible(groups: &[Vec<Phrase>], seen: &Hits) -> bool {
    groups.iter().all(|group| {
        group.iter().any(|phrase| {
            phrase.iter().all(|word| match word {
                Word::Exact(id) | Word::Stem(id) => seen.has(*id),
                Word::Infant | Word::Many | Word::Gestation => true,
            })
        })
    })
}

/// Where any of `group`'s phrases occurs in `clause`: (first word, last word).
pub(super) fn occurrences(group: &[Phrase], clause: &Clause) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..clause.words.len() {
        for phrase in group {
            if let Some(len) = phrase_at(phrase, clause, i) {
                out.push((i, i + len - 1));
                break;
            }
        }
    }
    out
}

/// How many words `phrase` takes at `clause[i..]`, if it is there.
fn phrase_at(phrase: &[Word], clause: &Clause, i: usize) -> Option<usize> {
    let mut at = i;
    for word in phrase {
        let taken = match word {
            Word::Infant => infant_at(&clause.words, at)?,
            Word::Many => many_at(&clause.words, at)?,
            Word::Gestation => gestation_at(&clause.words, at)?,
            Word::Exact(id) | Word::Stem(id) => usize::from(clause.hits.get(at)?.has(*id)),
        };
        if taken == 0 {
            return None;
        }
        at += taken;
    }
    Some(at - i)
}
