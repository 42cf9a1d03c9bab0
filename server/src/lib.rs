//! The server: builds the services once from the settings and opens the doors
//! onto them — server-rendered portals with their server functions, the REST
//! API — plus the housekeeping jobs.

pub mod authn;
pub mod bench;
pub mod config;
pub mod extract;
pub mod headers;
pub mod http_error;
pub mod listener;
pub mod metrics;
pub mod model;
pub mod rest;
pub mod simulate;
pub mod site;
pub mod stand_in;
pub mod state;
pub mod telemetry;
mod web;
pub mod ws;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::session::CookiePolicy;
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use domain::events::Publisher;
use domain::services::Services;
use domain::settings::PlatformSettings;
use domain::store::Db;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::state::AppState;

/// Connects to the database, applies migrations and builds the services.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "creating the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let db = Db::connect(&settings.database_url, settings.database_max_connections)
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("applying migrations")?;
    let bus = match &settings.redis_url {
        Some(url) => Publisher::redis_with_prefix(url, &settings.redis_channel_prefix)
            .await
            .context("connecting to Redis (REDIS_URL)")?,
        None => Publisher::in_process(),
    };
    let mut services = Services::with_bus(db, settings.auth_config()?, bus).await?;
    if !settings.messaging.check_signatures {
        tracing::warn!(
            "TWILIO_SIGNATURE_CHECK=off: the Twilio webhooks accept unsigned requests from anyone"
        );
    }
    services.configure(|s| {
        if let Some(llm) = settings.assistant_llm.clone() {
            s.assistant = s.assistant.clone().with_llm(llm)?;
        }
        s.messaging = s
            .messaging
            .clone()
            .configured(settings.messaging.clone())?
            .with_assistant(s.assistant.clone());
        s.exports = s.exports.clone().with_config(settings.exports.clone());
        Ok(())
    })?;
    services.settings.set_defaults(
        platform_defaults(&services, &settings),
        settings.assistant_llm.is_some(),
    );
    services.settings.reload().await?;
    spawn_settings_listener(services.clone());
    domain::demo::ensure_specialties(&services).await?;
    let leptos_options = site::leptos_options(&settings)?;
    Ok(AppState::new(state::Shared {
        services,
        cookies: CookiePolicy {
            secure: settings.cookie_secure,
        },
        settings: Arc::new(settings),
        leptos_options,
        metrics: Arc::new(metrics::Metrics::default()),
    }))
}

/// The platform settings that apply while an administrator has saved none:
/// the environment's values, over the built-in ones.
fn platform_defaults(services: &Services, settings: &Settings) -> PlatformSettings {
    let mut d = (*services.settings.current()).clone();
    if let Some(zone) = settings.exports.zone.iana_name() {
        d.time_zone = zone.to_owned();
    }
    d.reminders = settings
        .worker
        .reminders
        .iter()
        .map(|r| r.as_mins())
        .collect();
    d.alert_escalation_minutes = settings.alert_escalation_minutes;
    d.device_silence_minutes = settings.device_silence_minutes;
    d.vitals_raw_days = settings.vitals_raw_days;
    d.vitals_summary_days = settings.vitals_summary_days;
    d.assistant_backend = if settings.assistant_llm.is_some() {
        "llm"
    } else {
        "offline"
    }
    .into();
    d
}

/// Reads the settings again whenever any instance saves them (the event
/// bus: Redis when several instances serve).
fn spawn_settings_listener(services: Services) {
    let mut changes = services.bus.subscribe(&[domain::bus::Topic::Platform]);
    tokio::spawn(async move {
        while let Some(received) = changes.recv().await {
            // A missed event is a change too: read them again either way.
            if let Err(err) = services.settings.reload().await {
                tracing::warn!(error = %err, "reading the platform settings again failed");
            }
            drop(received);
        }
    });
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(rest::router())
        .merge(ws::router())
        .merge(metrics::router())
        .merge(web::router(&state));
    with_layers(routes, state)
}

