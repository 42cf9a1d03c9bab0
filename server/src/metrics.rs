//! `/metrics` in the Prometheus text format: HTTP requests and latencies by
//! route template, open sockets (devices and users), readings stored, the
//! ingest-to-dashboard latency, alerts raised by level, the event bus, the
//! database pool, the background jobs and the outbox.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LevelLabels {
    level: String,
}

/// Every metric of this instance.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_seconds: Family<RouteLabels, Histogram>,
    sockets: Family<KindLabels, Gauge>,
    devices_connected: Gauge,
    dashboard_seconds: Histogram,
    readings: Counter,
    alerts: Family<LevelLabels, Counter>,
    bus: Family<KindLabels, Counter>,
    pool: Family<KindLabels, Gauge>,
    jobs: Family<JobLabels, Gauge>,
    outbox: Family<KindLabels, Gauge>,
    evaluation_lag: Family<KindLabels, Gauge<f64, std::sync::atomic::AtomicU64>>,
    memory: Gauge,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    state: String,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("medplat");
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        let sockets = Family::<KindLabels, Gauge>::default();
        let devices_connected = Gauge::default();
        let dashboard_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 14));
        let readings = Counter::default();
        let alerts = Family::<LevelLabels, Counter>::default();
        let bus = Family::<KindLabels, Counter>::default();
        let pool = Family::<KindLabels, Gauge>::default();
        let jobs = Family::<JobLabels, Gauge>::default();
        let outbox = Family::<KindLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections of this instance (open, idle, max)",
            pool.clone(),
        );
        registry.register(
            "jobs_waiting",
            "Unfinished background jobs by kind and state (due, leased, later)",
            jobs.clone(),
        );
        registry.register(
            "outbox_queued",
            "Outbound messages waiting to be sent, by channel",
            outbox.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests by method, route template and status",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route template",
            http_seconds.clone(),
        );
        registry.register(
            "websockets_open",
            "Open WebSockets by kind (device, user)",
            sockets.clone(),
        );
        registry.register(
            "devices_connected",
            "Devices with an open socket on this instance",
            devices_connected.clone(),
        );
        registry.register(
            "ingest_to_dashboard_seconds",
            "From a reading's commit to its delivery on a dashboard socket",
            dashboard_seconds.clone(),
        );
        registry.register(
            "readings_stored",
            "Vital-sign values stored by this instance (rate() gives readings per second)",
            readings.clone(),
        );
        registry.register(
            "alerts_raised",
            "Alerts raised by this instance, by level",
            alerts.clone(),
        );
        let evaluation_lag =
            Family::<KindLabels, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
        registry.register(
            "alert_evaluation_lag_seconds",
            "From readings committed to their alert rules judged: the last pass (kind=last) and the longest since the previous scrape (kind=max)",
            evaluation_lag.clone(),
        );
        let memory = Gauge::default();
        registry.register(
            "process_resident_memory_bytes",
            "Resident memory of this process (Linux)",
            memory.clone(),
        );
        registry.register(
            "bus_events",
            "Event bus: published, delivered, missed by slow subscribers, dropped",
            bus.clone(),
        );
        Self {
            registry,
            http_requests,
            http_seconds,
            sockets,
            devices_connected,
            dashboard_seconds,
            readings,
            alerts,
            bus,
            pool,
            jobs,
            outbox,
            evaluation_lag,
            memory,
        }
    }
}

/// Counts an open socket while alive.
pub struct SocketGuard {
    metrics: Arc<Metrics>,
    kind: &'static str,
}

impl Drop for SocketGuard {
    fn drop(&mut self) {
        self.metrics
            .sockets
            .get_or_create(&KindLabels {
                kind: self.kind.into(),
            })
            .dec();
        if self.kind == "device" {
            self.metrics.devices_connected.dec();
        }
    }
}

