//! The platform's settings that administrators edit while it runs: the
//! clinic's name and contact (the assistant's answers, messages), the
//! default time zone and language, clinic-wide booking limits, reminder
//! timings, the assistant, alert and device watch delays, and how long
//! readings are kept. Stored in the database; every instance applies a
//! change when the event bus tells it; each change is recorded with who,
//! when, before and after.

use serde::{Deserialize, Serialize};

/// Every setting, as stored and applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlatformSettings {
    /// The clinic's name, as patients read it.
    pub clinic_name: String,
    /// Its postal address.
    pub clinic_address: String,
    /// The phone number patients call.
    pub clinic_phone: String,
    /// The e-mail address patients write to.
    pub clinic_email: String,
    /// The IANA zone of readers who have not said theirs, and of statistics.
    pub time_zone: String,
    /// The language of readers who have not said theirs: `fr` or `en`.
    pub language: String,
    /// No slot is offered sooner than this after now, whatever a doctor
    /// allows (minutes; 0: the doctors' own notice only).
    pub min_notice_minutes: i64,
    /// No slot is offered later than this many days ahead, whatever a
    /// doctor allows.
    pub max_advance_days: i64,
    /// At least this many minutes between two appointments of a doctor.
    pub buffer_minutes: i64,
    /// Patients may cancel or move an appointment only up to this many
    /// minutes before it, whatever a doctor allows.
    pub cancel_cutoff_minutes: i64,
    /// Reminders before an appointment, in minutes (`[1440, 120]`: the day
    /// before and two hours before; empty: none).
    pub reminders: Vec<i64>,
    /// Whether the assistant answers (off: it gives the clinic's phone;
    /// emergencies are still answered first).
    pub assistant_enabled: bool,
    /// `offline` (the built-in assistant) or `llm` (the language model set
    /// up with `ASSISTANT_LLM_URL`, the built-in one when it fails).
    pub assistant_backend: String,
    /// A critical alert unacknowledged this long goes to the care team.
    pub alert_escalation_minutes: i64,
    /// A device silent this long raises a "no signal" alert.
    pub device_silence_minutes: i64,
    /// Raw vital-sign readings are kept this many days.
    pub vitals_raw_days: i64,
    /// Per-minute summaries are kept this many days.
    pub vitals_summary_days: i64,
}

/// Some settings to change (absent: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct SettingsPatch {
    pub clinic_name: Option<String>,
    pub clinic_address: Option<String>,
    pub clinic_phone: Option<String>,
    pub clinic_email: Option<String>,
    pub time_zone: Option<String>,
    pub language: Option<String>,
    pub min_notice_minutes: Option<i64>,
    pub max_advance_days: Option<i64>,
    pub buffer_minutes: Option<i64>,
    pub cancel_cutoff_minutes: Option<i64>,
    pub reminders: Option<Vec<i64>>,
    pub assistant_enabled: Option<bool>,
    pub assistant_backend: Option<String>,
    pub alert_escalation_minutes: Option<i64>,
    pub device_silence_minutes: Option<i64>,
    pub vitals_raw_days: Option<i64>,
    pub vitals_summary_days: Option<i64>,
}

impl PlatformSettings {
    /// The settings of a platform nobody has configured: a practice in Paris,
    /// French, the doctors' own booking rules, reminders the day before and
    /// two hours before, the built-in assistant.
    pub fn builtin() -> Self {
        Self {
            clinic_name: "MedPlat".into(),
            clinic_address: "1 place de la Santé, 75014 Paris".into(),
            clinic_phone: "01 00 00 00 00".into(),
            clinic_email: "contact@medplat.example".into(),
            time_zone: "Europe/Paris".into(),
            language: "fr".into(),
            min_notice_minutes: 0,
            max_advance_days: 365,
            buffer_minutes: 0,
            cancel_cutoff_minutes: 0,
            reminders: vec![1440, 120],
            assistant_enabled: true,
            assistant_backend: "offline".into(),
            alert_escalation_minutes: 5,
            device_silence_minutes: 5,
            vitals_raw_days: 30,
            vitals_summary_days: 730,
        }
    }

