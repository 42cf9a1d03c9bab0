//! The administrator's home: the day's activity at a glance.

use leptos::prelude::*;
use leptos_router::components::A;

use super::dashboard::Greeting;
use super::homes::{Nothing, today};
use crate::api::accounts::todays_activity;
use crate::components::forms::ErrorBanner;
use crate::components::meters::Bar;
use crate::components::sched::{CARD, status_label};
use crate::i18n::{Tr, use_i18n};

/// `/admin`: the day's activity at a glance (the administrator's day),
/// each figure linking to its full page.
#[component]
pub fn AdminHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let activity = Resource::new(|| (), |_| todays_activity());
    let day = today(i18n);
    view! {
        <Greeting intro=|t| t.dashboard_admin_text />
        <Transition fallback=|| ()>
            {move || { let day = day.clone(); Suspend::new(async move {
                match activity.await {
                    Ok(a) => {
                        let total: i64 = a.appointments.iter().map(|(_, n)| n).sum();
                        let most = a.appointments.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
                        let appointments_href = format!("/admin/appointments?from={day}&to={day}");
                        view! {
                            <div class="mt-4 grid gap-4 sm:grid-cols-3">
                                <Figure title=|t| t.u.accounts_today value=a.accounts_created href="/admin/accounts" testid="home-accounts" />
                                <Figure title=|t| t.u.active_alerts_title value=a.active_alerts href="/admin/devices" testid="home-active-alerts" />
                                <Figure title=|t| t.u.refused_sign_ins value=a.refused_sign_ins href="/admin/trail" testid="home-refused" />
                            </div>
                            <section class=format!("mt-4 {CARD}") data-testid="home-appointments">
                                <div class="flex items-baseline justify-between gap-2">
                                    <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.u.appointments_today)} " (" {total} ")"</h2>
                                    <A href=appointments_href attr:class="shrink-0 text-sm text-teal-700 underline">{move || i18n.t(|t| t.u.see_all)}</A>
                                </div>
                                {if a.appointments.is_empty() {
                                    view! { <Nothing text=|t| t.u.no_appointment_today /> }.into_any()
                                } else {
                                    view! {
                                        <ul class="mt-2 space-y-2">
                                            {a.appointments.into_iter().map(|(status, n)| {
                                                let code = status.clone();
                                                view! {
                                                    <li data-status=status>
                                                        <div class="flex justify-between text-sm">
                                                            <span>{move || status_label(i18n.tr().s, &code)}</span>
                                                            <span class="font-semibold">{n}</span>
                                                        </div>
                                                        <Bar fraction=n as f64 / most as f64 label=format!("{n}") />
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}}
        </Transition>
    }
}

/// One figure of the administrator's home.
#[component]
fn Figure(
    title: fn(&Tr) -> &'static str,
    value: i64,
    href: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href=href attr:class=format!("block {CARD} hover:border-teal-300") attr:data-testid=testid>
            <p class="text-sm text-slate-600">{move || i18n.t(title)}</p>
            <p class="mt-1 text-3xl font-bold text-slate-900" data-testid="figure">{value}</p>
        </A>
    }
}
