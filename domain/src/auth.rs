//! Authentication building blocks: who a request acts for, password hashing,
//! signed tokens and sign-in throttling. The rules that combine them live in
//! [`crate::services::auth`].

use std::net::IpAddr;
use std::num::NonZeroU32;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::accounts::{Role, UserId};
use crate::error::{DomainError, DomainResult};
use crate::trail::Door;

/// The authenticated account a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub role: Role,
    /// The sign-in session the credentials belong to.
    pub session_id: String,
    /// The door the request came through (recorded in the access trail).
    pub door: Door,
    /// The request's id (`x-request-id`), for the access trail.
    pub request_id: Option<String>,
}

impl Principal {
    /// An account acting from the command line (demo data, benchmarks).
    pub fn cli(user_id: UserId, role: Role) -> Self {
        Self {
            user_id,
            role,
            session_id: String::new(),
            door: Door::Cli,
            request_id: None,
        }
    }

    /// The same principal, acting through `door` in request `request_id`.
    pub fn entering(mut self, door: Door, request_id: Option<String>) -> Self {
        self.door = door;
        self.request_id = request_id;
        self
    }

    /// Fails with `Forbidden` unless the principal has `role`.
    pub fn require(&self, role: Role) -> DomainResult<()> {
        if self.role == role {
            Ok(())
        } else {
            Err(DomainError::Forbidden)
        }
    }
}

/// Settings of authentication.
#[derive(Clone)]
pub struct AuthConfig {
    /// HMAC key signing the tokens.
    pub jwt_secret: Vec<u8>,
    /// Lifetime of an access token, in seconds (5 minutes by default).
    pub access_ttl_secs: i64,
    /// Lifetime of a refresh token, in seconds (24 hours by default).
    pub refresh_ttl_secs: i64,
    /// A rotated refresh token presented again within this many seconds is refused
    /// without revoking its session (two browser requests racing); later it is
    /// treated as stolen and the whole session is revoked.
    pub reuse_grace_secs: i64,
    /// Sign-in attempts allowed per account per minute.
    pub login_attempts_per_account: u32,
    /// Sign-in attempts allowed per client address per minute.
    pub login_attempts_per_address: u32,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("jwt_secret", &"<redacted>")
            .field("access_ttl_secs", &self.access_ttl_secs)
            .field("refresh_ttl_secs", &self.refresh_ttl_secs)
            .field("reuse_grace_secs", &self.reuse_grace_secs)
            .field(
                "login_attempts_per_account",
                &self.login_attempts_per_account,
            )
            .field(
                "login_attempts_per_address",
                &self.login_attempts_per_address,
            )
            .finish()
    }
}

/// Argon2id's cost as passwords are hashed: memory in KiB, passes and
/// lanes. These are OWASP's first recommended setting (19 MiB, 2 passes, 1
/// lane); a test keeps them from going below it.
pub fn password_cost() -> (u32, u32, u32) {
    let params = Argon2::default().params().clone();
    (params.m_cost(), params.t_cost(), params.p_cost())
}

/// Hashes a password with Argon2id (off the async runtime).
pub async fn hash_password(password: String) -> DomainResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| DomainError::internal(err.to_string()))
    })
    .await
    .map_err(DomainError::internal)?
}

/// Checks a password against a stored hash (off the async runtime).
pub async fn verify_password(password: String, hash: String) -> DomainResult<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed =
            PasswordHash::new(&hash).map_err(|err| DomainError::internal(err.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(DomainError::internal)?
}

/// Kind of a signed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
}

/// What a token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string (RFC 7519).
    pub sub: String,
    pub role: Role,
    /// Session (token family) id.
    pub sid: String,
    /// Unique token id.
    pub jti: String,
    pub typ: TokenKind,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    /// The user id in `sub`.
    pub fn user_id(&self) -> DomainResult<UserId> {
        self.sub.parse().map_err(|_| invalid_token())
    }
}

/// The refusal for any unusable token.
pub fn invalid_token() -> DomainError {
    DomainError::Unauthenticated {
        code: "token_not_valid",
        message: "token is invalid or expired",
    }
}

