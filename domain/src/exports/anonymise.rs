//! What makes an export anonymous: a pseudonym per patient that holds within
//! one export and differs across exports, dates shifted per patient or
//! rounded, free text scrubbed, and k-anonymity over the quasi-identifiers
//! (age band, sex, postcode area).

use std::collections::{HashMap, HashSet};

use hmac::{Hmac, KeyInit, Mac};
use jiff::civil::{Date, Weekday};
use sha1::Sha1;

use super::{AgeBand, DatePrecision};
use crate::accounts::UserId;

/// Days a shifted date moves at most, either way.
pub const MAX_SHIFT_DAYS: i64 = 30;

/// Draws pseudonyms and shifts from one export's secret.
#[derive(Clone)]
pub struct Pseudonyms {
    mac: Hmac<Sha1>,
}

impl Pseudonyms {
    /// From the export's secret (random, kept with the job).
    pub fn new(secret: &str) -> Self {
        Self {
            mac: Hmac::new_from_slice(secret.as_bytes()).expect("HMAC takes any key"),
        }
    }

    fn draw(&self, what: &str, patient: UserId) -> [u8; 20] {
        let mut mac = self.mac.clone();
        mac.update(what.as_bytes());
        mac.update(&patient.to_be_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The patient's pseudonym in this export: `P-` and 16 hex digits.
    pub fn of(&self, patient: UserId) -> String {
        let bytes = self.draw("pseudonym", patient);
        let mut out = String::with_capacity(18);
        out.push_str("P-");
        for b in &bytes[..8] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    /// A doctor's pseudonym in this export: `D-` and 16 hex digits.
    pub fn doctor(&self, doctor: UserId) -> String {
        let bytes = self.draw("doctor", doctor);
        let mut out = String::with_capacity(18);
        out.push_str("D-");
        for b in &bytes[..8] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    /// The days the patient's dates move (from -30 to 30), the same for
    /// every row of theirs so intervals hold.
    pub fn shift_days(&self, patient: UserId) -> i64 {
        let bytes = self.draw("shift", patient);
        let n = u16::from_be_bytes([bytes[0], bytes[1]]);
        i64::from(n % (2 * MAX_SHIFT_DAYS as u16 + 1)) - MAX_SHIFT_DAYS
    }

    /// `day` as the export writes it for `patient`.
    pub fn day(&self, precision: DatePrecision, patient: UserId, day: Date) -> Date {
        match precision {
            DatePrecision::Exact => day,
            DatePrecision::Shifted => day
                .checked_add(jiff::Span::new().days(self.shift_days(patient)))
                .unwrap_or(day),
            DatePrecision::Week => {
                let back = i64::from(day.weekday().to_monday_zero_offset());
                day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
            }
            DatePrecision::Month => day.first_of_month(),
        }
    }
}

/// Whether `day` is a Monday (for tests and the week rounding).
pub fn is_monday(day: Date) -> bool {
    day.weekday() == Weekday::Monday
}

/// A patient's quasi-identifiers: what, together, could single them out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuasiIdentifiers {
    pub age_band: Option<AgeBand>,
    pub sex: Option<String>,
    /// The postcode's first two characters (a French département).
    pub postcode_area: Option<String>,
}

/// The area of a postcode: its first two characters.
pub fn postcode_area(postcode: &str) -> Option<String> {
    let code: String = postcode.chars().filter(|c| !c.is_whitespace()).collect();
    (code.chars().count() >= 2).then(|| code.chars().take(2).collect())
}

/// The patients k-anonymity leaves out: those whose quasi-identifiers fewer
/// than `k` of the exported patients share.
pub fn suppressed(patients: &HashMap<UserId, QuasiIdentifiers>, k: u32) -> HashSet<UserId> {
    let mut sizes: HashMap<&QuasiIdentifiers, u32> = HashMap::new();
    for qi in patients.values() {
        *sizes.entry(qi).or_default() += 1;
    }
    patients
        .iter()
        .filter(|(_, qi)| sizes[qi] < k)
        .map(|(id, _)| *id)
        .collect()
}

/// Free text with what may identify someone replaced: e-mail addresses,
/// phone numbers and identifier-like numbers (five digits or more), and
/// the words of `names` (folded to lower case, without accents).
pub fn scrub(text: &str, names: &HashSet<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '+' {
            // A run of number-like characters, spaces allowed inside.
            if c.is_ascii_digit()
                || (c == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
            {
                let mut end = i;
                let mut digits = 0;
                let mut j = i;
                while j < chars.len() {
                    let d = chars[j];
                    if d.is_ascii_digit() {
                        digits += 1;
                        end = j + 1;
                    } else if !matches!(d, ' ' | '.' | '-' | '/' | '+' | '(' | ')') {
                        break;
                    }
                    j += 1;
                }
                let glued = chars.get(end).is_some_and(|c| c.is_alphabetic());
                if digits >= 5 && !glued {
                    out.push_str("[numéro]");
                } else {
                    out.extend(&chars[i..end]);
                }
                i = end;
                continue;
            }
            // A word, or an e-mail address.
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || matches!(chars[j], '@' | '.' | '_' | '-' | '+'))
            {
                j += 1;
            }
            // Trailing dots and dashes are punctuation.
            while j > i + 1 && matches!(chars[j - 1], '.' | '-') {
                j -= 1;
            }
            let chunk: String = chars[i..j].iter().collect();
            if chunk.contains('@') && chunk.contains('.') {
                out.push_str("[e-mail]");
            } else {
                for word in split_keep(&chunk) {
                    if word.chars().all(char::is_alphabetic)
                        && names.contains(&crate::symptoms::triage::fold(word))
                    {
                        out.push_str("[nom]");
                    } else {
                        out.push_str(word);
                    }
                }
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `jean-pierre.dupont` as `jean`, `-`, `pierre`, `.`, `dupont`.
fn split_keep(chunk: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, c) in chunk.char_indices() {
        if !c.is_alphanumeric() {
            if start < at {
                parts.push(&chunk[start..at]);
            }
            parts.push(&chunk[at..at + c.len_utf8()]);
            start = at + c.len_utf8();
        }
    }
    if start < chunk.len() {
        parts.push(&chunk[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn pseudonyms_hold_within_an_export_and_differ_across() {
        let a = Pseudonyms::new("first export");
        let b = Pseudonyms::new("second export");
        assert_eq!(a.of(7), a.of(7));
        assert_ne!(a.of(7), a.of(8));
        assert_ne!(a.of(7), b.of(7));
        assert_eq!(a.of(7).len(), 18);
        assert!((-30..=30).contains(&a.shift_days(7)));
        let shifts: HashSet<i64> = (0..200).map(|p| a.shift_days(p)).collect();
        assert!(shifts.len() > 30, "shifts are spread");
    }

    #[test]
    fn dates_shift_per_patient_or_round() {
        let p = Pseudonyms::new("s");
        let day = date(2026, 3, 18);
        let shifted = p.day(DatePrecision::Shifted, 3, day);
        let later = p.day(DatePrecision::Shifted, 3, date(2026, 3, 25));
        assert_eq!((later - shifted).get_days(), 7, "intervals hold");
        assert_eq!(p.day(DatePrecision::Month, 3, day), date(2026, 3, 1));
        let week = p.day(DatePrecision::Week, 3, day);
        assert!(is_monday(week) && week <= day && (day - week).get_days() < 7);
        assert_eq!(p.day(DatePrecision::Exact, 3, day), day);
    }

    #[test]
    fn small_groups_are_suppressed() {
        let qi = |band: u8, sex: &str, area: &str| QuasiIdentifiers {
            age_band: Some(AgeBand(band)),
            sex: Some(sex.to_owned()),
            postcode_area: Some(area.to_owned()),
        };
        let mut patients = HashMap::new();
        for id in 0..5 {
            patients.insert(id, qi(30, "female", "75"));
        }
        patients.insert(10, qi(30, "male", "75"));
        patients.insert(11, qi(85, "female", "13"));
        let out = suppressed(&patients, 5);
        assert_eq!(out, HashSet::from([10, 11]));
        assert!(suppressed(&patients, 1).is_empty());
        assert_eq!(postcode_area("75 011").as_deref(), Some("75"));
        assert_eq!(postcode_area("7"), None);
    }

    #[test]
    fn free_text_loses_names_contacts_and_identifiers() {
        let names: HashSet<String> = ["marie", "dupont", "lefebvre"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        let text = "Mme Marie Dupont (marie.dupont@example.fr, 06 12 34 56 78) vue le 3/4, \
                    NIR 2 84 05 75 123 456, douleur 7/10, Dr Lefebvre-Martin.";
        let out = scrub(text, &names);
        for gone in ["Marie", "Dupont", "example", "06 12", "123 456", "Lefebvre"] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
        for kept in [
            "Mme",
            "vue le 3/4",
            "douleur 7/10",
            "Martin",
            "[nom]",
            "[numéro]",
            "[e-mail]",
        ] {
            assert!(out.contains(kept), "{kept} lost in {out}");
        }
        assert_eq!(scrub("Élodie a 2 enfants", &names), "Élodie a 2 enfants");
        assert_eq!(scrub("+33 6 12 34 56 78", &names), "[numéro]");
    }
}
