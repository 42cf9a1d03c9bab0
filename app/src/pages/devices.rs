//! The device registry (`/doctor/devices`, `/admin/devices`): the devices the
//! reader may see, their state, battery and last connection; registering one
//! for a patient (its token is shown once) and revoking one.

use domain::devices::{Device, DeviceKind, DeviceStatus};
use leptos::prelude::*;

use crate::api::medical::care_relationships;
use crate::api::vitals::{RegisterDevice, RevokeDevice, device_registry};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::sched::{CARD, DANGER, INPUT, PRIMARY, SECONDARY};
use crate::i18n::{Vitals, use_i18n};

fn kind_name(v: &Vitals, kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Cardiac => v.kind_capteur_cardiaque,
        DeviceKind::Temperature => v.kind_capteur_temperature,
        DeviceKind::Pressure => v.kind_capteur_pression,
        DeviceKind::Oxygen => v.kind_capteur_oxygene,
        DeviceKind::Glucose => v.kind_capteur_glycemie,
        DeviceKind::Respiratory => v.kind_capteur_respiratoire,
    }
}

fn state_name(v: &Vitals, device: &Device) -> &'static str {
    if device.revoque {
        return v.state_revoked;
    }
    match device.status {
        DeviceStatus::Active => v.state_actif,
        DeviceStatus::Inactive => v.state_inactif,
        DeviceStatus::Maintenance => v.state_maintenance,
        DeviceStatus::Error => v.state_erreur,
    }
}

