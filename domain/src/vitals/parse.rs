//! What devices send, checked into [`NewReading`]s.
//!
//! Three shapes arrive, all as JSON objects:
//! - seed 001's ESP32 `data` map: `{"temperature": 36.5, "heart_rate": 75,
//!   "timestamp": 123456}` (a bare number per vital, one timestamp for all);
//! - seed 004's merged map: `{"spo2": {"valeur": 97, "unite": "%",
//!   "timestamp": "…"}}` (an object per vital);
//! - seed 001's stored row: `{"type_donnee": "spo2", "valeur": 97, "unite":
//!   "%", "qualite_donnee": 95}`.
//!
//! A timestamp may be RFC 3339, Unix seconds or milliseconds, or the
//! device's `millis()` since boot (then the server's time is taken). Every
//! value is converted to its vital's UCUM unit and checked against the
//! plausible range; an error names the vital.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value};

use super::{NewReading, Vital};
use crate::error::{DomainError, DomainResult};

/// Most measurements in one request or message.
pub const MAX_BATCH: usize = 1000;
/// How far ahead of the server's clock a device's clock may be.
const MAX_AHEAD: SignedDuration = SignedDuration::from_mins(5);
/// How old a measurement a device may still upload (it buffered offline).
const MAX_AGE: SignedDuration = SignedDuration::from_hours(24 * 30);

/// Keys of a `data` map that are not vitals (`type` is there when seed
/// 004's socket message carries its vitals at the top level).
const NOT_VITALS: &[&str] = &[
    "type",
    "timestamp",
    "device_mac",
    "seq",
    "quality",
    "qualite_donnee",
    "unite",
    "unit",
];

/// Readings of one JSON object in any of the three shapes.
pub fn readings_of(object: &Map<String, Value>, now: Timestamp) -> DomainResult<Vec<NewReading>> {
    if object.contains_key("type_donnee") {
        return row(object, now).map(|r| vec![r]);
    }
    let data = match object.get("data") {
        Some(Value::Object(data)) => data,
        Some(_) => {
            return Err(invalid(
                "data",
                "invalid_data",
                "data must be an object of vitals",
            ));
        }
        None => object,
    };
    // One timestamp for every vital: the `data` map's, else the message's
    // own (seed 001 documents it beside `data`); either is checked.
    let outer_at = match object.get("timestamp") {
        Some(raw) if !std::ptr::eq(data, object) => Some(instant("timestamp", raw, now)?),
        _ => None,
    };
    let shared_at = match data.get("timestamp") {
        Some(raw) => instant("timestamp", raw, now)?,
        None => outer_at.unwrap_or(now),
    };
    let shared_quality = match data.get("quality").or_else(|| data.get("qualite_donnee")) {
        Some(raw) => quality("quality", raw)?,
        None => 100,
    };
    let mut out = Vec::new();
    for (key, raw) in data {
        if NOT_VITALS.contains(&key.as_str()) {
            continue;
        }
        if matches!(
            key.as_str(),
            "blood_pressure" | "tension" | "tension_arterielle"
        ) {
            out.extend(blood_pressure(raw, shared_at, shared_quality)?);
            continue;
        }
        let vital = Vital::parse_alias(key).ok_or_else(|| unknown_vital(key))?;
        out.push(match raw {
            Value::Object(fields) => measurement(vital, fields, shared_at, now)?,
            other => NewReading {
                vital,
                value: checked(vital, number(vital, other)?)?,
                measured_at: shared_at,
                quality: shared_quality,
            },
        });
    }
    if out.is_empty() {
        return Err(invalid("data", "no_vitals", "no vital sign in the message"));
    }
    Ok(out)
}

/// The hardware addresses a body says it comes from: [`declared_in`] each
/// object (one, or each item of a batch).
pub fn declared_macs(body: &Value) -> DomainResult<Vec<&str>> {
    let items = match body {
        Value::Array(items) => items.as_slice(),
        one => std::slice::from_ref(one),
    };
    let mut out = Vec::new();
    for item in items {
        if let Value::Object(object) = item {
            out.extend(declared_in(object)?);
        }
    }
    Ok(out)
}

/// The hardware addresses a message says it comes from (`device_mac`,
/// beside `data` or in it).
fn declared_in(object: &Map<String, Value>) -> DomainResult<Vec<&str>> {
    let inner = match object.get("data") {
        Some(Value::Object(data)) => data.get("device_mac"),
        _ => None,
    };
    let mut out = Vec::new();
    for raw in [object.get("device_mac"), inner].into_iter().flatten() {
        match raw {
            Value::String(mac) => out.push(mac.as_str()),
            Value::Null => {}
            _ => {
                return Err(invalid(
                    "device_mac",
                    "invalid_mac_address",
                    "device_mac must be a MAC address such as AA:BB:CC:DD:EE:FF",
                ));
            }
        }
    }
    Ok(out)
}

