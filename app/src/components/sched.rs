//! Pieces shared by the scheduling pages: labels of statuses and consultation
//! types, dates in the reader's language, empty states, the notifications
//! panel and the calendar-feed card.

use leptos::prelude::*;

use crate::api::appointments::{
    ActOnAppointment, AnswerWaitlist, ManageFeed, ReadNotifications, feed_path, my_notifications,
};
use crate::components::confirm::ConfirmButton;
use crate::components::forms::ErrorBanner;
use crate::i18n::{I18n, Lang, Sched, use_i18n};

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

/// A language a doctor speaks, by its ISO 639-1 code, named in the reader's
/// language (the code itself when unknown).
pub fn language_name(lang: Lang, code: &str) -> String {
    const NAMES: &[(&str, &str, &str)] = &[
        ("fr", "français", "French"),
        ("en", "anglais", "English"),
        ("ar", "arabe", "Arabic"),
        ("es", "espagnol", "Spanish"),
        ("de", "allemand", "German"),
        ("it", "italien", "Italian"),
        ("pt", "portugais", "Portuguese"),
        ("nl", "néerlandais", "Dutch"),
        ("vi", "vietnamien", "Vietnamese"),
        ("zh", "chinois", "Chinese"),
        ("ln", "lingala", "Lingala"),
        ("sw", "swahili", "Swahili"),
        ("wo", "wolof", "Wolof"),
        ("tr", "turc", "Turkish"),
        ("ru", "russe", "Russian"),
        ("ro", "roumain", "Romanian"),
        ("pl", "polonais", "Polish"),
        ("kab", "kabyle", "Kabyle"),
        ("ber", "berbère", "Berber"),
    ];
    let code = code.trim().to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or(code.clone(), |(_, fr, en)| match lang {
            Lang::Fr => (*fr).to_owned(),
            Lang::En => (*en).to_owned(),
        })
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
    let inbox = Resource::new(|| (), |_| my_notifications());
    view! {
        <section class=format!("mt-6 {CARD}") data-testid="notifications">
            <div class="flex items-center justify-between gap-3">
                <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.notifications_title)}</h2>
                <MarkAllRead />
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
                                            <span class=if unread { "mt-1.5 h-2 w-2 shrink-0 rounded-full bg-teal-600" } else { "mt-1.5 h-2 w-2 shrink-0" }></span>
                                            <span>{move || notice_text(i18n, &n.notice)}</span>
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

/// Marks every notification read; the page is loaded again.
#[island]
fn MarkAllRead() -> impl IntoView {
    let i18n = use_i18n();
    let read = ServerAction::<ReadNotifications>::new();
    crate::islands::reload_after(read);
    view! {
        <button type="button" class=SECONDARY data-testid="mark-all-read" disabled=move || read.pending().get()
            on:click=move |_| { read.dispatch(ReadNotifications {}); }>
            {move || i18n.t(|t| t.s.mark_all_read)}
        </button>
    }
}

/// Cancels an appointment after the one confirmation (`what` names it),
/// then loads the page again. `on_home`: the patient home's card.
#[island]
pub fn CancelAppointment(id: i64, what: String, on_home: bool) -> impl IntoView {
    let act = ServerAction::<ActOnAppointment>::new();
    crate::islands::reload_after(act);
    let testid = if on_home {
        "home-cancel"
    } else {
        "cancel-appointment"
    };
    view! {
        <ConfirmButton label=|t| t.s.cancel_appointment question=|t| t.u.cancel_appointment_question
            yes=|t| t.u.cancel_appointment_yes testid what=Signal::stored(what)
            confirm=Callback::new(move |()| { act.dispatch(ActOnAppointment { id, action: "cancel".into(), message: String::new() }); }) />
        <ErrorBanner error=Signal::derive(move || act.value().get().and_then(Result::err)) />
    }
}

/// Takes the place a waiting list offers, then loads the page again.
#[island]
pub fn AcceptOffer(id: i64, on_home: bool) -> impl IntoView {
    let i18n = use_i18n();
    let answer = ServerAction::<AnswerWaitlist>::new();
    crate::islands::reload_after(answer);
    let (class, testid) = if on_home {
        (format!("mt-2 min-h-11 {PRIMARY}"), "home-accept-offer")
    } else {
        (PRIMARY.to_string(), "accept-offer")
    };
    view! {
        <button type="button" class=class data-testid=testid
            disabled=move || answer.pending().get()
            on:click=move |_| { answer.dispatch(AnswerWaitlist { id, accept: true }); }>
            {move || i18n.t(|t| t.s.accept_offer)}
        </button>
        <ErrorBanner error=Signal::derive(move || answer.value().get().and_then(Result::err)) />
    }
}

