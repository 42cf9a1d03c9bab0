//! Accounts: roles, validated sign-up inputs and the public view of a user.

use serde::{Deserialize, Serialize};

mod changes;
pub use changes::{AccountChanges, ValidChanges};

use crate::error::{DomainError, DomainResult};

/// Identifier of a user account.
pub type UserId = i64;

/// What an account may do on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Patient,
    Doctor,
    Admin,
}

impl Role {
    /// The value stored in the database and used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Doctor => "doctor",
            Self::Admin => "admin",
        }
    }

    /// Parses the stored / wire value.
    pub fn parse(value: &str) -> DomainResult<Self> {
        match value {
            "patient" => Ok(Self::Patient),
            "doctor" => Ok(Self::Doctor),
            "admin" => Ok(Self::Admin),
            _ => Err(DomainError::invalid(
                "role",
                "invalid_role",
                "role must be one of patient, doctor, admin",
            )),
        }
    }

    /// The portal this role lands on after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Self::Patient => "/patient",
            Self::Doctor => "/doctor",
            Self::Admin => "/admin",
        }
    }
}

/// A login name: 3–30 characters among letters, digits, `.`, `_` and `-`,
/// stored in lower case so that `Alice` and `alice` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Validates and normalises a username.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(DomainError::invalid(
                "username",
                "required",
                "this field is required",
            ));
        }
        let len = value.chars().count();
        if !(3..=30).contains(&len) {
            return Err(DomainError::invalid(
                "username",
                "username_length",
                "username must be 3 to 30 characters long",
            ));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(DomainError::invalid(
                "username",
                "username_characters",
                "username may only contain letters, digits, '.', '_' and '-'",
            ));
        }
        Ok(Self(value))
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = DomainError;
    fn try_from(value: String) -> DomainResult<Self> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

/// A syntactically valid e-mail address, stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Validates and normalises an e-mail address.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(DomainError::invalid(
                "email",
                "required",
                "this field is required",
            ));
        }
        if value.len() > 254
            || !email_address::EmailAddress::is_valid(&value)
            || !value.contains('.')
        {
            return Err(DomainError::invalid(
                "email",
                "invalid_email",
                "enter a valid e-mail address",
            ));
        }
        Ok(Self(value))
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(value: String) -> DomainResult<Self> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

/// A new password: 10 to 128 characters, not the username. Never logged, never
/// serialised back.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

impl NewPassword {
    /// Minimum length, in characters.
    pub const MIN_LEN: usize = 10;
    /// Maximum length, in characters (bounds the hashing work).
    pub const MAX_LEN: usize = 128;

    /// Validates a password chosen for `username`.
    pub fn parse(raw: &str, username: &Username) -> DomainResult<Self> {
        let len = raw.chars().count();
        if len == 0 {
            return Err(DomainError::invalid(
                "password",
                "required",
                "this field is required",
            ));
        }
        if len < Self::MIN_LEN {
            return Err(DomainError::invalid(
                "password",
                "password_too_short",
                format!(
                    "password must be at least {} characters long",
                    Self::MIN_LEN
                ),
            ));
        }
        if len > Self::MAX_LEN {
            return Err(DomainError::invalid(
                "password",
                "password_too_long",
                format!("password must be at most {} characters long", Self::MAX_LEN),
            ));
        }
        if raw.to_lowercase().contains(username.as_str()) {
            return Err(DomainError::invalid(
                "password",
                "password_contains_username",
                "password must not contain the username",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The clear text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A person's first or last name: 1–100 characters after trimming.
pub fn parse_name(field: &'static str, raw: &str) -> DomainResult<String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(DomainError::invalid(
            field,
            "required",
            "this field is required",
        ));
    }
    if value.chars().count() > 100 {
        return Err(DomainError::invalid(
            field,
            "name_too_long",
            "at most 100 characters",
        ));
    }
    Ok(value.to_owned())
}

/// Raw sign-up form, as any door receives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SignUpForm {
    pub username: String,
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
}

/// A validated new account. The role is chosen by the service, not the form:
/// self sign-up always creates a patient.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: Username,
    pub email: Email,
    pub password: NewPassword,
    pub first_name: String,
    pub last_name: String,
}

impl NewAccount {
    /// Validates every field; the first broken rule is reported with its field.
    pub fn parse(form: &SignUpForm) -> DomainResult<Self> {
        let username = Username::parse(&form.username)?;
        let email = Email::parse(&form.email)?;
        let password = NewPassword::parse(&form.password, &username)?;
        let first_name = parse_name("first_name", &form.first_name)?;
        let last_name = parse_name("last_name", &form.last_name)?;
        Ok(Self {
            username,
            email,
            password,
            first_name,
            last_name,
        })
    }
}

/// What the platform shows of an account (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub active: bool,
    /// Creation instant, RFC 3339 UTC.
    pub created_at: String,
    /// The IANA time zone the portals write times in for this person; none:
    /// their browser's.
    #[serde(default)]
    pub timezone: Option<String>,
    /// `fr` or `en`; none: the browser's choice.
    #[serde(default)]
    pub language: Option<String>,
}

impl User {
    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A medical specialty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Specialty {
    pub id: i64,
    /// Stable code (`cardiology`).
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(
            Username::parse(" Alice.B ").map(|u| u.0).ok(),
            Some("alice.b".into())
        );
        assert_eq!(
            Username::parse("ab").err().map(|e| e.code()),
            Some("username_length")
        );
        assert_eq!(
            Username::parse("a b c").err().map(|e| e.code()),
            Some("username_characters")
        );
        assert_eq!(
            Username::parse("").err().map(|e| e.field()),
            Some(Some("username"))
        );
    }

    #[test]
    fn emails_are_checked() {
        assert!(Email::parse("Marie@Example.org").is_ok_and(|e| e.as_str() == "marie@example.org"));
        for bad in ["", "marie", "marie@", "@example.org", "marie@localhost"] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn passwords_are_checked() {
        let user = Username::parse("marie").unwrap();
        assert_eq!(
            NewPassword::parse("short", &user).err().map(|e| e.code()),
            Some("password_too_short")
        );
        assert_eq!(
            NewPassword::parse("Marie-is-great-2026", &user)
                .err()
                .map(|e| e.code()),
            Some("password_contains_username")
        );
        assert!(NewPassword::parse(&"x".repeat(129), &user).is_err());
        assert!(NewPassword::parse("correct horse battery", &user).is_ok());
        assert_eq!(
            format!(
                "{:?}",
                NewPassword::parse("correct horse battery", &user).unwrap()
            ),
            "NewPassword(<redacted>)"
        );
    }

    #[test]
    fn sign_up_names_the_first_bad_field() {
        let form = SignUpForm {
            username: "marie".into(),
            email: "marie@example.org".into(),
            password: "correct horse battery".into(),
            first_name: " ".into(),
            last_name: "Curie".into(),
        };
        assert_eq!(
            NewAccount::parse(&form).err().and_then(|e| e.field()),
            Some("first_name")
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Patient, Role::Doctor, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()).ok(), Some(role));
        }
        assert!(Role::parse("root").is_err());
    }
}