/// Readings of a request body: one object or an array of them (a batch).
pub fn batch_of(body: &Value, now: Timestamp) -> DomainResult<Vec<NewReading>> {
    let mut out = Vec::new();
    match body {
        Value::Object(object) => out = readings_of(object, now)?,
        Value::Array(items) => {
            if items.is_empty() {
                return Err(invalid("readings", "empty_batch", "the batch is empty"));
            }
            for item in items {
                let Value::Object(object) = item else {
                    return Err(invalid(
                        "readings",
                        "invalid_reading",
                        "each reading must be an object",
                    ));
                };
                out.extend(readings_of(object, now)?);
                if out.len() > MAX_BATCH {
                    break;
                }
            }
        }
        _ => {
            return Err(invalid(
                "readings",
                "invalid_reading",
                "expected an object or an array of objects",
            ));
        }
    }
    if out.len() > MAX_BATCH {
        return Err(invalid(
            "readings",
            "batch_too_large",
            format!("at most {MAX_BATCH} measurements per request"),
        ));
    }
    Ok(out)
}

/// Seed 001's row shape.
fn row(object: &Map<String, Value>, now: Timestamp) -> DomainResult<NewReading> {
    let key = match object.get("type_donnee") {
        Some(Value::String(key)) => key,
        _ => {
            return Err(invalid(
                "type_donnee",
                "invalid_vital",
                "type_donnee must be a vital's name",
            ));
        }
    };
    let vital = Vital::parse_alias(key).ok_or_else(|| unknown_vital(key))?;
    measurement(vital, object, now, now)
}

/// One vital given as an object: `valeur` (or `value`), optional `unite`
/// (`unit`), `timestamp`, `qualite_donnee` (`quality`).
fn measurement(
    vital: Vital,
    fields: &Map<String, Value>,
    default_at: Timestamp,
    now: Timestamp,
) -> DomainResult<NewReading> {
    let raw = fields
        .get("valeur")
        .or_else(|| fields.get("value"))
        .ok_or_else(|| {
            invalid(
                vital.as_str(),
                "missing_value",
                format!("{} has no valeur", vital.as_str()),
            )
        })?;
    let mut value = number(vital, raw)?;
    if let Some(unit) = fields.get("unite").or_else(|| fields.get("unit")) {
        let Value::String(unit) = unit else {
            return Err(invalid(
                vital.as_str(),
                "invalid_unit",
                format!("the unit of {} must be text", vital.as_str()),
            ));
        };
        value = to_ucum(vital, value, unit)?;
    }
    let measured_at = match fields.get("timestamp") {
        Some(raw) => instant(vital.as_str(), raw, now)?,
        None => default_at,
    };
    let quality = match fields
        .get("qualite_donnee")
        .or_else(|| fields.get("quality"))
    {
        Some(raw) => quality(vital.as_str(), raw)?,
        None => 100,
    };
    Ok(NewReading {
        vital,
        value: checked(vital, value)?,
        measured_at,
        quality,
    })
}

/// `"120/80"` or `{"systolic": 120, "diastolic": 80}`.
fn blood_pressure(raw: &Value, at: Timestamp, quality: u8) -> DomainResult<Vec<NewReading>> {
    let bad = || {
        invalid(
            "blood_pressure",
            "invalid_blood_pressure",
            "blood_pressure must read like \"120/80\"",
        )
    };
    let (sys, dia) = match raw {
        Value::String(text) => {
            let (sys, dia) = text.split_once('/').ok_or_else(bad)?;
            let sys: f64 = sys.trim().parse().map_err(|_| bad())?;
            let dia: f64 = dia.trim().parse().map_err(|_| bad())?;
            (sys, dia)
        }
        Value::Object(parts) => (
            number(Vital::Systolic, parts.get("systolic").ok_or_else(bad)?)?,
            number(Vital::Diastolic, parts.get("diastolic").ok_or_else(bad)?)?,
        ),
        _ => return Err(bad()),
    };
    if dia >= sys {
        return Err(invalid(
            "blood_pressure",
            "invalid_blood_pressure",
            "the diastolic pressure must be below the systolic",
        ));
    }
    Ok(vec![
        NewReading {
            vital: Vital::Systolic,
            value: checked(Vital::Systolic, sys)?,
            measured_at: at,
            quality,
        },
        NewReading {
            vital: Vital::Diastolic,
            value: checked(Vital::Diastolic, dia)?,
            measured_at: at,
            quality,
        },
    ])
}

