//! A page shaped like the patient's home (next appointment, today's doses,
//! latest vitals and alerts, unread messages, the last record, a waiting-list
//! offer, notifications, the navigation and the assistant's button) written
//! with Leptos islands: the cards are rendered by the server only, and only
//! what a person acts on (ticking a dose, cancelling with a confirmation,
//! taking an offer, marking a notification read, the menu, the assistant's
//! button) is hydrated in the browser. Built without the `islands` feature,
//! the same portal (a router, the home's data read through a server function
//! into a resource) is hydrated whole, as the platform's pages are today.

use jiff::Timestamp;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use serde::{Deserialize, Serialize};

/// What the home shows, as the server sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Home {
    pub next: Option<Appointment>,
    pub offer: Option<(String, Timestamp, Timestamp)>,
    pub doses: Vec<(String, Timestamp, bool)>,
    pub vitals: Vec<(String, f64, Timestamp)>,
    pub alerts: Vec<(String, f64, f64, Timestamp)>,
    pub unread: Vec<(String, Timestamp)>,
    pub last_record: Option<(Timestamp, String)>,
    pub notifications: Vec<(u32, String, Timestamp, bool)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: u32,
    pub at: Timestamp,
    pub doctor: String,
    pub specialty: String,
    pub remote: bool,
}

#[server]
pub async fn load_home() -> Result<Home, ServerFnError> {
    let at = |s: &str| {
        s.parse::<Timestamp>()
            .map_err(|e| ServerFnError::new(e.to_string()))
    };
    Ok(Home {
        next: Some(Appointment {
            id: 12,
            at: at("2026-12-08T13:30:00Z")?,
            doctor: "Dr Claire Moreau".into(),
            specialty: "Cardiologie".into(),
            remote: false,
        }),
        offer: Some((
            "Dr Petit".into(),
            at("2026-12-10T08:00:00Z")?,
            at("2026-12-09T17:00:00Z")?,
        )),
        doses: vec![
            (
                "Metformine 500 mg".into(),
                at("2026-12-07T07:00:00Z")?,
                true,
            ),
            ("Ramipril 5 mg".into(), at("2026-12-07T07:00:00Z")?, false),
        ],
        vitals: vec![
            ("spo2".into(), 96.0, at("2026-12-07T06:00:00Z")?),
            ("heart_rate".into(), 72.0, at("2026-12-07T06:00:00Z")?),
        ],
        alerts: vec![],
        unread: vec![("Dr Moreau".into(), at("2026-12-06T16:00:00Z")?)],
        last_record: Some((at("2026-11-25T10:00:00Z")?, "validated".into())),
        notifications: (0..5)
            .map(|i| Ok((i, "Rappel".to_owned(), at("2026-12-06T09:00:00Z")?, false)))
            .collect::<Result<_, ServerFnError>>()?,
    })
}

#[server]
pub async fn tick_dose(dose: u32, taken: bool) -> Result<bool, ServerFnError> {
    let _ = dose;
    Ok(taken)
}

#[server]
pub async fn cancel_appointment(appointment: u32, reason: String) -> Result<String, ServerFnError> {
    Ok(format!("{appointment} {reason}"))
}

#[server]
pub async fn answer_offer(offer: u32, take: bool) -> Result<Option<String>, ServerFnError> {
    Ok(take.then(|| offer.to_string()))
}

#[server]
pub async fn mark_read(notification: u32) -> Result<u32, ServerFnError> {
    Ok(notification)
}

