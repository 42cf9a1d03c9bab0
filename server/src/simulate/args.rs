//! The options of `medplat simulate`: the platform, the devices, how often
//! and how they send, and for how long.

use super::Scenario;

/// How devices send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    Http,
    Ws,
}

/// Messages per device per second, written `N/s`, `N/min` or `N/h`.
#[derive(Debug, Clone, Copy)]
pub struct Rate(pub f64);

impl std::str::FromStr for Rate {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let (count, unit) = raw.split_once('/').unwrap_or((raw, "s"));
        let count: f64 = count
            .trim()
            .parse()
            .map_err(|_| format!("`{raw}`: expected a rate such as 1/s, 30/min or 2/h"))?;
        let per = match unit.trim() {
            "s" | "sec" => 1.0,
            "min" | "m" => 60.0,
            "h" => 3600.0,
            other => return Err(format!("`{other}`: the unit is s, min or h")),
        };
        let rate = count / per;
        if !(rate > 0.0 && rate <= 100.0) {
            return Err("from 1/h to 100/s per device".into());
        }
        Ok(Self(rate))
    }
}

/// Options of `medplat simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The platform's address.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// A doctor (devices for their patients) or an administrator.
    #[arg(long, default_value = "admin")]
    pub login: String,
    /// Devices to simulate.
    #[arg(long, default_value_t = 10)]
    pub devices: usize,
    /// Messages per device (each carries four vitals).
    #[arg(long, default_value = "1/s")]
    pub rate: Rate,
    #[arg(long, value_enum, default_value = "stable")]
    pub scenario: Scenario,
    #[arg(long, value_enum, default_value = "http")]
    pub transport: Transport,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Patients' account ids, devices spread over them (default: the
    /// patients in the doctor's care, or every active patient).
    #[arg(long, value_delimiter = ',')]
    pub patients: Vec<i64>,
    /// Delete the devices at the end (their readings stay).
    #[arg(long)]
    pub cleanup: bool,
}
