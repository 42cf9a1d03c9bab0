//! The device registry: doctors register devices for patients in their care,
//! administrators for anyone. A device gets a secret credential once, at
//! creation (or re-keying); only its SHA-256 is stored. Every change goes to
//! the access trail with the change; reads of a patient's devices too.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::devices::{
    CommandForm, CommandReceipt, Device, DeviceCredential, DeviceForm, DeviceStatus, MacAddress,
    StatusForm,
};
use crate::error::{DomainError, DomainResult};
use crate::events::{Event, Publisher};
use crate::paging::{Page, PageRequest};
use crate::policy::Gate;
use crate::services::trail::{NewEntry, append_in};
use crate::store::devices::{self as store, DeviceFilter};
use crate::store::{Db, db_error, users};
use crate::trail::{Resource, TrailAction};

mod messages;

/// Who a device credential belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceIdentity {
    pub device_id: i64,
    pub patient_id: UserId,
    /// Its registered hardware address.
    pub mac: MacAddress,
}

/// Which devices to list (a query string, checked here).
#[derive(Debug, Clone, Default)]
pub struct DeviceQuery {
    pub patient: Option<UserId>,
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Device-registry operations; cheap to clone.
#[derive(Clone)]
pub struct DeviceService {
    db: Db,
    gate: Gate,
    bus: Publisher,
}

const TOKEN_PREFIX: &str = "dev_";

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh credential for device `id`: `dev_<id>.<64 hex digits>`.
fn new_token(id: i64) -> DomainResult<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| DomainError::internal(err.to_string()))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok((format!("{TOKEN_PREFIX}{id}.{secret}"), hash(&secret)))
}

fn bad_token() -> DomainError {
    DomainError::Unauthenticated {
        code: "invalid_device_token",
        message: "the device credential is missing, wrong or revoked",
    }
}

