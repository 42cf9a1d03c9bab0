//! The homes of the patient and the doctor: what to do now, each card
//! linking to its full page. Every resource is made when the page starts
//! (before any Suspense), so the server and the browser number them alike.

use domain::consultations::ConsultationStatus;
use leptos::prelude::*;
use leptos_router::components::A;

use super::dashboard::Greeting;
use super::record::StatusBadge as RecordBadge;
use super::treatments::DoseRow;
use crate::api::appointments::{AppointmentView, ListQuery, list_appointments, my_waitlist};
use crate::api::chat::chat_unread;
use crate::api::clinical::read_treatments;
use crate::api::records::list_records;
use crate::api::vitals::{care_board, vital_alerts, vitals_overview};
use crate::components::sched::{
    AcceptOffer, CARD, CancelAppointment, NotificationsPanel, PRIMARY, SECONDARY, StatusBadge,
};
use crate::components::vitals::{CARD_ORDER, alert_title, value_text, vital_name};
use crate::error::UiError;
use crate::i18n::{I18n, Tr, use_i18n};

/// A home card: a title linking to the full page, and its content.
#[component]
pub(super) fn HomeCard(
    title: fn(&Tr) -> &'static str,
    href: &'static str,
    testid: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class=CARD data-testid=testid>
            <div class="flex items-baseline justify-between gap-2">
                <h2 class="text-lg font-semibold">{move || i18n.t(title)}</h2>
                <A href=href attr:class="shrink-0 text-sm text-teal-700 underline">{move || i18n.t(|t| t.u.see_all)}</A>
            </div>
            <div class="mt-2">{children()}</div>
        </section>
    }
}

/// A one-line empty state inside a card.
#[component]
pub(super) fn Nothing(text: fn(&Tr) -> &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="text-sm text-slate-500" data-testid="home-empty">{move || i18n.t(text)}</p> }
}

pub(super) fn today(i18n: I18n) -> String {
    crate::time::civil_in(&i18n.zone(), jiff::Timestamp::now())
        .date()
        .to_string()
}

