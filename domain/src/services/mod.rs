//! Services: every operation of the platform, each checking who may do it.
//! Built once at start and shared by every door.

pub mod accounts;
pub mod activity;
pub mod alerts;
pub mod appointments;
pub mod assistant;
pub mod auth;
mod availability;
mod booking;
pub mod calendars;
pub mod care;
pub mod chat;
pub mod consultations;
pub mod devices;
pub mod directory;
pub mod exports;
pub mod fhir;
pub mod group;
pub mod jobs;
pub mod messaging;
pub mod notifications;
mod openings;
pub mod profiles;
mod reasons;
pub mod scheduling;
pub mod settings;
pub mod sockets;
pub mod stats;
pub mod symptoms;
pub mod trail;
pub mod treatments;
mod unrolled;
pub mod vitals;
pub mod waitlist;
pub mod wards;

use std::sync::Arc;

use crate::auth::AuthConfig;
use crate::error::DomainResult;
use crate::events::Publisher;
use crate::policy::Gate;
use crate::store::Db;

pub use accounts::AccountService;
pub use activity::ActivityService;
pub use alerts::AlertService;
pub use appointments::AppointmentService;
pub use assistant::AssistantService;
pub use auth::{AuthService, SignedIn, TokenPair};
pub use calendars::CalendarService;
pub use care::CareService;
pub use chat::ChatService;
pub use consultations::ConsultationService;
pub use devices::DeviceService;
pub use directory::DirectoryService;
pub use exports::ExportService;
pub use fhir::FhirService;
pub use messaging::MessagingService;
pub use notifications::NotificationService;
pub use profiles::ProfileService;
pub use scheduling::SchedulingService;
pub use settings::SettingsService;
pub use sockets::SocketService;
pub use stats::StatsService;
pub use symptoms::SymptomService;
pub use trail::TrailService;
pub use treatments::TreatmentService;
pub use vitals::VitalsService;
pub use waitlist::WaitlistService;
pub use wards::WardService;

/// All services, cheap to clone: one shared [`ServiceSet`]. Every request
/// clones the application's state at several layers; cloning each service's
/// handles there was most of a small request's work.
#[derive(Clone)]
pub struct Services(Arc<ServiceSet>);

impl std::ops::Deref for Services {
    type Target = ServiceSet;

    fn deref(&self) -> &ServiceSet {
        &self.0
    }
}

/// The services themselves.
#[derive(Clone)]
pub struct ServiceSet {
    pub accounts: AccountService,
    pub activity: ActivityService,
    pub auth: AuthService,
    pub scheduling: SchedulingService,
    pub appointments: AppointmentService,
    pub directory: DirectoryService,
    pub waitlist: WaitlistService,
    pub calendars: CalendarService,
    pub notifications: NotificationService,
    pub profiles: ProfileService,
    pub care: CareService,
    pub trail: TrailService,
    pub devices: DeviceService,
    pub vitals: VitalsService,
    pub alerts: AlertService,
    pub sockets: SocketService,
    pub wards: WardService,
    pub treatments: TreatmentService,
    pub symptoms: SymptomService,
    pub consultations: ConsultationService,
    pub assistant: AssistantService,
    pub chat: ChatService,
    pub messaging: MessagingService,
    pub exports: ExportService,
    pub fhir: FhirService,
    pub stats: StatsService,
    /// The platform's settings in force (shared by every service).
    pub settings: SettingsService,
    /// The event bus services publish on after committing.
    pub bus: Publisher,
    db: Db,
}

impl Services {
    /// Builds the services over a migrated database, and starts the access
    /// trail's writer on the current runtime.
    pub async fn new(db: Db, auth: AuthConfig) -> DomainResult<Self> {
        Self::build(db, auth, Publisher::in_process(), true).await
    }

    /// The services publishing on `bus` (Redis pub/sub when several
    /// instances serve one platform).
    pub async fn with_bus(db: Db, auth: AuthConfig, bus: Publisher) -> DomainResult<Self> {
        Self::build(db, auth, bus, true).await
    }

    /// The services with reads left out of the access trail (changes are
    /// still recorded): only for `medplat bench --trail`, which measures what
    /// recording reads costs. Never serve with these.
    #[doc(hidden)]
    pub async fn without_read_trail_for_benchmark(db: Db, auth: AuthConfig) -> DomainResult<Self> {
        Self::build(db, auth, Publisher::in_process(), false).await
    }

