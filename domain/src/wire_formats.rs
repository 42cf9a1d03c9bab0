//! Text formats the doors accept, described once for the OpenAPI document and
//! referenced by every field or parameter that takes them
//! (`#[schema(value_type = Instant)]`). Their bounds are those of
//! [`crate::bounds`]: dates and instants in the years 1900–2200.

use utoipa::ToSchema;

/// An instant: RFC 3339 with an offset, in the years 1900–2200
/// (`2026-03-20T09:00:00+01:00`, `2026-03-20T08:00:00Z`).
#[derive(ToSchema)]
#[schema(
    pattern = r"^(?:(?:19[0-9]{2}|2[01][0-9]{2}|2200)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)-02-29)T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?(?:Z|[+-](?:[01][0-9]|2[0-5]):[0-5][0-9])$",
    example = "2026-03-20T09:00:00+01:00"
)]
pub struct Instant(pub String);

/// A calendar day, `YYYY-MM-DD`, in the years 1900–2200.
#[derive(ToSchema)]
#[schema(
    pattern = r"^(?:(?:19[0-9]{2}|2[01][0-9]{2}|2200)-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)-02-29)$",
    example = "2026-03-20"
)]
pub struct Day(pub String);

/// A wall-clock time, `HH:MM` (seconds allowed: `HH:MM:SS`).
#[derive(ToSchema)]
#[schema(
    pattern = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?$",
    example = "09:30"
)]
pub struct ClockTime(pub String);

/// How a consultation takes place: `in_person`, `remote` or `both` (the seed's
/// `presentiel` and `distanciel` are accepted too).
#[derive(ToSchema)]
#[schema(
    pattern = r"^\s*(?:in_person|remote|both|presentiel|distanciel)\s*$",
    example = "in_person"
)]
pub struct ConsultationKind(pub String);

/// A role: `patient`, `doctor` or `admin`.
#[derive(ToSchema)]
#[schema(pattern = r"^\s*(?:patient|doctor|admin)\s*$", example = "doctor")]
pub struct RoleName(pub String);
