//! Statistics: administrators read the platform's (or a specialty's, or a
//! doctor's), doctors their own.

use domain::stats::{Statistics, StatsQuery};
use leptos::prelude::*;

use crate::error::UiError;

/// The statistics of a period, days and hours in the reader's zone.
#[server]
pub async fn read_statistics(query: StatsQuery) -> Result<Statistics, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .stats
        .compute(&require_principal()?, &query, jiff::Timestamp::now())
        .await?)
}
