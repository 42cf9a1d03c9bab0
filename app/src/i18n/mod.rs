//! Translations: French first, English second.
//!
//! Every user-facing string lives in [`Tr`]; adding a field forces both
//! languages to provide it. Components read strings with [`use_i18n`]. The
//! texts themselves live in `fr.rs` and `en.rs`.

mod en;
mod fr;
pub mod medical;
mod medical_en;
mod medical_fr;
pub mod outside;
mod outside_en;
mod outside_fr;
pub mod records;
mod records_en;
mod records_fr;
pub mod research;
mod research_en;
mod research_fr;
pub mod sched;
mod sched_en;
mod sched_fr;
pub mod settings;
mod settings_en;
mod settings_fr;
pub mod stats;
mod stats_en;
mod stats_fr;
pub mod talk;
mod talk_en;
mod talk_fr;
pub mod texts;
pub mod ui;
mod ui_en;
mod ui_fr;
pub mod vitals;
mod vitals_en;
mod vitals_fr;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use en::EN;
pub use fr::FR;
pub use medical::Medical;
pub use outside::Outside;
pub use records::Records;
pub use research::Research;
pub use sched::Sched;
pub use settings::SettingsTexts;
pub use stats::Stats;
pub use talk::Talk;
pub use ui::Ui;
pub use vitals::Vitals;

/// A language of the interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::En => "en",
        }
    }

    /// Parses a tag, ignoring region and case (`en-GB` → English).
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("fr") => Some(Self::Fr),
            Some("en") => Some(Self::En),
            _ => None,
        }
    }

    /// The other language (the switch offers it).
    pub fn other(self) -> Self {
        match self {
            Self::Fr => Self::En,
            Self::En => Self::Fr,
        }
    }

    /// The language's name in itself (the switch offers it by this name).
    pub fn native_name(self) -> &'static str {
        match self {
            Self::Fr => "Français",
            Self::En => "English",
        }
    }

    /// This language's strings. In the browser they are the ones loaded from
    /// the language's texts file (see [`texts`]).
    pub fn tr(self) -> &'static Tr {
        #[cfg(feature = "hydrate")]
        {
            texts::loaded(self)
        }
        #[cfg(not(feature = "hydrate"))]
        match self {
            Self::Fr => &FR,
            Self::En => &EN,
        }
    }
}

