//! What a device's message may say about itself: the readings it carries are
//! read only once it names no other device than its credential's.

use jiff::Timestamp;
use serde_json::Value;

use super::{DeviceIdentity, DeviceService};
use crate::devices::MacAddress;
use crate::error::{DomainError, DomainResult};
use crate::store::db_error;
use crate::store::devices as store;
use crate::vitals::NewReading;
use crate::vitals::parse::{batch_of, declared_macs};

impl DeviceService {
    /// The readings of a device's message (one object or a batch, in any
    /// shape `vitals::parse` reads), refused whole when one value is wrong
    /// or when the message names another device ([`Self::check_declared`]).
    /// Every door that takes device data (HTTP, the socket) reads it here.
    pub async fn readings_from(
        &self,
        device: DeviceIdentity,
        message: &Value,
        now: Timestamp,
    ) -> DomainResult<Vec<NewReading>> {
        let readings = batch_of(message, now)?;
        self.check_declared(device, &declared_macs(message)?, now)
            .await?;
        Ok(readings)
    }

    /// Refuses a message that names another device than the credential's
    /// (a mis-flashed device, or one sending with another's credential), and
    /// records the refusal on the device for the registry.
    pub async fn check_declared(
        &self,
        device: DeviceIdentity,
        declared: &[&str],
        now: Timestamp,
    ) -> DomainResult<()> {
        for raw in declared {
            let named: MacAddress = raw.parse().map_err(|_| {
                DomainError::invalid(
                    "device_mac",
                    "invalid_mac_address",
                    "device_mac must be a MAC address such as AA:BB:CC:DD:EE:FF",
                )
            })?;
            if named != device.mac {
                let mut conn = self.db.pool().acquire().await.map_err(db_error)?;
                store::refused(
                    &mut conn,
                    device.device_id,
                    &named.to_string(),
                    now.as_millisecond(),
                )
                .await?;
                tracing::warn!(device = device.device_id, named = %named, "message naming another device refused");
                return Err(DomainError::invalid(
                    "device_mac",
                    "device_mismatch",
                    format!(
                        "this credential belongs to device {}; the message names {named}",
                        device.mac
                    ),
                ));
            }
        }
        Ok(())
    }
}
