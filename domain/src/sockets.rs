//! Open WebSockets as administrators see them (seed 001's `SessionsWebSocket`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::accounts::UserId;

/// One open socket, on any instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveSocket {
    pub id: String,
    /// `user` or `device`.
    #[cfg_attr(feature = "openapi", schema(example = "device"))]
    pub kind: String,
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    pub device_id: Option<i64>,
    pub device_name: Option<String>,
    /// What it opened, e.g. `ws/iot/12/`.
    pub room: String,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub connected_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_activity: Timestamp,
}
