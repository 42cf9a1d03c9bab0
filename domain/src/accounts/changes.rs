//! What a person changes of an account (theirs, or any for an
//! administrator): names, e-mail, language and time zone, validated.

use serde::{Deserialize, Serialize};

use super::{Email, parse_name};
use crate::error::{DomainError, DomainResult};

/// What a person changes of an account: their own, or any, by an administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChanges {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// `fr`, `en`, or empty (the browser's choice).
    #[serde(default)]
    pub language: String,
    /// An IANA time zone, or empty (the browser's).
    #[serde(default)]
    pub timezone: String,
}

/// [`AccountChanges`], validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidChanges {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub language: Option<&'static str>,
    pub timezone: Option<String>,
}

impl AccountChanges {
    /// Validates every field; the first error names its field.
    pub fn parse(&self) -> DomainResult<ValidChanges> {
        let language = match self.language.trim() {
            "" => None,
            "fr" => Some("fr"),
            "en" => Some("en"),
            _ => {
                return Err(DomainError::invalid(
                    "language",
                    "invalid_language",
                    "fr, en or empty",
                ));
            }
        };
        let timezone = match self.timezone.trim() {
            "" => None,
            zone if zone.len() <= 64 && is_time_zone(zone) => Some(zone.to_owned()),
            _ => {
                return Err(DomainError::invalid(
                    "timezone",
                    "invalid_timezone",
                    "unknown IANA time zone",
                ));
            }
        };
        Ok(ValidChanges {
            first_name: parse_name("first_name", &self.first_name)?,
            last_name: parse_name("last_name", &self.last_name)?,
            email: Email::parse(&self.email)?,
            language,
            timezone,
        })
    }
}

/// Whether `zone` names an IANA time zone (the browser has no database: it
/// accepts any well-formed name, and the server checks it).
fn is_time_zone(zone: &str) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    {
        jiff::tz::TimeZone::get(zone).is_ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        !zone.is_empty()
            && zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
    }
}
