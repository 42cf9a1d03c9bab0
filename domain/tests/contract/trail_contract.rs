//! The access trail's hash chain, on SQLite and PostgreSQL: it verifies clean
//! after many appends made at once (reads through the group writer, changes in
//! their own transactions); each kind of tampering a database administrator
//! could do — change a field, remove entries, reorder entries, add entries past
//! the head — is found and named with its position; and the product's own
//! connection cannot change or remove an entry.

use crate::support;

use domain::accounts::Role;
use domain::auth::Principal;
use domain::medical::MedicalProfileForm;
use domain::services::Services;
use domain::services::trail::{GENESIS, NewEntry, Problem, Verification, append_in, entry_hash};
use domain::store::Dialect;
use domain::store::trail::{StoredEntry, chain_after, insert};
use domain::trail::{Resource, TrailAction};
use support::{code, principal};

/// The whole chain, in order.
async fn chain(s: &Services) -> Vec<StoredEntry> {
    let mut conn = s.db().pool().acquire().await.unwrap();
    chain_after(&mut conn, 0, 1_000_000).await.unwrap()
}

async fn verify(s: &Services) -> Verification {
    s.trail.verify(|_, _| {}).await.unwrap()
}

async fn problems(s: &Services) -> Vec<Problem> {
    verify(s).await.problems
}

/// Runs one statement on the product's pool.
async fn exec(s: &Services, sql: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(s.db().pool())
        .await
        .map(|done| done.rows_affected())
}

/// What a database administrator could do first: lift the append-only guard.
async fn lift_the_guard(s: &Services) {
    match s.db().dialect() {
        Dialect::Sqlite => {
            exec(s, "DROP TRIGGER access_trail_no_update")
                .await
                .unwrap();
            exec(s, "DROP TRIGGER access_trail_no_delete")
                .await
                .unwrap();
        }
        Dialect::Postgres => {
            exec(
                s,
                "ALTER TABLE access_trail DISABLE TRIGGER access_trail_append_only",
            )
            .await
            .unwrap();
        }
    }
}

/// The `i`-th entry of the seeded trails: reads of patient 7's profile by
/// three doctors, the fifth refused, the sixth under emergency access.
fn nth(i: i64) -> NewEntry {
    let doctor = Principal::cli(100 + i % 3, Role::Doctor);
    let entry = NewEntry::by(&doctor, TrailAction::Read, Resource::MedicalProfile, 7)
        .on(format!("r{i}"))
        .emergency(i == 6);
    if i == 5 { entry.refused() } else { entry }
}

/// Appends `n` entries one by one and checks they verify clean.
async fn seed(s: &Services, n: i64) -> Vec<StoredEntry> {
    for i in 1..=n {
        s.trail.record(vec![nth(i)]).await.unwrap();
    }
    let entries = chain(s).await;
    assert_eq!(entries.len() as i64, n);
    assert_eq!(
        verify(s).await,
        Verification {
            checked: n,
            head: n,
            problems: vec![],
        }
    );
    entries
}