/// Equal strings, compared in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl DeviceService {
    pub(crate) fn new(db: Db, gate: Gate, bus: Publisher) -> Self {
        Self { db, gate, bus }
    }

    /// Tells the device's open sockets (on every instance) to close.
    fn cut(&self, device_id: i64) {
        self.bus.publish(Event::DeviceCut { device_id });
    }

    async fn must_be_patient(&self, patient_id: UserId) -> DomainResult<()> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        match users::by_id(&mut conn, patient_id).await? {
            Some(user) if user.role == Role::Patient && user.active => Ok(()),
            _ => Err(DomainError::invalid(
                "patient",
                "unknown_patient",
                "no active patient has this id",
            )),
        }
    }

    async fn load(&self, id: i64) -> DomainResult<Device> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        store::find(&mut conn, id)
            .await?
            .ok_or(DomainError::NotFound("device"))
    }

    /// Checks `action` on device `id`; the device and the trail entry to
    /// commit with the change.
    async fn allowed(
        &self,
        actor: &Principal,
        id: i64,
        action: TrailAction,
    ) -> DomainResult<(Device, NewEntry)> {
        let device = self.load(id).await?;
        let granted = self
            .gate
            .check_or_hide(
                actor,
                action,
                Resource::Device,
                device.patient,
                id,
                "device",
                Timestamp::now(),
            )
            .await?;
        Ok((device, granted.entry))
    }

    /// Registers a device; its credential is in the answer, and nowhere else.
    pub async fn register(
        &self,
        actor: &Principal,
        form: &DeviceForm,
    ) -> DomainResult<DeviceCredential> {
        let new = form.parse()?;
        self.must_be_patient(new.patient_id).await?;
        let granted = self
            .gate
            .check(
                actor,
                TrailAction::Create,
                Resource::Device,
                new.patient_id,
                None,
                Timestamp::now(),
            )
            .await?;
        let now = Timestamp::now().as_millisecond();
        let mut tx = self.db.begin_write().await?;
        // The id is part of the token, so the hash is set right after insert.
        let id = store::insert(&mut tx, &new, "", actor.user_id, now).await?;
        let (token, secret_hash) = new_token(id)?;
        store::set_secret(&mut tx, id, &secret_hash, now).await?;
        append_in(&mut tx, self.db.dialect(), &[granted.entry.on(id)]).await?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(device_id = id, "device registered");
        Ok(DeviceCredential {
            dispositif: self.load(id).await?,
            token,
        })
    }

    /// One device, as the policy allows; the read is recorded.
    pub async fn device(&self, actor: &Principal, id: i64) -> DomainResult<Device> {
        let device = self.load(id).await?;
        // One who may not see it learns no more than of a device that does
        // not exist (the refusal is in the trail all the same).
        self.gate
            .read(
                actor,
                Resource::Device,
                device.patient,
                Some(id.to_string()),
                async { Ok(()) },
            )
            .await
            .map_err(|err| match err {
                DomainError::Forbidden => DomainError::NotFound("device"),
                other => other,
            })?;
        Ok(device)
    }

    /// Devices the actor may see: a patient's own, a doctor's patients' (or one
    /// patient's, with `patient`), anyone's for an administrator. One trail
    /// entry per patient on the page.
    pub async fn list(&self, actor: &Principal, query: &DeviceQuery) -> DomainResult<Page<Device>> {
        let paging = PageRequest::parse(query.page, query.per_page)?;
        if query.patient.is_some_and(|p| p < 1) {
            return Err(DomainError::invalid(
                "patient",
                crate::bounds::OUT_OF_RANGE,
                "must be a patient's id",
            ));
        }
        let status = match query
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => Some(DeviceStatus::parse(raw).ok_or_else(|| {
                DomainError::invalid(
                    "status",
                    "invalid_choice",
                    "must be actif, inactif, maintenance or erreur",
                )
            })?),
            None => None,
        };
        let mut filter = DeviceFilter {
            patient_id: query.patient,
            cared_by: None,
            status,
        };
        match actor.role {
            Role::Patient => {
                if query.patient.is_some_and(|p| p != actor.user_id) {
                    return Err(DomainError::Forbidden);
                }
                filter.patient_id = Some(actor.user_id);
            }
            Role::Doctor if query.patient.is_none() => filter.cared_by = Some(actor.user_id),
            _ => {}
        }
        if let Some(patient) = filter.patient_id.filter(|_| actor.role != Role::Patient) {
            // Refused (and recorded) unless in care or under emergency access.
            self.gate
                .check(
                    actor,
                    TrailAction::Read,
                    Resource::Device,
                    patient,
                    None,
                    Timestamp::now(),
                )
                .await?;
        }
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let (devices, count) =
            store::list(&mut conn, &filter, paging.per_page, paging.offset()).await?;
        drop(conn);
        let mut patients: Vec<UserId> = devices.iter().map(|d| d.patient).collect();
        patients.sort_unstable();
        patients.dedup();
        let entries = patients
            .into_iter()
            .map(|p| NewEntry::by(actor, TrailAction::Read, Resource::Device, p))
            .collect();
        self.gate.trail().record(entries).await?;
        Ok(paging.of(devices, count))
    }

    /// Replaces a device's registration (not its credential).
    pub async fn replace(
        &self,
        actor: &Principal,
        id: i64,
        form: &DeviceForm,
    ) -> DomainResult<Device> {
        let new = form.parse()?;
        let (device, entry) = self.allowed(actor, id, TrailAction::Update).await?;
        let mut entries = vec![entry];
        if new.patient_id != device.patient {
            self.must_be_patient(new.patient_id).await?;
            let moved = self
                .gate
                .check(
                    actor,
                    TrailAction::Update,
                    Resource::Device,
                    new.patient_id,
                    Some(id.to_string()),
                    Timestamp::now(),
                )
                .await?;
            entries.push(moved.entry);
        }
        let mut tx = self.db.begin_write().await?;
        store::replace(&mut tx, id, &new, Timestamp::now().as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &entries).await?;
        tx.commit().await.map_err(db_error)?;
        self.load(id).await
    }

    /// Records a status report (state, battery, signal, firmware).
    pub async fn report_status(
        &self,
        actor: &Principal,
        id: i64,
        form: &StatusForm,
    ) -> DomainResult<Device> {
        let report = form.parse()?;
        let (_, entry) = self.allowed(actor, id, TrailAction::Update).await?;
        let mut tx = self.db.begin_write().await?;
        store::set_status(&mut tx, id, &report, Timestamp::now().as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        tx.commit().await.map_err(db_error)?;
        self.load(id).await
    }

    /// Issues a new credential; the old one stops working at once.
    pub async fn rekey(&self, actor: &Principal, id: i64) -> DomainResult<DeviceCredential> {
        let (_, entry) = self.allowed(actor, id, TrailAction::Update).await?;
        let (token, secret_hash) = new_token(id)?;
        let mut tx = self.db.begin_write().await?;
        store::set_secret(&mut tx, id, &secret_hash, Timestamp::now().as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        tx.commit().await.map_err(db_error)?;
        self.cut(id);
        Ok(DeviceCredential {
            dispositif: self.load(id).await?,
            token,
        })
    }

    /// Revokes the credential: the device can no longer send.
    pub async fn revoke(&self, actor: &Principal, id: i64) -> DomainResult<Device> {
        let (_, entry) = self.allowed(actor, id, TrailAction::Update).await?;
        let mut tx = self.db.begin_write().await?;
        store::revoke(&mut tx, id, Timestamp::now().as_millisecond()).await?;
        append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        tx.commit().await.map_err(db_error)?;
        self.cut(id);
        self.load(id).await
    }

    /// Deletes a device; its readings stay with the patient.
    pub async fn delete(&self, actor: &Principal, id: i64) -> DomainResult<()> {
        let (_, entry) = self.allowed(actor, id, TrailAction::Delete).await?;
        let mut tx = self.db.begin_write().await?;
        store::delete(&mut tx, id).await?;
        append_in(&mut tx, self.db.dialect(), &[entry]).await?;
        tx.commit().await.map_err(db_error)?;
        self.cut(id);
        Ok(())
    }

    /// Sends a command to the device's open socket, on whichever instance
    /// holds it; `delivered` is false when no socket took it within two
    /// seconds (the device is offline).
    pub async fn send_command(
        &self,
        actor: &Principal,
        id: i64,
        form: &CommandForm,
    ) -> DomainResult<CommandReceipt> {
        let command = form.command.trim();
        if command.is_empty() || command.chars().count() > 64 {
            return Err(DomainError::invalid(
                "command",
                "invalid_command",
                "a command of 1 to 64 characters",
            ));
        }
        let params = form.params.clone().unwrap_or(serde_json::Value::Null);
        if params.to_string().len() > 4096 {
            return Err(DomainError::invalid(
                "params",
                "too_long",
                "at most 4 KB of parameters",
            ));
        }
        let (_, entry) = self.allowed(actor, id, TrailAction::Update).await?;
        self.gate.trail().record(vec![entry]).await?;
        let command_id = crate::services::auth::new_id()?;
        // Listen for the delivery before sending, so it cannot be missed.
        let mut replies = self.bus.subscribe(&[crate::bus::Topic::Device(id)]);
        self.bus.publish(Event::DeviceCommand {
            device_id: id,
            command_id: command_id.clone(),
            command: command.to_owned(),
            params,
        });
        let delivered = tokio::time::timeout(std::time::Duration::from_secs(2), async {
            while let Some(received) = replies.recv().await {
                if let crate::bus::Received::Event(event) = received
                    && let Event::CommandDelivered {
                        command_id: done, ..
                    } = &*event
                    && *done == command_id
                {
                    return true;
                }
            }
            false
        })
        .await
        .unwrap_or(false);
        Ok(CommandReceipt {
            command_id,
            delivered,
        })
    }

    /// The device a credential belongs to, unless wrong or revoked.
    pub async fn authenticate(&self, token: &str) -> DomainResult<DeviceIdentity> {
        let rest = token
            .trim()
            .strip_prefix(TOKEN_PREFIX)
            .ok_or_else(bad_token)?;
        let (id, secret) = rest.split_once('.').ok_or_else(bad_token)?;
        let id: i64 = id.parse().map_err(|_| bad_token())?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let key = store::key(&mut conn, id).await?.ok_or_else(bad_token)?;
        if key.revoked || !same(&key.secret_hash, &hash(secret)) {
            return Err(bad_token());
        }
        Ok(DeviceIdentity {
            device_id: key.device_id,
            patient_id: key.patient_id,
            mac: key.mac.parse().map_err(DomainError::internal)?,
        })
    }

    /// Whether device `id` may still send (not revoked, not deleted).
    pub async fn still_valid(&self, id: i64) -> DomainResult<bool> {
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        Ok(store::key(&mut conn, id).await?.is_some_and(|k| !k.revoked))
    }
}
