//! Texts of the platform settings page (administrators). The texts
//! themselves are in `settings_fr.rs` and `settings_en.rs`.

crate::texts! {
    /// Texts of the platform settings page.
    pub struct SettingsTexts {
        pub nav: &'static str,
        pub title: &'static str,
        pub intro: &'static str,
        pub clinic: &'static str,
        pub clinic_name: &'static str,
        pub clinic_address: &'static str,
        pub clinic_phone: &'static str,
        pub clinic_email: &'static str,
        pub defaults: &'static str,
        pub time_zone: &'static str,
        pub language: &'static str,
        pub booking: &'static str,
        pub booking_hint: &'static str,
        pub min_notice_minutes: &'static str,
        pub max_advance_days: &'static str,
        pub buffer_minutes: &'static str,
        pub cancel_cutoff_minutes: &'static str,
        pub reminders: &'static str,
        pub reminders_hint: &'static str,
        pub assistant: &'static str,
        pub assistant_enabled: &'static str,
        pub assistant_backend: &'static str,
        pub backend_offline: &'static str,
        pub backend_llm: &'static str,
        pub llm_missing: &'static str,
        pub watch: &'static str,
        pub alert_escalation_minutes: &'static str,
        pub device_silence_minutes: &'static str,
        pub retention: &'static str,
        pub vitals_raw_days: &'static str,
        pub vitals_summary_days: &'static str,
        pub applied: &'static str,
        pub history: &'static str,
        pub history_empty: &'static str,
        pub col_field: &'static str,
        pub col_before: &'static str,
        pub col_after: &'static str,
        pub yes: &'static str,
        pub no: &'static str,
        pub none: &'static str,
        /// Errors of this page, by code.
        pub errors: [(&'static str, &'static str); 14],
    }
}

impl SettingsTexts {
    /// A setting's label, by its name.
    pub fn field(&self, name: &str) -> Option<&'static str> {
        Some(match name {
            "clinic_name" => self.clinic_name,
            "clinic_address" => self.clinic_address,
            "clinic_phone" => self.clinic_phone,
            "clinic_email" => self.clinic_email,
            "time_zone" => self.time_zone,
            "reminders" => self.reminders,
            "assistant_enabled" => self.assistant_enabled,
            "assistant_backend" => self.assistant_backend,
            "alert_escalation_minutes" => self.alert_escalation_minutes,
            "device_silence_minutes" => self.device_silence_minutes,
            "vitals_raw_days" => self.vitals_raw_days,
            "vitals_summary_days" => self.vitals_summary_days,
            "language" => self.language,
            "min_notice_minutes" => self.min_notice_minutes,
            "max_advance_days" => self.max_advance_days,
            "buffer_minutes" => self.buffer_minutes,
            "cancel_cutoff_minutes" => self.cancel_cutoff_minutes,
            _ => return None,
        })
    }

    /// An error of this page, if the code is one.
    pub fn error(&self, code: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, t)| *t)
    }
}