/// One notification in words.
pub fn notice_text(i18n: I18n, notice: &domain::notifications::Notice) -> String {
    use domain::notifications::Notice;
    let s = i18n.tr().s;
    match notice {
        Notice::WaitlistOffer {
            doctor_name,
            starts_at,
            expires_at,
            ..
        } => format!(
            "{} Dr {doctor_name} — {} ({} {})",
            s.n_waitlist_offer,
            i18n.moment(*starts_at),
            s.offer_until,
            i18n.moment(*expires_at)
        ),
        Notice::WaitlistExpired {
            doctor_name,
            starts_at,
            ..
        } => format!(
            "{} Dr {doctor_name} — {}",
            s.n_waitlist_expired,
            i18n.moment(*starts_at)
        ),
        Notice::AppointmentRequested {
            patient_name,
            starts_at,
            ..
        } => format!(
            "{} {patient_name} — {}",
            s.n_requested,
            i18n.moment(*starts_at)
        ),
        Notice::AppointmentConfirmed {
            doctor_name,
            starts_at,
            message,
            ..
        } => format!(
            "{} Dr {doctor_name} — {} {message}",
            s.n_confirmed,
            i18n.moment(*starts_at)
        ),
        Notice::AppointmentRefused {
            doctor_name,
            starts_at,
            message,
            ..
        } => format!(
            "{} Dr {doctor_name} — {} {message}",
            s.n_refused,
            i18n.moment(*starts_at)
        ),
        Notice::AppointmentCancelled {
            by_name,
            starts_at,
            reason,
            ..
        } if !reason.is_empty() => format!(
            "{} {by_name} — {} « {reason} »",
            s.n_cancelled,
            i18n.moment(*starts_at)
        ),
        Notice::AppointmentCancelled {
            by_name, starts_at, ..
        } => format!("{} {by_name} — {}", s.n_cancelled, i18n.moment(*starts_at)),
        Notice::EmergencyAccess {
            doctor_name,
            reason,
            expires_at,
        } => format!(
            "{} Dr {doctor_name} — « {reason} » ({} {})",
            s.n_emergency_access,
            s.emergency_until,
            i18n.moment(*expires_at)
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
    let path = Resource::new(|| (), |_| feed_path());
    view! {
        <section class=format!("mt-6 {CARD}") data-testid="feed-card">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.s.feed_title)}</h2>
            <p class="mt-1 text-sm text-slate-600">{move || i18n.t(|t| t.s.feed_text)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let path = path.await.ok().flatten();
                    view! { <FeedControls path /> }
                })}
            </Transition>
        </section>
    }
}

/// The feed's address and buttons; the address is shown anew after each.
#[island(lazy)]
fn FeedControls(path: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let manage = ServerAction::<ManageFeed>::new();
    let path = RwSignal::new(path);
    let fetch = Action::new(|(): &()| feed_path());
    Effect::new(move |_| {
        if matches!(manage.value().get(), Some(Ok(()))) {
            fetch.dispatch(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = fetch.value().get() {
            path.set(fresh);
        }
    });
    let error = Signal::derive(move || manage.value().get().and_then(Result::err));
    view! {
        <ErrorBanner error />
        {move || match path.get() {
            Some(path) => view! {
                <p class="mt-3 break-all rounded-lg bg-slate-100 px-3 py-2 font-mono text-xs" data-testid="feed-path">{path}</p>
                <div class="mt-3 flex flex-wrap gap-2">
                    <button type="button" class=SECONDARY on:click=move |_| { manage.dispatch(ManageFeed { revoke: false }); }>
                        {move || i18n.t(|t| t.s.feed_renew)}
                    </button>
                    <ConfirmButton label=|t| t.s.feed_revoke question=|t| t.u.revoke_feed_question
                        yes=|t| t.s.feed_revoke testid="revoke-feed"
                        confirm=Callback::new(move |()| { manage.dispatch(ManageFeed { revoke: true }); }) />
                </div>
            }.into_any(),
            None => view! {
                <button type="button" class=format!("mt-3 {PRIMARY}") on:click=move |_| { manage.dispatch(ManageFeed { revoke: false }); }>
                    {move || i18n.t(|t| t.s.feed_create)}
                </button>
            }.into_any(),
        }}
    }
}
