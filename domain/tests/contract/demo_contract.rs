//! The demo data on a fresh database, SQLite and PostgreSQL: every demo patient
//! and doctor signs in to past and coming appointments in several statuses, a
//! waitlist and unread notifications; appointments sit on the doctors' weekly
//! hours in their zones; place counters, histories and overlaps are as the
//! services keep them; loading twice changes nothing.

use crate::support;

use std::collections::HashSet;

use domain::accounts::Role;
use domain::auth::Principal;
use domain::demo;
use domain::notifications::Notice;
use domain::scheduling::appointments::AppointmentStatus::{self, *};
use domain::scheduling::waitlist::WaitStatus;
use domain::services::Services;
use jiff::Timestamp;
use jiff::tz::TimeZone;

const PATIENTS: [&str; 3] = ["marie", "paul", "sofia"];
const DOCTORS: [&str; 4] = ["dr.dupont", "dr.nguyen", "dr.mbala", "dr.haddad"];

async fn sign_in(s: &Services, username: &str) -> Principal {
    let password = if username.starts_with("dr.") {
        demo::demo_password(Role::Doctor)
    } else {
        demo::demo_password(Role::Patient)
    };
    let signed_in = s.auth.login(username, password, None).await.unwrap();
    s.auth.authenticate(&signed_in.tokens.access).await.unwrap()
}

async fn scalar(s: &Services, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(s.db().pool())
        .await
        .unwrap()
}

/// Rows breaking what booking, answers and the waitlist keep.
const INVARIANTS: &[(&str, &str)] = &[
    (
        "place counters that differ from the appointments and offers holding them",
        "SELECT COUNT(*) FROM slot_places p WHERE p.taken <> \
         (SELECT COUNT(*) FROM appointments a WHERE a.doctor_id = p.doctor_id AND a.starts_at = p.starts_at \
          AND a.status IN ('pending', 'confirmed', 'completed', 'no_show')) + \
         (SELECT COUNT(*) FROM waitlist_entries w WHERE w.doctor_id = p.doctor_id \
          AND w.offer_starts_at = p.starts_at AND w.status = 'offered') OR p.taken > p.capacity",
    ),
    (
        "appointments holding a place without a counter",
        "SELECT COUNT(*) FROM appointments a WHERE a.status IN ('pending', 'confirmed', 'completed', 'no_show') \
         AND NOT EXISTS (SELECT 1 FROM slot_places p WHERE p.doctor_id = a.doctor_id AND p.starts_at = a.starts_at)",
    ),
    (
        "overlapping appointments of one patient",
        "SELECT COUNT(*) FROM appointments a JOIN appointments b ON b.patient_id = a.patient_id \
         AND b.id > a.id AND b.starts_at < a.ends_at AND a.starts_at < b.ends_at \
         WHERE a.status NOT IN ('cancelled', 'refused') AND b.status NOT IN ('cancelled', 'refused')",
    ),
    (
        "overlapping appointments of one doctor",
        "SELECT COUNT(*) FROM appointments a JOIN appointments b ON b.doctor_id = a.doctor_id \
         AND b.id > a.id AND b.starts_at < a.ends_at AND a.starts_at < b.ends_at \
         WHERE a.status NOT IN ('cancelled', 'refused') AND b.status NOT IN ('cancelled', 'refused')",
    ),
    (
        "refusals without the doctor's message",
        "SELECT COUNT(*) FROM appointments WHERE status = 'refused' AND doctor_message = ''",
    ),
    (
        "appointments without a reason",
        "SELECT COUNT(*) FROM appointments WHERE reason = ''",
    ),
];

async fn check_store(s: &Services) {
    for (what, sql) in INVARIANTS {
        assert_eq!(scalar(s, sql).await, 0, "{what}");
    }
}

