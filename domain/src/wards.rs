//! Wards: a named group of patients watched together on one live board by
//! its staff (`ws/monitoring/<room>/`). Administrators define them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::accounts::UserId;
use crate::vitals::LatestValue;
use crate::vitals::alerts::AlertLevel;
use crate::vitals::news2::News2;

/// A member of a ward (patient or staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: UserId,
    pub name: String,
}

/// A ward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ward {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "Cardiologie — 3e étage"))]
    pub name: String,
    pub patients: Vec<Member>,
    pub staff: Vec<Member>,
}

/// Creating or replacing a ward.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardForm {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// Patients' account ids.
    #[serde(default)]
    pub patients: Vec<UserId>,
    /// Doctors' account ids.
    #[serde(default)]
    pub staff: Vec<UserId>,
}

/// One patient's line on a ward's board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardRow {
    pub patient: UserId,
    pub name: String,
    /// Latest value per vital (`spo2`, `heart_rate`…).
    pub latest: BTreeMap<String, LatestValue>,
    /// NEWS2 of the latest readings (none when nothing it reads was measured
    /// in the last 12 hours).
    pub news2: Option<News2>,
    /// Active alerts, and the most urgent level among them.
    pub active_alerts: i64,
    pub worst_level: Option<AlertLevel>,
}

impl BoardRow {
    /// How urgent the row is, for sorting (greater first): NEWS2, then the
    /// worst active alert, then how many alerts are active.
    pub fn urgency(&self) -> (u8, u8, i64) {
        (
            self.news2.as_ref().map_or(0, |n| n.score),
            self.worst_level.map_or(0, |l| l.rank() + 1),
            self.active_alerts,
        )
    }
}
