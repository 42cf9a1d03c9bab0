//! Services: every operation of the platform, each checking who may do it.
//! Built once at start and shared by every door.

pub mod accounts;
pub mod appointments;
pub mod auth;
mod availability;
mod booking;
pub mod calendars;
pub mod directory;
pub mod notifications;
mod openings;
pub mod scheduling;
pub mod waitlist;

use std::sync::Arc;

use crate::auth::AuthConfig;
use crate::error::DomainResult;
use crate::store::Db;

pub use accounts::AccountService;
pub use appointments::AppointmentService;
pub use auth::{AuthService, SignedIn, TokenPair};
pub use calendars::CalendarService;
pub use directory::DirectoryService;
pub use notifications::NotificationService;
pub use scheduling::SchedulingService;
pub use waitlist::WaitlistService;

/// All services, cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub accounts: AccountService,
    pub auth: AuthService,
    pub scheduling: SchedulingService,
    pub appointments: AppointmentService,
    pub directory: DirectoryService,
    pub waitlist: WaitlistService,
    pub calendars: CalendarService,
    pub notifications: NotificationService,
    db: Db,
}

impl Services {
    /// Builds the services over a migrated database.
    pub async fn new(db: Db, auth: AuthConfig) -> DomainResult<Self> {
        let scheduling = SchedulingService::new(db.clone());
        Ok(Self {
            accounts: AccountService::new(db.clone()),
            auth: AuthService::new(db.clone(), Arc::new(auth)).await?,
            appointments: AppointmentService::new(db.clone(), scheduling.clone()),
            directory: DirectoryService::new(db.clone(), scheduling.clone()),
            waitlist: WaitlistService::new(db.clone(), scheduling.clone()),
            calendars: CalendarService::new(db.clone(), scheduling.clone()),
            notifications: NotificationService::new(db.clone()),
            scheduling,
            db,
        })
    }

    /// The database (health checks, shutdown).
    pub fn db(&self) -> &Db {
        &self.db
    }
}
