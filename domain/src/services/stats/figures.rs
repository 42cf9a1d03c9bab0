//! The figures drawn from the rows read: by day and hour, occupancy, alerts, assistant, deliveries.

use std::collections::{BTreeMap, HashMap};

use jiff::ToSpan;
use jiff::civil::Date;

use super::Period;
use crate::accounts::{Specialty, UserId};
use crate::stats::{
    AlertFigures, AssistantUse, CodeCount, Delivery, Occupancy, PeriodCounts, STATUSES, quantile,
};
use crate::store::stats::StatDoctor;

/// The local day of an hour counted from the local epoch.
fn day_of_hour(hour: i64) -> Option<Date> {
    Date::constant(1970, 1, 1)
        .checked_add(hour.div_euclid(24).days())
        .ok()
}

/// Per day (or week), the period's totals by status, and held appointments
/// by weekday and hour.
pub(super) fn by_day(
    hours: &[(i64, String, i64)],
    p: &Period,
    weekly: bool,
) -> (Vec<PeriodCounts>, Vec<CodeCount>, Vec<Vec<i64>>) {
    let bucket = |day: Date| {
        if weekly {
            day.checked_sub((day.weekday().to_monday_zero_offset() as i64).days())
                .unwrap_or(day)
        } else {
            day
        }
    };
    let mut days: BTreeMap<Date, BTreeMap<&str, i64>> = BTreeMap::new();
    let mut day = bucket(p.first);
    while day <= p.last {
        days.insert(day, BTreeMap::new());
        day = match day.checked_add(if weekly { 7.days() } else { 1.days() }) {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    let mut busiest = vec![vec![0i64; 24]; 7];
    for (hour, status, n) in hours {
        let Some(day) = day_of_hour(*hour) else {
            continue;
        };
        let status = STATUSES
            .iter()
            .find(|s| **s == status.as_str())
            .copied()
            .unwrap_or("pending");
        *days
            .entry(bucket(day))
            .or_default()
            .entry(status)
            .or_default() += n;
        *totals.entry(status).or_default() += n;
        if !matches!(status, "cancelled" | "refused") {
            let weekday = day.weekday().to_monday_zero_offset() as usize;
            busiest[weekday][hour.rem_euclid(24) as usize] += n;
        }
    }
    let counts = |m: &BTreeMap<&str, i64>| {
        STATUSES
            .iter()
            .filter_map(|s| {
                m.get(s).map(|&count| CodeCount {
                    code: (*s).to_owned(),
                    count,
                })
            })
            .collect::<Vec<_>>()
    };
    (
        days.iter()
            .map(|(day, m)| PeriodCounts {
                day: day.to_string(),
                by_status: counts(m),
            })
            .collect(),
        counts(&totals),
        busiest,
    )
}

/// Occupancy per doctor (by name) and per specialty (by places offered).
pub(super) fn occupancy(
    doctors: &[StatDoctor],
    all: &[Specialty],
    offered: &HashMap<UserId, i64>,
    booked: &HashMap<UserId, i64>,
) -> (Vec<Occupancy>, Vec<Occupancy>) {
    let code = |id: Option<i64>| {
        id.and_then(|id| all.iter().find(|s| s.id == id))
            .map(|s| s.code.clone())
    };
    let per_doctor: Vec<Occupancy> = doctors
        .iter()
        .map(|d| Occupancy {
            doctor_id: Some(d.id),
            name: d.name.clone(),
            specialty: code(d.specialty_id),
            offered: offered.get(&d.id).copied().unwrap_or(0),
            booked: booked.get(&d.id).copied().unwrap_or(0),
        })
        .collect();
    let mut per_specialty: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for d in &per_doctor {
        if let Some(code) = &d.specialty {
            let e = per_specialty.entry(code.clone()).or_default();
            e.0 += d.offered;
            e.1 += d.booked;
        }
    }
    let mut specialties: Vec<Occupancy> = per_specialty
        .into_iter()
        .map(|(code, (offered, booked))| Occupancy {
            doctor_id: None,
            name: code.clone(),
            specialty: Some(code),
            offered,
            booked,
        })
        .collect();
    specialties.sort_by(|a, b| b.offered.cmp(&a.offered).then(a.name.cmp(&b.name)));
    (per_doctor, specialties)
}

/// Alerts by level (most serious first) with their acknowledgement delays.
pub(super) fn alert_figures(rows: &[(String, Option<i64>)]) -> Vec<AlertFigures> {
    ["emergency", "critical", "warning", "info"]
        .into_iter()
        .filter_map(|level| {
            let of_level: Vec<&Option<i64>> = rows
                .iter()
                .filter(|(l, _)| l == level)
                .map(|(_, w)| w)
                .collect();
            if of_level.is_empty() {
                return None;
            }
            let mut waited: Vec<i64> = of_level
                .iter()
                .filter_map(|w| w.map(|ms| ms.max(0) / 1000))
                .collect();
            waited.sort_unstable();
            Some(AlertFigures {
                level: level.to_owned(),
                raised: of_level.len() as i64,
                acknowledged: waited.len() as i64,
                median_seconds: quantile(&waited, 0.5),
                p90_seconds: quantile(&waited, 0.9),
            })
        })
        .collect()
}

pub(super) fn assistant_use(rows: &[(String, i64)]) -> AssistantUse {
    let of = |o: &str| {
        rows.iter()
            .filter(|(k, _)| k == o)
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    AssistantUse {
        answers: rows.iter().map(|(_, n)| n).sum(),
        understood: of("understood"),
        not_understood: of("not_understood"),
        emergencies: of("emergency"),
    }
}

pub(super) fn deliveries(rows: Vec<(String, String, i64)>) -> Vec<Delivery> {
    let mut by_channel: BTreeMap<String, Vec<CodeCount>> = BTreeMap::new();
    for (channel, code, count) in rows {
        by_channel
            .entry(channel)
            .or_default()
            .push(CodeCount { code, count });
    }
    by_channel
        .into_iter()
        .map(|(channel, by_status)| Delivery { channel, by_status })
        .collect()
}
