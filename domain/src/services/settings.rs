//! The platform's settings while it runs: every service reads the current
//! ones from one shared handle; an administrator's change is checked,
//! saved with its history (and in the activity log) in one transaction,
//! then announced on the event bus, and every instance (this one too)
//! reads the stored settings again.

use std::sync::{Arc, RwLock};

use jiff::Timestamp;

use crate::accounts::Role;
use crate::activity::ActivityAction;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::events::{Event, Publisher};
use crate::settings::{PlatformSettings, SettingsPage, SettingsPatch};
use crate::store::activity::NewActivity;
use crate::store::{Db, activity, db_error, settings as store};

/// [`PlatformSettings::builtin`] with the practice's name and contact from
/// `clinic`.
pub fn builtin_with(clinic: &crate::assistant::clinic::Clinic) -> PlatformSettings {
    PlatformSettings {
        clinic_name: clinic.name.clone(),
        clinic_address: clinic.address.clone(),
        clinic_phone: clinic.phone.clone(),
        clinic_email: clinic.email.clone(),
        ..PlatformSettings::builtin()
    }
}

/// Changes shown with the settings.
const HISTORY: i64 = 100;

struct Shared {
    defaults: PlatformSettings,
    current: Arc<PlatformSettings>,
    version: i64,
    llm_available: bool,
}

/// The settings handle; cheap to clone (clones share the settings).
#[derive(Clone)]
pub struct SettingsService {
    db: Db,
    bus: Publisher,
    shared: Arc<RwLock<Shared>>,
}

fn invalid(field: &'static str, code: &'static str, message: &str) -> DomainError {
    DomainError::invalid(field, code, message.to_owned())
}

fn within(field: &'static str, value: i64, low: i64, high: i64) -> DomainResult<()> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            "out_of_range",
            format!("must be between {low} and {high}"),
        ))
    }
}

fn text(field: &'static str, value: &str, max: usize) -> DomainResult<()> {
    if value.trim().is_empty() {
        return Err(invalid(field, "required", "this field is required"));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "invalid",
            format!("at most {max} characters on one line"),
        ));
    }
    Ok(())
}

/// Checks every setting; the first bad one is named.
pub fn check(s: &PlatformSettings, llm_available: bool) -> DomainResult<()> {
    text("clinic_name", &s.clinic_name, 120)?;
    text("clinic_address", &s.clinic_address, 300)?;
    text("clinic_phone", &s.clinic_phone, 40)?;
    crate::phones::parse("clinic_phone", &s.clinic_phone)?;
    crate::accounts::Email::parse(&s.clinic_email).map_err(|_| {
        invalid(
            "clinic_email",
            "invalid_email",
            "not a valid e-mail address",
        )
    })?;
    if s.time_zone.len() > 64 || jiff::tz::TimeZone::get(&s.time_zone).is_err() {
        return Err(invalid(
            "time_zone",
            "unknown_zone",
            "not an IANA time zone",
        ));
    }
    if !matches!(s.language.as_str(), "fr" | "en") {
        return Err(invalid("language", "invalid_choice", "fr or en"));
    }
    within("min_notice_minutes", s.min_notice_minutes, 0, 10_080)?;
    within("max_advance_days", s.max_advance_days, 1, 730)?;
    within("buffer_minutes", s.buffer_minutes, 0, 240)?;
    within("cancel_cutoff_minutes", s.cancel_cutoff_minutes, 0, 10_080)?;
    if s.reminders.len() > 4 {
        return Err(invalid("reminders", "too_many", "at most 4 reminders"));
    }
    for r in &s.reminders {
        within("reminders", *r, 5, 20_160)?;
    }
    let mut distinct = s.reminders.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() != s.reminders.len() {
        return Err(invalid("reminders", "duplicate", "each reminder once"));
    }
    match s.assistant_backend.as_str() {
        "offline" => {}
        "llm" if llm_available => {}
        "llm" => {
            return Err(invalid(
                "assistant_backend",
                "llm_not_configured",
                "no language model is set up (ASSISTANT_LLM_URL)",
            ));
        }
        _ => {
            return Err(invalid(
                "assistant_backend",
                "invalid_choice",
                "offline or llm",
            ));
        }
    }
    within(
        "alert_escalation_minutes",
        s.alert_escalation_minutes,
        1,
        1440,
    )?;
    within("device_silence_minutes", s.device_silence_minutes, 1, 1440)?;
    within("vitals_raw_days", s.vitals_raw_days, 1, 3650)?;
    within(
        "vitals_summary_days",
        s.vitals_summary_days,
        s.vitals_raw_days,
        3650,
    )?;
    Ok(())
}

/// Settings as stored, over `defaults` (a setting added since they were
/// saved takes its default).
fn merged(defaults: &PlatformSettings, stored: &str) -> Option<PlatformSettings> {
    let mut value = serde_json::to_value(defaults).ok()?;
    let stored: serde_json::Value = serde_json::from_str(stored).ok()?;
    let (serde_json::Value::Object(base), serde_json::Value::Object(over)) = (&mut value, stored)
    else {
        return None;
    };
    for (k, v) in over {
        if base.contains_key(&k) {
            base.insert(k, v);
        }
    }
    serde_json::from_value(value).ok()
}

