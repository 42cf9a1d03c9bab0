//! Statistics over REST: administrators read the platform's (or a
//! specialty's, or a doctor's), doctors their own; each table of the page
//! also as CSV (codes, local days, counts), for a spreadsheet.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::DomainError;
use domain::stats::{STATUSES, Statistics, StatsQuery, StatsTable};

use crate::authn::CurrentUser;
use crate::extract::ApiQuery;
use crate::http_error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/stats/", get(figures))
        .route("/api/v1/stats/{file}", get(table))
}

/// The statistics of a period (default: the last 30 days and the next 14,
/// in the reader's zone): appointments per day (per week past 62 days) and
/// status, kinds, the busiest hours, occupancy per doctor and specialty,
/// each specialty's first free slot, alerts by level with the time to
/// acknowledge them, and (administrators) the assistant's use and messages
/// delivered.
#[utoipa::path(get, path = "/api/v1/stats/", tag = "operations", params(StatsQuery), security(("bearer" = [])),
    responses((status = 200, body = Statistics), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn figures(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<Statistics>, ApiError> {
    strict(&query)?;
    Ok(Json(
        state
            .services
            .stats
            .compute(&principal, &query, jiff::Timestamp::now())
            .await?,
    ))
}

/// One table of the statistics as CSV: `appointments.csv`, `kinds.csv`,
/// `busiest.csv`, `doctors.csv`, `specialties.csv`, `lead_times.csv`,
/// `alerts.csv`, and for administrators `assistant.csv` and `delivery.csv`.
#[utoipa::path(get, path = "/api/v1/stats/{file}", tag = "operations",
    params(("file" = String, Path, description = "The table and `.csv`", example = "appointments.csv"), StatsQuery),
    security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn table(
    State(state): State<AppState>,
    CurrentUser(principal): CurrentUser,
    Path(file): Path<String>,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Response, ApiError> {
    let which = file
        .strip_suffix(".csv")
        .and_then(StatsTable::parse)
        .ok_or(ApiError(DomainError::NotFound("table")))?;
    strict(&query)?;
    let stats = state
        .services
        .stats
        .compute(&principal, &query, jiff::Timestamp::now())
        .await?;
    let body = to_csv(&stats, which)
        .map_err(|e| ApiError(DomainError::internal(e)))?
        .ok_or(ApiError(DomainError::Forbidden))?;
    let disposition = format!(
        "attachment; filename=\"stats-{}-{}-{}.csv\"",
        which.as_str(),
        stats.first,
        stats.last
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Keys sent empty are refused over REST (the page's form sends them for
/// "any").
fn strict(query: &StatsQuery) -> Result<(), ApiError> {
    super::medical::no_blank(&[
        ("from", &query.from),
        ("to", &query.to),
        ("specialty", &query.specialty),
        ("tz", &query.tz),
    ])
}

/// One table as CSV; `None` for a table the reader has no figures of (the
/// assistant's and messages' for a doctor).
pub fn to_csv(s: &Statistics, which: StatsTable) -> Result<Option<String>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let rate = |r: Option<f64>| r.map(|r| format!("{r:.4}")).unwrap_or_default();
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    match which {
        StatsTable::Appointments => {
            let mut head = vec![if s.weekly { "week" } else { "day" }];
            head.extend(STATUSES);
            head.push("total");
            out.write_record(&head)?;
            for p in &s.appointments {
                let mut row = vec![p.day.clone()];
                row.extend(STATUSES.iter().map(|st| p.of(st).to_string()));
                row.push(p.total().to_string());
                out.write_record(&row)?;
            }
        }
        StatsTable::Kinds => {
            out.write_record(["kind", "appointments"])?;
            for c in &s.by_kind {
                out.write_record([c.code.clone(), c.count.to_string()])?;
            }
        }
        StatsTable::Busiest => {
            out.write_record(["weekday", "hour", "appointments"])?;
            for (d, row) in s.busiest.iter().enumerate() {
                for (h, n) in row.iter().enumerate() {
                    out.write_record([(d + 1).to_string(), h.to_string(), n.to_string()])?;
                }
            }
        }
        StatsTable::Doctors | StatsTable::Specialties => {
            let doctors = which == StatsTable::Doctors;
            let head: &[&str] = if doctors {
                &[
                    "doctor_id",
                    "doctor",
                    "specialty",
                    "offered",
                    "booked",
                    "rate",
                ]
            } else {
                &["specialty", "offered", "booked", "rate"]
            };
            out.write_record(head)?;
            for o in if doctors { &s.doctors } else { &s.specialties } {
                let mut row = Vec::new();
                if doctors {
                    row.push(opt(o.doctor_id));
                    row.push(o.name.clone());
                }
                row.push(o.specialty.clone().unwrap_or_default());
                row.extend([o.offered.to_string(), o.booked.to_string(), rate(o.rate())]);
                out.write_record(&row)?;
            }
        }
        StatsTable::LeadTimes => {
            out.write_record(["specialty", "first_free", "hours"])?;
            for l in &s.lead_times {
                let at = l
                    .first_free
                    .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                out.write_record([l.specialty.clone(), at, opt(l.hours)])?;
            }
        }
        StatsTable::Alerts => {
            out.write_record([
                "level",
                "raised",
                "acknowledged",
                "median_seconds",
                "p90_seconds",
            ])?;
            for a in &s.alerts {
                out.write_record([
                    a.level.clone(),
                    a.raised.to_string(),
                    a.acknowledged.to_string(),
                    opt(a.median_seconds),
                    opt(a.p90_seconds),
                ])?;
            }
        }
        StatsTable::Assistant => {
            let Some(a) = &s.assistant else {
                return Ok(None);
            };
            out.write_record([
                "answers",
                "understood",
                "not_understood",
                "emergencies",
                "understood_rate",
            ])?;
            out.write_record([
                a.answers.to_string(),
                a.understood.to_string(),
                a.not_understood.to_string(),
                a.emergencies.to_string(),
                rate(a.understood_rate()),
            ])?;
        }
        StatsTable::Delivery => {
            let Some(d) = &s.delivery else {
                return Ok(None);
            };
            let statuses = ["queued", "sent", "delivered", "failed", "dropped"];
            let mut head = vec!["channel"];
            head.extend(statuses);
            head.push("delivered_rate");
            out.write_record(&head)?;
            for x in d {
                let mut row = vec![x.channel.clone()];
                row.extend(statuses.iter().map(|st| {
                    x.by_status
                        .iter()
                        .find(|c| c.code == *st)
                        .map_or(0, |c| c.count)
                        .to_string()
                }));
                row.push(rate(x.delivered_rate()));
                out.write_record(&row)?;
            }
        }
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}
