//! Text as the red-flag rules read it: folded to lower case without accents,
//! English contractions opened, cut into clauses, then into words; and the
//! way one written word matches a word of the rules (typos allowed).

use crate::symptoms::triage::fold;

/// Opens English contractions so that "can't", "cant" and "cannot" read
/// alike, and "don't" reads "do not" (a negation word of its own).
fn opened(token: &str) -> &'static [&'static str] {
    match token {
        "cant" => &["cannot"],
        "dont" => &["do", "not"],
        "doesnt" => &["does", "not"],
        "didnt" => &["did", "not"],
        "isnt" => &["is", "not"],
        "wasnt" => &["was", "not"],
        "arent" => &["are", "not"],
        "werent" => &["were", "not"],
        "havent" => &["have", "not"],
        "hasnt" => &["has", "not"],
        "hadnt" => &["had", "not"],
        "couldnt" => &["could", "not"],
        "wouldnt" => &["would", "not"],
        "shouldnt" => &["should", "not"],
        "wont" => &["will", "not"],
        "aint" => &["is", "not"],
        _ => &[],
    }
}

/// The clauses of a text, each as its words. Clauses end at `. ! ? ;` and
/// line breaks, and before any word of `breaks` ("mais", "but").
pub fn clauses(text: &str, breaks: &[String]) -> Vec<Vec<String>> {
    let folded = fold(text)
        .replace('œ', "oe")
        .replace('æ', "ae")
        .replace("can't", "cannot")
        .replace("won't", "will not")
        .replace("n't", " not");
    let mut out = Vec::new();
    for sentence in folded.split(['.', '!', '?', ';', '\n']) {
        let mut clause: Vec<String> = Vec::new();
        for raw in sentence
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if breaks.iter().any(|b| b == raw) {
                if !clause.is_empty() {
                    out.push(std::mem::take(&mut clause));
                }
                continue;
            }
            match opened(raw) {
                [] => clause.push(raw.to_owned()),
                words => clause.extend(words.iter().map(|w| (*w).to_owned())),
            }
        }
        if !clause.is_empty() {
            out.push(clause);
        }
    }
    out
}

