//! The access trail: appending entries in one hash chain, and verifying it.
//!
//! A change appends its entries inside its own transaction, just before it
//! commits ([`append_in`]): the change and its entry commit together. A read
//! hands its entries to the trail writer ([`TrailService::record`]), which
//! appends whatever has queued in one transaction and answers once it is
//! committed: reads wait for their entry to be durable, and a busy platform
//! pays one commit per group rather than one per read.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

mod verify;
pub use verify::{Problem, Verification};

use crate::accounts::{Role, UserId};
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::services::group::GroupWriter;
use crate::store::trail::{self as store, Filter, StoredEntry};
use crate::store::{Db, WriteTx, db_error};
use crate::trail::{DEFAULT_PER_PAGE, Door, MAX_PER_PAGE, Resource, TrailAction, TrailPage};

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Most entries the writer appends in one transaction.
const MAX_GROUP: usize = 512;

/// An entry to append (its position, time and hashes are set on appending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub actor_id: Option<UserId>,
    pub actor_role: Option<Role>,
    pub door: Door,
    pub request_id: Option<String>,
    pub action: TrailAction,
    pub resource: Resource,
    pub resource_id: Option<String>,
    pub patient_id: Option<UserId>,
    pub allowed: bool,
    pub emergency: bool,
    /// Why, when the actor had to say.
    pub reason: Option<String>,
}

impl NewEntry {
    /// An allowed `action` by `actor` on `resource` of `patient_id`.
    pub fn by(
        actor: &Principal,
        action: TrailAction,
        resource: Resource,
        patient_id: UserId,
    ) -> Self {
        Self {
            patient_id: Some(patient_id),
            ..Self::of_no_patient(actor, action, resource)
        }
    }

    /// An allowed `action` by `actor` on a `resource` of no one patient (a
    /// research export).
    pub fn of_no_patient(actor: &Principal, action: TrailAction, resource: Resource) -> Self {
        Self {
            actor_id: Some(actor.user_id),
            actor_role: Some(actor.role),
            door: actor.door,
            request_id: actor.request_id.clone(),
            action,
            resource,
            resource_id: None,
            patient_id: None,
            allowed: true,
            emergency: false,
            reason: None,
        }
    }

    /// The same entry with the reason given for it.
    pub fn because(mut self, reason: Option<String>) -> Self {
        self.reason = reason;
        self
    }

    /// The same entry about one resource (`resource_id`).
    pub fn on(mut self, resource_id: impl ToString) -> Self {
        self.resource_id = Some(resource_id.to_string());
        self
    }

    /// The same entry, flagged as done under emergency access.
    pub fn emergency(mut self, emergency: bool) -> Self {
        self.emergency = emergency;
        self
    }

    /// The same entry, refused.
    pub fn refused(mut self) -> Self {
        self.allowed = false;
        self
    }
}

/// The hash of an entry: SHA-256 over its fields and the previous hash, in a
/// fixed order and encoding (a JSON array), as lowercase hex.
pub fn entry_hash(e: &StoredEntry) -> String {
    let mut canonical = serde_json::json!([
        e.prev_hash,
        e.seq,
        e.at,
        e.actor_id,
        e.actor_role,
        e.action,
        e.resource,
        e.resource_id,
        e.patient_id,
        e.door,
        e.request_id,
        e.allowed,
        e.emergency,
    ]);
    // Entries from before reasons were recorded hash as they did.
    if let (Some(reason), Some(fields)) = (&e.reason, canonical.as_array_mut()) {
        fields.push(serde_json::Value::String(reason.clone()));
    }
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends `entries` inside `tx`, chained after the head; call it last, just
/// before committing, so the head stays locked briefly.
pub async fn append_in(
    tx: &mut WriteTx,
    dialect: crate::store::Dialect,
    entries: &[NewEntry],
) -> DomainResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let (mut seq, mut prev) = store::head(tx, dialect).await?;
    let at = Timestamp::now().as_millisecond();
    let mut stored = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let mut row = StoredEntry {
            seq,
            at,
            actor_id: e.actor_id,
            actor_role: e.actor_role.map(|r| r.as_str().to_owned()),
            action: e.action.as_str().to_owned(),
            resource: e.resource.as_str().to_owned(),
            resource_id: e.resource_id.clone(),
            patient_id: e.patient_id,
            door: e.door.as_str().to_owned(),
            request_id: e.request_id.clone(),
            allowed: e.allowed,
            emergency: e.emergency,
            reason: e.reason.clone(),
            prev_hash: prev,
            hash: String::new(),
        };
        row.hash = entry_hash(&row);
        prev = row.hash.clone();
        stored.push(row);
    }
    store::insert(tx, &stored).await?;
    store::set_head(tx, seq, &prev).await
}

/// Trail operations; cheap to clone.
#[derive(Clone)]
pub struct TrailService {
    db: Db,
    writer: GroupWriter<NewEntry>,
    /// False only in the benchmark that measures what the trail costs.
    pub(crate) recording: bool,
}