/// `/patient`: the next appointment, a place offered from a waiting list,
/// today's doses, the latest vitals and alerts, unread messages, the last
/// record, then the notifications.
#[component]
pub fn PatientHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let from = today(i18n);
    let coming = Resource::new(
        || (),
        move |_| {
            list_appointments(ListQuery {
                status: String::new(),
                from: from.clone(),
                to: String::new(),
            })
        },
    );
    let waitlist = Resource::new(|| (), |_| my_waitlist());
    let doses = Resource::new(|| (), |_| read_treatments(None));
    let vitals = Resource::new(|| (), |_| vitals_overview(None, "hour".into()));
    let alerts = Resource::new(|| (), |_| vital_alerts(None));
    let unread = Resource::new(|| (), |_| chat_unread());
    let records = Resource::new(|| (), |_| list_records(None, None));
    view! {
        <Greeting intro=|t| t.dashboard_patient_text />
        <div class="mt-4 grid gap-4 lg:grid-cols-2">
            <HomeCard title=|t| t.u.next_appointment href="/patient/appointments" testid="home-next-appointment">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let next = coming.await.unwrap_or_default().into_iter()
                            .filter(|a| matches!(a.status.as_str(), "pending" | "confirmed") && !a.started)
                            .min_by_key(|a| a.start.at);
                        match next {
                            Some(a) => view! { <NextAppointment a /> }.into_any(),
                            None => view! {
                                <Nothing text=|t| t.u.no_coming_appointment />
                                <A href="/patient/doctors" attr:class=format!("mt-2 inline-block {PRIMARY}")>{move || i18n.t(|t| t.s.nav_find_doctor)}</A>
                            }.into_any(),
                        }
                    })}
                </Transition>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        waitlist.await.unwrap_or_default().into_iter().filter(|w| w.status == "offered").map(|w| {
                            let (id, at, until) = (w.id, w.offer.as_ref().map(|o| o.at), w.expires);
                            view! {
                                <div class="mt-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-950" data-testid="home-offer">
                                    <p>
                                        <strong>{move || i18n.t(|t| t.s.offer_text)}</strong>{move || i18n.t(|t| t.colon)}
                                        "Dr " {w.doctor_name.clone()} ", " {move || at.map(|at| i18n.moment(at)).unwrap_or_default()}
                                        " (" {move || i18n.t(|t| t.s.offer_until)} " " {move || until.map(|u| i18n.moment(u)).unwrap_or_default()} ")"
                                    </p>
                                    <AcceptOffer id on_home=true />
                                </div>
                            }
                        }).collect_view()
                    })}
                </Transition>
            </HomeCard>
            <HomeCard title=|t| t.m.today_doses href="/patient/treatments" testid="home-doses">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match doses.await {
                            Ok(o) if !o.day.doses.is_empty() => {
                                let day = o.day.day.to_string();
                                view! {
                                    <ul class="divide-y divide-slate-100">
                                        {o.day.doses.into_iter().map(|d| view! { <DoseRow d day=day.clone() patient=true /> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                            _ => view! { <Nothing text=|t| t.m.no_doses_today /> }.into_any(),
                        }
                    })}
                </Transition>
            </HomeCard>
            <HomeCard title=|t| t.v.nav_vitals href="/patient/vitals" testid="home-vitals">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let latest = vitals.await.map(|o| o.latest).unwrap_or_default();
                        let active: Vec<_> = alerts.await.unwrap_or_default().into_iter().filter(|a| a.cleared_at.is_none()).collect();
                        let shown: Vec<_> = CARD_ORDER.into_iter()
                            .filter_map(|v| latest.get(v.as_str()).map(|l| (v, l.valeur)))
                            .take(4)
                            .collect();
                        view! {
                            {shown.is_empty().then(|| view! { <Nothing text=|t| t.v.no_readings /> })}
                            <dl class="grid grid-cols-2 gap-2 text-sm">
                                {shown.into_iter().map(|(vital, value)| view! {
                                    <div>
                                        <dt class="text-slate-500">{move || vital_name(i18n.tr().v, vital)}</dt>
                                        <dd class="text-lg font-semibold">{move || value_text(i18n.lang(), vital, value)} " " {vital.spec().symbol}</dd>
                                    </div>
                                }).collect_view()}
                            </dl>
                            {active.into_iter().take(2).map(|a| view! {
                                <p class="mt-2 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="home-alert">
                                    {let a = a.clone(); move || alert_title(i18n, &a)} " — " {let at = a.date_creation; move || i18n.moment(at)}
                                </p>
                            }).collect_view()}
                        }
                    })}
                </Transition>
            </HomeCard>
            <div class="grid gap-4">
                <MessagesCard href="/patient/messages" unread />
                <HomeCard title=|t| t.u.last_record href="/patient/consultations" testid="home-record">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let last = records.await.unwrap_or_default().into_iter().max_by_key(|r| r.updated_at);
                            match last {
                                Some(r) => {
                                    let href = format!("/patient/consultations/{}", r.id);
                                    let at = r.updated_at;
                                    view! {
                                        <p class="flex flex-wrap items-center gap-2 text-sm">
                                            <RecordBadge status=r.status />
                                            <span>"Dr " {r.doctor.name.clone()} " · " {move || i18n.moment(at)}</span>
                                        </p>
                                        <A href=href attr:class=format!("mt-2 inline-block {SECONDARY}")>{move || i18n.t(|t| t.u.open)}</A>
                                    }.into_any()
                                }
                                None => view! { <Nothing text=|t| t.u.no_record /> }.into_any(),
                            }
                        })}
                    </Transition>
                </HomeCard>
            </div>
        </div>
        <NotificationsPanel />
    }
}

/// The messages card: "3 message(s) non lu(s)", or none.
#[component]
fn MessagesCard(href: &'static str, unread: Resource<Result<i64, UiError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <HomeCard title=|t| t.c.nav_messages href testid="home-messages">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let n = unread.await.unwrap_or(0);
                    view! {
                        <p class="text-sm" data-testid="home-unread" data-count=n>
                            {move || if n == 0 { i18n.t(|t| t.u.no_unread).to_owned() } else { format!("{n} {}", i18n.t(|t| t.u.unread_messages)) }}
                        </p>
                    }
                })}
            </Transition>
        </HomeCard>
    }
}

/// The next appointment with its actions.
#[component]
fn NextAppointment(a: AppointmentView) -> impl IntoView {
    let i18n = use_i18n();
    let (id, at) = (a.id, a.start.at);
    let reschedule = format!("/patient/doctors/{}?reschedule={id}", a.doctor_id);
    let doctor = a.doctor_name.clone();
    let what = format!("{} — Dr {doctor}", i18n.moment(at));
    view! {
        <p class="text-xl font-semibold" data-testid="home-next-when">{move || i18n.moment(at)}</p>
        <p class="flex flex-wrap items-center gap-2 text-sm text-slate-600">"Dr " {doctor} <StatusBadge status=a.status.clone() /></p>
        <div class="mt-3 flex flex-wrap items-center gap-2">
            <A href=reschedule attr:class=format!("inline-flex min-h-11 items-center {SECONDARY}")>{move || i18n.t(|t| t.s.reschedule)}</A>
            <CancelAppointment id what on_home=true />
        </div>
    }
}