/// `/doctor/devices` and `/admin/devices`.
#[component]
pub fn DevicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let devices = Resource::new(|| (), |_| device_registry());
    let patients = Resource::new(|| (), |_| care_relationships(false));
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.v.devices_title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.v.devices_intro)}</p>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let mut patients = patients.await.unwrap_or_default();
                patients.sort_by(|a, b| a.patient_name.cmp(&b.patient_name));
                patients.dedup_by_key(|r| r.patient_id);
                let patients: Vec<(i64, String)> =
                    patients.into_iter().map(|r| (r.patient_id, r.patient_name)).collect();
                match devices.await {
                    Ok(list) => view! { <DeviceRegistry list patients /> }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The devices and the registration form: the list is read again after a
/// registration (whose token shows once, here) or a revocation.
#[island(lazy)]
fn DeviceRegistry(list: Vec<Device>, patients: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let register = ServerAction::<RegisterDevice>::new();
    let revoke = ServerAction::<RevokeDevice>::new();
    let devices = RwSignal::new(list);
    let refresh = Action::new(|(): &()| device_registry());
    Effect::new(move |_| {
        let changed = register.version().get() + revoke.version().get();
        if changed > 0 {
            refresh.dispatch(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(list)) = refresh.value().get() {
            devices.set(list);
        }
    });
    view! {
        <ErrorBanner error=Signal::derive(move || revoke.value().get().and_then(Result::err)) />
        {move || {
            let list = devices.get();
            if list.is_empty() {
                view! {
                    <p class=format!("mt-4 {CARD} text-slate-600") data-testid="devices-empty">{move || i18n.t(|t| t.v.devices_empty)}</p>
                }.into_any()
            } else {
                view! { <DeviceTable list revoke /> }.into_any()
            }
        }}
        <RegisterForm register patients />
    }
}

#[component]
fn DeviceTable(list: Vec<Device>, revoke: ServerAction<RevokeDevice>) -> impl IntoView {
    let i18n = use_i18n();
    let th = "px-3 py-2 text-left font-semibold text-slate-600";
    view! {
        <div class=format!("mt-4 overflow-x-auto {CARD} p-0") tabindex="0" role="region" aria-label=move || i18n.t(|t| t.u.table_scroll)>
            <table class="min-w-full text-sm" data-testid="devices">
                <thead class="bg-slate-50"><tr>
                    <th class=th>{move || i18n.t(|t| t.v.col_device)}</th>
                    <th class=th>{move || i18n.t(|t| t.v.col_patient)}</th>
                    <th class=th>{move || i18n.t(|t| t.v.col_mac)}</th>
                    <th class=th>{move || i18n.t(|t| t.v.col_battery)}</th>
                    <th class=th>{move || i18n.t(|t| t.v.col_last_seen)}</th>
                    <th class=th>{move || i18n.t(|t| t.v.col_state)}</th>
                    <th class=th></th>
                </tr></thead>
                <tbody class="divide-y divide-slate-100">
                    {list.into_iter().map(|device| view! { <DeviceLine device revoke /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn DeviceLine(device: Device, revoke: ServerAction<RevokeDevice>) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let id = device.id;
    let kind = device.type_dispositif;
    let battery = device.niveau_batterie;
    let low = battery.is_some_and(|b| b <= 15);
    let seen = device.derniere_connexion.map(|t| t.as_millisecond());
    let revoked = device.revoque;
    let refusal = device
        .dernier_refus_le
        .zip(device.dernier_refus.clone())
        .map(|(at, named)| (at.as_millisecond(), named));
    let state = StoredValue::new(device.clone());
    view! {
        <tr data-testid="device" data-device-id=id>
            <td class="px-3 py-2">
                <p class="font-medium text-slate-900">{device.nom.clone()}</p>
                <p class="text-xs text-slate-500">{move || kind_name(i18n.tr().v, kind)}</p>
            </td>
            <td class="px-3 py-2">{device.patient_name.clone()}</td>
            <td class="px-3 py-2 font-mono text-xs">{device.adresse_mac.clone()}</td>
            <td class=if low { "px-3 py-2 font-semibold text-red-700" } else { "px-3 py-2" } data-testid="battery">
                {battery.map_or_else(|| "—".to_owned(), |b| format!("{b} %"))}
            </td>
            <td class="px-3 py-2 text-slate-600">
                {move || seen.map_or_else(|| i18n.tr().v.never_seen.to_owned(), |ms| i18n.moment_ms(ms))}
            </td>
            <td class="px-3 py-2" data-testid="device-state">
                {move || state.with_value(|d| state_name(i18n.tr().v, d))}
                {refusal.map(|(ms, named)| view! {
                    <p class="mt-1 text-xs text-red-700" data-testid="device-refusal">
                        {move || format!("{} {}{}{} {named}", i18n.tr().v.refused_at, i18n.moment_ms(ms), i18n.tr().colon, i18n.tr().v.refused_named)}
                    </p>
                })}
            </td>
            <td class="px-3 py-2 text-right">
                {(!revoked).then(|| view! {
                    <Show when=move || asking.get() fallback=move || view! {
                        <button type="button" class=DANGER data-testid="revoke" on:click=move |_| asking.set(true)>
                            {move || i18n.t(|t| t.v.revoke)}
                        </button>
                    }>
                        <span class="mr-2 text-xs text-slate-700">{move || i18n.t(|t| t.v.revoke_question)}</span>
                        <button type="button" class="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white" data-testid="revoke-confirm"
                            on:click=move |_| { asking.set(false); revoke.dispatch(RevokeDevice { id }); }>
                            {move || i18n.t(|t| t.v.revoke)}
                        </button>
                        <button type="button" class=SECONDARY on:click=move |_| asking.set(false)>{move || i18n.t(|t| t.s.cancel)}</button>
                    </Show>
                })}
            </td>
        </tr>
    }
}

#[component]
fn RegisterForm(
    register: ServerAction<RegisterDevice>,
    patients: Vec<(i64, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || register.value().get().and_then(Result::err));
    let general = Signal::derive(move || {
        error.get().filter(|e| {
            !matches!(
                e.field.as_deref(),
                Some("nom" | "adresse_mac" | "patient" | "type_dispositif")
            )
        })
    });
    let token = move || register.value().get().and_then(Result::ok).map(|c| c.token);
    view! {
        <ActionForm action=register attr:class=format!("mt-6 space-y-3 {CARD}") attr:data-testid="register-device">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.v.register_title)}</h2>
            <ErrorBanner error=general />
            {move || token().map(|token| view! {
                <div role="status" class="rounded-lg border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900">
                    <p class="font-semibold">{move || i18n.t(|t| t.v.credential_once)}</p>
                    <code class="mt-1 block break-all font-mono" data-testid="device-token">{token}</code>
                </div>
            })}
            <div class="grid gap-3 md:grid-cols-2">
                <label class=LABEL><span>{move || i18n.t(|t| t.v.device_name)}</span>
                    <input name="nom" required maxlength="100" class=INPUT />
                    <FieldError name="nom" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.v.col_kind)}</span>
                    <select name="type_dispositif" class=INPUT>
                        {DeviceKind::ALL.iter().map(|k| {
                            let k = *k;
                            view! { <option value=k.as_str()>{move || kind_name(i18n.tr().v, k)}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError name="type_dispositif" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.v.col_mac)}</span>
                    <input name="adresse_mac" required placeholder="AA:BB:CC:DD:EE:FF" class=format!("{INPUT} font-mono") />
                    <FieldError name="adresse_mac" error />
                </label>
                <label class=LABEL><span>{move || i18n.t(|t| t.v.device_patient)}</span>
                    <select name="patient" required class=INPUT>
                        <option value="">{move || i18n.t(|t| t.v.choose_patient)}</option>
                        {patients.into_iter().map(|(id, name)| view! {
                            <option value=id.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                    <FieldError name="patient" error />
                </label>
            </div>
            <button type="submit" class=PRIMARY data-testid="register-submit" disabled=move || register.pending().get()>
                {move || i18n.t(|t| t.v.register_submit)}
            </button>
        </ActionForm>
    }
}
