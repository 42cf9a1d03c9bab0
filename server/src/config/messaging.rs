//! Messaging settings: Twilio, SMTP, the webhooks' signature check, the
//! reminders and the job worker's pace.

use anyhow::{Context, bail};
use domain::services::jobs::WorkerSettings;
use domain::services::messaging::MessagingConfig;
use domain::services::messaging::providers::{SmtpConfig, TwilioConfig};
use jiff::SignedDuration;

/// Reads the messaging settings with `var` (empty values already left out).
pub fn read(
    var: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<(MessagingConfig, WorkerSettings)> {
    let number = |key: &str| -> anyhow::Result<Option<String>> {
        var(key)
            .map(|raw| {
                domain::phones::sender(&raw)
                    .with_context(|| format!("{key}={raw:?}: not a phone number"))
            })
            .transpose()
    };
    let duration = |key: &str, default: SignedDuration| -> anyhow::Result<SignedDuration> {
        match var(key) {
            None => Ok(default),
            Some(raw) => {
                let d: SignedDuration = raw
                    .trim()
                    .parse()
                    .with_context(|| format!("{key}={raw:?}: a duration such as 30s, 5m or 2h"))?;
                if d <= SignedDuration::ZERO {
                    bail!("{key}={raw:?}: must be positive");
                }
                Ok(d)
            }
        }
    };
    // Seed 003 calls the token TWILIO_WEBHOOK_SECRET: both names work.
    let token = var("TWILIO_AUTH_TOKEN").or_else(|| var("TWILIO_WEBHOOK_SECRET"));
    let twilio = match var("TWILIO_ACCOUNT_SID") {
        Some(account_sid) => {
            let Some(auth_token) = token.clone() else {
                bail!("TWILIO_ACCOUNT_SID is set without TWILIO_AUTH_TOKEN");
            };
            Some(TwilioConfig {
                account_sid: account_sid.trim().to_owned(),
                auth_token,
                api_base: var("TWILIO_API_BASE").unwrap_or_else(|| "https://api.twilio.com".into()),
                sms_from: number("TWILIO_SMS_FROM")?,
                whatsapp_from: number("TWILIO_WHATSAPP_FROM")?,
                status_callback: None,
            })
        }
        None => None,
    };
    let public_base_url = var("PUBLIC_BASE_URL")
        .unwrap_or_else(|| "http://127.0.0.1:3000".into())
        .trim()
        .trim_end_matches('/')
        .to_owned();
    if !public_base_url.starts_with("http://") && !public_base_url.starts_with("https://") {
        bail!("PUBLIC_BASE_URL={public_base_url:?}: an http(s) address");
    }
    let twilio = twilio.map(|t| TwilioConfig {
        status_callback: Some(format!("{public_base_url}/api/v1/webhooks/twilio/status/")),
        ..t
    });
    let check = match var("TWILIO_SIGNATURE_CHECK").map(|v| v.trim().to_ascii_lowercase()) {
        None => true,
        Some(v) if matches!(v.as_str(), "1" | "true" | "on" | "yes") => true,
        Some(v) if matches!(v.as_str(), "0" | "false" | "off" | "no") => false,
        Some(v) => bail!("TWILIO_SIGNATURE_CHECK={v:?}: expected on or off"),
    };
    let smtp = match var("SMTP_URL") {
        Some(url) => Some(SmtpConfig {
            url: url.trim().to_owned(),
            from: var("MAIL_FROM").unwrap_or_else(|| "MedPlat <noreply@medplat.localhost>".into()),
        }),
        None => None,
    };
    let reminders = match var("REMINDERS") {
        None => vec![SignedDuration::from_hours(24), SignedDuration::from_hours(2)],
        Some(list) if list.trim().eq_ignore_ascii_case("off") => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|part| {
                part.trim()
                    .parse::<SignedDuration>()
                    .ok()
                    .filter(|d| *d > SignedDuration::ZERO && *d <= SignedDuration::from_hours(24 * 14))
                    .with_context(|| {
                        format!("REMINDERS={list:?}: durations before the start, such as 24h,2h (or off)")
                    })
            })
            .collect::<anyhow::Result<_>>()?,
    };
    let defaults = WorkerSettings::default();
    let worker = WorkerSettings {
        lease: duration("JOBS_LEASE", SignedDuration::from_secs(60))?.unsigned_abs(),
        retry_base: duration("JOBS_RETRY_AFTER", SignedDuration::from_secs(60))?.unsigned_abs(),
        poll: duration("JOBS_POLL", SignedDuration::from_millis(250))?.unsigned_abs(),
        reminders,
        ..defaults
    };
    let config = MessagingConfig {
        twilio,
        smtp,
        signature_token: token,
        check_signatures: check,
        public_base_url,
        assistant_number: number("TWILIO_ASSISTANT_NUMBER")?,
        conversation_quiet: duration("ASSISTANT_SMS_MEMORY", SignedDuration::from_mins(30))?,
        retry_after: duration("JOBS_RETRY_AFTER", SignedDuration::from_secs(60))?,
    };
    Ok((config, worker))
}