/// Typos a word of the rules tolerates: none under five letters, one from
/// five, two from nine.
fn tolerance(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether `token` is the rules' `word`, give or take a typo; four-letter
/// words allow two letters swapped ("pian"), and a French "j" glued in
/// front is read apart ("jarrive", "jetouffe").
pub fn same_word(word: &str, token: &str) -> bool {
    close(word, token)
        || token
            .strip_prefix('j')
            .is_some_and(|rest| rest.len() >= 4 && close(word, rest))
}

/// A lower bound of the edit distance (insertions, deletions,
/// substitutions, swaps of neighbours) between `a` and `b`, cheap enough to
/// rule most pairs out before computing it: each edit changes the letters'
/// counts by at most two, so half the letters one has and the other lacks
/// is a bound (letters counted in 64 buckets: sharing a bucket only lowers
/// it). No typo allowance exceeds two, so a bound above two is as good as
/// exact.
fn distance_at_least(a: &str, b: &str) -> usize {
    // First the letters present at all (one bit each): an edit adds or
    // removes at most two of them.
    let letters = |s: &str| s.chars().fold(0u64, |m, c| m | 1 << ((c as u32) & 63));
    let present = (letters(a) ^ letters(b)).count_ones() as usize;
    if present > 4 {
        return present.div_ceil(2);
    }
    let mut counts = [0i16; 64];
    for c in a.chars() {
        counts[(c as usize) & 63] += 1;
    }
    for c in b.chars() {
        counts[(c as usize) & 63] -= 1;
    }
    let unshared: usize = counts.iter().map(|n| usize::from(n.unsigned_abs())).sum();
    unshared.div_ceil(2)
}

/// Letters in `s` (folded text is mostly ASCII: its length then).
fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

fn close(word: &str, token: &str) -> bool {
    if word == token {
        return true;
    }
    let (w, t) = (char_len(word), char_len(token));
    // Under five letters either side, only two letters swapped in a
    // four-letter word are read as a typo.
    if w.min(t) < 5 && !(w == 4 && t == 4) {
        return false;
    }
    if w.abs_diff(t) > 2 || token.bytes().any(|c| c.is_ascii_digit()) {
        return false;
    }
    if w == 4 && t == 4 {
        let (mut a, mut b): (Vec<char>, Vec<char>) =
            (word.chars().collect(), token.chars().collect());
        let swapped = strsim::osa_distance(word, token) == 1;
        a.sort_unstable();
        b.sort_unstable();
        return swapped && a == b;
    }
    // No typo reading in words under five letters either side ("fait" is
    // not "faint").
    let allowed = tolerance(w.min(t));
    allowed > 0
        && w.abs_diff(t) <= allowed
        && distance_at_least(word, token) <= allowed
        && strsim::osa_distance(word, token) <= allowed
}

/// Whether `token` starts with the rules' `stem`, give or take a typo in
/// the stem.
pub fn has_stem(stem: &str, token: &str) -> bool {
    stem_of(stem, token)
        || token
            .strip_prefix('j')
            .is_some_and(|rest| rest.len() >= 4 && stem_of(stem, rest))
}

fn stem_of(stem: &str, token: &str) -> bool {
    if token.starts_with(stem) {
        return true;
    }
    let n = char_len(stem);
    let allowed = tolerance(n).min(1);
    if allowed == 0 || char_len(token) + 1 < n {
        return false;
    }
    // The token's first n letters, or n - 1 or n + 1 of them (a letter
    // dropped or doubled inside the stem).
    (n - 1..=n + 1).any(|k| {
        let end = token.char_indices().nth(k).map_or(token.len(), |(i, _)| i);
        let head = &token[..end];
        char_len(head) == k
            && distance_at_least(stem, head) <= allowed
            && strsim::osa_distance(stem, head) <= allowed
    })
}

/// A large amount, as people write it: a number from 8, or "vingt",
/// "dozens", "a load of", "une poignée".
pub fn many_at(tokens: &[String], i: usize) -> Option<usize> {
    let t = tokens.get(i)?.as_str();
    if t.parse::<u32>().is_ok_and(|n| n >= 8) {
        return Some(1);
    }
    const MANY: &[&str] = &[
        "dix",
        "quinze",
        "vingt",
        "trente",
        "quarante",
        "cinquante",
        "cent",
        "ten",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "hundred",
        "dozen",
        "dozens",
        "douzaine",
        "douzaines",
        "plein",
        "tons",
        "loads",
    ];
    MANY.contains(&t).then_some(1)
}

/// A number written as people write small ones, in digits or in words.
pub fn small_number(token: &str) -> Option<u32> {
    if let Ok(n) = token.parse::<u32>() {
        return Some(n);
    }
    let n = match token {
        "un" | "une" | "one" | "a" => 1,
        "deux" | "two" => 2,
        "trois" | "three" => 3,
        "quatre" | "four" => 4,
        "cinq" | "five" => 5,
        "six" => 6,
        "sept" | "seven" => 7,
        "huit" | "eight" => 8,
        "neuf" | "nine" => 9,
        "dix" | "ten" => 10,
        _ => return None,
    };
    Some(n)
}

/// A stage of pregnancy written as weeks ("34 weeks", "28 SA"): 12 to 42
/// weeks, not followed by "old" or "ago" (an age or a duration).
pub fn gestation_at(tokens: &[String], i: usize) -> Option<usize> {
    let n = tokens.get(i)?.parse::<u32>().ok()?;
    let unit = tokens.get(i + 1)?.as_str();
    let after = tokens.get(i + 2).map(String::as_str);
    let weeks = matches!(unit, "weeks" | "week" | "semaines" | "sa" | "wks");
    ((12..=42).contains(&n) && weeks && !matches!(after, Some("old" | "ago"))).then_some(2)
}

/// Words of a baby under three months at `tokens[i..]`: "nouveau-né",
/// "newborn", or an age ("2 mois", "6 semaines", "10 days"); the number of
/// words it takes.
pub fn infant_at(tokens: &[String], i: usize) -> Option<usize> {
    let t = |k: usize| tokens.get(i + k).map(String::as_str);
    match (t(0), t(1)) {
        (Some("nouveau" | "nouvelle" | "new"), Some("ne" | "nee" | "born")) => return Some(2),
        (Some("newborn" | "nouveaune" | "neonate" | "neonat" | "nouveau_ne"), _) => return Some(1),
        _ => {}
    }
    let n = small_number(t(0)?)?;
    let young = match t(1)? {
        "mois" | "month" | "months" => n < 3,
        "semaine" | "semaines" | "sem" | "week" | "weeks" | "wk" | "wks" => n < 13,
        "jour" | "jours" | "j" | "day" | "days" => n < 90,
        _ => false,
    };
    // An age, not a duration ("2 jours de fièvre"): "old" after it, or a
    // baby or a child named just before it.
    const CHILD: &[&str] = &[
        "bebe",
        "bebes",
        "bb",
        "baby",
        "babies",
        "fils",
        "fille",
        "enfant",
        "son",
        "daughter",
        "nourrisson",
        "infant",
        "child",
        "kid",
        "petit",
        "petite",
        "niece",
        "neveu",
        "nephew",
    ];
    let old = t(2) == Some("old");
    let named = tokens[i.saturating_sub(3)..i]
        .iter()
        .any(|w| CHILD.contains(&w.as_str()));
    (young && (old || named)).then_some(if old { 3 } else { 2 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The quick bound never exceeds the edit distance it stands for, so
        /// it rules out only pairs the distance would rule out too.
        #[test]
        fn the_letter_count_bound_is_a_lower_bound(a in "[a-zéèàç]{0,12}", b in "[a-zéèàç]{0,12}") {
            prop_assert!(distance_at_least(&a, &b) <= strsim::osa_distance(&a, &b));
        }
    }

    #[test]
    fn contractions_open_and_clauses_break() {
        let breaks = vec!["mais".to_owned(), "but".to_owned()];
        let c = clauses("I can't breathe. No fever but I don't feel well", &breaks);
        assert_eq!(
            c,
            vec![
                vec!["i", "cannot", "breathe"],
                vec!["no", "fever"],
                vec!["i", "do", "not", "feel", "well"],
            ]
        );
        let c = clauses("Pas de fièvre, mais j'étouffe", &breaks);
        assert_eq!(c, vec![vec!["pas", "de", "fievre"], vec!["j", "etouffe"]]);
    }

    #[test]
    fn typos_match_but_short_words_must_be_exact() {
        assert!(same_word("poitrine", "poitrinne"));
        assert!(same_word("respirer", "respirrer"));
        assert!(!same_word("mal", "mai"));
        assert!(!same_word("poitrine", "potiron"));
        assert!(has_stem("respir", "respiration"));
        assert!(has_stem("respir", "resspire"));
        assert!(!has_stem("respir", "resp"));
    }

    #[test]
    fn swaps_glued_j_and_large_amounts() {
        assert!(same_word("pain", "pian"));
        assert!(!same_word("pain", "paid"));
        assert!(same_word("arrive", "jarive"));
        assert!(has_stem("etouff", "jetouffe"));
        assert!(has_stem("seizure", "seizre"));
        let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(many_at(&words("pris 20 comprimes"), 1), Some(1));
        assert_eq!(many_at(&words("pris 2 comprimes"), 1), None);
        assert_eq!(many_at(&words("une douzaine"), 1), Some(1));
    }

    #[test]
    fn babies_under_three_months() {
        let words = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(infant_at(&words("mon bebe de 2 mois"), 3), Some(2));
        assert_eq!(infant_at(&words("ma fille deux mois"), 2), Some(2));
        assert_eq!(infant_at(&words("my 6 weeks old"), 1), Some(3));
        assert_eq!(infant_at(&words("nouveau ne"), 0), Some(2));
        assert_eq!(infant_at(&words("mon bebe de 8 mois"), 3), None);
        assert_eq!(infant_at(&words("my 3 months old"), 1), None);
        assert_eq!(infant_at(&words("my son 15 weeks"), 2), None);
        // A duration is not an age.
        assert_eq!(infant_at(&words("depuis 2 jours de fievre"), 1), None);
    }
}
