//! Chart series of vitals: per-minute summaries grouped into buckets (one
//! minute over the last hour, ten over a day, an hour over a week), and the
//! live readings a dashboard merges into them. Pure (the browser extends the
//! series the server rendered as readings arrive).

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::news2::News2;
use super::{LatestValue, Vital};
use crate::accounts::UserId;

wire_enum! {
    /// How far back a chart looks.
    ChartWindow {
        Hour => "hour",
        Day => "day",
        Week => "week",
    }
}

impl ChartWindow {
    /// The span shown.
    pub fn span(self) -> SignedDuration {
        match self {
            Self::Hour => SignedDuration::from_hours(1),
            Self::Day => SignedDuration::from_hours(24),
            Self::Week => SignedDuration::from_hours(24 * 7),
        }
    }

    /// One point per this many milliseconds.
    pub fn bucket_ms(self) -> i64 {
        match self {
            Self::Hour => 60_000,
            Self::Day => 10 * 60_000,
            Self::Week => 60 * 60_000,
        }
    }
}

/// One bucket of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Start of the bucket, Unix milliseconds.
    pub at: i64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub count: i64,
}

/// One vital over a window, oldest bucket first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub vital: Vital,
    pub window: ChartWindow,
    pub points: Vec<Point>,
}

impl Series {
    /// Groups per-minute summaries `(minute, min, max, mean, count)`, oldest
    /// first, into the window's buckets.
    pub fn from_minutes(
        vital: Vital,
        window: ChartWindow,
        minutes: &[(i64, f64, f64, f64, i64)],
    ) -> Self {
        let mut series = Self {
            vital,
            window,
            points: Vec::new(),
        };
        for &(minute, min, max, mean, count) in minutes {
            series.merge(Point {
                at: minute,
                min,
                max,
                mean,
                count,
            });
        }
        series
    }

    /// Merges a summary (or one reading: `min = max = mean`, `count = 1`)
    /// into its bucket; points must come oldest first.
    pub fn merge(&mut self, point: Point) {
        if point.count <= 0 {
            return;
        }
        let bucket = point.at - point.at.rem_euclid(self.window.bucket_ms());
        match self.points.last_mut() {
            Some(last) if last.at == bucket => {
                let count = last.count + point.count;
                last.mean = (last.mean * last.count as f64 + point.mean * point.count as f64)
                    / count as f64;
                last.min = last.min.min(point.min);
                last.max = last.max.max(point.max);
                last.count = count;
            }
            Some(last) if last.at > bucket => {} // out of order: the next render has it
            _ => self.points.push(Point {
                at: bucket,
                ..point
            }),
        }
    }

    /// Adds one live reading and drops buckets that left the window.
    pub fn push_reading(&mut self, at: Timestamp, value: f64) {
        let at = at.as_millisecond();
        self.merge(Point {
            at,
            min: value,
            max: value,
            mean: value,
            count: 1,
        });
        let oldest = at - self.window.span().as_millis() as i64;
        self.points
            .retain(|p| p.at + self.window.bucket_ms() > oldest);
    }
}

/// What a monitoring page shows of one patient: latest values, NEWS2 and the
/// charts of one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub patient: UserId,
    pub latest: BTreeMap<String, LatestValue>,
    pub news2: Option<News2>,
    pub window: ChartWindow,
    /// The vitals measured in the window, in `Vital::ALL` order.
    pub series: Vec<Series>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_group_into_buckets_with_weighted_means() {
        let minutes = [
            (0, 90.0, 94.0, 92.0, 2),
            (60_000, 96.0, 96.0, 96.0, 2),
            (600_000, 98.0, 98.0, 98.0, 1),
        ];
        let series = Series::from_minutes(Vital::Spo2, ChartWindow::Day, &minutes);
        assert_eq!(series.points.len(), 2, "ten-minute buckets");
        let first = series.points[0];
        assert_eq!((first.at, first.count), (0, 4));
        assert_eq!((first.min, first.max, first.mean), (90.0, 96.0, 94.0));
        let hourly = Series::from_minutes(Vital::Spo2, ChartWindow::Hour, &minutes);
        assert_eq!(hourly.points.len(), 3);
    }

    #[test]
    fn live_readings_extend_the_last_bucket_and_slide_the_window() {
        let mut series = Series {
            vital: Vital::HeartRate,
            window: ChartWindow::Hour,
            points: vec![],
        };
        let t0 = Timestamp::from_second(1_800_000_000).unwrap();
        series.push_reading(t0, 70.0);
        series.push_reading(t0 + SignedDuration::from_secs(10), 80.0);
        assert_eq!(series.points.len(), 1);
        assert_eq!(series.points[0].mean, 75.0);
        series.push_reading(t0 + SignedDuration::from_mins(61), 90.0);
        assert_eq!(series.points.len(), 1, "the first minute left the hour");
        assert_eq!(series.points[0].mean, 90.0);
    }
}
