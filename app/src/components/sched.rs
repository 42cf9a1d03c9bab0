//! Pieces shared by the scheduling pages: labels of statuses and consultation
//! types, dates in the reader's language, empty states, the notifications
//! panel and the calendar-feed card.

use leptos::prelude::*;

use crate::api::appointments::{ManageFeed, ReadNotifications, feed_path, my_notifications};
use crate::api::scheduling::LocalTime;
use crate::components::forms::ErrorBanner;
use crate::i18n::{Lang, Sched, use_i18n};

/// Class of a card.
pub const CARD: &str = "rounded-2xl border border-slate-200 bg-white p-5 shadow-sm";
/// Class of an input or select.
pub const INPUT: &str = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm";
/// Class of a primary button.
pub const PRIMARY: &str = "rounded-lg bg-teal-700 px-3 py-2 text-sm font-semibold text-white hover:bg-teal-800 disabled:opacity-60";
/// Class of a secondary button.
pub const SECONDARY: &str =
    "rounded-lg border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100";
/// Class of a destructive button.
pub const DANGER: &str =
    "rounded-lg border border-red-200 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50";

/// The label of an appointment status.
pub fn status_label(s: &Sched, status: &str) -> &'static str {
    match status {
        "pending" => s.status_pending,
        "confirmed" => s.status_confirmed,
        "refused" => s.status_refused,
        "cancelled" => s.status_cancelled,
        "completed" => s.status_completed,
        _ => s.status_no_show,
    }
}

/// The label of a consultation type.
pub fn kind_label(s: &Sched, kind: &str) -> &'static str {
    match kind {
        "in_person" => s.type_in_person,
        "remote" => s.type_remote,
        _ => s.type_both,
    }
}

/// A `YYYY-MM-DD` date as the reader writes it.
pub fn date_text(lang: Lang, date: &str) -> String {
    match (lang, date.split('-').collect::<Vec<_>>().as_slice()) {
        (Lang::Fr, [y, m, d]) => format!("{d}/{m}/{y}"),
        _ => date.to_owned(),
    }
}

/// "Mardi 08/01/2030 09:00".
pub fn when_text(lang: Lang, at: &LocalTime) -> String {
    let day = lang
        .tr()
        .s
        .weekdays
        .get(usize::from(at.weekday))
        .copied()
        .unwrap_or_default();
    format!("{day} {} {}", date_text(lang, &at.date), at.time)
}

/// A coloured status badge.
#[component]
pub fn StatusBadge(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let colour = match status.as_str() {
        "pending" => "bg-amber-100 text-amber-900",
        "confirmed" => "bg-teal-100 text-teal-900",
        "completed" => "bg-sky-100 text-sky-900",
        _ => "bg-slate-200 text-slate-700",
    };
    let label = status.clone();
    view! {
        <span data-status=status class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {colour}")>
            {move || status_label(i18n.tr().s, &label)}
        </span>
    }
}

/// A dashed box saying there is nothing to show.
#[component]
pub fn Empty(text: fn(&Sched) -> &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p data-testid="empty" class="rounded-2xl border border-dashed border-slate-300 p-6 text-center text-slate-500">
            {move || text(i18n.tr().s)}
        </p>
    }
}

