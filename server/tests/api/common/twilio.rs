//! The stand-ins the messaging tests talk to: the local Twilio (`server::stand_in`)
//! and a real SMTP server (Python's aiosmtpd) writing what it receives to a
//! folder, plus Twilio's own signature computation.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub use server::stand_in::{ACCOUNT, ASSISTANT_NUMBER, CLINIC_NUMBER, Sent, TOKEN, Twilio};

/// Waits until `n` messages reached the stand-in (at most 20 s).
pub async fn delivered(twilio: &Twilio, n: usize) -> Vec<Sent> {
    match twilio.wait_delivered(n, Duration::from_secs(20)).await {
        Some(delivered) => delivered,
        None => panic!(
            "{n} deliveries expected, {} seen: {:?}",
            twilio.delivered().len(),
            twilio.requests()
        ),
    }
}

/// The Python of the test environment (twilio, aiosmtpd, pandas, pyarrow,
/// openpyxl, fhir.resources), made by `scripts/test-venv.sh`
/// (scripts/test.sh runs it).
pub fn python() -> PathBuf {
    if let Ok(path) = std::env::var("MEDPLAT_TEST_PYTHON") {
        return PathBuf::from(path);
    }
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-venv/bin/python");
    assert!(
        local.exists(),
        "these tests need the test environment's Python: run scripts/test-venv.sh (scripts/test.sh does)"
    );
    local
}

/// X-Twilio-Signature as Twilio's own Python library computes it.
pub fn twilio_signature(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let params: serde_json::Map<String, serde_json::Value> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
        .collect();
    let output = Command::new(python())
        .args([
            "-c",
            "import json, sys\n\
             from twilio.request_validator import RequestValidator\n\
             token, url, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])\n\
             print(RequestValidator(token).compute_signature(url, params))",
            token,
            url,
            &serde_json::Value::Object(params).to_string(),
        ])
        .output()
        .expect("running Python");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A real SMTP server (aiosmtpd) keeping what it receives in a maildir.
pub struct Smtp {
    pub url: String,
    pub dir: PathBuf,
    child: Child,
}

impl Smtp {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("medplat-mail-{port}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let child = Command::new(python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                dir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting aiosmtpd");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self {
            url: format!("smtp://127.0.0.1:{port}"),
            dir,
            child,
        }
    }

    /// The mails received so far, as raw text.
    pub fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    }

    /// Waits until `n` mails arrived (at most 20 s).
    pub async fn wait_mails(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{n} mails expected, {} received", self.mails().len());
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
