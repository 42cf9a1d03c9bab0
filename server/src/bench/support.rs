//! Small helpers every run shares: the kind of build, quiet logs and the
//! benchmark's authentication settings.

use domain::auth::AuthConfig;

/// How this binary was built (figures of a debug build mean little).
pub(super) fn build_kind() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// Quiet logs unless `RUST_LOG` asks otherwise: one line per booking would
/// drown the report.
pub(super) fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub(super) fn auth_config() -> AuthConfig {
    AuthConfig {
        jwt_secret: b"medplat-bench-secret-not-for-production".to_vec(),
        access_ttl_secs: 300,
        refresh_ttl_secs: 86_400,
        reuse_grace_secs: 10,
        login_attempts_per_account: 10,
        login_attempts_per_address: 100,
    }
}
