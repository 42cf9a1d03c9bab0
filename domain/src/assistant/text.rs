//! Questions as the scorer reads them: lower case without accents, words
//! without punctuation or the commonest little words, and the character
//! trigrams of each word, so that a typo ("rendevous") still shares most of
//! its trigrams with the word meant.

use crate::symptoms::triage::fold;

/// Words too common to tell intents apart (French and English).
const STOPWORDS: &[&str] = &[
    "a", "au", "aux", "de", "des", "du", "d", "la", "le", "les", "l", "un", "une", "et", "je", "j",
    "tu", "il", "elle", "on", "nous", "vous", "me", "m", "mon", "ma", "mes", "ton", "ta", "tes",
    "se", "s", "ce", "c", "est", "en", "y", "pour", "par", "sur", "avec", "qu", "que", "qui", "ne",
    "pas", "the", "an", "of", "to", "for", "on", "in", "at", "is", "are", "i", "my", "me", "you",
    "your", "it", "do", "does", "can", "please", "s", "m", "ve", "d",
    // Question words and intensifiers: in every kind of question alike.
    "what", "how", "which", "like", "quel", "quelle", "quels", "quelles", "comment", "beaucoup",
    "bcp", "tres", "much", "so", "lot", "really", "vraiment",
];

/// Folds and splits a text into its meaningful words.
pub fn words(text: &str) -> Vec<String> {
    let folded = fold(text).replace('œ', "oe").replace('æ', "ae");
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .map(str::to_owned)
        .collect()
}

/// The features of a text: its words, and each word's trigrams (with `^`
/// and `$` marking the word's ends), trigram features prefixed by `#`.
pub fn features(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in words(text) {
        let marked: Vec<char> = format!("^{word}$").chars().collect();
        for window in marked.windows(3) {
            out.push(format!("#{}", window.iter().collect::<String>()));
        }
        out.push(word);
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_accents_and_drop_little_words() {
        assert_eq!(words("Où sont mes rendez-vous ?"), ["ou", "sont", "rendez"]);
        assert_eq!(words("Je veux annuler"), ["veux", "annuler"]);
    }

    #[test]
    fn a_typo_keeps_most_trigrams() {
        let right: Vec<String> = features("rendezvous");
        let typo: Vec<String> = features("rendevous");
        let shared = typo.iter().filter(|f| right.contains(f)).count();
        assert!(shared * 2 > typo.len(), "{shared} of {}", typo.len());
    }

    #[test]
    fn languages_tell_apart() {
        assert_eq!(
            looks_french("Comment annuler mon rendez-vous ?"),
            Some(true)
        );
        assert_eq!(looks_french("How do I cancel my appointment?"), Some(false));
        assert_eq!(looks_french("ok"), None);
    }
}