    async fn build(
        db: Db,
        auth: AuthConfig,
        bus: Publisher,
        record_reads: bool,
    ) -> DomainResult<Self> {
        let settings = SettingsService::new(
            db.clone(),
            bus.clone(),
            crate::settings::PlatformSettings::builtin(),
        );
        let scheduling = SchedulingService::new(db.clone(), settings.clone());
        let mut trail = TrailService::new(db.clone());
        trail.recording = record_reads;
        let gate = Gate::new(db.clone(), trail.clone());
        let alerts = AlertService::new(db.clone(), gate.clone(), bus.clone());
        let appointments = AppointmentService::new(db.clone(), scheduling.clone(), gate.clone());
        let directory = DirectoryService::new(db.clone(), scheduling.clone());
        let assistant = AssistantService::new(
            db.clone(),
            directory.clone(),
            scheduling.clone(),
            appointments.clone(),
            settings.clone(),
        )?;
        settings.set_defaults(settings::builtin_with(&assistant.clinic()), false);
        let consultations = ConsultationService::new(db.clone(), gate.clone(), settings.clone());
        let profiles = ProfileService::new(db.clone(), gate.clone());
        let care = CareService::new(db.clone(), gate.clone(), bus.clone());
        let vitals = VitalsService::new(db.clone(), gate.clone(), bus.clone(), alerts.clone());
        let treatments = TreatmentService::new(db.clone(), gate.clone());
        let fhir = FhirService::new(
            db.clone(),
            profiles.clone(),
            directory.clone(),
            scheduling.clone(),
            appointments.clone(),
            vitals.clone(),
            treatments.clone(),
            consultations.clone(),
            care.clone(),
        );
        Ok(Self(Arc::new(ServiceSet {
            fhir,
            stats: StatsService::new(db.clone(), scheduling.clone(), settings.clone()),
            messaging: MessagingService::new(
                db.clone(),
                assistant.clone(),
                consultations.clone(),
                settings.clone(),
            )?,
            settings,
            exports: ExportService::new(db.clone(), trail.clone()),
            accounts: AccountService::new(db.clone(), bus.clone()),
            activity: ActivityService::new(db.clone()),
            auth: AuthService::new(db.clone(), Arc::new(auth), bus.clone()).await?,
            assistant,
            appointments,
            profiles,
            care,
            devices: DeviceService::new(db.clone(), gate.clone(), bus.clone()),
            vitals,
            alerts,
            sockets: SocketService::new(db.clone())?,
            wards: WardService::new(db.clone(), gate.clone()),
            treatments,
            symptoms: SymptomService::new(db.clone(), gate.clone())?,
            consultations,
            chat: ChatService::new(db.clone(), gate.clone(), bus.clone()),
            bus,
            trail,
            directory,
            waitlist: WaitlistService::new(db.clone(), scheduling.clone()),
            calendars: CalendarService::new(db.clone(), scheduling.clone()),
            notifications: NotificationService::new(db.clone()),
            scheduling,
            db,
        })))
    }

    /// Changes the services before they are shared (at start-up: the
    /// assistant with a language model, messaging with its providers).
    pub fn configure(
        &mut self,
        change: impl FnOnce(&mut ServiceSet) -> DomainResult<()>,
    ) -> DomainResult<()> {
        change(Arc::make_mut(&mut self.0))
    }
}

impl ServiceSet {
    /// The database (health checks, shutdown).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The background work waiting now, for `/metrics`.
    pub async fn queues(&self) -> DomainResult<Queues> {
        let mut conn = self
            .db
            .pool()
            .acquire()
            .await
            .map_err(crate::store::db_error)?;
        let now = jiff::Timestamp::now().as_millisecond();
        Ok(Queues {
            jobs: crate::store::jobs::depths(&mut conn, now).await?,
            outbox: crate::store::messaging::queued(&mut conn).await?,
        })
    }
}

/// Background work waiting: jobs per kind (due, leased to a worker,
/// scheduled later) and outbound messages queued per channel.
#[derive(Debug, Clone, Default)]
pub struct Queues {
    pub jobs: Vec<(String, i64, i64, i64)>,
    pub outbox: Vec<(String, i64)>,
}
