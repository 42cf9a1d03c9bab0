//! The rules' vocabulary, indexed: every distinct word and stem of the
//! rules once, with what rules a written word out cheaply. A text is read
//! word by word against the vocabulary once ([`Vocabulary::hits`]), and
//! the rules then look their words up instead of comparing strings, so
//! a word shared by fifty rules is compared once per written word.
//!
//! The filters are necessary conditions of [`same_word`] and [`has_stem`]
//! (the tests check, against comparing with every word, that nothing they
//! rule out would have matched): a typo allowance is at most two edits, an
//! edit changes the set of letters present by at most two, and lengths
//! differ by at most the allowance.

use super::words::{has_stem, same_word};

/// Which vocabulary entries a written word matches: one bit per entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits(Box<[u64]>);

impl Hits {
    fn none(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)].into_boxed_slice())
    }

    fn set(&mut self, id: usize) {
        self.0[id / 64] |= 1 << (id % 64);
    }

    /// Whether entry `id` matched.
    pub fn has(&self, id: usize) -> bool {
        self.0[id / 64] & (1 << (id % 64)) != 0
    }

    /// Adds `other`'s matches.
    pub fn add(&mut self, other: &Hits) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }
}

/// One word or stem of the rules.
#[derive(Debug, Clone)]
struct Entry {
    text: String,
    stem: bool,
    /// Letters.
    chars: usize,
    /// The letters present (64 buckets).
    letters: u64,
}

/// The letters present in `s`, one bit per bucket of 64.
fn letters(s: &str) -> u64 {
    s.chars().fold(0u64, |m, c| m | 1 << ((c as u32) & 63))
}

/// Letters present in one set and not the other.
fn apart(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// The distinct words and stems of the rules.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    entries: Vec<Entry>,
}

impl Vocabulary {
    /// The id of `text` (a stem when `stem`), added if new.
    pub fn intern(&mut self, text: &str, stem: bool) -> usize {
        if let Some(id) = self
            .entries
            .iter()
            .position(|e| e.stem == stem && e.text == text)
        {
            return id;
        }
        self.entries.push(Entry {
            text: text.to_owned(),
            stem,
            chars: text.chars().count(),
            letters: letters(text),
        });
        self.entries.len() - 1
    }

    /// How many entries.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No matches at all.
    pub fn nothing(&self) -> Hits {
        Hits::none(self.entries.len())
    }

    /// The entries `token` matches, as comparing it with each would say.
    pub fn hits(&self, token: &str) -> Hits {
        let mut hits = self.nothing();
        let whole = Written::new(token);
        // A French "j" glued in front is read apart too ("jetouffe").
        let rest = token
            .strip_prefix('j')
            .filter(|rest| rest.len() >= 4)
            .map(Written::new);
        for (id, entry) in self.entries.iter().enumerate() {
            let possible =
                whole.may_match(entry) || rest.as_ref().is_some_and(|r| r.may_match(entry));
            let matched = possible
                && if entry.stem {
                    has_stem(&entry.text, token)
                } else {
                    same_word(&entry.text, token)
                };
            if matched {
                hits.set(id);
            }
        }
        hits
    }

    /// [`Self::hits`] by comparing with every entry (the definition).
    #[cfg(test)]
    pub fn hits_by_comparing(&self, token: &str) -> Hits {
        let mut hits = self.nothing();
        for (id, entry) in self.entries.iter().enumerate() {
            let matched = if entry.stem {
                has_stem(&entry.text, token)
            } else {
                same_word(&entry.text, token)
            };
            if matched {
                hits.set(id);
            }
        }
        hits
    }
}

/// A written word, as the filters read it.
struct Written {
    chars: usize,
    letters: u64,
    /// The letters present in its first k letters, for k = 0..=chars.
    heads: Vec<u64>,
}

impl Written {
    fn new(token: &str) -> Self {
        let mut heads = Vec::with_capacity(token.len() + 1);
        heads.push(0);
        let mut m = 0u64;
        for c in token.chars() {
            m |= 1 << ((c as u32) & 63);
            heads.push(m);
        }
        Self {
            chars: heads.len() - 1,
            letters: m,
            heads,
        }
    }

    /// False only when `entry` cannot match this word.
    fn may_match(&self, entry: &Entry) -> bool {
        if entry.stem {
            // The word starts with the stem, or with n - 1 to n + 1 letters
            // one edit from it.
            let n = entry.chars;
            if self.chars + 1 < n {
                return false;
            }
            (n.saturating_sub(1)..=n + 1)
                .filter_map(|k| self.heads.get(k))
                .any(|&head| apart(head, entry.letters) <= 2)
        } else {
            self.chars.abs_diff(entry.chars) <= 2 && apart(self.letters, entry.letters) <= 4
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vocabulary() -> Vocabulary {
        let mut v = Vocabulary::default();
        for w in [
            "poitrine",
            "respirer",
            "mal",
            "pain",
            "arrive",
            "seizure",
            "saigne",
            "inconscient",
        ] {
            v.intern(w, false);
        }
        for s in ["respir", "etouff", "seizure", "saign", "brul"] {
            v.intern(s, true);
        }
        v
    }

    #[test]
    fn the_same_word_is_interned_once_and_stems_apart() {
        let mut v = vocabulary();
        let n = v.len();
        assert_eq!(v.intern("poitrine", false), 0);
        assert_ne!(v.intern("poitrine", true), 0);
        assert_eq!(v.len(), n + 1);
    }

    #[test]
    fn typos_stems_and_glued_j_are_found() {
        let v = vocabulary();
        for token in [
            "poitrinne",
            "jetouffe",
            "resspire",
            "pian",
            "jarive",
            "seizre",
            "saignement",
            "brulure",
        ] {
            let hits = v.hits(token);
            assert_ne!(hits, v.nothing(), "{token}");
            assert_eq!(hits, v.hits_by_comparing(token), "{token}");
        }
    }

    proptest! {
        /// The filters never rule out a match: the index finds exactly what
        /// comparing with every entry finds, on the shipped vocabulary too.
        #[test]
        fn the_index_finds_what_comparing_finds(token in "j?[a-eilmnoprstuéè]{0,12}") {
            let v = vocabulary();
            prop_assert_eq!(v.hits(&token), v.hits_by_comparing(&token));
            let shipped = crate::red_flags::detector().vocabulary();
            prop_assert_eq!(shipped.hits(&token), shipped.hits_by_comparing(&token));
        }

        /// Every shipped word and stem with a typo in it.
        #[test]
        fn typos_of_the_shipped_words(pick in 0usize..10_000, at in 0usize..12, c in "[a-z]", edit in 0u8..4) {
            let shipped = crate::red_flags::detector().vocabulary();
            let entry = &shipped.entries[pick % shipped.len()];
            let mut chars: Vec<char> = entry.text.chars().collect();
            let at = at % (chars.len() + 1);
            let c = c.chars().next().unwrap_or('a');
            match edit {
                0 => chars.insert(at, c),
                1 if at < chars.len() => { chars.remove(at); }
                2 if at < chars.len() => chars[at] = c,
                _ if at + 1 < chars.len() => chars.swap(at, at + 1),
                _ => chars.push(c),
            }
            let token: String = chars.into_iter().collect();
            prop_assert_eq!(shipped.hits(&token), shipped.hits_by_comparing(&token));
            let glued = format!("j{token}");
            prop_assert_eq!(shipped.hits(&glued), shipped.hits_by_comparing(&glued));
        }
    }
}
