//! The parsing of a search's query string into a checked [`Search`] (and of
//! `$everything`'s period): references, numbers, tokens and prefixed dates.

use jiff::{SignedDuration, Timestamp, civil::Date};

use super::params::{DEFAULT_COUNT, MAX_COUNT, MAX_PAGE, ResourceType};
use crate::accounts::UserId;
use crate::error::{DomainError, DomainResult};

/// A period of time, its end excluded; either side may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl Range {
    /// Whether `at` falls in the range.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at < t)
    }
}

/// A checked search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub kind: ResourceType,
    pub id: Option<i64>,
    pub patient: Option<UserId>,
    /// `practitioner`, `actor` or `schedule`: a doctor.
    pub practitioner: Option<UserId>,
    pub name: Option<String>,
    pub specialty: Option<String>,
    /// `code`: (system, code).
    pub code: Option<(Option<String>, String)>,
    pub status: Vec<String>,
    /// `date` or `start`.
    pub range: Range,
    pub count: i64,
    pub page: i64,
}

fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::invalid(field, code, message)
}

/// The id of a reference, given as `5` or `{kind}/5`.
fn reference_id(field: &'static str, raw: &str, kind: &str) -> DomainResult<i64> {
    let raw = raw.trim();
    let id = raw
        .strip_prefix(kind)
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(raw);
    id.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        invalid(
            field,
            "invalid_reference",
            format!("expected `{kind}/<id>`"),
        )
    })
}

fn number(field: &'static str, raw: &str, max: i64) -> DomainResult<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| invalid(field, "out_of_range", format!("a number from 1 to {max}")))
}

/// Narrows `range` by one `date` value: an optional prefix (`eq`, `ge`,
/// `gt`, `le`, `lt`) and a day (`2026-12-06`, the whole day in UTC) or an
/// instant with its offset.
fn narrow(field: &'static str, range: &mut Range, raw: &str) -> DomainResult<()> {
    let raw = raw.trim();
    let (prefix, value) = match raw.get(..2) {
        Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => (p, &raw[2..]),
        _ => ("eq", raw),
    };
    let bad = || {
        invalid(
            field,
            "invalid_date",
            "a day (`2026-12-06`) or an instant with its offset (`2026-12-06T09:00:00+01:00`), optionally after `ge`, `gt`, `le`, `lt` or `eq`",
        )
    };
    let (start, end) = if value.len() == 10 {
        let day: Date = value.parse().map_err(|_| bad())?;
        let start = day.to_zoned(jiff::tz::TimeZone::UTC).map_err(|_| bad())?;
        let end = start.tomorrow().map_err(|_| bad())?;
        (start.timestamp(), end.timestamp())
    } else {
        let at: Timestamp = value.parse().map_err(|_| bad())?;
        (at, at + SignedDuration::from_millis(1))
    };
    let later = |a: Option<Timestamp>, b: Timestamp| Some(a.map_or(b, |a| a.max(b)));
    let sooner = |a: Option<Timestamp>, b: Timestamp| Some(a.map_or(b, |a| a.min(b)));
    match prefix {
        "ge" => range.from = later(range.from, start),
        "gt" => range.from = later(range.from, end),
        "le" => range.to = sooner(range.to, end),
        "lt" => range.to = sooner(range.to, start),
        _ => {
            range.from = later(range.from, start);
            range.to = sooner(range.to, end);
        }
    }
    Ok(())
}

fn name_of(field: &str) -> &'static str {
    match field {
        "_id" => "_id",
        "patient" => "patient",
        "practitioner" => "practitioner",
        "actor" => "actor",
        "schedule" => "schedule",
        "name" => "name",
        "specialty" => "specialty",
        "code" => "code",
        "status" => "status",
        "date" => "date",
        "start" => "start",
        "category" => "category",
        "_count" => "_count",
        "_page" => "_page",
        _ => "query",
    }
}

impl Search {
    /// Everything of `kind`, first page.
    pub fn new(kind: ResourceType) -> Self {
        Self {
            kind,
            id: None,
            patient: None,
            practitioner: None,
            name: None,
            specialty: None,
            code: None,
            status: Vec::new(),
            range: Range::default(),
            count: DEFAULT_COUNT,
            page: 1,
        }
    }

    /// Parses the query string of a search of `kind`. A parameter the type
    /// does not take is refused (not silently ignored), as is a bad value.
    pub fn parse(kind: ResourceType, pairs: &[(String, String)]) -> DomainResult<Self> {
        let mut search = Self::new(kind);
        for (key, value) in pairs {
            let field = name_of(key);
            if !kind.params().iter().any(|p| p.name == key.as_str()) {
                return Err(invalid(
                    field,
                    "unknown_parameter",
                    format!(
                        "{} searches take {}",
                        kind.as_str(),
                        kind.params()
                            .iter()
                            .map(|p| p.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            let value = value.trim();
            if value.is_empty() {
                return Err(invalid(field, "blank", "a value is required"));
            }
            match key.as_str() {
                "_id" => search.id = Some(number(field, value, i64::MAX)?),
                "patient" => search.patient = Some(reference_id(field, value, "Patient")?),
                "practitioner" | "actor" => {
                    search.practitioner = Some(reference_id(field, value, "Practitioner")?);
                }
                "schedule" => search.practitioner = Some(reference_id(field, value, "Schedule")?),
                "name" => search.name = Some(value.to_owned()),
                "specialty" => search.specialty = Some(value.to_owned()),
                "code" => {
                    search.code = Some(match value.split_once('|') {
                        Some((system, code)) => (
                            Some(system.to_owned()).filter(|s| !s.is_empty()),
                            code.to_owned(),
                        ),
                        None => (None, value.to_owned()),
                    });
                }
                "category" => {
                    let code = value.rsplit('|').next().unwrap_or(value);
                    if code != "vital-signs" {
                        return Err(invalid(field, "unknown_category", "only `vital-signs`"));
                    }
                }
                "status" => search
                    .status
                    .extend(value.split(',').map(|s| s.trim().to_owned())),
                "date" | "start" => narrow(field, &mut search.range, value)?,
                "_count" => search.count = number(field, value, MAX_COUNT)?,
                "_page" => search.page = number(field, value, MAX_PAGE)?,
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (search.range.from, search.range.to)
            && from >= to
        {
            return Err(invalid(
                "date",
                "empty_period",
                "the period ends before it starts",
            ));
        }
        Ok(search)
    }

    /// Rows to skip for this page.
    pub fn offset(&self) -> usize {
        usize::try_from((self.page - 1) * self.count).unwrap_or(usize::MAX)
    }
}

/// The period of `$everything` (`start`, `end`: days or instants, both
/// included); nothing else is taken.
pub fn everything_range(pairs: &[(String, String)]) -> DomainResult<Range> {
    let mut range = Range::default();
    for (key, value) in pairs {
        match key.as_str() {
            "start" => narrow("start", &mut range, &format!("ge{}", value.trim()))?,
            "end" => narrow("end", &mut range, &format!("le{}", value.trim()))?,
            _ => {
                return Err(invalid(
                    "query",
                    "unknown_parameter",
                    "$everything takes start and end",
                ));
            }
        }
    }
    if let (Some(from), Some(to)) = (range.from, range.to)
        && from >= to
    {
        return Err(invalid(
            "end",
            "empty_period",
            "the period ends before it starts",
        ));
    }
    Ok(range)
}
