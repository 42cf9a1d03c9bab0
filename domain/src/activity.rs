//! The platform's activity at a glance, as administrators read it.

use serde::{Deserialize, Serialize};

/// What happened over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub accounts_created: i64,
    /// Appointments starting in the period, by status code.
    pub appointments: Vec<(String, i64)>,
    /// Alerts active now.
    pub active_alerts: i64,
    pub refused_sign_ins: i64,
}

wire_enum! {
    /// What an entry of the activity log records.
    ActivityAction {
        SignIn => "sign_in",
        /// A wrong password, or a deactivated account (`detail` says which).
        SignInRefused => "sign_in_refused",
        AccountCreated => "account_created",
        AccountUpdated => "account_updated",
        AccountDeactivated => "account_deactivated",
        AccountReactivated => "account_reactivated",
        PasswordChanged => "password_changed",
        PasswordResetIssued => "password_reset_issued",
        SpecialtyCreated => "specialty_created",
        SpecialtyUpdated => "specialty_updated",
        SpecialtyDeleted => "specialty_deleted",
        /// Weekly hours, time off, one-off slots or booking rules.
        AvailabilityChanged => "availability_changed",
        RecordValidated => "record_validated",
        RecordRejected => "record_rejected",
        ExportCreated => "export_created",
        CareAssigned => "care_assigned",
        CareEnded => "care_ended",
        /// A doctor opened emergency access ("break the glass").
        EmergencyAccess => "emergency_access",
        AppointmentCancelled => "appointment_cancelled",
        /// Platform settings (`detail`: the fields, `clinic_phone:reminders`).
        SettingsChanged => "settings_changed",
    }
}

/// One entry of the activity log as administrators read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEntry {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    pub actor_id: Option<crate::accounts::UserId>,
    /// The actor's name when read (absent: no known account).
    pub actor_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "admin"))]
    pub actor_role: Option<crate::accounts::Role>,
    pub action: ActivityAction,
    /// `user`, `specialty`, `consultation`, `export`, `patient`, `appointment`…
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    /// The target's name, for an account.
    pub target_name: Option<String>,
    /// A code saying more (`role:doctor`, `bad_password`, `inactive`…).
    pub detail: Option<String>,
    pub door: crate::trail::Door,
    pub request_id: Option<String>,
}

/// A page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// A search of the log as a form or a query string sends it; empty fields
/// match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct ActivityQuery {
    /// Whoever acted (account id).
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<i64>, minimum = 1, example = 1)
    )]
    pub user_id: Option<crate::accounts::UserId>,
    /// One action (`sign_in_refused`, `account_created`…).
    #[cfg_attr(feature = "openapi", param(value_type = Option<ActivityAction>, example = "sign_in"))]
    pub action: Option<String>,
    /// `admin`, `doctor` or `patient`: whose actions.
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<crate::wire_formats::RoleName>, example = "admin")
    )]
    pub role: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::wire_formats::Day>))]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), included.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::wire_formats::Day>))]
    pub to: Option<String>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100000))]
    pub page: Option<i64>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<i64>,
}