/// Signs and checks tokens (HS256).
#[derive(Clone)]
pub struct TokenCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenCodec {
    /// A codec for `secret`.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Signer and verifier are the same server: no clock skew to forgive.
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs claims.
    pub fn sign(&self, claims: &Claims) -> DomainResult<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(DomainError::internal)
    }

    /// Verifies signature, expiry and kind.
    pub fn verify(&self, token: &str, kind: TokenKind) -> DomainResult<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|err| {
                if matches!(
                    err.kind(),
                    jsonwebtoken::errors::ErrorKind::ExpiredSignature
                ) {
                    DomainError::Unauthenticated {
                        code: "token_not_valid",
                        message: "token has expired",
                    }
                } else {
                    invalid_token()
                }
            })?;
        if data.claims.typ != kind {
            return Err(invalid_token());
        }
        Ok(data.claims)
    }
}

/// Throttles sign-in attempts per account and per client address.
pub struct LoginThrottle {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginThrottle {
    /// Allows `per_account` and `per_address` attempts a minute (0 means 1).
    pub fn new(per_account: u32, per_address: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Self {
            per_account: RateLimiter::keyed(quota(per_account)),
            per_address: RateLimiter::keyed(quota(per_address)),
        }
    }

    /// Counts one attempt; refuses with the wait time when over either limit.
    pub fn check(&self, login: &str, address: Option<IpAddr>) -> DomainResult<()> {
        let now = DefaultClock::default().now();
        let refuse = |not_until: governor::NotUntil<_>| DomainError::RateLimited {
            retry_after_secs: not_until.wait_time_from(now).as_secs().max(1),
        };
        if let Some(address) = address {
            self.per_address.check_key(&address).map_err(refuse)?;
        }
        self.per_account
            .check_key(&login.trim().to_lowercase())
            .map_err(refuse)
    }

    /// Forgets keys whose allowance is full again (bounds memory).
    pub fn forget_idle(&self) {
        self.per_account.retain_recent();
        self.per_address.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_cost_at_least_what_owasp_recommends() {
        let (memory, passes, lanes) = password_cost();
        assert!(memory >= 19 * 1024 && passes >= 2 && lanes >= 1);
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default().hash_password(b"x", &salt).unwrap();
        assert_eq!(hash.algorithm.as_str(), "argon2id");
    }

    fn claims(kind: TokenKind, exp_offset: i64) -> Claims {
        let now = jiff::Timestamp::now().as_second();
        Claims {
            sub: "7".into(),
            role: Role::Patient,
            sid: "s".into(),
            jti: "j".into(),
            typ: kind,
            iat: now,
            exp: now + exp_offset,
        }
    }

    #[test]
    fn tokens_round_trip_and_refuse_tampering() {
        let codec = TokenCodec::new(b"secret-one");
        let token = codec.sign(&claims(TokenKind::Access, 60)).unwrap();
        assert_eq!(
            codec
                .verify(&token, TokenKind::Access)
                .unwrap()
                .user_id()
                .unwrap(),
            7
        );
        assert!(
            codec.verify(&token, TokenKind::Refresh).is_err(),
            "kind is checked"
        );
        assert!(
            TokenCodec::new(b"secret-two")
                .verify(&token, TokenKind::Access)
                .is_err()
        );
        let expired = codec.sign(&claims(TokenKind::Access, -1)).unwrap();
        assert!(codec.verify(&expired, TokenKind::Access).is_err());
    }

    #[tokio::test]
    async fn passwords_hash_with_argon2id() {
        let hash = hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong horse".into(), hash).await.unwrap());
    }

    #[test]
    fn throttle_limits_per_account() {
        let throttle = LoginThrottle::new(2, 100);
        assert!(throttle.check("Marie", None).is_ok());
        assert!(throttle.check("marie", None).is_ok());
        match throttle.check("marie", None) {
            Err(DomainError::RateLimited { retry_after_secs }) => assert!(retry_after_secs >= 1),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(
            throttle.check("paul", None).is_ok(),
            "other accounts are not affected"
        );
    }
}