/// A dose of today, as the server gives it to the island that ticks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dose {
    pub id: u32,
    pub medicine: String,
    pub at: String,
    pub taken: bool,
    pub label_taken: String,
    pub label_take: String,
}

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn DoseTick(dose: Dose) -> impl IntoView {
    let taken = RwSignal::new(dose.taken);
    let error = RwSignal::new(None::<String>);
    let tick = Action::new(move |now: &bool| {
        let now = *now;
        async move { tick_dose(dose.id, now).await }
    });
    Effect::new(move || match tick.value().get() {
        Some(Ok(t)) => taken.set(t),
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let (take, done) = (dose.label_take.clone(), dose.label_taken.clone());
    view! {
        <label class="flex items-center gap-2">
            <input type="checkbox" prop:checked=move || taken.get()
                on:change=move |ev| { tick.dispatch(event_target_checked(&ev)); } />
            <span>{dose.medicine.clone()} " · " {dose.at.clone()}</span>
            <span class="text-sm">{move || if taken.get() { done.clone() } else { take.clone() }}</span>
        </label>
        {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
    }
}

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn CancelAppointment(
    appointment: u32,
    what: String,
    confirm: String,
    keep: String,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let cancel = Action::new(move |r: &String| {
        let r = r.clone();
        async move { cancel_appointment(appointment, r).await }
    });
    view! {
        <button on:click=move |_| open.set(true)>{confirm.clone()}</button>
        <Show when=move || open.get()>
            <div role="dialog" aria-modal="true">
                <p>{what.clone()}</p>
                <textarea on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <button on:click=move |_| { cancel.dispatch(reason.get()); open.set(false); }>{confirm.clone()}</button>
                <button on:click=move |_| open.set(false)>{keep.clone()}</button>
            </div>
        </Show>
        {move || cancel.value().get().map(|r| match r {
            Ok(done) => view! { <p role="status">{done}</p> }.into_any(),
            Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
        })}
    }
}

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn OfferButtons(offer: u32, take: String, decline: String) -> impl IntoView {
    let answer = Action::new(move |t: &bool| {
        let t = *t;
        async move { answer_offer(offer, t).await }
    });
    view! {
        <button on:click=move |_| { answer.dispatch(true); }>{take}</button>
        <button on:click=move |_| { answer.dispatch(false); }>{decline}</button>
        {move || answer.value().get().map(|r| view! { <p role="status">{format!("{r:?}")}</p> })}
    }
}

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn MarkRead(notification: u32, label: String) -> impl IntoView {
    let read = RwSignal::new(false);
    let mark = Action::new(move |_: &()| async move { mark_read(notification).await });
    Effect::new(move || {
        if let Some(Ok(_)) = mark.value().get() {
            read.set(true);
        }
    });
    view! {
        <button disabled=move || read.get() on:click=move |_| { mark.dispatch(()); }>{label}</button>
    }
}

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn Menu(label: String, children: Children) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>{label}</button>
        <div class:hidden=move || !open.get()>{children()}</div>
    }
}

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn AssistantButton(label: String) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>{label}</button>
        <Show when=move || open.get()><div role="dialog">"…"</div></Show>
    }
}

fn card(title: &'static str, body: impl IntoView + 'static) -> impl IntoView {
    view! { <section class="rounded border p-4"><h2 class="font-semibold">{title}</h2>{body}</section> }
}

