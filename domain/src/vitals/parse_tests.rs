//! Tests of the parser of what devices send.

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
    let err = parse(json!({"data": {"temperature": {"valeur": 37, "unite": "K"}}})).unwrap_err();
    assert_eq!(err.code(), "invalid_unit");
    let err = parse(json!({"data": {"mood": 3}})).unwrap_err();
    assert_eq!(err.code(), "unknown_vital");
    assert_eq!(parse(json!({"data": {}})).unwrap_err().code(), "no_vitals");
    assert_eq!(parse(json!([])).unwrap_err().code(), "empty_batch");
    assert_eq!(parse(json!(3)).unwrap_err().code(), "invalid_reading");
}

#[test]
fn the_message_s_own_timestamp_counts_beside_data() {
    let garbage = parse(json!({"timestamp": "garbage", "data": {"spo2": 97}})).unwrap_err();
    assert_eq!(garbage.code(), "invalid_timestamp");
    let far =
        parse(json!({"timestamp": "2100-01-01T00:00:00Z", "data": {"spo2": 97}})).unwrap_err();
    assert_eq!(far.code(), "timestamp_in_future");
    let at = now().as_second() - 120;
    let readings = parse(json!({"timestamp": at, "data": {"spo2": 97}})).unwrap();
    assert_eq!(readings[0].measured_at.as_second(), at);
    // The data map's own timestamp wins.
    let inner =
        parse(json!({"timestamp": at, "data": {"spo2": 97, "timestamp": at - 60}})).unwrap();
    assert_eq!(inner[0].measured_at.as_second(), at - 60);
}

#[test]
fn seed_004_s_flat_socket_message_is_read() {
    let readings = parse(json!({"type": "iot_data", "spo2": 96})).unwrap();
    assert_eq!(readings.len(), 1);
    assert_eq!(readings[0].vital, Vital::Spo2);
}

#[test]
fn declared_addresses_are_found_wherever_sent() {
    let body = json!([{"device_mac": "AA:BB:CC:DD:EE:01", "data": {"spo2": 97}},
                      {"data": {"device_mac": "AA:BB:CC:DD:EE:02", "spo2": 97}},
                      {"type_donnee": "spo2", "valeur": 97}]);
    assert_eq!(
        declared_macs(&body).unwrap(),
        ["AA:BB:CC:DD:EE:01", "AA:BB:CC:DD:EE:02"]
    );
    assert!(declared_macs(&json!({"device_mac": 12})).is_err());
}

#[test]
fn timestamps_are_bounded() {
    let ahead =
        parse(json!({"data": {"spo2": 97, "timestamp": "2026-11-22T11:00:00Z"}})).unwrap_err();
    assert_eq!(ahead.code(), "timestamp_in_future");
    let old =
        parse(json!({"data": {"spo2": 97, "timestamp": "2020-01-01T00:00:00Z"}})).unwrap_err();
    assert_eq!(old.code(), "timestamp_too_old");
    let unix = parse(json!({"data": {"spo2": 97, "timestamp": now().as_second() - 60}})).unwrap();
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
