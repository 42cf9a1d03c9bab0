//! The options of `medplat bench`: the sizes of the booking run and, for
//! each other measurement (`--calendar`, `--trail`, `--vitals`, …), the flag
//! that chooses it and its own sizes.

/// Options of `medplat bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Database to fill. PostgreSQL (`postgres://…/NAME`): NAME is dropped and
    /// created again. SQLite (`sqlite://FILE`): FILE must be new or empty.
    /// Default: a new SQLite file in the temporary directory, removed afterwards.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Doctors to load.
    #[arg(long, default_value_t = 1000)]
    pub doctors: usize,
    /// Patients to load.
    #[arg(long, default_value_t = 5000)]
    pub patients: usize,
    /// Appointments to load, spread over the doctors' next twelve weeks.
    #[arg(long, default_value_t = 100_000)]
    pub appointments: usize,
    /// Free-slot searches to time (one random doctor, twelve weeks each).
    #[arg(long, default_value_t = 500)]
    pub searches: usize,
    /// Concurrent patients booking the same few slots.
    #[arg(long, default_value_t = 32)]
    pub contenders: usize,
    /// Booking attempts per contender (all contenders start each round together).
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Size of the connection pool (the server's default is 10).
    #[arg(long, default_value_t = 10)]
    pub max_connections: u32,
    /// Seed of the data set and the search order.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the temporary SQLite file.
    #[arg(long)]
    pub keep: bool,
    /// Instead of the load above: load the demo data and time the availability
    /// calendar export of one demo doctor (twelve weeks).
    #[arg(long)]
    pub calendar: bool,
    /// The demo doctor whose calendar `--calendar` exports.
    #[arg(long, default_value = "dr.dupont")]
    pub calendar_doctor: String,
    /// Exports to time with `--calendar`.
    #[arg(long, default_value_t = 50)]
    pub calendar_runs: usize,
    /// Instead of the load above: load the demo data and compare profile
    /// reads by doctors with and without the access trail.
    #[arg(long)]
    pub trail: bool,
    /// Reads per run with `--trail`.
    #[arg(long, default_value_t = 5000)]
    pub trail_reads: usize,
    /// Instead of the load above: start this binary as a server on the
    /// scratch database and measure vital-sign ingest from outside (HTTP
    /// batches, device sockets, device-to-dashboard latency, idle sockets).
    #[arg(long)]
    pub vitals: bool,
    /// Seconds of each `--vitals` phase.
    #[arg(long, default_value_t = 10)]
    pub vitals_seconds: u64,
    /// Concurrent HTTP clients posting batches with `--vitals`.
    #[arg(long, default_value_t = 8)]
    pub http_clients: usize,
    /// Values per HTTP batch with `--vitals` (at most 1000).
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Device sockets of the `--vitals` WebSocket throughput phase.
    #[arg(long, default_value_t = 1000)]
    pub ws_devices: usize,
    /// Readings per second while `--vitals` times device-to-dashboard latency.
    #[arg(long, default_value_t = 5000)]
    pub latency_rate: usize,
    /// Idle device sockets whose memory `--vitals` measures.
    #[arg(long, default_value_t = 10_000)]
    pub idle_sockets: usize,
    /// Time building the symptom checker's starting model and `POST
    /// /api/symptoms/` over HTTP (demo patients), instead of the booking run.
    #[arg(long)]
    pub symptoms: bool,
    /// Requests of `--symptoms`.
    #[arg(long, default_value_t = 2000)]
    pub symptom_checks: usize,
    /// Concurrent clients of `--symptoms`.
    #[arg(long, default_value_t = 4)]
    pub symptom_clients: usize,
    /// Judge the offline assistant on the test part of its questions (right
    /// answers per language and intent, emergencies, off-topic, latency)
    /// and cross-validate its threshold, instead of the booking run. No
    /// database.
    #[arg(long)]
    pub assistant: bool,
    /// With `--assistant`: only what choosing the classifier's settings may
    /// look at (the cross-validation of the training part and the fresh
    /// sample); the test part is not read.
    #[arg(long)]
    pub assistant_tuning: bool,
    /// Rounds of `--assistant` latency over the test part.
    #[arg(long, default_value_t = 20)]
    pub assistant_rounds: usize,
    /// Time chat delivery through the server with many conversations open
    /// (both members' sockets on each room), instead of the booking run.
    #[arg(long)]
    pub chat: bool,
    /// Open conversations of `--chat`.
    #[arg(long, default_value_t = 1000)]
    pub chat_rooms: usize,
    /// Patients each doctor looks after in `--chat`.
    #[arg(long, default_value_t = 20)]
    pub chat_per_doctor: usize,
    /// Messages per second over all rooms with `--chat`.
    #[arg(long, default_value_t = 500)]
    pub chat_rate: usize,
    /// Seconds of sending with `--chat`.
    #[arg(long, default_value_t = 10)]
    pub chat_seconds: u64,
    /// Time the Twilio webhooks (signed), the outbox's throughput and the
    /// delay from a doctor's acceptance to the patient's SMS, against a
    /// local Twilio, instead of the booking run.
    #[arg(long)]
    pub messaging: bool,
    /// The hot paths over HTTP against the platform served by this process
    /// with the demo data: the availability calendar of `--calendar-doctor`,
    /// computed and kept, whole and 304, sequential and from
    /// `--hot-connections` at once.
    #[arg(long)]
    pub hot: bool,
    /// Sequential requests of each kind with `--hot`.
    #[arg(long, default_value_t = 200)]
    pub hot_requests: usize,
    /// Concurrent connections of `--hot`'s throughput runs.
    #[arg(long, default_value_t = 16)]
    pub hot_connections: usize,
    /// Seconds of each of `--hot`'s throughput runs.
    #[arg(long, default_value_t = 10)]
    pub hot_seconds: u64,
    /// Seconds of signed webhook requests with `--messaging`.
    #[arg(long, default_value_t = 10)]
    pub webhook_seconds: u64,
    /// Concurrent webhook clients with `--messaging`.
    #[arg(long, default_value_t = 8)]
    pub webhook_clients: usize,
    /// Messages of the outbox run with `--messaging`.
    #[arg(long, default_value_t = 2000)]
    pub outbox_messages: usize,
    /// Acceptances timed with `--messaging`.
    #[arg(long, default_value_t = 100)]
    pub confirmations: usize,
    /// Time research exports in every format through the server (the first
    /// day's 10,000 rows, then `--export-rows`), with its peak memory,
    /// instead of the booking run.
    #[arg(long)]
    pub exports: bool,
    /// Vital-sign minutes to load and export with `--exports`.
    #[arg(long, default_value_t = 1_000_000)]
    pub export_rows: usize,
    /// Patients the minutes belong to with `--exports`.
    #[arg(long, default_value_t = 2000)]
    pub export_patients: usize,
    /// Load a year of a clinic (its own sizes below) and time the
    /// statistics page's queries, instead of the booking run.
    #[arg(long)]
    pub stats: bool,
    /// Doctors of `--stats`.
    #[arg(long, default_value_t = 50)]
    pub stats_doctors: usize,
    /// Patients of `--stats`.
    #[arg(long, default_value_t = 3000)]
    pub stats_patients: usize,
    /// Appointments of `--stats`, from a year ago to four weeks ahead.
    #[arg(long, default_value_t = 150_000)]
    pub stats_appointments: usize,
    /// Timed requests of each kind with `--stats`.
    #[arg(long, default_value_t = 30)]
    pub stats_runs: usize,
}
