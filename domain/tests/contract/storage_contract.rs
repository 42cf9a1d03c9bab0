//! The storage contract: the same scenarios through the services, on SQLite and
//! on PostgreSQL, each on a fresh database.
//!
//! PostgreSQL is reached at `TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each test creates its own
//! database there and drops it when it passes.

use crate::support;

use domain::DomainError;
use domain::accounts::{Role, SignUpForm};
use domain::services::Services;
use support::{Backend, PASSWORD, fresh};

fn form(username: &str) -> SignUpForm {
    SignUpForm {
        username: username.into(),
        email: format!("{username}@example.org"),
        password: PASSWORD.into(),
        first_name: "First".into(),
        last_name: "Last".into(),
    }
}

async fn accounts_are_unique_by_username_and_email(s: &Services) {
    let user = s.accounts.sign_up(&form("marie")).await.unwrap();
    assert_eq!((user.role, user.active), (Role::Patient, true));
    let mut again = form("Marie");
    again.email = "other@example.org".into();
    match s.accounts.sign_up(&again).await {
        Err(DomainError::Conflict {
            field: Some("username"),
            ..
        }) => {}
        other => panic!("expected a username conflict, got {other:?}"),
    }
    let mut same_email = form("marie2");
    same_email.email = "MARIE@example.org".into();
    match s.accounts.sign_up(&same_email).await {
        Err(DomainError::Conflict {
            field: Some("email"),
            ..
        }) => {}
        other => panic!("expected an e-mail conflict, got {other:?}"),
    }
    assert_eq!(s.accounts.count().await.unwrap(), 1);
}

async fn sessions_rotate_and_reuse_revokes(s: &Services) {
    s.accounts.sign_up(&form("marie")).await.unwrap();
    let signed_in = s.auth.login("marie", PASSWORD, None).await.unwrap();
    let principal = s.auth.authenticate(&signed_in.tokens.access).await.unwrap();
    assert_eq!(principal.user_id, signed_in.user.id);
    let second = s.auth.refresh(&signed_in.tokens.refresh).await.unwrap();
    assert!(s.auth.refresh(&signed_in.tokens.refresh).await.is_err());
    assert!(
        s.auth.refresh(&second.refresh).await.is_err(),
        "family revoked"
    );
    assert!(s.auth.authenticate(&second.access).await.is_err());
}

async fn one_of_many_concurrent_refreshes_wins(s: &Services) {
    s.accounts.sign_up(&form("marie")).await.unwrap();
    let signed_in = s.auth.login("marie", PASSWORD, None).await.unwrap();
    let attempts = (0..8).map(|_| {
        let auth = s.auth.clone();
        let token = signed_in.tokens.refresh.clone();
        tokio::spawn(async move { auth.refresh(&token).await })
    });
    let mut wins = 0;
    for attempt in attempts {
        if attempt.await.unwrap().is_ok() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
}

async fn deactivation_and_listing(s: &Services) {
    let admin_user = s
        .accounts
        .create_unchecked(Role::Admin, &form("boss"), None)
        .await
        .unwrap();
    let doctor = s
        .accounts
        .create_unchecked(Role::Doctor, &form("dr.who"), Some("cardiology"))
        .await
        .unwrap();
    s.accounts.sign_up(&form("marie")).await.unwrap();
    let admin = s
        .auth
        .authenticate(
            &s.auth
                .login("boss", PASSWORD, None)
                .await
                .unwrap()
                .tokens
                .access,
        )
        .await
        .unwrap();
    assert_eq!(admin.user_id, admin_user.id);
    let doctors = s
        .accounts
        .list(&admin, Some(Role::Doctor), 50, 0)
        .await
        .unwrap();
    assert_eq!(
        doctors.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![doctor.id]
    );
    assert_eq!(s.accounts.list(&admin, None, 50, 0).await.unwrap().len(), 3);
    let doctor_session = s.auth.login("dr.who", PASSWORD, None).await.unwrap();
    let deactivated = s.accounts.deactivate(&admin, doctor.id).await.unwrap();
    assert!(!deactivated.active);
    assert!(
        s.auth
            .authenticate(&doctor_session.tokens.access)
            .await
            .is_err()
    );
    assert!(matches!(
        s.auth.login("dr.who", PASSWORD, None).await,
        Err(DomainError::InvalidCredentials)
    ));
    match s
        .accounts
        .create_unchecked(Role::Doctor, &form("dr.no"), Some("astrology"))
        .await
    {
        Err(DomainError::Validation {
            field: "specialty", ..
        }) => {}
        other => panic!("expected an unknown specialty, got {other:?}"),
    }
    assert_eq!(
        s.accounts.count().await.unwrap(),
        3,
        "the refused doctor left nothing behind"
    );
}

async fn specialties_are_seeded_once(s: &Services) {
    let before = s.accounts.specialties().await.unwrap();
    domain::demo::ensure_specialties(s).await.unwrap();
    let after = s.accounts.specialties().await.unwrap();
    assert_eq!(before, after);
    assert!(
        after
            .iter()
            .any(|sp| sp.code == "cardiology" && sp.name_fr == "Cardiologie")
    );
}

async fn demo_data_loads_once_and_signs_in(s: &Services) {
    assert!(domain::demo::load_if_empty(s).await.unwrap());
    assert!(
        !domain::demo::load_if_empty(s).await.unwrap(),
        "second start loads nothing"
    );
    for login in domain::demo::logins() {
        let signed_in = s
            .auth
            .login(&login.username, &login.password, None)
            .await
            .unwrap();
        assert_eq!(signed_in.user.role, login.role);
    }
}

support::contract!(
    accounts_are_unique_by_username_and_email,
    sessions_rotate_and_reuse_revokes,
    one_of_many_concurrent_refreshes_wins,
    deactivation_and_listing,
    specialties_are_seeded_once,
    demo_data_loads_once_and_signs_in,
);

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let db = fresh(Backend::Sqlite).await;
    let pool = db.services.db().pool();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!((mode.as_str(), foreign_keys), ("wal", 1));
    db.teardown().await;
}
