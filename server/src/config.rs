//! Settings, read once from the environment. Every setting has a default that
//! runs on a laptop; README.md lists them all.

mod messaging;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::{Context, bail};

use domain::auth::AuthConfig;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Every setting of the server.
#[derive(Clone)]
pub struct Settings {
    /// Address to listen on (`HOST`, `PORT`).
    pub addr: SocketAddr,
    /// Where the SQLite database and generated secrets live (`DATA_DIR`).
    pub data_dir: PathBuf,
    /// `DATABASE_URL`; SQLite in `DATA_DIR` when unset.
    pub database_url: String,
    /// `DATABASE_MAX_CONNECTIONS`.
    pub database_max_connections: u32,
    /// `JWT_SECRET`; generated and kept in `DATA_DIR/jwt_secret` when unset.
    pub jwt_secret: Option<String>,
    /// `ACCESS_TOKEN_TTL_SECONDS`, `REFRESH_TOKEN_TTL_SECONDS`, `REFRESH_REUSE_GRACE_SECONDS`.
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    pub reuse_grace_secs: i64,
    /// `LOGIN_ATTEMPTS_PER_ACCOUNT`, `LOGIN_ATTEMPTS_PER_ADDRESS` (per minute).
    pub login_attempts_per_account: u32,
    pub login_attempts_per_address: u32,
    /// `COOKIE_SECURE`: mark cookies Secure (set behind HTTPS).
    pub cookie_secure: bool,
    /// `TRUST_FORWARDED_FOR`: take the client address from `X-Forwarded-For`
    /// (only behind a reverse proxy that sets it).
    pub trust_forwarded_for: bool,
    /// `DEMO_DATA`: load demo accounts on first start.
    pub demo_data: bool,
    /// `SITE_ROOT`: the built site (WASM, CSS, assets).
    pub site_root: PathBuf,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `REDIS_URL`: fan events out through Redis pub/sub (several instances
    /// serving one platform); in-process when unset.
    pub redis_url: Option<String>,
    /// `REDIS_CHANNEL_PREFIX`: the platform's channels on Redis (default
    /// `medplat`; platforms sharing one Redis need different prefixes).
    pub redis_channel_prefix: String,
    /// `ALERT_ESCALATION_MINUTES`: a critical alert unacknowledged this long
    /// calls the patient's care team in (default 5).
    pub alert_escalation_minutes: i64,
    /// `DEVICE_SILENCE_MINUTES`: an active device silent this long raises
    /// "no signal" (default 5).
    pub device_silence_minutes: i64,
    /// `VITALS_RAW_DAYS`: how long raw readings are kept (default 30).
    pub vitals_raw_days: i64,
    /// `VITALS_SUMMARY_DAYS`: how long per-minute summaries are kept (default 730).
    pub vitals_summary_days: i64,
    /// `ASSISTANT_LLM_URL`, `ASSISTANT_LLM_KEY`, `ASSISTANT_LLM_MODEL`,
    /// `ASSISTANT_LLM_TIMEOUT_MS`: an OpenAI-compatible chat API the
    /// assistant asks first (URL and key both set); offline otherwise.
    pub assistant_llm: Option<domain::services::assistant::llm::LlmConfig>,
    /// `WS_PEOPLE_RATE`, `WS_PEOPLE_BURST`: messages per second a person's
    /// socket may send, and how many at once (defaults 10 and 30).
    pub socket_people: crate::ws::guard::Rate,
    /// `WS_DEVICE_RATE`, `WS_DEVICE_BURST`: the same for a device's socket
    /// (defaults 20 and 60).
    pub socket_devices: crate::ws::guard::Rate,
    /// `WS_ALLOWED_ORIGINS`: other origins (comma-separated, such as
    /// `https://app.clinique.fr`) whose pages may open sockets with the
    /// session cookie; the site's own origin always may.
    pub socket_origins: Vec<String>,
    /// Twilio, SMTP, the webhooks' signature check (see `config/messaging.rs`
    /// and README: `TWILIO_*`, `PUBLIC_BASE_URL`, `SMTP_URL`, `MAIL_FROM`,
    /// `REMINDERS`).
    pub messaging: domain::services::messaging::MessagingConfig,
    /// The job worker's pace (`JOBS_LEASE`, `JOBS_RETRY_AFTER`, `JOBS_POLL`).
    pub worker: domain::services::jobs::WorkerSettings,
    /// Research exports: `EXPORTS_MAX_RANGE_DAYS` (730),
    /// `EXPORTS_MAX_RECORDS` (100,000), `EXPORTS_CLEANUP_DAYS` (30); files
    /// in `DATA_DIR/exports`, days read in `CLINIC_TIME_ZONE`
    /// (Europe/Paris).
    pub exports: domain::services::exports::ExportsConfig,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("database_max_connections", &self.database_max_connections)
            .field(
                "jwt_secret",
                &self.jwt_secret.as_ref().map(|_| "<redacted>"),
            )
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
            .field("cookie_secure", &self.cookie_secure)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("demo_data", &self.demo_data)
            .field("site_root", &self.site_root)
            .field("log_format", &self.log_format)
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("redis_channel_prefix", &self.redis_channel_prefix)
            .field("alert_escalation_minutes", &self.alert_escalation_minutes)
            .field("device_silence_minutes", &self.device_silence_minutes)
            .field("vitals_raw_days", &self.vitals_raw_days)
            .field("vitals_summary_days", &self.vitals_summary_days)
            .field("assistant_llm", &self.assistant_llm)
            .field("socket_people", &self.socket_people)
            .field("socket_devices", &self.socket_devices)
            .field("socket_origins", &self.socket_origins)
            .field("messaging", &self.messaging)
            .field("worker", &self.worker)
            .field("exports", &self.exports)
            .finish()
    }
}

