//! Which language a question is written in, and a question without some
//! of its words.

/// Whether the text reads as French rather than English (by their little
/// words and accents); `None` when nothing tells.
pub fn looks_french(text: &str) -> Option<bool> {
    const FR: &[&str] = &[
        "je", "j", "le", "la", "les", "mon", "ma", "mes", "est", "un", "une", "de", "des", "pour",
        "comment", "bonjour", "merci", "quel", "quelle", "quels", "vous", "avec", "pas", "rendez",
        "rdv", "ai", "suis",
    ];
    const EN: &[&str] = &[
        "i", "the", "my", "is", "a", "an", "how", "what", "hello", "thanks", "you", "with", "can",
        "do", "where", "when", "have", "am", "want", "need",
    ];
    let lower = text.to_lowercase();
    let accented = lower.chars().any(|c| "éèêàâçôûùîï".contains(c));
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let fr = tokens.iter().filter(|w| FR.contains(w)).count() + usize::from(accented) * 2;
    let en = tokens.iter().filter(|w| EN.contains(w)).count();
    match fr.cmp(&en) {
        std::cmp::Ordering::Greater => Some(true),
        std::cmp::Ordering::Less => Some(false),
        std::cmp::Ordering::Equal => None,
    }
}

/// `text` without the words of `quiet` (folded), its punctuation kept.
pub fn without_words(text: &str, quiet: &[String]) -> String {
    if quiet.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let folded = crate::symptoms::triage::fold(word);
            if !quiet.contains(&folded) {
                out.push_str(word);
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_tell_apart() {
        assert_eq!(
            looks_french("Comment annuler mon rendez-vous ?"),
            Some(true)
        );
        assert_eq!(looks_french("How do I cancel my appointment?"), Some(false));
        assert_eq!(looks_french("ok"), None);
    }

    #[test]
    fn words_leave_with_their_accents_and_case() {
        let quiet = ["douleur".to_owned(), "poitrine".to_owned()];
        assert_eq!(
            without_words("Pas de Douleur à la poitrine, un rdv ?", &quiet),
            "Pas de  à la , un rdv ?"
        );
        assert_eq!(without_words("rien à enlever", &[]), "rien à enlever");
    }
}