/// The page, rendered by the server; the islands inside it hydrate.
#[component]
pub fn PatientHome() -> impl IntoView {
    let doses = vec![
        ("Metformine 500 mg", "08:00", true),
        ("Ramipril 5 mg", "08:00", false),
        ("Metformine 500 mg", "20:00", false),
    ];
    let data = Resource::new(|| (), |_| load_home());
    let nav = [
        "Accueil",
        "Trouver un médecin",
        "Mes rendez-vous",
        "Liste d’attente",
        "Mes constantes",
        "Mes fiches",
        "Mes traitements",
        "Mes symptômes",
        "Messagerie",
        "Mon compte",
    ];
    view! {
        <header>
            <Menu label="Menu".into()>
                <nav><ul>{nav.iter().map(|n| view! { <li><a href="#">{*n}</a></li> }).collect_view()}</ul></nav>
            </Menu>
            <AssistantButton label="Assistant".into() />
        </header>
        <main class="grid gap-4">
            {card("Prochain rendez-vous", view! {
                <p>"Mardi 8 décembre, 14:30 · Dr Claire Moreau, cardiologie · au cabinet"</p>
                <a href="#">"Déplacer"</a>
                <CancelAppointment appointment=12 what="Le rendez-vous du mardi 8 décembre à 14:30 avec Dr Moreau sera annulé.".into() confirm="Annuler le rendez-vous".into() keep="Garder".into() />
            })}
            {card("Place proposée", view! {
                <p>"Dr Petit, jeudi 10 décembre 09:00, à confirmer avant mercredi 9 décembre 18:00"</p>
                <OfferButtons offer=4 take="Prendre".into() decline="Refuser".into() />
            })}
            {card("Traitements du jour", view! {
                <ul>{doses.into_iter().enumerate().map(|(i, (m, at, taken))| view! {
                    <li><DoseTick dose=Dose { id: i as u32, medicine: m.into(), at: at.into(), taken, label_taken: "Pris".into(), label_take: "À prendre".into() } /></li>
                }).collect_view()}</ul>
            })}
            {card("Dernières constantes", view! {
                <svg viewBox="0 0 100 10" role="img" aria-label="SpO2 96 %"><rect width="96" height="10" /></svg>
                <p>"SpO2 96 % · fréquence cardiaque 72/min · 37,1 °C · NEWS2 1 (faible)"</p>
                <p role="alert">"Aucune alerte active"</p>
            })}
            <Suspense fallback=|| "…">
                {move || data.get().map(|h| match h {
                    Ok(h) => view! {
                        <ul>{h.next.map(|a| view! { <li>{a.doctor} " " {a.specialty} " " {a.at.to_string()} {a.remote}</li> })}</ul>
                        <ul>{h.doses.into_iter().map(|(m, at, t)| view! { <li>{m} " " {at.to_string()} {t}</li> }).collect_view()}</ul>
                        <ul>{h.vitals.into_iter().map(|(c, v, at)| view! { <li>{c} " " {v} " " {at.to_string()}</li> }).collect_view()}</ul>
                        <ul>{h.alerts.into_iter().map(|(c, v, w, at)| view! { <li>{c} " " {v} " " {w} " " {at.to_string()}</li> }).collect_view()}</ul>
                        <ul>{h.unread.into_iter().map(|(f, at)| view! { <li>{f} " " {at.to_string()}</li> }).collect_view()}</ul>
                        <p>{h.last_record.map(|(at, s)| format!("{at} {s}"))}</p>
                        <p>{h.offer.map(|(d, a, u)| format!("{d} {a} {u}"))}</p>
                        <ul>{h.notifications.into_iter().map(|(i, t, at, r)| view! { <li>{i} {t} " " {at.to_string()} {r}</li> }).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </Suspense>
            {card("Messages non lus", view! { <a href="#">"2 messages de Dr Moreau"</a> })}
            {card("Dernière fiche", view! { <a href="#">"Consultation du 25 novembre · validée"</a> })}
            {card("Notifications", view! {
                <ul>{(0..5).map(|i| view! {
                    <li>"Rappel : rendez-vous demain à 14:30" <MarkRead notification=i label="Lu".into() /></li>
                }).collect_view()}</ul>
            })}
        </main>
    }
}

/// The portal: the home and two other pages behind a router (rendered by the
/// server only, with islands).
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| "Page introuvable">
                <Route path=path!("/") view=PatientHome />
                <Route path=path!("/patient/appointments") view=|| view! { <p>"Mes rendez-vous"</p> } />
                <Route path=path!("/patient/doctors/:id") view=|| view! { <p>"Un médecin"</p> } />
            </Routes>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(feature = "islands")]
    leptos::mount::hydrate_islands();
    #[cfg(not(feature = "islands"))]
    leptos::mount::hydrate_body(App);
}