/// Hides the password of a database URL.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:<redacted>{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the settings from any key → value lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |key: &str| get(key).filter(|v| !v.trim().is_empty());
        fn parse<T: std::str::FromStr>(
            key: &str,
            value: Option<String>,
            default: T,
        ) -> anyhow::Result<T>
        where
            T::Err: std::fmt::Display,
        {
            match value {
                None => Ok(default),
                Some(raw) => raw
                    .trim()
                    .parse()
                    .map_err(|e| anyhow::anyhow!("{key}={raw:?}: {e}")),
            }
        }
        let flag = |key: &str, default: bool| -> anyhow::Result<bool> {
            match var(key).map(|v| v.trim().to_ascii_lowercase()) {
                None => Ok(default),
                Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => Ok(true),
                Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => Ok(false),
                Some(v) => bail!("{key}={v:?}: expected true or false"),
            }
        };
        let host: IpAddr = parse("HOST", var("HOST"), IpAddr::from([127, 0, 0, 1]))?;
        let port: u16 = parse("PORT", var("PORT"), 3000)?;
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("medplat.db").display()));
        let log_format = match var("LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("LOG_FORMAT={other:?}: expected text or json"),
        };
        let (messaging, worker) = messaging::read(&var)?;
        let zone_name = var("CLINIC_TIME_ZONE")
            .unwrap_or_else(|| domain::medical::DEFAULT_TIME_ZONE.to_owned());
        let exports = domain::services::exports::ExportsConfig {
            limits: domain::exports::ExportLimits {
                max_range_days: parse(
                    "EXPORTS_MAX_RANGE_DAYS",
                    var("EXPORTS_MAX_RANGE_DAYS"),
                    730,
                )?,
                max_records: parse("EXPORTS_MAX_RECORDS", var("EXPORTS_MAX_RECORDS"), 100_000)?,
                cleanup_days: parse("EXPORTS_CLEANUP_DAYS", var("EXPORTS_CLEANUP_DAYS"), 30)?,
            },
            dir: data_dir.join("exports"),
            zone: jiff::tz::TimeZone::get(zone_name.trim())
                .with_context(|| format!("CLINIC_TIME_ZONE={zone_name:?}: an IANA time zone"))?,
            lease: worker.lease,
        };
        if exports.limits.max_range_days < 1
            || exports.limits.max_records < 1
            || exports.limits.cleanup_days < 1
        {
            bail!(
                "EXPORTS_MAX_RANGE_DAYS, EXPORTS_MAX_RECORDS and EXPORTS_CLEANUP_DAYS must be at least 1"
            );
        }
        let settings = Self {
            messaging,
            worker,
            exports,
            addr: SocketAddr::new(host, port),
            database_url,
            database_max_connections: parse(
                "DATABASE_MAX_CONNECTIONS",
                var("DATABASE_MAX_CONNECTIONS"),
                10,
            )?,
            jwt_secret: var("JWT_SECRET"),
            access_ttl_secs: parse(
                "ACCESS_TOKEN_TTL_SECONDS",
                var("ACCESS_TOKEN_TTL_SECONDS"),
                300,
            )?,
            refresh_ttl_secs: parse(
                "REFRESH_TOKEN_TTL_SECONDS",
                var("REFRESH_TOKEN_TTL_SECONDS"),
                86_400,
            )?,
            reuse_grace_secs: parse(
                "REFRESH_REUSE_GRACE_SECONDS",
                var("REFRESH_REUSE_GRACE_SECONDS"),
                10,
            )?,
            login_attempts_per_account: parse(
                "LOGIN_ATTEMPTS_PER_ACCOUNT",
                var("LOGIN_ATTEMPTS_PER_ACCOUNT"),
                5,
            )?,
            login_attempts_per_address: parse(
                "LOGIN_ATTEMPTS_PER_ADDRESS",
                var("LOGIN_ATTEMPTS_PER_ADDRESS"),
                30,
            )?,
            cookie_secure: flag("COOKIE_SECURE", false)?,
            trust_forwarded_for: flag("TRUST_FORWARDED_FOR", false)?,
            demo_data: flag("DEMO_DATA", true)?,
            site_root: PathBuf::from(var("SITE_ROOT").unwrap_or_else(|| "target/site".into())),
            log_format,
            data_dir,
            redis_url: var("REDIS_URL"),
            redis_channel_prefix: var("REDIS_CHANNEL_PREFIX").unwrap_or_else(|| "medplat".into()),
            alert_escalation_minutes: parse(
                "ALERT_ESCALATION_MINUTES",
                var("ALERT_ESCALATION_MINUTES"),
                5,
            )?,
            device_silence_minutes: parse(
                "DEVICE_SILENCE_MINUTES",
                var("DEVICE_SILENCE_MINUTES"),
                5,
            )?,
            vitals_raw_days: parse("VITALS_RAW_DAYS", var("VITALS_RAW_DAYS"), 30)?,
            vitals_summary_days: parse("VITALS_SUMMARY_DAYS", var("VITALS_SUMMARY_DAYS"), 730)?,
            assistant_llm: match (var("ASSISTANT_LLM_URL"), var("ASSISTANT_LLM_KEY")) {
                (Some(url), Some(key)) if !url.trim().is_empty() => {
                    Some(domain::services::assistant::llm::LlmConfig {
                        url: url.trim().to_owned(),
                        key,
                        model: var("ASSISTANT_LLM_MODEL")
                            .unwrap_or_else(|| "gemini-2.5-flash".into()),
                        timeout: std::time::Duration::from_millis(parse(
                            "ASSISTANT_LLM_TIMEOUT_MS",
                            var("ASSISTANT_LLM_TIMEOUT_MS"),
                            8000,
                        )?),
                    })
                }
                (Some(_), None) => {
                    anyhow::bail!("ASSISTANT_LLM_URL is set without ASSISTANT_LLM_KEY")
                }
                _ => None,
            },
            socket_people: crate::ws::guard::Rate {
                per_second: parse("WS_PEOPLE_RATE", var("WS_PEOPLE_RATE"), 10)?,
                burst: parse("WS_PEOPLE_BURST", var("WS_PEOPLE_BURST"), 30)?,
            },
            socket_devices: crate::ws::guard::Rate {
                per_second: parse("WS_DEVICE_RATE", var("WS_DEVICE_RATE"), 20)?,
                burst: parse("WS_DEVICE_BURST", var("WS_DEVICE_BURST"), 60)?,
            },
            socket_origins: var("WS_ALLOWED_ORIGINS")
                .map(|list| {
                    list.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        };
        for (name, rate) in [
            ("WS_PEOPLE", settings.socket_people),
            ("WS_DEVICE", settings.socket_devices),
        ] {
            if !(1..=10_000).contains(&rate.per_second) || !(1..=10_000).contains(&rate.burst) {
                bail!("{name}_RATE and {name}_BURST must be 1 to 10000");
            }
        }
        if let Some(secret) = &settings.jwt_secret
            && secret.len() < 32
        {
            bail!("JWT_SECRET must be at least 32 characters");
        }
        if !(1..=3650).contains(&settings.vitals_raw_days)
            || settings.vitals_summary_days < settings.vitals_raw_days
            || settings.vitals_summary_days > 36_500
        {
            bail!(
                "VITALS_RAW_DAYS must be 1 to 3650 and VITALS_SUMMARY_DAYS at least as long (at most 36500)"
            );
        }
        if !(1..=1440).contains(&settings.alert_escalation_minutes)
            || !(1..=1440).contains(&settings.device_silence_minutes)
        {
            bail!("ALERT_ESCALATION_MINUTES and DEVICE_SILENCE_MINUTES must be 1 to 1440");
        }
        if settings.access_ttl_secs <= 0 || settings.refresh_ttl_secs <= settings.access_ttl_secs {
            bail!("token lifetimes must be positive, the refresh token outliving the access token");
        }
        Ok(settings)
    }

    /// The authentication settings; generates and keeps a signing key in the data
    /// directory when `JWT_SECRET` is unset, so sessions survive a restart.
    pub fn auth_config(&self) -> anyhow::Result<AuthConfig> {
        let jwt_secret = match &self.jwt_secret {
            Some(secret) => secret.as_bytes().to_vec(),
            None => self.stored_secret()?,
        };
        Ok(AuthConfig {
            jwt_secret,
            access_ttl_secs: self.access_ttl_secs,
            refresh_ttl_secs: self.refresh_ttl_secs,
            reuse_grace_secs: self.reuse_grace_secs,
            login_attempts_per_account: self.login_attempts_per_account,
            login_attempts_per_address: self.login_attempts_per_address,
        })
    }

    fn stored_secret(&self) -> anyhow::Result<Vec<u8>> {
        let path = self.data_dir.join("jwt_secret");
        if let Ok(existing) = std::fs::read_to_string(&path)
            && existing.trim().len() >= 32
        {
            return Ok(existing.trim().as_bytes().to_vec());
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
        Ok(secret.into_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
