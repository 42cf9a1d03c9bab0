//! Phone numbers, checked against the national numbering plans (French by
//! default, so `06 12 34 56 78` is understood) and stored as E.164.

use crate::error::{DomainError, DomainResult};

/// `raw` as E.164 (`+33612345678`), or a validation error on `field`.
pub fn parse(field: &'static str, raw: &str) -> DomainResult<String> {
    let bad = || {
        DomainError::invalid(
            field,
            "invalid_phone",
            "not a valid phone number (e.g. +33 6 12 34 56 78)",
        )
    };
    if raw.chars().count() > 40 {
        return Err(bad());
    }
    let number = phonenumber::parse(Some(phonenumber::country::Id::FR), raw).map_err(|_| bad())?;
    if !number.is_valid() {
        return Err(bad());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn national_and_international_forms_meet_in_e164() {
        assert_eq!(parse("phone", "06 12 34 56 78").unwrap(), "+33612345678");
        assert_eq!(parse("phone", "+33 6 12 34 56 78").unwrap(), "+33612345678");
        assert_eq!(parse("phone", "+1 415 555 2671").unwrap(), "+14155552671");
        assert_eq!(parse("phone", "12").unwrap_err().field(), Some("phone"));
        assert_eq!(
            parse("phone", "+33 6 12").unwrap_err().field(),
            Some("phone")
        );
    }
}
