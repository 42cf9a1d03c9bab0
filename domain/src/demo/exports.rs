//! Research exports of the demo: the administrator's export of the past
//! year's appointments, anonymised (pseudonyms, age bands, dates rounded to
//! the month). It is queued like any export and written by the job worker
//! once the server runs, so the exports page opens on a file to download.

use jiff::Timestamp;

use super::People;
use crate::error::{DomainError, DomainResult};
use crate::exports::{Dataset, DatePrecision, ExportFilters, Format, NewExport};
use crate::services::Services;

pub(super) async fn load(services: &Services, people: &People, now: Timestamp) -> DomainResult<()> {
    let admin = people.principal("admin")?;
    let today = now
        .to_zoned(
            jiff::tz::TimeZone::get(crate::medical::DEFAULT_TIME_ZONE)
                .map_err(DomainError::internal)?,
        )
        .date();
    let year_ago = today
        .checked_sub(jiff::Span::new().years(1))
        .map_err(DomainError::internal)?;
    let request = NewExport {
        dataset: Dataset::Appointments,
        export_format: Format::Csv,
        date_start: year_ago,
        date_end: today,
        include_personal_data: false,
        personal_data_reason: None,
        include_free_text: false,
        filters: ExportFilters::default(),
        date_precision: Some(DatePrecision::Month),
        // Seven demo patients: with the default k of 5 every row would be
        // left out. The preview on the page shows what k = 5 does.
        k_anonymity: Some(1),
        max_records: None,
    };
    services.exports.create(&admin, &request).await?;
    Ok(())
}
