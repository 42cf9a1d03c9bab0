//! Research exports from the browser (administrators): the jobs, a preview,
//! starting, stopping and removing one. The files are downloaded from the
//! REST door (`/api/v1/exports/{id}/download/`), which streams them.

use domain::exports::{ExportJob, NewExport, Preview};
use leptos::prelude::*;

use crate::error::UiError;

/// The export jobs, newest first.
#[server]
pub async fn list_exports() -> Result<Vec<ExportJob>, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?.exports.list(&require_principal()?).await?)
}

/// The first rows of what `request` would export, and what k-anonymity
/// would leave out.
#[server(input = crate::api::StrictJson)]
pub async fn preview_export(request: NewExport) -> Result<Preview, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .exports
        .preview(&require_principal()?, &request)
        .await?)
}

/// Starts an export.
#[server(input = crate::api::StrictJson)]
pub async fn create_export(request: NewExport) -> Result<ExportJob, UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .exports
        .create(&require_principal()?, &request)
        .await?)
}

/// Stops an export that is not over, or removes one that is (with its file).
#[server]
pub async fn remove_export(id: i64) -> Result<(), UiError> {
    use crate::session::{require_principal, services};
    Ok(services()?
        .exports
        .remove(&require_principal()?, id)
        .await?)
}
