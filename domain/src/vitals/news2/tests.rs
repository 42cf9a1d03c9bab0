//! Tests of the NEWS2 score: the chart's band edges, worked examples, missing and stale values.

use super::*;

fn full(rr: f64, spo2: f64, oxygen: bool, sbp: f64, hr: f64, acvpu: f64, t: f64) -> News2 {
    News2::score(
        &Observations {
            respiratory_rate: Some(rr),
            spo2: Some(spo2),
            on_oxygen: Some(oxygen),
            systolic: Some(sbp),
            pulse: Some(hr),
            consciousness: Some(acvpu),
            temperature: Some(t),
        },
        Spo2Scale::One,
    )
    .unwrap()
}

#[test]
fn a_healthy_adult_scores_zero() {
    let news = full(16.0, 98.0, false, 125.0, 72.0, 0.0, 36.8);
    assert_eq!((news.score, news.risk), (0, Risk::Low));
    assert!(news.complete());
}

#[test]
fn every_band_edge_of_the_chart() {
    // (value, expected score) at both sides of each published boundary.
    for (v, s) in [
        (8.0, 3),
        (9.0, 1),
        (11.0, 1),
        (12.0, 0),
        (20.0, 0),
        (21.0, 2),
        (24.0, 2),
        (25.0, 3),
    ] {
        assert_eq!(respiratory_rate(v), s, "respiratory rate {v}");
    }
    for (v, s) in [
        (91.0, 3),
        (92.0, 2),
        (93.0, 2),
        (94.0, 1),
        (95.0, 1),
        (96.0, 0),
    ] {
        assert_eq!(spo2_scale_1(v), s, "SpO2 {v}");
    }
    for (v, s) in [
        (90.0, 3),
        (91.0, 2),
        (100.0, 2),
        (101.0, 1),
        (110.0, 1),
        (111.0, 0),
        (219.0, 0),
        (220.0, 3),
    ] {
        assert_eq!(systolic(v), s, "systolic {v}");
    }
    for (v, s) in [
        (40.0, 3),
        (41.0, 1),
        (50.0, 1),
        (51.0, 0),
        (90.0, 0),
        (91.0, 1),
        (110.0, 1),
        (111.0, 2),
        (130.0, 2),
        (131.0, 3),
    ] {
        assert_eq!(pulse(v), s, "pulse {v}");
    }
    for (v, s) in [
        (35.0, 3),
        (35.1, 1),
        (36.0, 1),
        (36.1, 0),
        (38.0, 0),
        (38.1, 1),
        (39.0, 1),
        (39.1, 2),
    ] {
        assert_eq!(temperature(v), s, "temperature {v}");
    }
    for (v, s) in [
        (83.0, 3),
        (84.0, 2),
        (86.0, 1),
        (88.0, 0),
        (92.0, 0),
        (93.0, 1),
        (95.0, 2),
        (97.0, 3),
    ] {
        assert_eq!(spo2_scale_2_oxygen(v), s, "SpO2 scale 2 on oxygen {v}");
    }
    assert_eq!(spo2_scale_2_air(97.0), 0, "scale 2 on air: ≥ 93 scores 0");
}

#[test]
fn worked_examples() {
    // Septic picture: RR 24 (2), SpO2 93 (2), on oxygen (2), SBP 98 (2),
    // pulse 118 (2), alert (0), 38.6 °C (1): 11, high.
    let news = full(24.0, 93.0, true, 98.0, 118.0, 0.0, 38.6);
    assert_eq!((news.score, news.risk), (11, Risk::High));
    // RR 22 (2), SpO2 95 (1), air, SBP 105 (1), pulse 95 (1), alert,
    // 37.2 °C (0): 5, medium.
    let news = full(22.0, 95.0, false, 105.0, 95.0, 0.0, 37.2);
    assert_eq!((news.score, news.risk), (5, Risk::Medium));
    // New confusion alone is a red score: 3, low-medium.
    let news = full(16.0, 97.0, false, 130.0, 80.0, 1.0, 37.0);
    assert_eq!((news.score, news.risk), (3, Risk::LowMedium));
    // Aggregate 7 exactly is high; 6 is medium.
    assert_eq!(full(21.0, 94.0, true, 120.0, 91.0, 0.0, 38.1).score, 7);
    assert_eq!(
        full(21.0, 94.0, true, 120.0, 91.0, 0.0, 38.1).risk,
        Risk::High
    );
    assert_eq!(
        full(21.0, 94.0, true, 120.0, 80.0, 0.0, 38.1).risk,
        Risk::Medium
    );
}

#[test]
fn missing_parameters_give_a_lower_bound() {
    let seen = Observations {
        spo2: Some(90.0),
        pulse: Some(125.0),
        ..Observations::default()
    };
    let news = News2::score(&seen, Spo2Scale::One).unwrap();
    assert_eq!(news.score, 5, "3 for SpO2 and 2 for the pulse");
    assert_eq!(news.risk, Risk::Medium);
    assert!(!news.complete());
    assert_eq!(news.missing.len(), 5);
    assert!(news.missing.contains(&Parameter::AirOrOxygen));
    assert_eq!(News2::score(&Observations::default(), Spo2Scale::One), None);
}

#[test]
fn stale_readings_do_not_count() {
    let now = Timestamp::from_second(1_800_000_000).unwrap();
    let reading = |vital: Vital, value: f64, hours_ago: i64| Reading {
        id: 1,
        dispositif: 1,
        patient: 1,
        type_donnee: vital,
        valeur: value,
        unite: vital.spec().ucum.to_owned(),
        loinc: None,
        timestamp: now - SignedDuration::from_hours(hours_ago),
        qualite_donnee: 100,
    };
    let seen = Observations::from_latest(
        &[
            reading(Vital::Spo2, 91.0, 1),
            reading(Vital::HeartRate, 130.0, 13),
            reading(Vital::OxygenFlow, 2.0, 0),
        ],
        now,
    );
    assert_eq!(seen.spo2, Some(91.0));
    assert_eq!(seen.pulse, None, "13 hours old");
    assert_eq!(seen.on_oxygen, Some(true));
}
