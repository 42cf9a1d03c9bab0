//! ICD-10 codes as a diagnosis carries them: a letter, two digits, and an
//! optional subdivision after a dot (`I10`, `J11.1`, `E11.65`). The code is
//! optional on a record; when given it must have this shape.

/// `raw` as a well-formed ICD-10 code (upper case, trimmed), or `None`.
pub fn normalize(raw: &str) -> Option<String> {
    let code = raw.trim().to_ascii_uppercase();
    let (category, subdivision) = match code.split_once('.') {
        Some((category, sub)) => (category, Some(sub)),
        None => (code.as_str(), None),
    };
    let mut chars = category.chars();
    let shaped = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && category.len() == 3
        && chars.all(|c| c.is_ascii_digit() || c == 'A' || c == 'B');
    let sub_ok = subdivision
        .is_none_or(|s| (1..=4).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric()));
    (shaped && sub_ok).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn accepts_the_shapes_in_use() {
        assert_eq!(normalize("i10").as_deref(), Some("I10"));
        assert_eq!(normalize(" J11.1 ").as_deref(), Some("J11.1"));
        assert_eq!(normalize("E11.65").as_deref(), Some("E11.65"));
        assert_eq!(normalize("U07.1").as_deref(), Some("U07.1"));
    }

    #[test]
    fn refuses_what_is_not_a_code() {
        for raw in [
            "",
            "I1",
            "110",
            "I10.",
            "I10.12345",
            "hypertension",
            "I1O",
            "I10-1",
        ] {
            assert_eq!(normalize(raw), None, "{raw}");
        }
    }
}