async fn check_accounts(s: &Services, now: Timestamp) {
    for username in PATIENTS.into_iter().chain(DOCTORS) {
        let who = sign_in(s, username).await;
        let list = s
            .appointments
            .appointments(&who, Default::default())
            .await
            .unwrap();
        let statuses: HashSet<AppointmentStatus> = list.iter().map(|a| a.status).collect();
        let wanted: &[AppointmentStatus] = if who.role == Role::Doctor {
            &[Completed, NoShow, Cancelled, Refused, Pending, Confirmed]
        } else {
            &[Completed, Pending, Confirmed]
        };
        for status in wanted {
            assert!(statuses.contains(status), "{username}: no {status:?}");
        }
        assert!(statuses.len() >= 4, "{username}: {statuses:?}");
        assert!(list.iter().any(|a| a.starts_at < now), "{username}: past");
        assert!(list.iter().any(|a| a.starts_at > now), "{username}: coming");
        let (_, unread) = s.notifications.mine(&who).await.unwrap();
        assert!(unread > 0, "{username}: unread notifications");
        for a in &list {
            // History: the patient's request first, the current status last.
            let history = s.appointments.history(&who, a.id).await.unwrap();
            assert_eq!(history[0].status, Pending);
            assert_eq!(history[0].actor_id, Some(a.patient_id));
            assert_eq!(history.last().unwrap().status, a.status, "{a:?}");
            assert!(history.windows(2).all(|w| w[0].at <= w[1].at));
            check_weekly_hours(s, a.doctor_id, a.starts_at, a.ends_at).await;
        }
        if who.role == Role::Patient {
            let entries = s.waitlist.mine(&who, now).await.unwrap();
            assert!(!entries.is_empty(), "{username}: waitlist");
        } else {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM waitlist_entries WHERE doctor_id = $1 AND status IN ('waiting', 'offered')",
            )
            .bind(who.user_id)
            .fetch_one(s.db().pool())
            .await
            .unwrap();
            assert!(waiting > 0, "{username}: waitlist");
        }
    }
}

/// The appointment lies on one of its doctor's weekly slots, in their zone.
async fn check_weekly_hours(s: &Services, doctor: i64, starts_at: Timestamp, ends_at: Timestamp) {
    let schedule = s.scheduling.schedule(doctor).await.unwrap();
    let local = starts_at.to_zoned(TimeZone::get(&schedule.timezone).unwrap());
    let minutes = ends_at.duration_since(starts_at).as_mins();
    let ranges = s.scheduling.availabilities(doctor).await.unwrap();
    let at = local.time();
    assert!(
        ranges.iter().any(|r| {
            let offset = r
                .start
                .until(at)
                .and_then(|span| span.total(jiff::Unit::Minute));
            r.weekday == local.weekday()
                && i64::from(r.duration_minutes) == minutes
                && r.start <= at
                && at < r.end
                && offset.is_ok_and(|m| (m as i64) % minutes == 0)
        }),
        "{local} is not one of the doctor's slots"
    );
}