crate::texts! {
    /// Every string of the interface.
    pub struct Tr {
        /// Scheduling texts.
        pub s: &'static Sched,
        /// Medical-file texts.
        pub m: &'static Medical,
        /// Vital-sign texts.
        pub v: &'static Vitals,
        /// Consultation-record texts.
        pub r: &'static Records,
        /// Conversation texts (assistant, chat).
        pub c: &'static Talk,
        /// Texts of messages outside the portals (SMS, WhatsApp, e-mail).
        pub o: &'static Outside,
        /// Texts of research exports.
        pub x: &'static Research,
        /// Texts of the statistics pages.
        pub g: &'static Stats,
        /// Texts of the platform settings page.
        pub p: &'static SettingsTexts,
        /// Shared surface texts (instants, confirmations, connections).
        pub u: &'static Ui,
        pub app_name: &'static str,
        pub switch_language: &'static str,
        /// Separator between a label and its text (French puts a space before).
        pub colon: &'static str,
        pub loading: &'static str,
        pub nav_home: &'static str,
        pub sign_in: &'static str,
        pub sign_up: &'static str,
        pub sign_out: &'static str,
        pub open_portal: &'static str,
        pub hero_title: &'static str,
        pub hero_text: &'static str,
        pub feature_booking_title: &'static str,
        pub feature_booking_text: &'static str,
        pub feature_vitals_title: &'static str,
        pub feature_vitals_text: &'static str,
        pub feature_assistant_title: &'static str,
        pub feature_assistant_text: &'static str,
        pub sign_in_title: &'static str,
        pub sign_in_subtitle: &'static str,
        pub login_label: &'static str,
        pub password_label: &'static str,
        pub show_password: &'static str,
        pub hide_password: &'static str,
        pub signing_in: &'static str,
        pub no_account: &'static str,
        pub sign_up_title: &'static str,
        pub sign_up_subtitle: &'static str,
        pub first_name_label: &'static str,
        pub last_name_label: &'static str,
        pub username_label: &'static str,
        pub email_label: &'static str,
        pub password_hint: &'static str,
        pub creating_account: &'static str,
        pub have_account: &'static str,
        pub portal_patient: &'static str,
        pub portal_doctor: &'static str,
        pub portal_admin: &'static str,
        pub nav_dashboard: &'static str,
        pub nav_accounts: &'static str,
        pub hello: &'static str,
        pub dashboard_patient_text: &'static str,
        pub dashboard_doctor_text: &'static str,
        pub dashboard_admin_text: &'static str,
        pub my_account: &'static str,
        pub role_label: &'static str,
        pub role_patient: &'static str,
        pub role_doctor: &'static str,
        pub role_admin: &'static str,
        pub member_since: &'static str,
        pub accounts_title: &'static str,
        pub accounts_empty: &'static str,
        pub create_staff_title: &'static str,
        pub specialty_label: &'static str,
        pub no_specialty: &'static str,
        pub create_account: &'static str,
        pub account_created: &'static str,
        pub col_name: &'static str,
        pub col_status: &'static str,
        pub col_actions: &'static str,
        pub status_active: &'static str,
        pub status_deactivated: &'static str,
        pub deactivate: &'static str,
        pub reactivate: &'static str,
        pub filter_all_roles: &'static str,
        pub not_found_title: &'static str,
        pub not_found_text: &'static str,
        pub forbidden_title: &'static str,
        pub forbidden_text: &'static str,
        pub back_home: &'static str,
        pub err_required: &'static str,
        pub err_invalid_credentials: &'static str,
        pub err_rate_limited: &'static str,
        pub err_username_taken: &'static str,
        pub err_email_taken: &'static str,
        pub err_username_length: &'static str,
        pub err_username_characters: &'static str,
        pub err_invalid_email: &'static str,
        pub err_password_too_short: &'static str,
        pub err_password_too_long: &'static str,
        pub err_password_contains_username: &'static str,
        pub err_name_too_long: &'static str,
        pub err_permission_denied: &'static str,
        pub err_not_authenticated: &'static str,
        pub err_cannot_deactivate_self: &'static str,
        pub err_unknown_specialty: &'static str,
        pub err_invalid_role: &'static str,
        pub err_not_found: &'static str,
        pub err_unexpected: &'static str,
    }
}