fn number(vital: Vital, raw: &Value) -> DomainResult<f64> {
    match raw {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().replace(',', ".").parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        invalid(
            vital.as_str(),
            "invalid_value",
            format!("{} must be a number", vital.as_str()),
        )
    })
}

fn checked(vital: Vital, value: f64) -> DomainResult<f64> {
    if vital.plausible(value) {
        Ok(value)
    } else {
        let spec = vital.spec();
        Err(invalid(
            vital.as_str(),
            "implausible_value",
            format!(
                "{} must be between {} and {} {}",
                vital.as_str(),
                spec.plausible.0,
                spec.plausible.1,
                spec.ucum
            ),
        ))
    }
}

/// `value` in `unit` converted to the vital's UCUM unit.
fn to_ucum(vital: Vital, value: f64, unit: &str) -> DomainResult<f64> {
    let unit = unit.trim();
    let lower = unit.to_ascii_lowercase();
    let same = lower.is_empty()
        || unit == vital.spec().ucum
        || lower == vital.spec().symbol.to_ascii_lowercase()
        || lower == vital.spec().ucum.to_ascii_lowercase();
    if same {
        return Ok(value);
    }
    let converted = match (vital, lower.as_str()) {
        (Vital::HeartRate, "beats/min" | "{beats}/min" | "bpm") => Some(value),
        (Vital::RespiratoryRate, "{breaths}/min" | "breaths/min" | "rpm" | "cpm") => Some(value),
        (Vital::Temperature, "c" | "celsius" | "°c" | "degc") => Some(value),
        (Vital::Temperature, "[degf]" | "°f" | "f" | "fahrenheit" | "degf") => {
            Some((value - 32.0) * 5.0 / 9.0)
        }
        (Vital::Systolic | Vital::Diastolic, "mmhg" | "mm hg") => Some(value),
        (Vital::Glucose, "mmol/l") => Some(value * 18.016),
        (Vital::OxygenFlow, "l/min" | "lpm") => Some(value),
        _ => None,
    };
    converted.ok_or_else(|| {
        invalid(
            vital.as_str(),
            "invalid_unit",
            format!(
                "{} is not a unit of {} (expected {})",
                unit,
                vital.as_str(),
                vital.spec().ucum
            ),
        )
    })
}

/// A device's timestamp: RFC 3339, Unix seconds or milliseconds, or a
/// `millis()` since boot (small integers: the server's time is taken).
fn instant(field: &'static str, raw: &Value, now: Timestamp) -> DomainResult<Timestamp> {
    let bad = || {
        invalid(
            field,
            "invalid_timestamp",
            "timestamp must be RFC 3339 or a Unix time",
        )
    };
    let at = match raw {
        Value::String(text) => text.trim().parse::<Timestamp>().map_err(|_| bad())?,
        Value::Number(n) => {
            let Some(int) = n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)) else {
                return Err(bad());
            };
            if int >= 1_000_000_000_000 {
                Timestamp::from_millisecond(int).map_err(|_| bad())?
            } else if int >= 1_000_000_000 {
                Timestamp::from_second(int).map_err(|_| bad())?
            } else {
                return Ok(now);
            }
        }
        Value::Null => return Ok(now),
        _ => return Err(bad()),
    };
    if at.duration_since(now) > MAX_AHEAD {
        return Err(invalid(
            field,
            "timestamp_in_future",
            "the timestamp is ahead of the server's clock",
        ));
    }
    if now.duration_since(at) > MAX_AGE {
        return Err(invalid(
            field,
            "timestamp_too_old",
            "measurements older than 30 days are not accepted",
        ));
    }
    Ok(at)
}

fn quality(field: &'static str, raw: &Value) -> DomainResult<u8> {
    raw.as_u64()
        .filter(|q| *q <= 100)
        .and_then(|q| u8::try_from(q).ok())
        .ok_or_else(|| {
            invalid(
                field,
                "invalid_quality",
                "quality must be an integer from 0 to 100",
            )
        })
}

fn unknown_vital(key: &str) -> DomainError {
    let known: Vec<&str> = Vital::ALL.iter().map(|v| v.as_str()).collect();
    invalid(
        "data",
        "unknown_vital",
        format!(
            "unknown vital \"{}\" (expected one of {})",
            key.chars().take(40).collect::<String>(),
            known.join(", ")
        ),
    )
}

fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::invalid(field, code, message)
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
