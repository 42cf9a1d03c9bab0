//! The platform served by this process for the runs that measure it over
//! HTTP: built on the scratch database, served on a free port, stopped.

use super::Target;
use super::support::auth_config;

/// The platform served by this process for a benchmark, on the scratch
/// database, with a data folder of its own: its state and address.
pub(super) struct InProcess {
    pub(super) state: crate::state::AppState,
    /// `127.0.0.1:<port>`.
    pub(super) addr: std::net::SocketAddr,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    data_dir: std::path::PathBuf,
}

impl InProcess {
    /// Builds and serves the platform on `target` with the benchmark's
    /// secret, the demo data if `demo`, and `vars` on top (`what` names the
    /// data folder).
    pub(super) async fn start(
        target: &Target,
        what: &str,
        demo: bool,
        vars: Vec<(&str, String)>,
    ) -> anyhow::Result<Self> {
        let data_dir =
            std::env::temp_dir().join(format!("medplat-bench-{what}-{}", std::process::id()));
        let mut all: Vec<(&str, String)> = vec![
            ("DATABASE_URL", target.url.clone()),
            ("DATA_DIR", data_dir.to_string_lossy().to_string()),
            ("JWT_SECRET", String::from_utf8(auth_config().jwt_secret)?),
            ("DEMO_DATA", demo.to_string()),
        ];
        all.extend(vars);
        let settings = crate::config::Settings::from_lookup(|k| {
            all.iter()
                .rev()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.clone())
        })?;
        let state = crate::build_state(settings).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(crate::serve(
            listener,
            crate::router(state.clone()),
            std::future::pending(),
        ));
        Ok(Self {
            state,
            addr,
            server,
            data_dir,
        })
    }

    /// Stops serving and removes the data folder.
    pub(super) fn stop(self) {
        self.server.abort();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
