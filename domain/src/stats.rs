//! The platform's statistics as administrators and doctors read them:
//! appointments over a period (per day or week, by status, in person or
//! remote, the busiest hours), how full the doctors' hours are, how soon a
//! specialty can see someone, vital-sign alerts and how fast they are
//! acknowledged, the assistant's use and the delivery of outside messages.
//! Days and hours are the reader's (their zone).

use serde::{Deserialize, Serialize};

/// A statistics request as sent (a page's form or a query string); absent
/// fields take their defaults (the last 30 days and the next 14, everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct StatsQuery {
    /// First day, `YYYY-MM-DD`, in the reader's zone.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::wire_formats::Day>))]
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included (at most 366 days after the first).
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::wire_formats::Day>))]
    pub to: Option<String>,
    /// One specialty (its code, `cardiology`…).
    #[cfg_attr(feature = "openapi", param(example = "cardiology"))]
    pub specialty: Option<String>,
    /// One doctor (administrators; a doctor always reads their own).
    #[cfg_attr(
        feature = "openapi",
        param(value_type = Option<i64>, minimum = 1, example = 2)
    )]
    pub doctor_id: Option<crate::accounts::UserId>,
    /// The reader's IANA time zone (default: their account's, else the
    /// clinic's).
    #[cfg_attr(feature = "openapi", param(example = "Europe/Paris"))]
    pub tz: Option<String>,
}

/// How many, by code (`confirmed`, `remote`, `sms`…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeCount {
    pub code: String,
    pub count: i64,
}

/// Appointments of one day (or week) of the period, by status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodCounts {
    /// The day (or the week's Monday), `YYYY-MM-DD`.
    pub day: String,
    pub by_status: Vec<CodeCount>,
}

impl PeriodCounts {
    /// All appointments of the day.
    pub fn total(&self) -> i64 {
        self.by_status.iter().map(|c| c.count).sum()
    }

    /// Those of one status.
    pub fn of(&self, status: &str) -> i64 {
        self.by_status
            .iter()
            .find(|c| c.code == status)
            .map_or(0, |c| c.count)
    }
}

/// Places offered by the weekly hours (less time off, plus one-off slots)
/// and places booked in them over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Occupancy {
    /// The doctor (per doctor) or absent (per specialty).
    pub doctor_id: Option<crate::accounts::UserId>,
    /// The doctor's name, or the specialty's code.
    pub name: String,
    /// The specialty's code (absent: none).
    pub specialty: Option<String>,
    pub offered: i64,
    /// Appointments held (pending, confirmed, completed, no-show).
    pub booked: i64,
}

impl Occupancy {
    /// Booked over offered, from 0 to 1 (absent when nothing was offered).
    pub fn rate(&self) -> Option<f64> {
        (self.offered > 0).then(|| self.booked as f64 / self.offered as f64)
    }
}

/// How soon a specialty can see a new patient: its first free slot now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeadTime {
    pub specialty: String,
    pub name_fr: String,
    pub name_en: String,
    /// Unix milliseconds of the first free slot within the search's
    /// [`LEAD_SEARCH_DAYS`] days (absent: none).
    pub first_free: Option<i64>,
    /// Hours from now to that slot.
    pub hours: Option<i64>,
}

/// Days ahead searched for a specialty's first free slot.
pub const LEAD_SEARCH_DAYS: i64 = 28;

/// Vital-sign alerts of one level raised in the period, and how long they
/// waited for a doctor's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertFigures {
    /// `info`, `warning`, `critical` or `emergency`.
    pub level: String,
    pub raised: i64,
    pub acknowledged: i64,
    /// Median seconds from raised to acknowledged.
    pub median_seconds: Option<i64>,
    /// 90th percentile of the same.
    pub p90_seconds: Option<i64>,
}

/// The assistant's answers in the period (no question is kept: only what
/// kind of answer each got).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistantUse {
    pub answers: i64,
    pub understood: i64,
    pub not_understood: i64,
    /// Answered with the emergency numbers first.
    pub emergencies: i64,
}

impl AssistantUse {
    /// Understood (an emergency included) over all answers.
    pub fn understood_rate(&self) -> Option<f64> {
        (self.answers > 0)
            .then(|| (self.understood + self.emergencies) as f64 / self.answers as f64)
    }
}

/// Outside messages of one channel created in the period, by status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// `sms`, `whatsapp` or `email`.
    pub channel: String,
    pub by_status: Vec<CodeCount>,
}

