//! Messages outside the portals: on every account page, one's channels, quiet
//! hours and what was sent to one; for doctors and administrators,
//! `/doctor/sms` and `/admin/sms`, what Twilio passed to the platform (the
//! webhook log) and what the platform sent (the outbox), with filters.

use domain::accounts::Role;
use domain::messaging::{
    OutboundMessage, OutboundStatus, Preferences, WebhookEvent, WebhookStatus,
};
use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use crate::api::messaging::{SaveMessaging, my_messaging, staff_messaging};
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::sched::{CARD, INPUT, PRIMARY};
use crate::i18n::use_i18n;
use crate::session_state::use_session;

/// The colours of a message's status.
fn status_class(status: OutboundStatus) -> &'static str {
    match status {
        OutboundStatus::Sent | OutboundStatus::Delivered => "bg-teal-50 text-teal-900",
        OutboundStatus::Queued => "bg-amber-50 text-amber-900",
        OutboundStatus::Failed => "bg-red-50 text-red-900",
        OutboundStatus::Dropped => "bg-slate-100 text-slate-700",
    }
}

/// The colours of a webhook event's status.
fn event_class(status: WebhookStatus) -> &'static str {
    match status {
        WebhookStatus::Processed => "bg-teal-50 text-teal-900",
        WebhookStatus::Pending | WebhookStatus::Failed => "bg-amber-50 text-amber-900",
        WebhookStatus::Ignored => "bg-slate-100 text-slate-700",
        WebhookStatus::Refused => "bg-red-50 text-red-900",
    }
}

fn channel_name(t: &crate::i18n::Tr, channel: domain::messaging::Channel) -> &'static str {
    match channel {
        domain::messaging::Channel::Sms => t.o.sms,
        domain::messaging::Channel::Whatsapp => t.o.whatsapp,
        domain::messaging::Channel::Email => t.o.email,
    }
}

/// One sent message: what, how, when, and what became of it.
#[component]
fn SentItem(message: OutboundMessage, #[prop(optional)] staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let m = message;
    let when = m.sent_at.unwrap_or(m.send_after);
    let planned = m.status == OutboundStatus::Queued;
    let kind = m.kind.clone();
    let reason = m.status_reason.clone();
    view! {
        <li class="flex flex-wrap items-baseline gap-x-3 gap-y-1 border-t border-slate-100 py-2 text-sm first:border-t-0" data-testid="sent-message">
            <span class="font-medium text-slate-900">{move || i18n.tr().o.kind(&kind)}</span>
            {m.urgent.then(|| view! { <span class="rounded bg-red-50 px-1.5 text-xs font-semibold text-red-900">{move || i18n.t(|t| t.o.urgent)}</span> })}
            <span class="text-slate-600">{move || channel_name(i18n.tr(), m.channel)}</span>
            {staff.then(|| view! { <span class="text-slate-600">{move || i18n.t(|t| t.o.to)}{move || i18n.t(|t| t.colon)}{m.user_name.clone()}</span> })}
            {m.address.clone().map(|a| view! { <span class="text-slate-500">{a}</span> })}
            <span class="text-slate-600">
                {move || if planned { format!("{} ", i18n.t(|t| t.o.planned)) } else { String::new() }}
                {move || i18n.moment(when)}
            </span>
            <span class=format!("rounded px-2 py-0.5 text-xs font-semibold {}", status_class(m.status))>
                {move || i18n.tr().o.status(m.status.as_str())}
            </span>
            {reason.map(|r| view! { <span class="text-xs text-slate-500">{move || i18n.tr().o.reason(&r)}</span> })}
            {(staff && m.attempts > 1).then(|| view! {
                <span class="text-xs text-slate-500">{m.attempts}" "{move || i18n.t(|t| t.o.tries)}</span>
            })}
        </li>
    }
}

