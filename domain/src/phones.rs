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

/// A number as a messaging service writes it (`whatsapp:+33612345678`,
/// `+243 81 234 5678`, `0612345678`) as E.164, or none when it is not a
/// valid number. National forms read as French.
pub fn sender(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw
        .strip_prefix("whatsapp:")
        .or_else(|| raw.strip_prefix("WhatsApp:"))
        .unwrap_or(raw);
    let raw = match raw.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => raw.to_owned(),
    };
    parse("phone", &raw).ok()
}

/// Whether `e164` can receive SMS: a mobile number, or one whose plan does
/// not tell mobile from fixed lines (the United States). An office's fixed
/// line cannot.
pub fn is_mobile(e164: &str) -> bool {
    use phonenumber::Type;
    phonenumber::parse(None, e164).is_ok_and(|number| {
        matches!(
            number.number_type(&phonenumber::metadata::DATABASE),
            Type::Mobile | Type::FixedLineOrMobile
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{is_mobile, parse, sender};

    #[test]
    fn only_mobiles_take_sms() {
        assert!(is_mobile("+33612345678"));
        assert!(is_mobile("+243812345678"));
        assert!(!is_mobile("+33145678900"), "a Paris fixed line");
        assert!(!is_mobile("not a number"));
    }

    #[test]
    fn every_form_of_one_number_is_one_sender() {
        for form in [
            "+33 6 12 34 56 78",
            "0612345678",
            "06.12.34.56.78",
            "whatsapp:+33612345678",
            "0033612345678",
        ] {
            assert_eq!(sender(form).as_deref(), Some("+33612345678"), "{form}");
        }
        assert_eq!(
            sender("whatsapp:+243812345678").as_deref(),
            Some("+243812345678")
        );
        assert_eq!(sender("+243 81 234 5678").as_deref(), Some("+243812345678"));
        // Same last nine digits, another country: another person.
        assert_ne!(sender("+243612345678"), sender("+33612345678"));
        assert_eq!(sender("whatsapp:"), None);
        assert_eq!(sender("clinic"), None);
    }

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