    /// These settings with `patch` applied (unchecked).
    pub fn patched(&self, patch: &SettingsPatch) -> Self {
        let mut s = self.clone();
        macro_rules! take {
            ($($field:ident),*) => {
                $(if let Some(v) = &patch.$field { s.$field = v.clone(); })*
            };
        }
        take!(
            clinic_name,
            clinic_address,
            clinic_phone,
            clinic_email,
            time_zone,
            language,
            min_notice_minutes,
            max_advance_days,
            buffer_minutes,
            cancel_cutoff_minutes,
            reminders,
            assistant_enabled,
            assistant_backend,
            alert_escalation_minutes,
            device_silence_minutes,
            vitals_raw_days,
            vitals_summary_days
        );
        s
    }

    /// The fields that differ from `other`: (name, before, after), values
    /// as JSON text.
    pub fn changes_from(&self, before: &Self) -> Vec<(String, String, String)> {
        let (Ok(serde_json::Value::Object(new)), Ok(serde_json::Value::Object(old))) =
            (serde_json::to_value(self), serde_json::to_value(before))
        else {
            return Vec::new();
        };
        new.iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, v)| {
                (
                    k.clone(),
                    old.get(k).map(|o| o.to_string()).unwrap_or_default(),
                    v.to_string(),
                )
            })
            .collect()
    }
}

/// One field changed, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingChange {
    /// Unix milliseconds.
    pub at: i64,
    pub actor_id: Option<crate::accounts::UserId>,
    pub actor_name: Option<String>,
    /// The setting's name (`clinic_phone`…).
    pub field: String,
    /// The values before and after, as JSON (`"01 23 45 67 89"`, `30`,
    /// `[1440,120]`, `true`).
    pub before: String,
    pub after: String,
}

/// The settings as administrators read them, with their history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingsPage {
    pub settings: PlatformSettings,
    /// Counts the changes saved (0: the defaults, never changed).
    pub version: i64,
    /// The latest changes first (at most 100).
    pub history: Vec<SettingChange>,
    /// Whether a language model is set up (`ASSISTANT_LLM_URL`), so that
    /// `assistant_backend = "llm"` means something.
    pub llm_available: bool,
}

/// The settings page's form as a browser sends it: every field as text,
/// the assistant's switch as a checkbox (absent: off).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub clinic_name: String,
    pub clinic_address: String,
    pub clinic_phone: String,
    pub clinic_email: String,
    pub time_zone: String,
    pub language: String,
    pub min_notice_minutes: String,
    pub max_advance_days: String,
    pub buffer_minutes: String,
    pub cancel_cutoff_minutes: String,
    /// `24 h, 2 h`, `30 min`, `90` (minutes).
    pub reminders: String,
    #[serde(default)]
    pub assistant_enabled: Option<String>,
    pub assistant_backend: String,
    pub alert_escalation_minutes: String,
    pub device_silence_minutes: String,
    pub vitals_raw_days: String,
    pub vitals_summary_days: String,
}

fn whole(field: &'static str, raw: &str) -> crate::error::DomainResult<i64> {
    raw.trim()
        .parse()
        .map_err(|_| crate::error::DomainError::invalid(field, "invalid_number", "a whole number"))
}

/// Reminder timings as people write them: `24 h, 2 h`, `30 min`, `90`
/// (minutes), `1 j` / `1 d`; empty: none.
pub fn parse_reminders(raw: &str) -> crate::error::DomainResult<Vec<i64>> {
    let bad = || {
        crate::error::DomainError::invalid(
            "reminders",
            "invalid_duration",
            "durations such as 24 h, 2 h or 30 min, separated by commas",
        )
    };
    raw.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            let unit = part[digits.len()..].trim().to_lowercase();
            let n: i64 = digits.parse().map_err(|_| bad())?;
            let per = match unit.as_str() {
                "" | "min" | "mn" | "m" => 1,
                "h" => 60,
                "j" | "d" => 1440,
                _ => return Err(bad()),
            };
            n.checked_mul(per).ok_or_else(bad)
        })
        .collect()
}

