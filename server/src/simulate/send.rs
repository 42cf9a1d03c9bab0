//! What each device sends: one message a period, over HTTP or over its
//! socket (waiting for each `ack`), each counted in the tally.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{Device, Plan, Tally};

pub(super) async fn send_http(
    http: &reqwest::Client,
    base: &str,
    device: &Device,
    plan: &Plan,
    tally: &Tally,
) {
    let mut tick = tokio::time::interval(plan.period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let boot = Instant::now();
    for step in 0.. {
        tick.tick().await;
        let Some(next) = plan.next(step) else { return };
        let Some(data) = next else { continue };
        // Seed 001's ESP32: the MAC, the values, and millis() since boot.
        let body = json!({"device_mac": device.mac, "data": data, "timestamp": boot.elapsed().as_millis() as u64});
        let sent = Instant::now();
        match http
            .post(format!("{base}/api/iot/data/"))
            .bearer_auth(&device.token)
            .json(&body)
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => tally.ok(4, sent.elapsed()).await,
            Ok(response) => tally.failed(format!("HTTP {}", response.status())).await,
            Err(err) => tally.failed(err.to_string()).await,
        }
    }
}

pub(super) async fn send_ws(base: &str, device: &Device, plan: &Plan, tally: &Tally) {
    let url = format!(
        "{}/ws/iot/{}/?token={}",
        base.replacen("http", "ws", 1),
        device.patient,
        device.token
    );
    let mut socket = match tokio_tungstenite::connect_async(&url).await {
        Ok((socket, _)) => socket,
        Err(err) => return tally.failed(format!("socket: {err}")).await,
    };
    let mut tick = tokio::time::interval(plan.period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let boot = Instant::now();
    for seq in 0.. {
        tick.tick().await;
        let Some(next) = plan.next(seq) else { break };
        let Some(data) = next else {
            // Gone silent: the device drops off the network.
            break;
        };
        let message = json!({"type": "sensor_data", "device_mac": device.mac, "data": data,
            "timestamp": boot.elapsed().as_millis() as u64, "seq": seq});
        let sent = Instant::now();
        if socket
            .send(Message::Text(message.to_string().into()))
            .await
            .is_err()
        {
            return tally.failed("socket closed while sending".into()).await;
        }
        // Wait for this message's ack (dashboard traffic is not sent to devices).
        loop {
            match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => {
                    let answer: Value = serde_json::from_str(&text).unwrap_or_default();
                    if answer["type"] == "ack" && answer["seq"] == seq {
                        tally.ok(4, sent.elapsed()).await;
                        break;
                    }
                    if answer["type"] == "error" {
                        tally.failed(format!("refused: {}", answer["error"])).await;
                        break;
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => return tally.failed("socket closed".into()).await,
                Err(_) => return tally.failed("no ack within 10 s".into()).await,
            }
        }
    }
    let _ = socket.close(None).await;
}