/// Overwrites every column of the entry at `seq` (its position stays).
async fn overwrite(s: &Services, seq: i64, with: &StoredEntry) {
    let done = sqlx::query(
        "UPDATE access_trail SET at = $2, actor_id = $3, actor_role = $4, action = $5, \
         resource = $6, resource_id = $7, patient_id = $8, door = $9, request_id = $10, \
         allowed = $11, emergency = $12, prev_hash = $13, hash = $14 WHERE seq = $1",
    )
    .bind(seq)
    .bind(with.at)
    .bind(with.actor_id)
    .bind(with.actor_role.clone())
    .bind(with.action.clone())
    .bind(with.resource.clone())
    .bind(with.resource_id.clone())
    .bind(with.patient_id)
    .bind(with.door.clone())
    .bind(with.request_id.clone())
    .bind(i64::from(with.allowed))
    .bind(i64::from(with.emergency))
    .bind(with.prev_hash.clone())
    .bind(with.hash.clone())
    .execute(s.db().pool())
    .await
    .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

fn named(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

async fn an_empty_trail_verifies(s: &Services) {
    let mut calls = Vec::new();
    let outcome = s
        .trail
        .verify(|checked, head| calls.push((checked, head)))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Verification {
            checked: 0,
            head: 0,
            problems: vec![],
        }
    );
    assert_eq!(calls.last(), Some(&(0, 0)));
}

async fn the_chain_verifies_after_many_appends_made_at_once(s: &Services) {
    let patient = principal(s, Role::Patient, "marie").await;
    let doctor = principal(s, Role::Doctor, "dr.trail").await;
    let mut tasks = Vec::new();
    let mut expected: i64 = 0;

    // Reads, through the group writer: 12 readers, 1 to 3 entries a read.
    for reader in 0..12_i64 {
        let trail = s.trail.clone();
        let count: i64 = (0..30).map(|k| (reader + k) % 3 + 1).sum();
        expected += count;
        tasks.push(tokio::spawn(async move {
            for k in 0..30 {
                let n = (reader + k) % 3 + 1;
                let entries = (0..n).map(|j| nth(reader * 1000 + k * 10 + j)).collect();
                trail.record(entries).await.unwrap();
            }
        }));
    }
    // Changes, each appending in its own transaction just before committing.
    for writer in 0..6_i64 {
        let db = s.db().clone();
        expected += 15 * 4;
        tasks.push(tokio::spawn(async move {
            for k in 0..15 {
                let entries: Vec<NewEntry> = (0..4)
                    .map(|j| {
                        NewEntry::by(
                            &Principal::cli(200 + writer, Role::Admin),
                            TrailAction::Create,
                            Resource::CareRelationship,
                            7,
                        )
                        .on(k * 10 + j)
                    })
                    .collect();
                let mut tx = db.begin_write().await.unwrap();
                append_in(&mut tx, db.dialect(), &entries).await.unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    // And the services themselves: a patient saving and reading their
    // profile, a doctor refused, all at the same time.
    {
        let s = s.clone();
        let patient = patient.clone();
        expected += 20;
        tasks.push(tokio::spawn(async move {
            for k in 0..20 {
                let form = MedicalProfileForm {
                    height_cm: Some(f64::from(150 + k)),
                    ..MedicalProfileForm::default()
                };
                s.profiles
                    .save(&patient, patient.user_id, &form, jiff::Timestamp::now())
                    .await
                    .unwrap();
            }
        }));
    }
    for who in [patient.clone(), doctor.clone()] {
        let s = s.clone();
        let patient_id = patient.user_id;
        expected += 25;
        tasks.push(tokio::spawn(async move {
            for _ in 0..25 {
                let read = s.profiles.profile(&who, patient_id).await;
                if who.role == Role::Doctor {
                    assert_eq!(code(read), "permission_denied");
                } else {
                    read.unwrap();
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert!(expected > 1000, "more than one verification batch");

    let mut progress = Vec::new();
    let outcome = s
        .trail
        .verify(|checked, head| progress.push((checked, head)))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Verification {
            checked: expected,
            head: expected,
            problems: vec![],
        }
    );
    assert_eq!(progress.last(), Some(&(expected, expected)));
    assert!(progress.len() >= 2, "checked in batches: {progress:?}");

    let entries = chain(s).await;
    let mut prev = GENESIS.to_owned();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.seq, i as i64 + 1, "no gap");
        assert_eq!(e.prev_hash, prev, "linked");
        assert_eq!(entry_hash(e), e.hash);
        prev = e.hash.clone();
    }
    let of = |actor: i64, allowed: bool| {
        entries
            .iter()
            .filter(|e| e.actor_id == Some(actor) && e.allowed == allowed)
            .count()
    };
    assert_eq!(of(patient.user_id, true), 45, "20 saves and 25 reads");
    assert_eq!(of(doctor.user_id, false), 25, "25 refusals");
}

async fn a_changed_entry_is_found_and_named(s: &Services) {
    let entries = seed(s, 10).await;
    lift_the_guard(s).await;
    // A refusal turned into an allowed read.
    assert_eq!(
        exec(s, "UPDATE access_trail SET allowed = 1 WHERE seq = 5")
            .await
            .unwrap(),
        1
    );
    let found = problems(s).await;
    assert_eq!(found, [Problem::Changed { seq: 5 }]);
    assert_eq!(named(&found), ["entry 5 was changed"]);

    // Rewritten with a hash that matches its new content: the next entry no
    // longer links to it.
    let mut forged = entries[6].clone();
    forged.actor_id = Some(999);
    forged.hash = entry_hash(&forged);
    overwrite(s, 7, &forged).await;
    assert_eq!(
        problems(s).await,
        [Problem::Changed { seq: 5 }, Problem::BrokenLink { seq: 8 }]
    );
}

async fn removed_entries_are_found_and_named(s: &Services) {
    seed(s, 10).await;
    lift_the_guard(s).await;
    assert_eq!(
        exec(s, "DELETE FROM access_trail WHERE seq = 5")
            .await
            .unwrap(),
        1
    );
    let found = problems(s).await;
    assert_eq!(
        found,
        [
            Problem::Missing { from: 5, to: 5 },
            Problem::BrokenLink { seq: 6 }
        ]
    );
    assert_eq!(named(&found)[0], "entry 5 was removed");

    // The last entries: nothing links to them, only the head remembers.
    assert_eq!(
        exec(s, "DELETE FROM access_trail WHERE seq >= 9")
            .await
            .unwrap(),
        2
    );
    let found = verify(s).await;
    assert_eq!(
        found.problems,
        [
            Problem::Missing { from: 5, to: 5 },
            Problem::BrokenLink { seq: 6 },
            Problem::Missing { from: 9, to: 10 },
        ]
    );
    assert_eq!((found.checked, found.head), (7, 10));
    assert_eq!(named(&found.problems)[2], "entries 9 to 10 were removed");
}

async fn reordered_entries_are_found_and_named(s: &Services) {
    let entries = seed(s, 12).await;
    lift_the_guard(s).await;
    // Two entries trade places (positions renumbered)…
    for sql in [
        "UPDATE access_trail SET seq = -1 WHERE seq = 2",
        "UPDATE access_trail SET seq = 2 WHERE seq = 3",
        "UPDATE access_trail SET seq = 3 WHERE seq = -1",
    ] {
        assert_eq!(exec(s, sql).await.unwrap(), 1, "{sql}");
    }
    assert_eq!(
        problems(s).await,
        [
            Problem::BrokenLink { seq: 2 },
            Problem::Changed { seq: 2 },
            Problem::BrokenLink { seq: 3 },
            Problem::Changed { seq: 3 },
            Problem::BrokenLink { seq: 4 },
        ]
    );
    // …and two others trade their whole contents, hashes included.
    overwrite(s, 6, &entries[7]).await;
    overwrite(s, 8, &entries[5]).await;
    let found = problems(s).await;
    assert_eq!(
        found[5..],
        [
            Problem::BrokenLink { seq: 6 },
            Problem::Changed { seq: 6 },
            Problem::BrokenLink { seq: 7 },
            Problem::BrokenLink { seq: 8 },
            Problem::Changed { seq: 8 },
            Problem::BrokenLink { seq: 9 },
        ]
    );
    assert!(named(&found)[5].starts_with("entry 6 does not follow the entry before it"));
}

async fn entries_past_the_head_are_found(s: &Services) {
    let entries = seed(s, 10).await;
    // The head moved back to the entry before the last.
    let last = entries.last().unwrap();
    sqlx::query("UPDATE access_trail_head SET hash = $1 WHERE id = 1")
        .bind(entries[8].hash.clone())
        .execute(s.db().pool())
        .await
        .unwrap();
    assert_eq!(problems(s).await, [Problem::HeadMismatch]);
    sqlx::query("UPDATE access_trail_head SET hash = $1 WHERE id = 1")
        .bind(last.hash.clone())
        .execute(s.db().pool())
        .await
        .unwrap();
    assert_eq!(problems(s).await, []);

    // Inserting needs no guard lifted; a well-formed entry, linked to the
    // last one, still lies beyond the head.
    let mut row = StoredEntry {
        seq: 11,
        at: last.at + 1,
        actor_id: Some(999),
        actor_role: Some("doctor".into()),
        action: "read".into(),
        resource: "medical_profile".into(),
        resource_id: None,
        patient_id: Some(7),
        door: "rest".into(),
        request_id: None,
        allowed: true,
        emergency: false,
        reason: None,
        prev_hash: last.hash.clone(),
        hash: String::new(),
    };
    row.hash = entry_hash(&row);
    {
        let mut conn = s.db().pool().acquire().await.unwrap();
        insert(&mut conn, std::slice::from_ref(&row)).await.unwrap();
    }
    let found = verify(s).await;
    assert_eq!(found.problems, [Problem::BeyondHead { head: 10 }]);
    assert_eq!((found.checked, found.head), (11, 10));
    assert_eq!(
        named(&found.problems),
        ["entries after 10 were added outside the platform"]
    );
}

async fn the_product_cannot_change_or_remove_an_entry(s: &Services) {
    let entries = seed(s, 5).await;
    for sql in [
        "UPDATE access_trail SET allowed = 1 WHERE seq = 5",
        "UPDATE access_trail SET hash = prev_hash",
        "DELETE FROM access_trail WHERE seq = 1",
        "DELETE FROM access_trail",
    ] {
        let refused = exec(s, sql).await.expect_err(sql);
        assert!(
            refused.to_string().contains("append-only"),
            "{sql}: {refused}"
        );
    }
    // Not inside a write transaction either.
    let mut tx = s.db().begin_write().await.unwrap();
    let refused = sqlx::query("DELETE FROM access_trail WHERE seq = 3")
        .execute(&mut **tx)
        .await
        .expect_err("a delete in a transaction");
    assert!(refused.to_string().contains("append-only"), "{refused}");
    drop(tx);

    assert_eq!(chain(s).await, entries, "untouched");
    assert_eq!(problems(s).await, []);
    // Appending still works.
    s.trail.record(vec![nth(6)]).await.unwrap();
    assert_eq!(verify(s).await.checked, 6);
}

support::contract!(
    an_empty_trail_verifies,
    the_chain_verifies_after_many_appends_made_at_once,
    a_changed_entry_is_found_and_named,
    removed_entries_are_found_and_named,
    reordered_entries_are_found_and_named,
    entries_past_the_head_are_found,
    the_product_cannot_change_or_remove_an_entry,
);
