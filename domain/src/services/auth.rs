//! Signing in and out, and the rotation of refresh tokens.
//!
//! A sign-in opens a session; every refresh token of that session forms one
//! family. Each refresh consumes the presented token and issues a new pair; a
//! consumed token presented again (after a short grace for racing requests) is
//! taken as stolen and revokes the whole family.

use std::net::IpAddr;
use std::sync::Arc;

use crate::accounts::{Role, User};
use crate::activity::ActivityAction;
use crate::auth::{
    AuthConfig, Claims, LoginThrottle, Principal, TokenCodec, TokenKind, hash_password,
    invalid_token, verify_password,
};
use crate::error::{DomainError, DomainResult};
use crate::store::activity::{self, NewActivity};
use crate::store::{Db, db_error, now_ms, sessions, users};
use crate::trail::Door;

/// A signed pair of tokens.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
    /// Seconds the access token lives.
    pub access_expires_in: i64,
    /// Seconds the refresh token lives.
    pub refresh_expires_in: i64,
}

/// The result of a successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub tokens: TokenPair,
}

/// Authentication operations.
#[derive(Clone)]
pub struct AuthService {
    db: Db,
    config: Arc<AuthConfig>,
    codec: TokenCodec,
    throttle: Arc<LoginThrottle>,
    /// Hash checked when the login is unknown, so that it costs the same time.
    dummy_hash: Arc<str>,
    bus: crate::events::Publisher,
}

impl AuthService {
    pub(crate) async fn new(
        db: Db,
        config: Arc<AuthConfig>,
        bus: crate::events::Publisher,
    ) -> DomainResult<Self> {
        let mut filler = [0u8; 24];
        getrandom::fill(&mut filler).map_err(|err| DomainError::internal(err.to_string()))?;
        let dummy_hash = hash_password(format!("{filler:?}")).await?;
        Ok(Self {
            codec: TokenCodec::new(&config.jwt_secret),
            throttle: Arc::new(LoginThrottle::new(
                config.login_attempts_per_account,
                config.login_attempts_per_address,
            )),
            db,
            config,
            dummy_hash: dummy_hash.into(),
            bus,
        })
    }