async fn demo_platform_is_lived_in(s: &Services) {
    let now = Timestamp::now();
    assert!(demo::load_at(s, now).await.unwrap());
    check_store(s).await;
    check_accounts(s, now).await;

    // Marie holds a live waitlist offer, and was told.
    let marie = sign_in(s, "marie").await;
    let entries = s.waitlist.mine(&marie, now).await.unwrap();
    let offer = entries
        .iter()
        .find(|e| e.status == WaitStatus::Offered)
        .and_then(|e| e.offer.as_ref())
        .expect("an offer for marie");
    assert!(offer.expires_at > now);
    let (notes, _) = s.notifications.mine(&marie).await.unwrap();
    assert!(
        notes
            .iter()
            .any(|n| matches!(n.notice, Notice::WaitlistOffer { .. }))
    );

    // Dr Dupont's export shows merged free runs and busy slots.
    let dupont = sign_in(s, "dr.dupont").await;
    let file = s
        .calendars
        .availability_ics(&dupont, None, now)
        .await
        .unwrap();
    assert_eq!(file.body.matches("PRODID:").count(), 1);
    assert!(file.body.contains("SUMMARY:Complet "));
    assert!(file.body.contains("TRANSP:OPAQUE"));

    // Medical data: every demo patient has a profile; Marie's care team holds
    // Dr Dupont, whose look at her file is in her trail; Sofia withdrew a
    // doctor; Thomas was told of an emergency access; the chain verifies.
    let profile = s.profiles.profile(&marie, marie.user_id).await.unwrap();
    assert!(profile.blood_group.is_some() && profile.mobile_phone.is_some());
    let team = s.care.team(&marie, marie.user_id, false).await.unwrap();
    assert!(team.iter().any(|r| r.doctor_id == dupont.user_id));
    let trail = s.trail.about_me(&marie, 1, 200).await.unwrap();
    assert!(
        trail
            .entries
            .iter()
            .any(|e| e.actor_id == Some(dupont.user_id)
                && e.action == domain::trail::TrailAction::Read
                && e.resource == domain::trail::Resource::MedicalProfile)
    );
    let sofia = sign_in(s, "sofia").await;
    let sofia_team = s.care.team(&sofia, sofia.user_id, true).await.unwrap();
    assert!(
        sofia_team
            .iter()
            .any(|r| r.end == Some(domain::care::CareEnd::Withdrawn))
    );
    let thomas = sign_in(s, "thomas").await;
    let (notes, _) = s.notifications.mine(&thomas).await.unwrap();
    assert!(
        notes
            .iter()
            .any(|n| matches!(n.notice, Notice::EmergencyAccess { .. }))
    );
    // Vitals: Joseph's home devices show him deteriorating, and Dr Nguyen,
    // who follows him, finds the alerts it raised.
    let nguyen = sign_in(s, "dr.nguyen").await;
    let joseph = sign_in(s, "joseph").await;
    let latest = s.vitals.latest(&nguyen, joseph.user_id).await.unwrap();
    assert!(
        latest["spo2"].valeur <= 91.0 && latest["heart_rate"].valeur >= 115.0,
        "{latest:?}"
    );
    let query = domain::services::alerts::AlertQuery {
        only_active: true,
        ..Default::default()
    };
    let mut alerts = Vec::new();
    for _ in 0..100 {
        alerts = s.alerts.list(&nguyen, &query).await.unwrap().results;
        if alerts.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let conditions: Vec<&str> = alerts.iter().map(|a| a.condition.as_str()).collect();
    assert!(
        conditions.contains(&"spo2_low") && conditions.contains(&"heart_rate_high"),
        "{conditions:?}"
    );

    // Treatments: Paul's prescriptions come from a doctor of his care team,
    // his past doses are mostly ticked; Marie's two paracetamols warn.
    let paul = sign_in(s, "paul").await;
    let paul_treatments = s
        .treatments
        .overview(&paul, paul.user_id, None, now)
        .await
        .unwrap();
    assert!(paul_treatments.treatments.len() >= 3);
    assert!(
        paul_treatments
            .treatments
            .iter()
            .all(|t| t.prescribed_by.is_some() && t.active)
    );
    let adherence = &paul_treatments.day.adherence;
    assert!(!adherence.is_empty());
    assert!(
        adherence
            .iter()
            .all(|a| a.due > 10 && a.rate.is_some_and(|r| r > 0.6 && r < 1.0)),
        "{adherence:?}"
    );
    let marie_day = s
        .treatments
        .day(&marie, marie.user_id, None, now)
        .await
        .unwrap();
    assert!(
        marie_day
            .interactions
            .iter()
            .any(|i| i.ingredient == "paracétamol"),
        "{marie_day:?}"
    );

    let wards = s.wards.list(&nguyen).await.unwrap();
    assert_eq!(wards.len(), 1);
    let (_, board) = s.wards.board(&nguyen, wards[0].id).await.unwrap();
    assert_eq!(
        board.first().map(|r| r.patient),
        Some(joseph.user_id),
        "the most urgent first"
    );

    let report = s.trail.verify(|_, _| {}).await.unwrap();
    assert!(
        report.problems.is_empty() && report.checked > 20,
        "{report:?}"
    );

    // A second start loads nothing more.
    let count = "SELECT COUNT(*) FROM appointments";
    let before = scalar(s, count).await;
    assert!(!demo::load_if_empty(s).await.unwrap());
    assert_eq!(scalar(s, count).await, before);
}

/// A first start late on a Sunday, the day clocks go forward in Paris: the
/// coming week starts within hours and the past weeks straddle the change.
async fn demo_loads_late_on_a_sunday(s: &Services) {
    let now: Timestamp = "2030-03-31T21:45:00Z".parse().unwrap();
    assert!(demo::load_at(s, now).await.unwrap());
    check_store(s).await;
    check_accounts(s, now).await;
}

support::contract!(demo_platform_is_lived_in, demo_loads_late_on_a_sunday);