impl Delivery {
    /// Messages of the channel.
    pub fn total(&self) -> i64 {
        self.by_status.iter().map(|c| c.count).sum()
    }

    /// Delivered (or, for e-mail, sent) over those that left the queue.
    pub fn delivered_rate(&self) -> Option<f64> {
        let of = |s: &str| {
            self.by_status
                .iter()
                .find(|c| c.code == s)
                .map_or(0, |c| c.count)
        };
        let ok = of("delivered") + of("sent");
        let done = ok + of("failed") + of("dropped");
        (done > 0).then(|| ok as f64 / done as f64)
    }
}

/// Everything the statistics page shows, for one period and filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    /// The period's first and last days, `YYYY-MM-DD`, and their zone.
    pub first: String,
    pub last: String,
    pub zone: String,
    /// The doctor the figures are limited to (a doctor reading their own).
    pub doctor_id: Option<crate::accounts::UserId>,
    /// Whether `appointments` is per week (long periods) rather than per day.
    pub weekly: bool,
    /// Appointments starting in the period, per day or week, by status.
    pub appointments: Vec<PeriodCounts>,
    /// The period's appointments by status.
    pub by_status: Vec<CodeCount>,
    /// By kind: `in_person`, `remote`.
    pub by_kind: Vec<CodeCount>,
    /// No-shows over appointments that should have taken place (past,
    /// completed or no-show).
    pub no_show_rate: Option<f64>,
    /// Cancelled over all appointments of the period.
    pub cancellation_rate: Option<f64>,
    /// Appointments held (not cancelled or refused) by weekday (0 = Monday)
    /// and hour of the day: 7 rows of 24.
    pub busiest: Vec<Vec<i64>>,
    pub doctors: Vec<Occupancy>,
    pub specialties: Vec<Occupancy>,
    pub lead_times: Vec<LeadTime>,
    pub alerts: Vec<AlertFigures>,
    /// Administrators only.
    pub assistant: Option<AssistantUse>,
    /// Administrators only.
    pub delivery: Option<Vec<Delivery>>,
}

/// A table of the statistics as a CSV download names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsTable {
    Appointments,
    Kinds,
    Busiest,
    Doctors,
    Specialties,
    LeadTimes,
    Alerts,
    Assistant,
    Delivery,
}

impl StatsTable {
    pub const ALL: [Self; 9] = [
        Self::Appointments,
        Self::Kinds,
        Self::Busiest,
        Self::Doctors,
        Self::Specialties,
        Self::LeadTimes,
        Self::Alerts,
        Self::Assistant,
        Self::Delivery,
    ];

    /// The name in the download's path (`/api/v1/stats/{name}.csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Appointments => "appointments",
            Self::Kinds => "kinds",
            Self::Busiest => "busiest",
            Self::Doctors => "doctors",
            Self::Specialties => "specialties",
            Self::LeadTimes => "lead_times",
            Self::Alerts => "alerts",
            Self::Assistant => "assistant",
            Self::Delivery => "delivery",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// Appointment statuses in the order charts stack them.
pub const STATUSES: [&str; 6] = [
    "completed",
    "confirmed",
    "pending",
    "no_show",
    "cancelled",
    "refused",
];

/// The value at quantile `q` (0..=1) of sorted `values`, nearest rank.
pub fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let v = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(quantile(&v, 0.5), Some(50));
        assert_eq!(quantile(&v, 0.9), Some(90));
        assert_eq!(quantile(&[7], 0.9), Some(7));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[1, 2, 3], 0.5), Some(2));
    }

    #[test]
    fn rates_leave_out_what_is_undecided() {
        let d = Delivery {
            channel: "sms".into(),
            by_status: vec![
                CodeCount {
                    code: "delivered".into(),
                    count: 8,
                },
                CodeCount {
                    code: "failed".into(),
                    count: 2,
                },
                CodeCount {
                    code: "queued".into(),
                    count: 5,
                },
            ],
        };
        assert_eq!(d.total(), 15);
        assert_eq!(d.delivered_rate(), Some(0.8));
        let o = Occupancy {
            doctor_id: None,
            name: "x".into(),
            specialty: None,
            offered: 0,
            booked: 0,
        };
        assert_eq!(o.rate(), None);
        assert_eq!(AssistantUse::default().understood_rate(), None);
        for t in StatsTable::ALL {
            assert_eq!(StatsTable::parse(t.as_str()), Some(t));
        }
    }
}