/// The signed-in user's notifications, newest first.
#[component]
pub fn NotificationsPanel() -> impl IntoView {
    let i18n = use_i18n();
    let read = ServerAction::<ReadNotifications>::new();
    let inbox = Resource::new(move || read.version().get(), |_| my_notifications());
    view! {
        <section class=format!("mt-6 {CARD}") data-testid="notifications">
            <div class="flex items-center justify-between gap-3">
                <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.notifications_title)}</h2>
                <button type="button" class=SECONDARY on:click=move |_| { read.dispatch(ReadNotifications {}); }>
                    {move || i18n.t(|t| t.s.mark_all_read)}
                </button>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Ok((items, _)) if items.is_empty() => view! { <div class="mt-3"><Empty text=|s| s.notifications_empty /></div> }.into_any(),
                        Ok((items, _)) => view! {
                            <ul class="mt-3 divide-y divide-slate-100">
                                {items.into_iter().map(|n| {
                                    let unread = !n.read;
                                    view! {
                                        <li class="flex items-start gap-2 py-2 text-sm">
                                            <span class=if unread { "mt-1.5 h-2 w-2 rounded-full bg-teal-600" } else { "mt-1.5 h-2 w-2" }></span>
                                            <span>{move || notice_text(i18n.lang(), &n.notice)}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// An instant as "02/12/2026 14:05 UTC".
pub fn utc_text(lang: Lang, at: &jiff::Timestamp) -> String {
    let text = at.strftime("%Y-%m-%d %H:%M").to_string();
    let (date, time) = text.split_once(' ').unwrap_or((&text, ""));
    format!("{} {time} UTC", date_text(lang, date))
}

/// One notification in words.
pub fn notice_text(lang: Lang, notice: &domain::notifications::Notice) -> String {
    use domain::notifications::Notice;
    let s = lang.tr().s;
    match notice {
        Notice::WaitlistOffer {
            doctor_name,
            starts_at,
            expires_at,
            ..
        } => format!(
            "{} Dr {doctor_name} — {} ({} {})",
            s.n_waitlist_offer,
            utc_text(lang, starts_at),
            s.offer_until,
            utc_text(lang, expires_at)
        ),
        Notice::WaitlistExpired {
            doctor_name,
            starts_at,
            ..
        } => format!(
            "{} Dr {doctor_name} — {}",
            s.n_waitlist_expired,
            utc_text(lang, starts_at)
        ),
        Notice::AppointmentRequested {
            patient_name,
            starts_at,
            ..
        } => format!(
            "{} {patient_name} — {}",
            s.n_requested,
            utc_text(lang, starts_at)
        ),
        Notice::AppointmentConfirmed {
            doctor_name,
            starts_at,
            message,
            ..
        } => format!(
            "{} Dr {doctor_name} — {} {message}",
            s.n_confirmed,
            utc_text(lang, starts_at)
        ),
        Notice::AppointmentRefused {
            doctor_name,
            starts_at,
            message,
            ..
        } => format!(
            "{} Dr {doctor_name} — {} {message}",
            s.n_refused,
            utc_text(lang, starts_at)
        ),
        Notice::AppointmentCancelled {
            by_name, starts_at, ..
        } => format!(
            "{} {by_name} — {}",
            s.n_cancelled,
            utc_text(lang, starts_at)
        ),
        Notice::EmergencyAccess {
            doctor_name,
            reason,
            expires_at,
        } => format!(
            "{} Dr {doctor_name} — « {reason} » ({} {})",
            s.n_emergency_access,
            s.emergency_until,
            utc_text(lang, expires_at)
        ),
        Notice::AlertEscalated {
            patient_name,
            title,
            ..
        } => format!("{} {patient_name} — {title}", s.n_alert_escalated),
        Notice::TreatmentPrescribed {
            doctor_name,
            medocs_name,
            ..
        } => format!(
            "{} Dr {doctor_name} — {medocs_name}",
            s.n_treatment_prescribed
        ),
        Notice::DoseDue {
            medocs_name, time, ..
        } => format!("{} {medocs_name} — {time}", s.n_dose_due),
        Notice::ConsultationSubmitted { patient_name, .. } => {
            format!("{} {patient_name}", s.n_consultation_submitted)
        }
        Notice::ConsultationValidated { doctor_name, .. } => {
            format!("{} Dr {doctor_name}", s.n_consultation_validated)
        }
        Notice::ConsultationRejected {
            doctor_name,
            reason,
            ..
        } => format!(
            "{} Dr {doctor_name} — « {reason} »",
            s.n_consultation_rejected
        ),
        Notice::ConsultationMessage { from_name, .. } => {
            format!("{} {from_name}", s.n_consultation_message)
        }
        Notice::ChatMessage { from_name, .. } => format!("{} {from_name}", s.n_chat_message),
    }
}

/// The private calendar feed: create, renew, revoke.
#[component]
pub fn FeedCard() -> impl IntoView {
    let i18n = use_i18n();
    let manage = ServerAction::<ManageFeed>::new();
    let path = Resource::new(move || manage.version().get(), |_| feed_path());
    let error = Signal::derive(move || manage.value().get().and_then(Result::err));
    view! {
        <section class=format!("mt-6 {CARD}") data-testid="feed-card">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.feed_title)}</h2>
            <p class="mt-1 text-sm text-slate-600">{move || i18n.t(|t| t.s.feed_text)}</p>
            <ErrorBanner error />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match path.await.ok().flatten() {
                        Some(path) => view! {
                            <p class="mt-3 break-all rounded-lg bg-slate-100 px-3 py-2 font-mono text-xs" data-testid="feed-path">{path}</p>
                            <div class="mt-3 flex flex-wrap gap-2">
                                <button type="button" class=SECONDARY on:click=move |_| { manage.dispatch(ManageFeed { revoke: false }); }>
                                    {move || i18n.t(|t| t.s.feed_renew)}
                                </button>
                                <button type="button" class=DANGER on:click=move |_| { manage.dispatch(ManageFeed { revoke: true }); }>
                                    {move || i18n.t(|t| t.s.feed_revoke)}
                                </button>
                            </div>
                        }.into_any(),
                        None => view! {
                            <button type="button" class=format!("mt-3 {PRIMARY}") on:click=move |_| { manage.dispatch(ManageFeed { revoke: false }); }>
                                {move || i18n.t(|t| t.s.feed_create)}
                            </button>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