/// Brings a monotonic total kept elsewhere into a counter.
fn catch_up(counter: &Counter, total: u64) {
    let seen = counter.get();
    if total > seen {
        counter.inc_by(total - seen);
    }
}

impl Metrics {
    /// A socket opened (`device` or `user`); closed when the guard drops.
    pub fn socket_opened(self: &Arc<Self>, kind: &'static str) -> SocketGuard {
        self.sockets
            .get_or_create(&KindLabels { kind: kind.into() })
            .inc();
        if kind == "device" {
            self.devices_connected.inc();
        }
        SocketGuard {
            metrics: self.clone(),
            kind,
        }
    }

    /// A reading committed at `stored_at` reached a dashboard now.
    pub fn delivered(&self, stored_at: jiff::Timestamp) {
        let seconds = jiff::Timestamp::now()
            .duration_since(stored_at)
            .as_secs_f64()
            .max(0.0);
        self.dashboard_seconds.observe(seconds);
    }

    async fn render(&self, state: &AppState) -> String {
        let db = state.services.db().pool();
        for (kind, value) in [
            ("open", i64::from(db.size())),
            ("idle", i64::try_from(db.num_idle()).unwrap_or(i64::MAX)),
            ("max", i64::from(db.options().get_max_connections())),
        ] {
            self.pool
                .get_or_create(&KindLabels { kind: kind.into() })
                .set(value);
        }
        match state.services.queues().await {
            Ok(queues) => {
                self.jobs.clear();
                let all = queues.jobs.iter().fold((0, 0, 0), |sum, (_, d, l, n)| {
                    (sum.0 + d, sum.1 + l, sum.2 + n)
                });
                let totals = ("all".to_owned(), all.0, all.1, all.2);
                for (kind, due, leased, later) in queues.jobs.into_iter().chain([totals]) {
                    for (state, value) in [("due", due), ("leased", leased), ("later", later)] {
                        self.jobs
                            .get_or_create(&JobLabels {
                                kind: kind.clone(),
                                state: state.into(),
                            })
                            .set(value);
                    }
                }
                for channel in ["sms", "whatsapp", "email"] {
                    let queued = queues
                        .outbox
                        .iter()
                        .find(|(c, _)| c == channel)
                        .map_or(0, |(_, n)| *n);
                    self.outbox
                        .get_or_create(&KindLabels {
                            kind: channel.into(),
                        })
                        .set(queued);
                }
            }
            Err(err) => tracing::warn!(error = %err, "metrics: queues unreadable"),
        }
        catch_up(&self.readings, state.services.vitals.stored_total());
        let (last, longest) = state.services.vitals.evaluation_lag().take();
        for (kind, value) in [("last", last), ("max", longest)] {
            self.evaluation_lag
                .get_or_create(&KindLabels { kind: kind.into() })
                .set(value);
        }
        if let Some(bytes) = resident_bytes() {
            self.memory.set(bytes);
        }
        for (level, total) in state.services.alerts.raised_totals() {
            catch_up(
                &self.alerts.get_or_create(&LevelLabels {
                    level: level.as_str().into(),
                }),
                total,
            );
        }
        let stats = state.services.bus.stats();
        for (kind, total) in [
            ("published", stats.published),
            ("delivered", stats.delivered),
            ("missed", stats.missed),
            ("dropped", stats.dropped),
        ] {
            catch_up(
                &self.bus.get_or_create(&KindLabels { kind: kind.into() }),
                total,
            );
        }
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// This process's resident memory, from `/proc/self/statm` (Linux).
fn resident_bytes() -> Option<i64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: i64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

async fn scrape(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(&state).await;
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// Middleware: counts each request and its latency by route template.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |m| m.as_str().to_owned());
    if route.starts_with("/pkg/") || route == "/metrics" {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let labels = HttpLabels {
        method,
        route: route.clone(),
        status: response.status().as_u16(),
    };
    state.metrics.http_requests.get_or_create(&labels).inc();
    state
        .metrics
        .http_seconds
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    response
}