    /// Signs in with a username (or e-mail) and password.
    ///
    /// Unknown login, wrong password and deactivated account fail alike, after the
    /// same hashing work.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> DomainResult<SignedIn> {
        self.login_through(login, password, client, Door::Rest)
            .await
    }

    /// [`Self::login`] through `door` (recorded in the activity log).
    pub async fn login_through(
        &self,
        login: &str,
        password: &str,
        client: Option<IpAddr>,
        door: Door,
    ) -> DomainResult<SignedIn> {
        if login.trim().is_empty() {
            return Err(DomainError::invalid(
                "username",
                "required",
                "this field is required",
            ));
        }
        if password.is_empty() {
            return Err(DomainError::invalid(
                "password",
                "required",
                "this field is required",
            ));
        }
        self.throttle.check(login, client)?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let found = users::credentials_by_login(&mut conn, login).await?;
        drop(conn);
        let hash = found
            .as_ref()
            .map_or_else(|| self.dummy_hash.to_string(), |c| c.password_hash.clone());
        let matches = verify_password(password.to_owned(), hash).await?;
        let user = match found {
            Some(credentials) if matches && credentials.user.active => credentials.user,
            refused => {
                tracing::info!("sign-in refused");
                // Counted for the administrators' home and written to the
                // activity log (against the account, when there is one); a
                // failure to record does not change the answer.
                let mut entry = NewActivity {
                    door,
                    ..NewActivity::by_platform(ActivityAction::SignInRefused)
                };
                entry = match refused {
                    Some(c) => NewActivity {
                        actor_id: Some(c.user.id),
                        actor_role: Some(c.user.role),
                        ..entry
                    }
                    .detail(if matches {
                        "inactive"
                    } else {
                        "wrong_password"
                    }),
                    None => entry.detail("unknown_account"),
                };
                if let Ok(mut tx) = self.db.begin_write().await
                    && activity::count_refused_sign_in(&mut tx).await.is_ok()
                    && activity::log(&mut tx, &entry).await.is_ok()
                {
                    let _ = tx.commit().await;
                }
                return Err(DomainError::InvalidCredentials);
            }
        };
        let session_id = new_id()?;
        let mut tx = self.db.begin_write().await?;
        sessions::open(&mut tx, &session_id, user.id).await?;
        let tokens = self.issue(&mut tx, user.id, user.role, &session_id).await?;
        let signed_in = Principal {
            door,
            ..Principal::cli(user.id, user.role)
        };
        activity::log(
            &mut tx,
            &NewActivity::by(&signed_in, ActivityAction::SignIn),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(user_id = user.id, "signed in");
        Ok(SignedIn { user, tokens })
    }

    /// Exchanges a refresh token for a new pair; the presented token is spent.
    pub async fn refresh(&self, refresh_token: &str) -> DomainResult<TokenPair> {
        let claims = self.codec.verify(refresh_token, TokenKind::Refresh)?;
        let mut tx = self.db.begin_write().await?;
        if sessions::consume_refresh_token(&mut tx, &claims.jti, &claims.sid).await? {
            let owner = sessions::live_owner(&mut tx, &claims.sid)
                .await?
                .ok_or_else(invalid_token)?;
            let tokens = self
                .issue(&mut tx, owner.user_id, owner.role, &claims.sid)
                .await?;
            tx.commit().await.map_err(db_error)?;
            return Ok(tokens);
        }
        match sessions::refresh_token_used_at(&mut tx, &claims.jti).await? {
            Some(Some(used_at)) if now_ms() - used_at >= self.config.reuse_grace_secs * 1000 => {
                let owner = sessions::revoke(&mut tx, &claims.sid).await?;
                tx.commit().await.map_err(db_error)?;
                self.ended(owner, &claims.sid);
                tracing::warn!(session_id = %claims.sid, "refresh token reused: session revoked");
                Err(DomainError::Unauthenticated {
                    code: "token_not_valid",
                    message: "token was already used; the session has been revoked",
                })
            }
            Some(Some(_)) => Err(DomainError::Unauthenticated {
                code: "token_already_rotated",
                message: "token was just exchanged by another request",
            }),
            _ => Err(invalid_token()),
        }
    }

    /// Checks an access token and that its session and account are still live.
    pub async fn authenticate(&self, access_token: &str) -> DomainResult<Principal> {
        let claims = self.codec.verify(access_token, TokenKind::Access)?;
        let user_id = claims.user_id()?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match sessions::live_owner(&mut conn, &claims.sid).await? {
            Some(owner) if owner.user_id == user_id => Ok(Principal {
                user_id,
                role: owner.role,
                session_id: claims.sid,
                // The door that authenticated sets where it came in.
                door: crate::trail::Door::Rest,
                request_id: None,
            }),
            _ => Err(DomainError::Unauthenticated {
                code: "token_not_valid",
                message: "session has ended",
            }),
        }
    }

    /// Signs out: revokes the session of a refresh token.
    pub async fn logout_with_refresh(&self, refresh_token: &str) -> DomainResult<()> {
        let claims = self.codec.verify(refresh_token, TokenKind::Refresh)?;
        self.logout(&claims.sid).await
    }

    /// Tells the account's open sockets that a session ended.
    fn ended(&self, owner: Option<crate::accounts::UserId>, session_id: &str) {
        if let Some(user_id) = owner {
            self.bus.publish(crate::events::Event::SessionEnded {
                user_id,
                session_id: Some(session_id.to_owned()),
            });
        }
    }

    /// Signs out: revokes a session.
    pub async fn logout(&self, session_id: &str) -> DomainResult<()> {
        let mut tx = self.db.begin_write().await?;
        let owner = sessions::revoke(&mut tx, session_id).await?;
        tx.commit().await.map_err(db_error)?;
        self.ended(owner, session_id);
        tracing::info!(session_id, "signed out");
        Ok(())
    }

    /// Housekeeping: drops expired refresh tokens and idle throttle entries.
    pub async fn purge(&self) -> DomainResult<u64> {
        self.throttle.forget_idle();
        let mut tx = self.db.begin_write().await?;
        let purged = sessions::purge_expired(&mut tx, now_ms()).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(purged)
    }

    async fn issue(
        &self,
        conn: &mut sqlx::AnyConnection,
        user_id: i64,
        role: Role,
        session_id: &str,
    ) -> DomainResult<TokenPair> {
        let now = jiff::Timestamp::now().as_second();
        let claims = |typ, ttl: i64| -> DomainResult<Claims> {
            Ok(Claims {
                sub: user_id.to_string(),
                role,
                sid: session_id.to_owned(),
                jti: new_id()?,
                typ,
                iat: now,
                exp: now + ttl,
            })
        };
        let access = claims(TokenKind::Access, self.config.access_ttl_secs)?;
        let refresh = claims(TokenKind::Refresh, self.config.refresh_ttl_secs)?;
        sessions::add_refresh_token(conn, &refresh.jti, session_id, refresh.exp * 1000).await?;
        Ok(TokenPair {
            access: self.codec.sign(&access)?,
            refresh: self.codec.sign(&refresh)?,
            access_expires_in: self.config.access_ttl_secs,
            refresh_expires_in: self.config.refresh_ttl_secs,
        })
    }
}

/// A random 128-bit identifier.
pub(crate) fn new_id() -> DomainResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|err| DomainError::internal(err.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
