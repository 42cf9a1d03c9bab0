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
