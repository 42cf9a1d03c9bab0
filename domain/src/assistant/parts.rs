//! How a message is cut before it is classified: the politeness around
//! it, the parts where it passes to another topic, and the clause of a
//! long message that asks.

use super::classifier::tokens;
use super::{Assistant, NOT_A_TOPIC, OFF_TOPIC};

impl Assistant {
    /// `words` without the politeness around them.
    pub(super) fn unwrapped<'a>(&self, mut words: &'a [String]) -> &'a [String] {
        'strip: loop {
            for phrase in &self.politeness {
                if words.len() > phrase.len() || words.len() == phrase.len() {
                    if words.starts_with(phrase) {
                        words = &words[phrase.len()..];
                        continue 'strip;
                    }
                    if words.ends_with(phrase) {
                        words = &words[..words.len() - phrase.len()];
                        continue 'strip;
                    }
                }
            }
            return words;
        }
    }

    /// The parts of a message where it passes from one topic to another:
    /// sentences and `topic_breaks`, and with `commas` its clauses too.
    pub(super) fn parts(&self, question: &str, commas: bool) -> Vec<Vec<String>> {
        let mut parts = Vec::new();
        let ends = |c: char| matches!(c, '.' | '?' | '!' | ';' | '\n') || (commas && c == ',');
        for sentence in question.split(ends) {
            let words = tokens(sentence);
            let mut current: Vec<String> = Vec::new();
            let mut i = 0;
            'words: while i < words.len() {
                for phrase in &self.breaks {
                    if words[i..].starts_with(phrase) {
                        if !current.is_empty() {
                            parts.push(std::mem::take(&mut current));
                        }
                        i += phrase.len();
                        continue 'words;
                    }
                }
                current.push(words[i].clone());
                i += 1;
            }
            if !current.is_empty() {
                parts.push(current);
            }
        }
        parts
    }

    /// The clause of `question` most surely of an intent that can be a
    /// topic (from the topic threshold), if one: (intent, probability,
    /// its words).
    pub(super) fn surest_clause(&self, question: &str) -> Option<(usize, f32, String)> {
        let mut best: Option<(usize, f32, String)> = None;
        for part in self.parts(question, true) {
            let words = self.unwrapped(&part);
            if words.len() < 3 {
                continue;
            }
            let Some((j, q)) = self.decide(words) else {
                continue;
            };
            let intent = &self.intents[j];
            let topic = !intent.social
                && intent.name != OFF_TOPIC
                && !NOT_A_TOPIC.contains(&intent.name.as_str());
            if topic && q >= self.topic_threshold && best.as_ref().is_none_or(|b| q > b.1) {
                best = Some((j, q, words.join(" ")));
            }
        }
        best
    }
}