/// The account page's section: channels, quiet hours, what was sent.
#[component]
pub fn MessagingSettings() -> impl IntoView {
    let i18n = use_i18n();
    let mine = Resource::new(|| (), |_| my_messaging());
    let session = use_session();
    view! {
        <section class=format!("mt-4 {CARD}") data-testid="messaging-settings">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.o.prefs_title)}</h2>
            <p class="mt-1 text-sm text-slate-600">{move || i18n.t(|t| t.o.prefs_intro)}</p>
            <Transition fallback=move || view! { <p class="text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    let patient = session.user.await.ok().flatten().is_some_and(|u| u.role == Role::Patient);
                    match mine.await {
                        Ok((p, sent)) => view! {
                            <MessagingForm p patient />
                            <h3 class="mt-5 font-semibold">{move || i18n.t(|t| t.o.sent_title)}</h3>
                            {if sent.is_empty() {
                                view! { <p class="mt-1 text-sm text-slate-600" data-testid="sent-empty">{move || i18n.t(|t| t.o.sent_empty)}</p> }.into_any()
                            } else {
                                view! { <ul class="mt-1">{sent.into_iter().map(|m| view! { <SentItem message=m /> }).collect_view()}</ul> }.into_any()
                            }}
                        }.into_any(),
                        Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The messaging preferences' form (`patient`: with the reminders' choice).
#[island(lazy)]
fn MessagingForm(p: Preferences, patient: bool) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveMessaging>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <ActionForm action=save attr:class="mt-3 space-y-3" attr:data-testid="messaging-form">
            <fieldset class="flex flex-wrap gap-x-6 gap-y-2">
                <legend class="sr-only">{move || i18n.t(|t| t.o.prefs_title)}</legend>
                {[("sms", p.sms, (|t| t.o.sms) as fn(&crate::i18n::Tr) -> &'static str),
                  ("whatsapp", p.whatsapp, |t| t.o.whatsapp),
                  ("email", p.email, |t| t.o.email)]
                    .into_iter()
                    .map(|(name, on, text)| view! {
                        <label class="flex min-h-11 items-center gap-2 text-sm font-medium text-slate-800">
                            <input type="checkbox" name=name value="on" checked=on class="h-5 w-5 accent-teal-700" />
                            {move || i18n.t(text)}
                        </label>
                    })
                    .collect_view()}
            </fieldset>
            {patient.then(|| view! {
                <label class="flex min-h-11 items-center gap-2 text-sm font-medium text-slate-800">
                    <input type="checkbox" name="reminders" value="on" checked=p.reminders class="h-5 w-5 accent-teal-700" />
                    {move || i18n.t(|t| t.o.reminders)}
                </label>
                <p class="text-xs text-slate-500">{move || i18n.t(|t| t.o.phone_hint)}</p>
            })}
            {(!patient).then(|| view! { <input type="hidden" name="reminders" value=if p.reminders { "on" } else { "" } /> })}
            <fieldset class="grid gap-3 sm:max-w-md sm:grid-cols-2">
                <legend class="text-sm font-semibold text-slate-800">{move || i18n.t(|t| t.o.quiet_title)}</legend>
                <label class=LABEL for="quiet_start">
                    <span>{move || i18n.t(|t| t.o.quiet_from)}</span>
                    <input id="quiet_start" name="quiet_start" type="time" value=p.quiet_hours.as_ref().map(|q| q.start.clone()).unwrap_or_default() class=INPUT />
                    <FieldError error name="quiet_start" />
                </label>
                <label class=LABEL for="quiet_end">
                    <span>{move || i18n.t(|t| t.o.quiet_to)}</span>
                    <input id="quiet_end" name="quiet_end" type="time" value=p.quiet_hours.as_ref().map(|q| q.end.clone()).unwrap_or_default() class=INPUT />
                    <FieldError error name="quiet_end" />
                </label>
                <p class="text-xs text-slate-500 sm:col-span-2">{move || i18n.t(|t| t.o.quiet_hint)}</p>
            </fieldset>
            <div class="flex items-center gap-3">
                <button type="submit" class=format!("min-h-11 {PRIMARY}") data-testid="save-messaging">{move || i18n.t(|t| t.s.save)}</button>
                <Show when=move || matches!(save.value().get(), Some(Ok(_)))>
                    <span role="status" class="text-sm text-teal-800" data-testid="messaging-saved">{move || i18n.t(|t| t.s.saved)}</span>
                </Show>
            </div>
        </ActionForm>
    }
}

