//! The administrator's figures against hand counts: the whole platform in
//! Paris, UTC and Kolkata, one specialty, one doctor, and a long period by week.

use super::{PERIOD, count, day_total, fortnight, level_of, stats};
use crate::common::{TestApp, spawn_app};
use domain::accounts::Role;

#[tokio::test]
async fn statistics_match_hand_counts_in_the_readers_zone() {
    hand_counts(&spawn_app().await).await;
}

#[tokio::test]
async fn statistics_match_hand_counts_on_postgres() {
    let database = crate::common::fresh_postgres_url().await;
    let app = crate::common::spawn_with(&[("DATABASE_URL", database.as_str())]).await;
    hand_counts(&app).await;
    crate::common::drop_postgres(&database).await;
}

async fn hand_counts(app: &TestApp) {
    let (a, b, _) = fortnight(app).await;
    let (_, admin, _) = app.user_with_tokens(Role::Admin, "chef").await;

    let (status, s) = stats(&app, &admin, &format!("{PERIOD}&tz=Europe%2FParis")).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (s["first"].as_str(), s["last"].as_str()),
        (Some("2026-11-02"), Some("2026-11-15"))
    );
    assert_eq!(s["weekly"], false);
    assert_eq!(s["appointments"].as_array().unwrap().len(), 14);
    let by = &s["by_status"];
    assert_eq!(
        [
            "completed",
            "confirmed",
            "pending",
            "no_show",
            "cancelled",
            "refused"
        ]
        .map(|c| count(by, c)),
        [3, 1, 1, 1, 1, 0]
    );
    assert_eq!(s["no_show_rate"].as_f64(), Some(0.25));
    assert!((s["cancellation_rate"].as_f64().unwrap() - 1.0 / 7.0).abs() < 1e-9);
    assert_eq!(
        (
            count(&s["by_kind"], "in_person"),
            count(&s["by_kind"], "remote")
        ),
        (5, 1)
    );
    // Days and hours in Paris: the 00:30 appointment is on Tuesday 10.
    assert_eq!(day_total(&s, "2026-11-02"), 3);
    assert_eq!(day_total(&s, "2026-11-09"), 2);
    assert_eq!(day_total(&s, "2026-11-10"), 1);
    let busiest = |d: usize, h: usize| s["busiest"][d][h].as_i64().unwrap();
    assert_eq!(
        (busiest(0, 9), busiest(0, 10), busiest(1, 0), busiest(1, 14)),
        (2, 2, 1, 1)
    );
    assert_eq!(
        s["busiest"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r.as_array().unwrap())
            .map(|v| v.as_i64().unwrap())
            .sum::<i64>(),
        6
    );
    // Monday mornings: 6 places twice, less the hour of time off.
    let doctor = |id: i64| {
        s["doctors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["doctor_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (doctor(a)["offered"].as_i64(), doctor(a)["booked"].as_i64()),
        (Some(10), Some(5))
    );
    assert_eq!(
        (doctor(b)["offered"].as_i64(), doctor(b)["booked"].as_i64()),
        (Some(0), Some(1))
    );
    let cardiology = s["specialties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["specialty"] == "cardiology")
        .unwrap();
    assert_eq!(
        (
            cardiology["offered"].as_i64(),
            cardiology["booked"].as_i64()
        ),
        (Some(10), Some(5))
    );
    // The first free slot from now: a Monday morning for cardiology, none
    // for a specialty whose doctor has no hours.
    let lead = |code: &str| {
        s["lead_times"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["specialty"] == code)
            .unwrap()
            .clone()
    };
    let first =
        jiff::Timestamp::from_millisecond(lead("cardiology")["first_free"].as_i64().unwrap())
            .unwrap();
    let local = first.to_zoned(jiff::tz::TimeZone::get("Europe/Paris").unwrap());
    assert_eq!(
        (local.weekday(), local.hour() >= 9, local.hour() < 12),
        (jiff::civil::Weekday::Monday, true, true)
    );
    assert!(lead("dermatology")["first_free"].is_null());
    // Alerts: median and 90th percentile by nearest rank; the 20th is out.
    let level = |l: &str| {
        s["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["level"] == l)
            .unwrap()
            .clone()
    };
    let critical = level("critical");
    assert_eq!(
        [
            &critical["raised"],
            &critical["acknowledged"],
            &critical["median_seconds"],
            &critical["p90_seconds"]
        ]
        .map(|v| v.as_i64()),
        [Some(3), Some(3), Some(120), Some(600)]
    );
    let warning = level("warning");
    assert_eq!(
        [
            &warning["raised"],
            &warning["acknowledged"],
            &warning["median_seconds"]
        ]
        .map(|v| v.as_i64()),
        [Some(2), Some(1), Some(30)]
    );
    // Messages by channel.
    let sms = s["delivery"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == "sms")
        .unwrap();
    assert_eq!(
        (
            count(&sms["by_status"], "delivered"),
            count(&sms["by_status"], "failed")
        ),
        (3, 1)
    );
    assert_eq!(s["delivery"].as_array().unwrap().len(), 3);

    // The same fortnight in UTC: the 00:30 appointment moves to Monday 9.
    let (_, utc) = stats(&app, &admin, &format!("{PERIOD}&tz=UTC")).await;
    assert_eq!(
        (day_total(&utc, "2026-11-09"), day_total(&utc, "2026-11-10")),
        (3, 0)
    );
    assert_eq!(utc["busiest"][0][23].as_i64(), Some(1));

    // Kolkata is UTC+5:30: hours are no longer whole UTC hours shifted, so
    // each start is shifted in SQL. 09:00 UTC is 14:30 there, 23:30 UTC on
    // the 9th is 05:00 on Tuesday 10, and 08:00 UTC on the 16th is outside.
    let (_, kolkata) = stats(&app, &admin, &format!("{PERIOD}&tz=Asia%2FKolkata")).await;
    assert_eq!(
        (
            day_total(&kolkata, "2026-11-09"),
            day_total(&kolkata, "2026-11-10")
        ),
        (2, 1)
    );
    let cell = |weekday: usize, hour: usize| kolkata["busiest"][weekday][hour].as_i64();
    assert_eq!(
        (
            cell(0, 13),
            cell(0, 14),
            cell(0, 15),
            cell(1, 5),
            cell(1, 18)
        ),
        (Some(1), Some(2), Some(1), Some(1), Some(1))
    );

    // One specialty, one doctor.
    let (_, cardio) = stats(&app, &admin, &format!("{PERIOD}&specialty=cardiology")).await;
    assert_eq!(
        cardio["by_status"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum::<i64>(),
        6
    );
    assert_eq!(cardio["doctors"].as_array().unwrap().len(), 1);
    assert_eq!(
        level_of(&cardio, "warning")["raised"].as_i64(),
        Some(1),
        "only the cardiologist's patient"
    );
    let (_, derma) = stats(&app, &admin, &format!("{PERIOD}&doctor_id={b}")).await;
    assert_eq!(count(&derma["by_status"], "completed"), 1);
    assert_eq!(derma["alerts"].as_array().unwrap().len(), 0);

    // A long period is drawn per week, from Mondays.
    let (_, long) = stats(&app, &admin, "?from=2026-09-01&to=2026-11-30").await;
    assert_eq!(long["weekly"], true);
    assert!(long["appointments"].as_array().unwrap().iter().all(|p| {
        p["day"]
            .as_str()
            .unwrap()
            .parse::<jiff::civil::Date>()
            .unwrap()
            .weekday()
            == jiff::civil::Weekday::Monday
    }));
    assert_eq!(
        day_total(&long, "2026-11-09"),
        3,
        "the week of Monday 9 in Paris"
    );
    assert_eq!(day_total(&long, "2026-11-16"), 1);
}