impl SettingsService {
    pub(crate) fn new(db: Db, bus: Publisher, defaults: PlatformSettings) -> Self {
        Self {
            db,
            bus,
            shared: Arc::new(RwLock::new(Shared {
                current: Arc::new(defaults.clone()),
                defaults,
                version: 0,
                llm_available: false,
            })),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Shared> {
        self.shared.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Shared> {
        self.shared.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The version of the settings in force (0: none stored).
    pub fn version(&self) -> i64 {
        self.read().version
    }

    /// The settings in force.
    pub fn current(&self) -> Arc<PlatformSettings> {
        self.read().current.clone()
    }

    /// Sets what applies while nothing is stored (the environment's values,
    /// at start) and whether a language model is set up.
    pub fn set_defaults(&self, defaults: PlatformSettings, llm_available: bool) {
        let mut shared = self.write();
        if shared.version == 0 {
            shared.current = Arc::new(defaults.clone());
        }
        shared.defaults = defaults;
        shared.llm_available = llm_available;
    }

    /// Reads the stored settings again; returns their version.
    pub async fn reload(&self) -> DomainResult<i64> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let stored = store::load(&mut conn).await?;
        drop(conn);
        let mut shared = self.write();
        match stored {
            None => {
                shared.current = Arc::new(shared.defaults.clone());
                shared.version = 0;
            }
            Some((document, version)) if version >= shared.version => {
                match merged(&shared.defaults, &document) {
                    Some(settings) => {
                        shared.current = Arc::new(settings);
                        shared.version = version;
                    }
                    None => tracing::warn!(
                        version,
                        "stored settings unreadable; keeping those in force"
                    ),
                }
            }
            Some(_) => {}
        }
        Ok(shared.version)
    }

    /// The settings, their version and history (administrators).
    pub async fn page(&self, actor: &Principal) -> DomainResult<SettingsPage> {
        actor.require(Role::Admin)?;
        self.reload().await?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let history = store::history(&mut conn, HISTORY).await?;
        let shared = self.read();
        Ok(SettingsPage {
            settings: (*shared.current).clone(),
            version: shared.version,
            history,
            llm_available: shared.llm_available,
        })
    }

    /// Changes some settings (administrators): checked, saved with a line of
    /// history per field changed and an activity entry, then applied on
    /// every instance.
    pub async fn update(
        &self,
        actor: &Principal,
        patch: &SettingsPatch,
    ) -> DomainResult<SettingsPage> {
        actor.require(Role::Admin)?;
        self.reload().await?;
        let (before, version, llm) = {
            let shared = self.read();
            (shared.current.clone(), shared.version, shared.llm_available)
        };
        let after = before.patched(patch);
        check(&after, llm)?;
        let changes = after.changes_from(&before);
        if !changes.is_empty() {
            let at = Timestamp::now().as_millisecond();
            let document = serde_json::to_string(&after).map_err(DomainError::internal)?;
            let mut tx = self.db.begin_write().await?;
            let saved = store::save(&mut tx, &document, version, actor.user_id, at).await?;
            for change in &changes {
                store::record_change(&mut tx, saved, actor.user_id, at, change).await?;
            }
            let fields: Vec<&str> = changes.iter().map(|(f, _, _)| f.as_str()).collect();
            activity::log(
                &mut tx,
                &NewActivity::by(actor, ActivityAction::SettingsChanged).detail(fields.join(":")),
            )
            .await?;
            tx.commit().await.map_err(db_error)?;
            self.reload().await?;
            self.bus.publish(Event::SettingsChanged { version: saved });
        }
        self.page(actor).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fine() -> PlatformSettings {
        PlatformSettings {
            clinic_phone: "01 45 67 89 10".into(),
            ..PlatformSettings::builtin()
        }
    }

    #[test]
    fn each_bad_setting_is_named() {
        assert!(check(&fine(), false).is_ok());
        let cases: Vec<(&str, Box<dyn Fn(&mut PlatformSettings)>)> = vec![
            ("clinic_name", Box::new(|s| s.clinic_name = " ".into())),
            ("clinic_phone", Box::new(|s| s.clinic_phone = "12".into())),
            ("clinic_email", Box::new(|s| s.clinic_email = "nope".into())),
            ("time_zone", Box::new(|s| s.time_zone = "Mars/Base".into())),
            ("language", Box::new(|s| s.language = "de".into())),
            ("max_advance_days", Box::new(|s| s.max_advance_days = 0)),
            ("reminders", Box::new(|s| s.reminders = vec![120, 120])),
            ("reminders", Box::new(|s| s.reminders = vec![1])),
            (
                "assistant_backend",
                Box::new(|s| s.assistant_backend = "llm".into()),
            ),
            (
                "vitals_summary_days",
                Box::new(|s| s.vitals_summary_days = 10),
            ),
        ];
        for (field, change) in cases {
            let mut s = fine();
            change(&mut s);
            match check(&s, false) {
                Err(DomainError::Validation { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn stored_settings_lay_over_the_defaults() {
        let defaults = fine();
        let stored = r#"{"clinic_phone": "01 00 00 00 00", "gone": 1}"#;
        let s = merged(&defaults, stored).unwrap();
        assert_eq!(s.clinic_phone, "01 00 00 00 00");
        assert_eq!(s.clinic_name, defaults.clinic_name);
        assert!(merged(&defaults, "not json").is_none());
    }
}
