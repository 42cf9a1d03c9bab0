//! Doctors' public profiles and the specialties they belong to: the forms that
//! change them and the rules those forms follow.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// What a doctor shows patients about themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileFields {
    /// Specialty code, if any.
    pub specialty: Option<String>,
    pub bio: String,
    /// E.164 (`+33123456789`), or empty.
    pub phone: String,
    /// Consultation address.
    pub address: String,
    /// ISO 639-1 codes (`fr`, `en`).
    pub languages: Vec<String>,
}

/// Languages as a list or as one comma-separated text (HTML forms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum LanguageList {
    /// `["fr", "en"]`
    List(Vec<String>),
    /// `"fr, en"`
    Text(String),
}

/// A doctor's profile, raw: every field optional (a PATCH changes those given).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileForm {
    /// Specialty code (`cardiology`); empty to clear.
    #[cfg_attr(feature = "openapi", schema(example = "cardiology"))]
    pub specialty: Option<String>,
    /// Presentation, up to 2000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            example = "Médecin généraliste, suivi des maladies chroniques."
        )
    )]
    pub bio: Option<String>,
    /// Contact phone; French numbers may omit `+33`.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, example = "+33 4 72 00 00 00")
    )]
    pub phone: Option<String>,
    /// Consultation address, up to 300 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 300, example = "12 rue de la Paix, 69002 Lyon")
    )]
    pub address: Option<String>,
    /// Spoken languages (ISO 639-1 codes).
    pub languages: Option<LanguageList>,
}

fn too_long(field: &'static str, max: usize) -> DomainError {
    DomainError::invalid(field, "too_long", format!("at most {max} characters"))
}

impl ProfileForm {
    /// Applies the given fields over `current` and checks them. The phone number
    /// is checked by [`ProfileForm::apply`] on the server.
    pub fn merge(&self, current: &ProfileFields) -> DomainResult<ProfileFields> {
        let text = |v: &Option<String>, old: &str, field: &'static str, max: usize| {
            let value = v.as_deref().map_or(old, str::trim).to_owned();
            if value.chars().count() > max {
                return Err(too_long(field, max));
            }
            Ok(value)
        };
        let languages = match &self.languages {
            None => current.languages.clone(),
            Some(list) => parse_languages(list)?,
        };
        let specialty = match self.specialty.as_deref().map(str::trim) {
            None => current.specialty.clone(),
            Some("") => None,
            Some(code) => Some(code.to_owned()),
        };
        Ok(ProfileFields {
            specialty,
            bio: text(&self.bio, &current.bio, "bio", 2000)?,
            phone: text(&self.phone, &current.phone, "phone", 40)?,
            address: text(&self.address, &current.address, "address", 300)?,
            languages,
        })
    }
}

fn parse_languages(list: &LanguageList) -> DomainResult<Vec<String>> {
    let items: Vec<String> = match list {
        LanguageList::List(items) => items.iter().map(|s| s.trim().to_lowercase()).collect(),
        LanguageList::Text(text) => text
            .split([',', ' ', ';'])
            .map(|s| s.trim().to_lowercase())
            .collect(),
    };
    let mut out: Vec<String> = Vec::new();
    for code in items.into_iter().filter(|c| !c.is_empty()) {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(DomainError::invalid(
                "languages",
                "invalid_language",
                format!("`{code}` is not a two-letter language code (fr, en, …)"),
            ));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    if out.len() > 10 {
        return Err(DomainError::invalid(
            "languages",
            "too_many",
            "at most 10 languages",
        ));
    }
    Ok(out)
}

#[cfg(feature = "server")]
impl ProfileForm {
    /// [`ProfileForm::merge`], then the phone number checked against the national
    /// numbering plans (French by default) and stored as E.164.
    pub fn apply(&self, current: &ProfileFields) -> DomainResult<ProfileFields> {
        let mut fields = self.merge(current)?;
        if self.phone.is_some() && !fields.phone.is_empty() {
            fields.phone = crate::phones::parse("phone", &fields.phone)?;
        }
        Ok(fields)
    }
}

/// A specialty as an administrator writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialtyForm {
    /// Stable code: 2–40 of `a-z`, `0-9`, `-`, `_`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*[A-Za-z0-9_-]{2,40}\s*$", example = "cardiology")
    )]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"\S", max_length = 80, example = "Cardiologie")
    )]
    pub name_fr: String,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"\S", max_length = 80, example = "Cardiology")
    )]
    pub name_en: String,
}

impl SpecialtyForm {
    /// Trimmed and checked (code, French name, English name).
    pub fn parse(&self) -> DomainResult<(String, String, String)> {
        let code = self.code.trim().to_lowercase();
        if !(2..=40).contains(&code.len())
            || !code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(DomainError::invalid(
                "code",
                "invalid_code",
                "2 to 40 characters among a-z, 0-9, - and _",
            ));
        }
        let name = |value: &str, field: &'static str| {
            let value = value.trim();
            match value.chars().count() {
                0 => Err(DomainError::invalid(field, "required", "required")),
                n if n > 80 => Err(too_long(field, 80)),
                _ => Ok(value.to_owned()),
            }
        };
        Ok((
            code,
            name(&self.name_fr, "name_fr")?,
            name(&self.name_en, "name_en")?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_forms_merge_and_check() {
        let current = ProfileFields {
            languages: vec!["fr".into()],
            ..ProfileFields::default()
        };
        let form = ProfileForm {
            bio: Some("  Médecin généraliste  ".into()),
            languages: Some(LanguageList::Text("FR, en,fr".into())),
            ..ProfileForm::default()
        };
        let merged = form.merge(&current).unwrap();
        assert_eq!(merged.bio, "Médecin généraliste");
        assert_eq!(merged.languages, ["fr", "en"]);
        let bad = ProfileForm {
            languages: Some(LanguageList::List(vec!["french".into()])),
            ..ProfileForm::default()
        };
        assert_eq!(bad.merge(&current).unwrap_err().field(), Some("languages"));
        let long = ProfileForm {
            address: Some("x".repeat(301)),
            ..ProfileForm::default()
        };
        assert_eq!(long.merge(&current).unwrap_err().field(), Some("address"));
    }

    #[cfg(feature = "server")]
    #[test]
    fn phone_numbers_are_checked_and_normalised() {
        let form = |phone: &str| ProfileForm {
            phone: Some(phone.into()),
            ..ProfileForm::default()
        };
        let fields = form("01 42 68 53 00")
            .apply(&ProfileFields::default())
            .unwrap();
        assert_eq!(fields.phone, "+33142685300");
        assert!(
            form("+243 81 234 5678")
                .apply(&ProfileFields::default())
                .is_ok()
        );
        assert_eq!(
            form("12")
                .apply(&ProfileFields::default())
                .unwrap_err()
                .field(),
            Some("phone")
        );
    }

    #[test]
    fn specialty_codes_are_checked() {
        let form = SpecialtyForm {
            code: " Neurology ".into(),
            name_fr: "Neurologie".into(),
            name_en: "Neurology".into(),
        };
        assert_eq!(form.parse().unwrap().0, "neurology");
        let bad = SpecialtyForm {
            code: "neuro logy".into(),
            ..form.clone()
        };
        assert_eq!(bad.parse().unwrap_err().field(), Some("code"));
        let empty = SpecialtyForm {
            name_en: " ".into(),
            ..form
        };
        assert_eq!(empty.parse().unwrap_err().field(), Some("name_en"));
    }
}