/// `routes` behind the layers every request goes through: tracing,
/// compression, security headers, the API's JSON errors, the panic catcher and
/// authentication.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(from_fn_with_state(state.clone(), authn::authenticate))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            http_error::panic_response,
        ))
        .layer(from_fn(rest::rejections::json_errors))
        .layer(from_fn(rest::rejections::limit_headers))
        .layer(from_fn_with_state(state.clone(), headers::security_headers))
        .layer(headers::compression())
        .layer(telemetry::http_trace_layer())
        .layer(tower_http::request_id::PropagateRequestIdLayer::new(
            axum::http::HeaderName::from_static(telemetry::REQUEST_ID),
        ))
        .layer(tower_http::request_id::SetRequestIdLayer::new(
            axum::http::HeaderName::from_static(telemetry::REQUEST_ID),
            telemetry::RandomRequestId,
        ))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener::Listener(listener),
        router.into_make_service_with_connect_info::<listener::PeerAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Starts the housekeeping job: every 30 seconds, pass expired waitlist offers
/// on, remind patients of the doses due; every ten minutes, drop expired refresh tokens and idle sign-in
/// throttle entries, and prune vital-sign readings past their retention
/// (raw readings after `VITALS_RAW_DAYS`, summaries after `VITALS_SUMMARY_DAYS`).
pub fn spawn_housekeeping(services: Services, _settings: &Settings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Waitlist offers expire to the minute; token purging can wait longer.
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        let mut ticks: u64 = 0;
        loop {
            tick.tick().await;
            match services
                .waitlist
                .expire_offers(jiff::Timestamp::now())
                .await
            {
                Ok(0) => {}
                Ok(expired) => tracing::info!(expired, "waitlist offers passed on"),
                Err(err) => tracing::warn!(error = %err, "waitlist housekeeping failed"),
            }
            let now = jiff::Timestamp::now();
            // The platform settings in force at this tick.
            let platform = services.settings.current();
            let escalation = jiff::SignedDuration::from_mins(platform.alert_escalation_minutes);
            let silence = jiff::SignedDuration::from_mins(platform.device_silence_minutes);
            let (raw_days, summary_days) = (platform.vitals_raw_days, platform.vitals_summary_days);
            match services.alerts.escalate_due(now, escalation).await {
                Ok(0) => {}
                Ok(count) => tracing::warn!(count, "critical alerts escalated to the care team"),
                Err(err) => tracing::warn!(error = %err, "alert escalation failed"),
            }
            if ticks % 20 == 0
                && let Err(err) = services.sockets.purge(now).await
            {
                tracing::warn!(error = %err, "purging stale socket records failed");
            }
            if let Err(err) = services.alerts.watch_silence(now, silence).await {
                tracing::warn!(error = %err, "watching for silent devices failed");
            }
            if let Err(err) = services.alerts.watch_batteries(now).await {
                tracing::warn!(error = %err, "watching device batteries failed");
            }
            match services.treatments.remind_due(now).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "dose reminders sent"),
                Err(err) => tracing::warn!(error = %err, "dose reminders failed"),
            }
            if ticks % 20 == 0 {
                match services.auth.purge().await {
                    Ok(purged) => tracing::debug!(purged, "expired refresh tokens purged"),
                    Err(err) => tracing::warn!(error = %err, "housekeeping failed"),
                }
                match services
                    .vitals
                    .prune(raw_days, summary_days, jiff::Timestamp::now())
                    .await
                {
                    Ok(0) => {}
                    Ok(pruned) => tracing::info!(pruned, "old vital-sign readings pruned"),
                    Err(err) => tracing::warn!(error = %err, "pruning readings failed"),
                }
            }
            ticks += 1;
        }
    })
}

/// Starts this instance's durable job worker (outbox deliveries, webhook
/// retries, reminders).
pub fn spawn_worker(services: Services, settings: &Settings) -> tokio::task::JoinHandle<()> {
    let worker = domain::services::jobs::WorkerSettings {
        follow_platform: true,
        ..settings.worker.clone()
    };
    domain::services::jobs::Worker::new(services, worker).spawn()
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