/// One webhook event: when, what, from whom, what became of it.
#[component]
fn EventItem(event: WebhookEvent, records_base: Option<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    let e = event;
    let reason = e.reason.clone();
    let who = e.related_user_name.clone();
    view! {
        <li class="flex flex-wrap items-baseline gap-x-3 gap-y-1 border-t border-slate-100 py-2 text-sm first:border-t-0" data-testid="webhook-event">
            <span class="text-slate-600">{move || i18n.moment(e.received_at)}</span>
            <span class="font-medium text-slate-900">{move || i18n.tr().o.event_type(e.event_type.as_str())}</span>
            {match who {
                Some(name) => view! { <span class="text-slate-800">{move || i18n.t(|t| t.o.from)}{move || i18n.t(|t| t.colon)}{name.clone()}</span> }.into_any(),
                None => view! { <span class="text-slate-500">{e.sender_phone.clone().unwrap_or_else(|| "—".into())}</span> }.into_any(),
            }}
            {(e.content_length > 0).then(|| view! {
                <span class="text-xs text-slate-500">{e.content_length}" "{move || i18n.t(|t| t.o.characters)}</span>
            })}
            <span class=format!("rounded px-2 py-0.5 text-xs font-semibold {}", event_class(e.processing_status))>
                {move || i18n.tr().o.event_status(e.processing_status.as_str())}
            </span>
            {reason.map(|r| view! { <span class="text-xs text-slate-500">{move || i18n.tr().o.reason(&r)}</span> })}
            {e.related_fiche.zip(records_base).map(|(id, records_base)| view! {
                <A href=format!("{records_base}/{id}") attr:class="text-teal-800 underline">{move || i18n.t(|t| t.o.open_record)}</A>
            })}
        </li>
    }
}

/// `/doctor/sms` and `/admin/sms?event_status=&status=&channel=`.
#[component]
pub fn SmsLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
    let data = Resource::new(
        move || (param("event_status"), param("status"), param("channel")),
        |(event_status, status, channel)| staff_messaging(event_status, status, channel),
    );
    let session = use_session();
    let select = move |name: &'static str,
                       label: fn(&crate::i18n::Tr) -> &'static str,
                       options: Vec<(&'static str, String)>| {
        let current = param(name);
        view! {
            <label class=LABEL for=name>
                <span>{move || i18n.t(label)}</span>
                <select id=name name=name class=INPUT>
                    <option value="" selected=current.is_empty()>{move || i18n.t(|t| t.o.filter_all)}</option>
                    {options.into_iter().map(|(code, text)| {
                        let selected = current == code;
                        view! { <option value=code selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.o.staff_title)}</h1>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let admin = session.user.await.ok().flatten().is_some_and(|u| u.role == Role::Admin);
                // Administrators do not read records.
                let records_base = (!admin).then_some("/doctor/consultations");
                let intro = if admin { i18n.t(|t| t.o.staff_intro_admin) } else { i18n.t(|t| t.o.staff_intro_doctor) };
                let tr = i18n.tr();
                let event_options = WebhookStatus::ALL.iter().map(|s| (s.as_str(), tr.o.event_status(s.as_str()).to_owned())).collect();
                let status_options = OutboundStatus::ALL.iter().map(|s| (s.as_str(), tr.o.status(s.as_str()).to_owned())).collect();
                let channel_options = domain::messaging::Channel::ALL.iter().map(|c| (c.as_str(), channel_name(tr, *c).to_owned())).collect();
                match data.await {
                    Ok((events, sent)) => view! {
                        <p class="mt-1 text-slate-600">{intro}</p>
                        <Form method="GET" action="" attr:class=format!("mt-4 grid gap-3 sm:grid-cols-4 {CARD}")>
                            {select("event_status", |t| t.o.received_status, event_options)}
                            {select("status", |t| t.o.sent_status, status_options)}
                            {select("channel", |t| t.o.filter_channel, channel_options)}
                            <div class="flex items-end"><button type="submit" class=format!("min-h-11 w-full {PRIMARY}")>{move || i18n.t(|t| t.o.filter)}</button></div>
                        </Form>
                        <section class=format!("mt-4 {CARD}") data-testid="received">
                            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.o.received_title)}</h2>
                            {if events.is_empty() {
                                view! { <p class="mt-1 text-sm text-slate-600">{move || i18n.t(|t| t.o.received_empty)}</p> }.into_any()
                            } else {
                                view! { <ul class="mt-1">{events.into_iter().map(|e| view! { <EventItem event=e records_base /> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                        <section class=format!("mt-4 {CARD}") data-testid="outbound">
                            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.o.outbound_title)}</h2>
                            {if sent.is_empty() {
                                view! { <p class="mt-1 text-sm text-slate-600">{move || i18n.t(|t| t.o.outbound_empty)}</p> }.into_any()
                            } else {
                                view! { <ul class="mt-1">{sent.into_iter().map(|m| view! { <SentItem message=m staff=true /> }).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                    }.into_any(),
                    Err(err) => view! { <div class="mt-4"><ErrorBanner error=Signal::derive(move || Some(err.clone())) /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}