/// `/doctor`: today's agenda, requests to answer, records to validate,
/// active alerts of the patients in care, unread messages, notifications.
#[component]
pub fn DoctorHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let day = today(i18n);
    let agenda = Resource::new(
        || (),
        move |_| {
            list_appointments(ListQuery {
                status: String::new(),
                from: day.clone(),
                to: day.clone(),
            })
        },
    );
    let requests = Resource::new(
        || (),
        |_| {
            list_appointments(ListQuery {
                status: "pending".into(),
                from: String::new(),
                to: String::new(),
            })
        },
    );
    let queue = Resource::new(|| (), |_| list_records(Some("submitted".into()), None));
    let board = Resource::new(|| (), |_| care_board());
    let unread = Resource::new(|| (), |_| chat_unread());
    view! {
        <Greeting intro=|t| t.dashboard_doctor_text />
        <div class="mt-4 grid gap-4 lg:grid-cols-2">
            <HomeCard title=|t| t.u.today_agenda href="/doctor/agenda" testid="home-agenda">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let mut list: Vec<_> = agenda.await.unwrap_or_default().into_iter()
                            .filter(|a| matches!(a.status.as_str(), "pending" | "confirmed" | "completed" | "no_show"))
                            .collect();
                        list.sort_by_key(|a| a.start.at);
                        if list.is_empty() {
                            return view! { <Nothing text=|t| t.u.no_appointment_today /> }.into_any();
                        }
                        view! {
                            <ul class="divide-y divide-slate-100 text-sm">
                                {list.into_iter().map(|a| {
                                    let at = a.start.at;
                                    view! {
                                        <li class="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="home-agenda-item">
                                            <span><strong>{move || i18n.hour(at)}</strong> " " {a.patient_name.clone()}</span>
                                            <StatusBadge status=a.status.clone() />
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </Transition>
            </HomeCard>
            <HomeCard title=|t| t.u.requests href="/doctor/agenda" testid="home-requests">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list = requests.await.unwrap_or_default();
                        if list.is_empty() {
                            return view! { <Nothing text=|t| t.u.no_requests /> }.into_any();
                        }
                        view! {
                            <ul class="divide-y divide-slate-100 text-sm">
                                {list.into_iter().take(5).map(|a| {
                                    let at = a.start.at;
                                    view! { <li class="py-2"><strong>{move || i18n.moment(at)}</strong> " " {a.patient_name.clone()}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </Transition>
            </HomeCard>
            <HomeCard title=|t| t.r.nav_doctor_records href="/doctor/consultations" testid="home-queue">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let list: Vec<_> = queue.await.unwrap_or_default().into_iter()
                            .filter(|r| r.status == ConsultationStatus::Submitted).collect();
                        if list.is_empty() {
                            return view! { <Nothing text=|t| t.u.no_queue /> }.into_any();
                        }
                        view! {
                            <ul class="divide-y divide-slate-100 text-sm">
                                {list.into_iter().take(5).map(|r| {
                                    let href = format!("/doctor/consultations/{}", r.id);
                                    view! { <li class="py-2"><A href=href attr:class="text-teal-800 underline">{r.patient.name.clone()}</A> " — " {r.reason.clone().unwrap_or_default()}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </Transition>
            </HomeCard>
            <div class="grid gap-4">
                <HomeCard title=|t| t.u.patient_alerts href="/doctor/monitoring" testid="home-alerts">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let rows: Vec<_> = board.await.unwrap_or_default().into_iter()
                                .filter(|row| row.active_alerts > 0).collect();
                            if rows.is_empty() {
                                return view! { <Nothing text=|t| t.u.no_patient_alerts /> }.into_any();
                            }
                            view! {
                                <ul class="divide-y divide-slate-100 text-sm">
                                    {rows.into_iter().take(5).map(|row| {
                                        let href = format!("/doctor/patients/{}/vitals", row.patient);
                                        let n = row.active_alerts;
                                        view! { <li class="py-2"><A href=href attr:class="text-teal-800 underline">{row.name.clone()}</A> " — " {n} " " {move || i18n.t(|t| t.u.active_alerts)}</li> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        })}
                    </Transition>
                </HomeCard>
                <MessagesCard href="/doctor/messages" unread />
            </div>
        </div>
        <NotificationsPanel />
    }
}