impl TrailService {
    /// Starts the trail writer (a task on the current runtime).
    pub(crate) fn new(db: Db) -> Self {
        let writer_db = db.clone();
        let writer = GroupWriter::spawn(
            "access trail",
            MAX_GROUP,
            4096,
            move |entries: Vec<NewEntry>| {
                let db = writer_db.clone();
                async move { append_group(&db, &entries).await }
            },
        );
        Self {
            db,
            writer,
            recording: true,
        }
    }

    /// Appends the entries of a read; returns once they are committed.
    pub async fn record(&self, entries: Vec<NewEntry>) -> DomainResult<()> {
        if !self.recording {
            return Ok(());
        }
        self.writer.submit(entries).await
    }

    /// A page of entries about the patient's own data, newest first.
    pub async fn about_me(
        &self,
        actor: &Principal,
        page: i64,
        per_page: i64,
    ) -> DomainResult<TrailPage> {
        actor.require(Role::Patient)?;
        let filter = Filter {
            patient_id: Some(actor.user_id),
            ..Filter::default()
        };
        self.page(&filter, page, per_page).await
    }

    /// Administrators search the whole trail.
    pub async fn search(
        &self,
        actor: &Principal,
        filter: &Filter,
        page: i64,
        per_page: i64,
    ) -> DomainResult<TrailPage> {
        actor.require(Role::Admin)?;
        self.page(filter, page, per_page).await
    }

    /// Every matching entry, newest first, for a download (administrators; at
    /// most `limit`).
    pub async fn export(
        &self,
        actor: &Principal,
        filter: &Filter,
        limit: i64,
    ) -> DomainResult<Vec<crate::trail::TrailEntry>> {
        actor.require(Role::Admin)?;
        let entries = {
            let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
            store::search(&mut conn, filter, limit, 0).await?
        };
        // A download leaves the platform: it is recorded like an export.
        self.record(vec![NewEntry {
            actor_id: Some(actor.user_id),
            actor_role: Some(actor.role),
            door: actor.door,
            request_id: actor.request_id.clone(),
            action: TrailAction::Export,
            resource: Resource::AccessTrail,
            resource_id: Some(entries.len().to_string()),
            patient_id: filter.patient_id,
            allowed: true,
            emergency: false,
            reason: None,
        }])
        .await?;
        Ok(entries)
    }

    async fn page(&self, filter: &Filter, page: i64, per_page: i64) -> DomainResult<TrailPage> {
        let page = crate::bounds::number("page", page, 1, 1_000_000, "")?;
        let per_page = if per_page == 0 {
            DEFAULT_PER_PAGE
        } else {
            per_page
        };
        let per_page = crate::bounds::number("per_page", per_page, 1, MAX_PER_PAGE as i32, "")?;
        let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
        let total = store::count(&mut conn, filter).await?;
        let offset = i64::from(page - 1) * i64::from(per_page);
        let entries = store::search(&mut conn, filter, i64::from(per_page), offset).await?;
        Ok(TrailPage {
            entries,
            total,
            page: i64::from(page),
            per_page: i64::from(per_page),
        })
    }
}

/// Turns a search as sent into a filter, each bad field named.
pub fn filter_of(query: &crate::trail::TrailQuery) -> DomainResult<Filter> {
    use crate::bounds;
    let text = crate::bounds::filled;
    let action = text(&query.action)
        .map(|a| {
            TrailAction::parse(&a).ok_or_else(|| {
                DomainError::invalid(
                    "action",
                    "invalid_choice",
                    "must be one of read, create, update, delete, export, break_glass",
                )
            })
        })
        .transpose()?;
    let door = text(&query.door)
        .map(|d| {
            Door::parse(&d).ok_or_else(|| {
                DomainError::invalid(
                    "door",
                    "invalid_choice",
                    "must be one of web, rest, websocket, cli, messaging, fhir",
                )
            })
        })
        .transpose()?;
    let (from_ms, to_ms) = bounds::utc_days(text(&query.from), text(&query.to))?;
    for (field, id) in [("user_id", query.user_id), ("patient_id", query.patient_id)] {
        if id.is_some_and(|id| id < 1) {
            return Err(DomainError::invalid(
                field,
                "out_of_range",
                "must be 1 or more",
            ));
        }
    }
    Ok(Filter {
        actor_id: query.user_id,
        patient_id: query.patient_id,
        action,
        door,
        from_ms,
        to_ms,
        refused_only: query.refused_only.unwrap_or(false),
    })
}

async fn append_group(db: &Db, entries: &[NewEntry]) -> DomainResult<()> {
    let mut tx = db.begin_write().await?;
    if db.dialect() == crate::store::Dialect::Postgres {
        // Reads' entries commit without waiting for the WAL flush (written
        // within a fraction of a second, never torn): a read no longer waits
        // for a disk sync. SQLite in WAL mode with `synchronous = NORMAL`
        // already commits so. Changes keep full durability.
        sqlx::query("SET LOCAL synchronous_commit TO OFF")
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
    }
    append_in(&mut tx, db.dialect(), entries).await?;
    tx.commit().await.map_err(db_error)
}