/// Reminder timings as [`parse_reminders`] reads them, in units both
/// languages write alike: `48 h, 2 h, 30 min`.
pub fn reminders_text(minutes: &[i64]) -> String {
    minutes
        .iter()
        .map(|m| match m {
            m if m % 60 == 0 => format!("{} h", m / 60),
            m => format!("{m} min"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl SettingsForm {
    /// The form as a change of every setting, each number read or named.
    pub fn patch(&self) -> crate::error::DomainResult<SettingsPatch> {
        Ok(SettingsPatch {
            clinic_name: Some(self.clinic_name.trim().to_owned()),
            clinic_address: Some(self.clinic_address.trim().to_owned()),
            clinic_phone: Some(self.clinic_phone.trim().to_owned()),
            clinic_email: Some(self.clinic_email.trim().to_owned()),
            time_zone: Some(self.time_zone.trim().to_owned()),
            language: Some(self.language.trim().to_owned()),
            min_notice_minutes: Some(whole("min_notice_minutes", &self.min_notice_minutes)?),
            max_advance_days: Some(whole("max_advance_days", &self.max_advance_days)?),
            buffer_minutes: Some(whole("buffer_minutes", &self.buffer_minutes)?),
            cancel_cutoff_minutes: Some(whole(
                "cancel_cutoff_minutes",
                &self.cancel_cutoff_minutes,
            )?),
            reminders: Some(parse_reminders(&self.reminders)?),
            assistant_enabled: Some(self.assistant_enabled.is_some()),
            assistant_backend: Some(self.assistant_backend.trim().to_owned()),
            alert_escalation_minutes: Some(whole(
                "alert_escalation_minutes",
                &self.alert_escalation_minutes,
            )?),
            device_silence_minutes: Some(whole(
                "device_silence_minutes",
                &self.device_silence_minutes,
            )?),
            vitals_raw_days: Some(whole("vitals_raw_days", &self.vitals_raw_days)?),
            vitals_summary_days: Some(whole("vitals_summary_days", &self.vitals_summary_days)?),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reminders_read_as_people_write_them() {
        assert_eq!(
            parse_reminders("24 h, 2h, 30 min, 90").unwrap(),
            [1440, 120, 30, 90]
        );
        assert_eq!(parse_reminders(" ").unwrap(), Vec::<i64>::new());
        assert_eq!(parse_reminders("2 j").unwrap(), [2880]);
        assert!(parse_reminders("soon").is_err());
        assert!(parse_reminders("3 weeks").is_err());
        assert_eq!(
            reminders_text(&[1440, 120, 30, 2880]),
            "24 h, 2 h, 30 min, 48 h"
        );
    }

    use super::*;

    #[test]
    fn a_patch_changes_only_what_it_names_and_the_diff_says_so() {
        let before = PlatformSettings {
            clinic_phone: "01".into(),
            ..PlatformSettings::builtin()
        };
        let patch = SettingsPatch {
            clinic_phone: Some("02".into()),
            reminders: Some(vec![60]),
            ..Default::default()
        };
        let after = before.patched(&patch);
        assert_eq!(after.clinic_name, before.clinic_name);
        let mut changes = after.changes_from(&before);
        changes.sort();
        assert_eq!(
            changes,
            [
                ("clinic_phone".into(), "\"01\"".into(), "\"02\"".into()),
                ("reminders".into(), "[1440,120]".into(), "[60]".into()),
            ]
        );
        assert!(after.changes_from(&after).is_empty());
    }
}
