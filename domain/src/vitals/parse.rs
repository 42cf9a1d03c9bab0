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

/// Keys of a `data` map that are not vitals.
const NOT_VITALS: &[&str] = &[
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
    let shared_at = match data.get("timestamp") {
        Some(raw) => instant("timestamp", raw, now)?,
        None => now,
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
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-11-22T10:00:00Z".parse().unwrap()
    }

    fn parse(body: Value) -> DomainResult<Vec<NewReading>> {
        batch_of(&body, now())
    }

    #[test]
    fn esp32_data_map_with_millis_takes_the_server_time() {
        let got = parse(
            json!({"type": "sensor_data", "device_mac": "AA:BB:CC:DD:EE:FF",
            "data": {"temperature": 36.5, "heart_rate": 75, "timestamp": 123456}}),
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert!(
            got.iter()
                .all(|r| r.measured_at == now() && r.quality == 100)
        );
        assert!(
            got.iter()
                .any(|r| r.vital == Vital::HeartRate && r.value == 75.0)
        );
    }

    #[test]
    fn seed_004_objects_and_units_convert() {
        let got = parse(json!({"data": {
            "temperature": {"valeur": 100.4, "unite": "°F", "timestamp": "2026-11-22T09:59:00Z"},
            "glucose": {"valeur": 5.5, "unite": "mmol/L"}}}))
        .unwrap();
        let temp = got.iter().find(|r| r.vital == Vital::Temperature).unwrap();
        assert!((temp.value - 38.0).abs() < 1e-9);
        assert_eq!(temp.measured_at, "2026-11-22T09:59:00Z".parse().unwrap());
        let glucose = got.iter().find(|r| r.vital == Vital::Glucose).unwrap();
        assert!((glucose.value - 99.088).abs() < 1e-6);
    }

    #[test]
    fn row_shape_and_batches() {
        let got = parse(json!([
            {"type_donnee": "spo2", "valeur": 97, "unite": "%", "qualite_donnee": 80},
            {"data": {"blood_pressure": "130/85"}}
        ]))
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].quality, 80);
        assert_eq!(got[1].vital, Vital::Systolic);
        assert_eq!(got[2].value, 85.0);
    }

    #[test]
    fn errors_name_the_vital() {
        let err = parse(json!({"data": {"spo2": 130}})).unwrap_err();
        assert_eq!(err.field(), Some("spo2"));
        assert_eq!(err.code(), "implausible_value");
        let err = parse(json!({"data": {"heart_rate": "fast"}})).unwrap_err();
        assert_eq!(
            (err.field(), err.code()),
            (Some("heart_rate"), "invalid_value")
        );
        let err =
            parse(json!({"data": {"temperature": {"valeur": 37, "unite": "K"}}})).unwrap_err();
        assert_eq!(err.code(), "invalid_unit");
        let err = parse(json!({"data": {"mood": 3}})).unwrap_err();
        assert_eq!(err.code(), "unknown_vital");
        assert_eq!(parse(json!({"data": {}})).unwrap_err().code(), "no_vitals");
        assert_eq!(parse(json!([])).unwrap_err().code(), "empty_batch");
        assert_eq!(parse(json!(3)).unwrap_err().code(), "invalid_reading");
    }

    #[test]
    fn timestamps_are_bounded() {
        let ahead =
            parse(json!({"data": {"spo2": 97, "timestamp": "2026-11-22T11:00:00Z"}})).unwrap_err();
        assert_eq!(ahead.code(), "timestamp_in_future");
        let old =
            parse(json!({"data": {"spo2": 97, "timestamp": "2020-01-01T00:00:00Z"}})).unwrap_err();
        assert_eq!(old.code(), "timestamp_too_old");
        let unix =
            parse(json!({"data": {"spo2": 97, "timestamp": now().as_second() - 60}})).unwrap();
        assert_eq!(unix[0].measured_at, now() - SignedDuration::from_secs(60));
    }

    #[test]
    fn oversized_batches_are_refused_whole() {
        let items: Vec<Value> = (0..=MAX_BATCH)
            .map(|_| json!({"data": {"spo2": 97}}))
            .collect();
        assert_eq!(
            parse(Value::Array(items)).unwrap_err().code(),
            "batch_too_large"
        );
    }
}
