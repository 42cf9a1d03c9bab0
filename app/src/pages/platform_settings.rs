//! `/admin/settings`: the platform's settings (the clinic, defaults, booking
//! limits, reminders, the assistant, alert delays, retention), saved at once
//! on every instance, and the history of who changed what.

use domain::settings::{PlatformSettings, SettingChange, reminders_text};
use leptos::prelude::*;

use crate::api::settings::{SavePlatformSettings, platform_settings};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL, TH};
use crate::components::sched::{CARD, INPUT, PRIMARY};
use crate::error::UiError;
use crate::i18n::{Tr, use_i18n};
use crate::islands::go_to;

/// The page.
#[component]
pub fn PlatformSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |_| platform_settings());
    let saved = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("saved").is_some());
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.p.title)}</h1>
        <p class="mt-1 text-slate-600">{move || i18n.t(|t| t.p.intro)}</p>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! {
                        <SettingsForm s=p.settings.clone() llm=p.llm_available saved />
                        <History changes=p.history.clone() />
                    }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The settings' form; once saved, the page is loaded again (`saved`) to
/// show them and their history.
#[island(lazy)]
fn SettingsForm(s: PlatformSettings, llm: bool, saved: bool) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SavePlatformSettings>::new();
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            go_to("?saved=1");
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let shown = move || saved && save.value().with(Option::is_none);
    view! {
        <ActionForm action=save attr:class="mt-4 space-y-4" attr:data-testid="settings-form">
            <SettingsFields s llm error />
            <div class="flex flex-wrap items-center gap-3">
                <button type="submit" class=PRIMARY data-testid="settings-save" disabled=move || save.pending().get()>{move || i18n.t(|t| t.s.save)}</button>
                <Show when=shown>
                    <span role="status" class="text-sm text-teal-800" data-testid="settings-saved">{move || i18n.t(|t| t.p.applied)}</span>
                </Show>
            </div>
            <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field.is_none())) />
        </ActionForm>
    }
}

/// One text input of the form, named `form[<name>]`, with its error.
fn field(
    label: fn(&'static Tr) -> &'static str,
    name: &'static str,
    value: String,
    kind: &'static str,
    error: Signal<Option<UiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class=LABEL>
            <span>{move || i18n.t(label)}</span>
            <input type=kind name=format!("form[{name}]") value=value class=INPUT data-testid=format!("setting-{name}")
                inputmode=if kind == "number" { "numeric" } else { "text" } />
            <FieldError name error />
        </label>
    }
}

/// A section of the form.
fn section(title: fn(&'static Tr) -> &'static str, body: AnyView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class=format!("grid gap-3 sm:grid-cols-2 {CARD}")>
            <legend class="px-1 text-base font-semibold text-slate-800">{move || i18n.t(title)}</legend>
            {body}
        </fieldset>
    }
}

#[component]
fn SettingsFields(s: PlatformSettings, llm: bool, error: Signal<Option<UiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let n = |v: i64| v.to_string();
    let (language, backend) = (s.language.clone(), s.assistant_backend.clone());
    view! {
        {section(|t| t.p.clinic, view! {
            {field(|t| t.p.clinic_name, "clinic_name", s.clinic_name.clone(), "text", error)}
            {field(|t| t.p.clinic_phone, "clinic_phone", s.clinic_phone.clone(), "tel", error)}
            {field(|t| t.p.clinic_email, "clinic_email", s.clinic_email.clone(), "email", error)}
            {field(|t| t.p.clinic_address, "clinic_address", s.clinic_address.clone(), "text", error)}
        }.into_any())}
        {section(|t| t.p.defaults, view! {
            {field(|t| t.p.time_zone, "time_zone", s.time_zone.clone(), "text", error)}
            <label class=LABEL>
                <span>{move || i18n.t(|t| t.p.language)}</span>
                <select name="form[language]" class=INPUT data-testid="setting-language">
                    <option value="fr" selected=language == "fr">"Français"</option>
                    <option value="en" selected=language == "en">"English"</option>
                </select>
                <FieldError name="language" error />
            </label>
        }.into_any())}
        {section(|t| t.p.booking, view! {
            <p class="text-sm text-slate-600 sm:col-span-2">{move || i18n.t(|t| t.p.booking_hint)}</p>
            {field(|t| t.p.min_notice_minutes, "min_notice_minutes", n(s.min_notice_minutes), "number", error)}
            {field(|t| t.p.max_advance_days, "max_advance_days", n(s.max_advance_days), "number", error)}
            {field(|t| t.p.buffer_minutes, "buffer_minutes", n(s.buffer_minutes), "number", error)}
            {field(|t| t.p.cancel_cutoff_minutes, "cancel_cutoff_minutes", n(s.cancel_cutoff_minutes), "number", error)}
            <label class=LABEL>
                <span>{move || i18n.t(|t| t.p.reminders)}</span>
                <input name="form[reminders]" value=reminders_text(&s.reminders) class=INPUT data-testid="setting-reminders" />
                <span class="text-xs font-normal text-slate-600">{move || i18n.t(|t| t.p.reminders_hint)}</span>
                <FieldError name="reminders" error />
            </label>
        }.into_any())}
        {section(|t| t.p.assistant, view! {
            <label class="flex items-center gap-2 text-sm font-medium text-slate-700">
                <input type="checkbox" name="form[assistant_enabled]" value="on" checked=s.assistant_enabled class="h-5 w-5" data-testid="setting-assistant_enabled" />
                {move || i18n.t(|t| t.p.assistant_enabled)}
            </label>
            <label class=LABEL>
                <span>{move || i18n.t(|t| t.p.assistant_backend)}</span>
                <select name="form[assistant_backend]" class=INPUT data-testid="setting-assistant_backend">
                    <option value="offline" selected=backend == "offline">{move || i18n.t(|t| t.p.backend_offline)}</option>
                    <option value="llm" selected=backend == "llm" disabled=!llm>{move || i18n.t(|t| t.p.backend_llm)}</option>
                </select>
                {(!llm).then(|| view! { <span class="text-xs font-normal text-slate-600">{move || i18n.t(|t| t.p.llm_missing)}</span> })}
                <FieldError name="assistant_backend" error />
            </label>
        }.into_any())}
        {section(|t| t.p.watch, view! {
            {field(|t| t.p.alert_escalation_minutes, "alert_escalation_minutes", n(s.alert_escalation_minutes), "number", error)}
            {field(|t| t.p.device_silence_minutes, "device_silence_minutes", n(s.device_silence_minutes), "number", error)}
        }.into_any())}
        {section(|t| t.p.retention, view! {
            {field(|t| t.p.vitals_raw_days, "vitals_raw_days", n(s.vitals_raw_days), "number", error)}
            {field(|t| t.p.vitals_summary_days, "vitals_summary_days", n(s.vitals_summary_days), "number", error)}
        }.into_any())}
    }
}

