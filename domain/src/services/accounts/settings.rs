//! What people change of their accounts: their own names, e-mail, language,
//! time zone and password; an administrator changes any account and issues a
//! one-time password reset link (the platform sends no e-mail yet, so the
//! administrator passes it on).

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::AccountService;
use crate::accounts::{AccountChanges, NewPassword, Role, User, UserId, Username};
use crate::activity::ActivityAction;
use crate::auth::{Principal, hash_password, verify_password};
use crate::error::{DomainError, DomainResult};
use crate::store::activity::{self, NewActivity};
use crate::store::{db_error, password_resets, sessions, users};
use crate::trail::Door;

/// How long a reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;

/// A reset link's token, shown once to the administrator who asked for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordReset {
    /// Goes into the link `/reset-password?token=…`.
    pub token: String,
    /// When the link stops working.
    pub expires_at: Timestamp,
}

fn hash_token(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_token() -> DomainResult<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|err| DomainError::internal(err.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl AccountService {
    /// Changes the caller's own names, e-mail, language and time zone.
    pub async fn update_me(
        &self,
        actor: &Principal,
        changes: &AccountChanges,
    ) -> DomainResult<User> {
        self.write_settings(actor, actor.user_id, changes).await
    }

    /// An administrator changes any account's names, e-mail, language and time zone.
    pub async fn update_account(
        &self,
        actor: &Principal,
        id: UserId,
        changes: &AccountChanges,
    ) -> DomainResult<User> {
        actor.require(Role::Admin)?;
        let user = self.write_settings(actor, id, changes).await?;
        tracing::info!(user_id = id, by = actor.user_id, "account changed");
        Ok(user)
    }

    async fn write_settings(
        &self,
        actor: &Principal,
        id: UserId,
        changes: &AccountChanges,
    ) -> DomainResult<User> {
        let valid = changes.parse()?;
        let mut tx = self.db.begin_write().await?;
        let user = users::update_settings(&mut tx, id, &valid)
            .await?
            .ok_or(DomainError::NotFound("account"))?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::AccountUpdated).on("user", id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(user)
    }

    /// Changes the caller's password: the current one is asked again, and every
    /// other session of the account is signed out.
    pub async fn change_password(
        &self,
        actor: &Principal,
        current: &str,
        new: &str,
    ) -> DomainResult<()> {
        let user = self.me(actor).await?;
        let new = NewPassword::parse(new, &Username::parse(&user.username)?)?;
        let hash = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            users::password_hash(&mut conn, actor.user_id)
                .await?
                .ok_or(DomainError::NotFound("account"))?
        };
        if current.is_empty() {
            return Err(DomainError::invalid(
                "current_password",
                "required",
                "this field is required",
            ));
        }
        if !verify_password(current.to_owned(), hash).await? {
            return Err(DomainError::invalid(
                "current_password",
                "wrong_password",
                "the current password is not this one",
            ));
        }
        let hash = hash_password(new.expose().to_owned()).await?;
        let mut tx = self.db.begin_write().await?;
        users::set_password_hash(&mut tx, actor.user_id, &hash).await?;
        sessions::revoke_others_of(&mut tx, actor.user_id, &actor.session_id).await?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::PasswordChanged).on("user", actor.user_id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.bus.publish(crate::events::Event::SessionEnded {
            user_id: actor.user_id,
            session_id: None,
        });
        tracing::info!(user_id = actor.user_id, "password changed");
        Ok(())
    }

    /// An administrator asks for a one-time link that lets the account's owner
    /// choose a new password; it works once, for [`RESET_LINK_MINUTES`], and
    /// an earlier unused link of the account stops working.
    pub async fn issue_password_reset(
        &self,
        actor: &Principal,
        id: UserId,
        now: Timestamp,
    ) -> DomainResult<PasswordReset> {
        actor.require(Role::Admin)?;
        let token = new_token()?;
        let expires_at = now
            .checked_add(jiff::SignedDuration::from_mins(RESET_LINK_MINUTES))
            .map_err(DomainError::internal)?;
        let mut tx = self.db.begin_write().await?;
        if users::by_id(&mut tx, id).await?.is_none() {
            return Err(DomainError::NotFound("account"));
        }
        password_resets::insert(
            &mut tx,
            &hash_token(&token),
            id,
            actor.user_id,
            expires_at.as_millisecond(),
        )
        .await?;
        activity::log(
            &mut tx,
            &NewActivity::by(actor, ActivityAction::PasswordResetIssued).on("user", id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(
            user_id = id,
            by = actor.user_id,
            "password reset link issued"
        );
        Ok(PasswordReset { token, expires_at })
    }

    /// The owner of a reset link chooses a new password; every session of the
    /// account is signed out. An unknown, used or expired link is refused.
    pub async fn reset_password(
        &self,
        token: &str,
        new: &str,
        now: Timestamp,
    ) -> DomainResult<User> {
        let refused = || {
            DomainError::invalid(
                "token",
                "invalid_reset_link",
                "this link is unknown, used or expired",
            )
        };
        if token.trim().is_empty() || token.len() > 200 {
            return Err(refused());
        }
        let mut tx = self.db.begin_write().await?;
        let Some(id) =
            password_resets::consume(&mut tx, &hash_token(token), now.as_millisecond()).await?
        else {
            return Err(refused());
        };
        let user = users::by_id(&mut tx, id).await?.ok_or_else(refused)?;
        // Checked before anything is kept: a refused password leaves the link usable.
        let new = NewPassword::parse(new, &Username::parse(&user.username)?)?;
        let hash = hash_password(new.expose().to_owned()).await?;
        users::set_password_hash(&mut tx, id, &hash).await?;
        sessions::revoke_all_of(&mut tx, id).await?;
        let owner = Principal {
            door: Door::Web,
            ..Principal::cli(id, user.role)
        };
        activity::log(
            &mut tx,
            &NewActivity::by(&owner, ActivityAction::PasswordChanged)
                .on("user", id)
                .detail("reset_link"),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.bus.publish(crate::events::Event::SessionEnded {
            user_id: id,
            session_id: None,
        });
        tracing::info!(user_id = id, "password reset");
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 48);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token(&format!(" {a}\n")), hash_token(&a));
    }
}