impl Tr {
    /// The message for an error code.
    pub fn error(&self, code: &str) -> &'static str {
        match code {
            "required" => self.err_required,
            "invalid_credentials" => self.err_invalid_credentials,
            "rate_limited" => self.err_rate_limited,
            "username_taken" => self.err_username_taken,
            "email_taken" => self.err_email_taken,
            "username_length" => self.err_username_length,
            "username_characters" => self.err_username_characters,
            "invalid_email" => self.err_invalid_email,
            "password_too_short" => self.err_password_too_short,
            "password_too_long" => self.err_password_too_long,
            "password_contains_username" => self.err_password_contains_username,
            "name_too_long" => self.err_name_too_long,
            "permission_denied" => self.err_permission_denied,
            "not_authenticated" | "token_not_valid" => self.err_not_authenticated,
            "cannot_deactivate_self" => self.err_cannot_deactivate_self,
            "unknown_specialty" => self.err_unknown_specialty,
            "invalid_role" => self.err_invalid_role,
            "not_found" => self.err_not_found,
            "wrong_password" => self.u.err_wrong_password,
            "invalid_reset_link" => self.u.err_invalid_reset_link,
            _ => self
                .s
                .error(code)
                .or_else(|| self.m.error(code))
                .or_else(|| self.r.error(code))
                .or_else(|| self.x.error(code))
                .or_else(|| self.p.error(code))
                .unwrap_or(self.err_unexpected),
        }
    }

    /// The label of a form field, for error messages.
    pub fn field(&self, field: &str) -> Option<&'static str> {
        Some(match field {
            "username" => self.username_label,
            "login" => self.login_label,
            "email" => self.email_label,
            "password" => self.password_label,
            "first_name" => self.first_name_label,
            "last_name" => self.last_name_label,
            "specialty" => self.specialty_label,
            "role" => self.role_label,
            "reason" => self.s.reason_label,
            "phone" => self.s.phone_label,
            "address" => self.s.address_label,
            "languages" => self.s.languages_label,
            "bio" => self.s.bio_label,
            "start_time" | "start" | "start_datetime" => self.s.start_label,
            "end_time" | "end" | "end_datetime" => self.s.end_label,
            "duration_minutes" => self.s.duration_label,
            "max_consultations" | "capacity" => self.s.capacity_label,
            "timezone" => self.s.timezone_label,
            "current_password" => self.u.current_password,
            "new_password" => self.u.new_password,
            "language" => self.u.language_label,
            "message" => self.u.cancel_reason,
            "min_notice_minutes" => self.s.min_notice_label,
            "max_advance_days" => self.s.max_advance_label,
            "buffer_minutes" => self.s.buffer_label,
            "cancel_cutoff_minutes" => self.s.cutoff_label,
            "waitlist_hold_minutes" => self.s.hold_label,
            "code" => self.s.code_label,
            "name_fr" => self.s.name_fr_label,
            "name_en" => self.s.name_en_label,
            "available_by" => self.s.available_by_label,
            "date" | "from" | "to" => self.s.when_label,
            _ => {
                return self
                    .m
                    .field(field)
                    .or_else(|| self.x.field(field))
                    .or_else(|| self.p.field(field));
            }
        })
    }

    /// The name of a role.
    pub fn role(&self, role: domain::accounts::Role) -> &'static str {
        use domain::accounts::Role;
        match role {
            Role::Patient => self.role_patient,
            Role::Doctor => self.role_doctor,
            Role::Admin => self.role_admin,
        }
    }
}

/// The interface language and the reader's time zone, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
    zone: RwSignal<std::sync::Arc<str>>,
}

impl I18n {
    /// The reader's IANA time zone (reactive read); see [`crate::time`].
    pub fn zone(&self) -> std::sync::Arc<str> {
        self.zone.get()
    }

    /// The current language.
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The current language, without tracking (event handlers).
    pub fn lang_untracked(&self) -> Lang {
        self.lang.get_untracked()
    }

    /// Switches language.
    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
    }

    /// Reads one string reactively: `{move || i18n.t(|t| t.sign_in)}`.
    pub fn t(&self, pick: impl Fn(&'static Tr) -> &'static str) -> &'static str {
        pick(self.lang.get().tr())
    }

    /// The strings of the current language (reactive read).
    pub fn tr(&self) -> &'static Tr {
        self.lang.get().tr()
    }
}

/// Provides the language for the whole app.
pub fn provide_i18n(initial: Lang, zone: &str) -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(initial),
        zone: RwSignal::new(zone.into()),
    };
    provide_context(i18n);
    i18n
}

/// The interface language from context; inside an island hydrated on its own
/// (no context crosses into it), the language and zone the page was rendered in.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(initial_lang()),
        zone: RwSignal::new(initial_zone().into()),
    })
}

/// The language the page starts in: on the server, what the request asks for;
/// in the browser, what the server rendered (so hydration matches).
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        crate::session::current_request_lang()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or_default()
    }
}

/// The reader's time zone the page starts in: on the server, the request's;
/// in the browser, what the server rendered with (so hydration matches).
pub fn initial_zone() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::session::current_reader_zone()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("data-tz"))
            .unwrap_or_else(|| crate::time::CLINIC_ZONE.to_owned())
    }
}