/// A stored value (JSON) as people read it.
fn value_words(t: &Tr, field: &str, json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
    match (field, &value) {
        ("reminders", serde_json::Value::Array(list)) => {
            let minutes: Vec<i64> = list.iter().filter_map(serde_json::Value::as_i64).collect();
            if minutes.is_empty() {
                t.p.none.to_owned()
            } else {
                reminders_text(&minutes)
            }
        }
        ("assistant_backend", serde_json::Value::String(b)) => if b == "llm" {
            t.p.backend_llm
        } else {
            t.p.backend_offline
        }
        .to_owned(),
        ("language", serde_json::Value::String(l)) => {
            if l == "en" { "English" } else { "Français" }.to_owned()
        }
        (_, serde_json::Value::Bool(b)) => if *b { t.p.yes } else { t.p.no }.to_owned(),
        (_, serde_json::Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    }
}

#[component]
fn History(changes: Vec<SettingChange>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class=format!("mt-6 {CARD}") data-testid="settings-history">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.p.history)}</h2>
            {if changes.is_empty() {
                view! { <p class="mt-2 text-sm text-slate-600">{move || i18n.t(|t| t.p.history_empty)}</p> }.into_any()
            } else {
                view! {
                    <div class="mt-2 overflow-x-auto" tabindex="0" role="region" aria-label=move || i18n.t(|t| t.u.table_scroll)>
                        <table class="min-w-full divide-y divide-slate-200 text-sm">
                            <thead class="bg-slate-50"><tr>
                                <th class=TH>{move || i18n.t(|t| t.m.col_when)}</th>
                                <th class=TH>{move || i18n.t(|t| t.m.col_who)}</th>
                                <th class=TH>{move || i18n.t(|t| t.p.col_field)}</th>
                                <th class=TH>{move || i18n.t(|t| t.p.col_before)}</th>
                                <th class=TH>{move || i18n.t(|t| t.p.col_after)}</th>
                            </tr></thead>
                            <tbody class="divide-y divide-slate-100">
                                {changes.into_iter().map(|c| {
                                    let (field, before, after) = (c.field.clone(), c.before.clone(), c.after.clone());
                                    let (f2, f3, f4) = (field.clone(), field.clone(), field.clone());
                                    view! {
                                        <tr data-testid="settings-change" data-field=f4>
                                            <td class="whitespace-nowrap px-3 py-2">{move || i18n.moment_ms(c.at)}</td>
                                            <td class="px-3 py-2">{c.actor_name.clone().unwrap_or_default()}</td>
                                            <td class="px-3 py-2">{move || i18n.tr().p.field(&field).unwrap_or("").to_owned()}</td>
                                            <td class="px-3 py-2 text-slate-600">{move || value_words(i18n.tr(), &f2, &before)}</td>
                                            <td class="px-3 py-2 font-medium">{move || value_words(i18n.tr(), &f3, &after)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
