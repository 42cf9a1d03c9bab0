//! Administration of accounts: list with a role filter, creation of any
//! account (patients too), changes, one-time password reset links,
//! deactivation (confirmed) and reactivation.

use domain::accounts::{Role, Specialty, User};
use leptos::prelude::*;

use super::account::SettingsFields;
use crate::api::account_settings::{IssuePasswordReset, SaveAccount};
use crate::api::accounts::{
    CreateStaff, DeactivateAccount, ReactivateAccount, list_accounts, list_specialties,
};
use crate::components::confirm::ConfirmButton;
use crate::components::forms::{ErrorBanner, INPUT_CLASS, PasswordField, SubmitButton, TextField};
use crate::i18n::{Lang, use_i18n};

/// The actions of the accounts page, shared by its rows.
#[derive(Clone, Copy)]
struct Actions {
    deactivate: ServerAction<DeactivateAccount>,
    reactivate: ServerAction<ReactivateAccount>,
    save: ServerAction<SaveAccount>,
    reset: ServerAction<IssuePasswordReset>,
    /// The account whose change form is open.
    editing: RwSignal<Option<i64>>,
}

/// The accounts page of the administration portal.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let accounts = Resource::new(|| (), |_| list_accounts(Some(String::new())));
    let specialties = Resource::new(|| (), |_| list_specialties());
    view! {
        <h1 class="text-2xl font-bold text-slate-900">{move || i18n.t(|t| t.accounts_title)}</h1>
        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                let specialties = specialties.await.unwrap_or_default();
                match accounts.await {
                    Ok(initial) => view! { <AccountsAdmin initial specialties /> }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Everything the page acts on: creating an account, the role filter and
/// the accounts with their changes, reset links, deactivation and
/// reactivation; the list is read again after each.
#[island(lazy)]
fn AccountsAdmin(initial: Vec<User>, specialties: Vec<Specialty>) -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateStaff>::new();
    let actions = Actions {
        deactivate: ServerAction::new(),
        reactivate: ServerAction::new(),
        save: ServerAction::new(),
        reset: ServerAction::new(),
        editing: RwSignal::new(None),
    };
    let role_filter = RwSignal::new(String::new());
    let accounts = RwSignal::new(initial);
    let refresh = Action::new(|role: &String| list_accounts(Some(role.clone())));
    // Read again on a filter or after an action (not when first drawn).
    Effect::new(move |drawn: Option<()>| {
        let role = role_filter.get();
        create.version().track();
        actions.deactivate.version().track();
        actions.reactivate.version().track();
        actions.save.version().track();
        if drawn.is_some() {
            refresh.dispatch(role);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(list)) = refresh.value().get() {
            accounts.set(list);
        }
    });
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let created = move || matches!(create.value().get(), Some(Ok(_)));
    let list_error = Signal::derive(move || {
        actions
            .deactivate
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.reactivate.value().get().and_then(Result::err))
            .or_else(|| actions.reset.value().get().and_then(Result::err))
    });
    // A saved change closes its form.
    Effect::new(move |_| {
        if matches!(actions.save.value().get(), Some(Ok(_))) {
            actions.editing.set(None);
        }
    });
    let select = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2";

    view! {
        <details class="mt-6 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
            <summary class="cursor-pointer font-semibold text-slate-900">{move || i18n.t(|t| t.create_staff_title)}</summary>
            <ActionForm action=create attr:class="mt-4 grid gap-4 sm:grid-cols-2" attr:data-testid="create-staff-form">
                <div class="sm:col-span-2"><ErrorBanner error=create_error /></div>
                <Show when=created>
                    <p role="status" class="sm:col-span-2 rounded-lg bg-teal-50 px-3 py-2 text-sm text-teal-900">{move || i18n.t(|t| t.account_created)}</p>
                </Show>
                <label class="block space-y-1">
                    <span class="text-sm font-medium text-slate-700">{move || i18n.t(|t| t.role_label)}</span>
                    <select name="role" class=select>
                        <option value="patient">{move || i18n.t(|t| t.role_patient)}</option>
                        <option value="doctor">{move || i18n.t(|t| t.role_doctor)}</option>
                        <option value="admin">{move || i18n.t(|t| t.role_admin)}</option>
                    </select>
                </label>
                <label class="block space-y-1">
                    <span class="text-sm font-medium text-slate-700">{move || i18n.t(|t| t.specialty_label)}</span>
                    <select name="specialty" class=select>
                        <option value="">{move || i18n.t(|t| t.no_specialty)}</option>
                        {specialties.into_iter().map(|s| {
                            let code = s.code.clone();
                            view! { <option value=code>{move || if i18n.lang() == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() }}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="block space-y-1" for="timezone">
                    <span class="text-sm font-medium text-slate-700">{move || i18n.t(|t| t.s.timezone_label)}</span>
                    <input id="timezone" name="timezone" value="Europe/Paris" autocomplete="off" class=INPUT_CLASS />
                </label>
                <TextField name="first_name" label=|t| t.first_name_label />
                <TextField name="last_name" label=|t| t.last_name_label />
                <TextField name="username" label=|t| t.username_label />
                <TextField name="email" label=|t| t.email_label kind="email" />
                <div class="sm:col-span-2">
                    <PasswordField name="password" label=|t| t.password_label autocomplete="new-password" hint=|t| t.password_hint />
                </div>
                <div class="sm:col-span-2">
                    <SubmitButton label=|t| t.create_account busy_label=|t| t.loading busy=create.pending() />
                </div>
            </ActionForm>
        </details>

        <div class="mt-6 flex items-center gap-3">
            <select
                data-testid="role-filter"
                aria-label=move || i18n.t(|t| t.role_label)
                class="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm"
                on:change=move |ev| role_filter.set(event_target_value(&ev))
            >
                <option value="">{move || i18n.t(|t| t.filter_all_roles)}</option>
                <option value="patient">{move || i18n.t(|t| t.role_patient)}</option>
                <option value="doctor">{move || i18n.t(|t| t.role_doctor)}</option>
                <option value="admin">{move || i18n.t(|t| t.role_admin)}</option>
            </select>
        </div>
        <div class="mt-3"><ErrorBanner error=list_error /></div>
        <ResetLink reset=actions.reset />

        {move || {
            let list = accounts.get();
            if list.is_empty() {
                view! {
                    <p class="mt-6 rounded-2xl border border-dashed border-slate-300 p-8 text-center text-slate-500">{move || i18n.t(|t| t.accounts_empty)}</p>
                }.into_any()
            } else {
                view! { <AccountsList accounts=list actions /> }.into_any()
            }
        }}
        <ErrorBanner error=Signal::derive(move || refresh.value().get().and_then(Result::err)) />
    }
}

/// The reset link just issued, with who it is for and until when.
#[component]
fn ResetLink(reset: ServerAction<IssuePasswordReset>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        reset.value().get().and_then(Result::ok).map(|link| {
            let href = link.path.clone();
            let full = move || {
                let origin = window_origin();
                format!("{origin}{href}")
            };
            let until = link.expires_at;
            view! {
                <div role="status" data-testid="reset-link" class="mt-3 rounded-2xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
                    <p class="font-semibold">{move || i18n.t(|t| t.u.reset_link_title)}</p>
                    <p class="mt-1">{move || i18n.t(|t| t.u.reset_link_text)} " " {move || i18n.moment(until)} "."</p>
                    <p class="mt-2 break-all rounded-lg bg-white px-3 py-2 font-mono text-xs" data-testid="reset-link-path">{full}</p>
                </div>
            }
        })
    }
}

/// The page's origin, to show a link someone can open elsewhere.
fn window_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// The accounts, one card each (a table would not fit a phone).
#[component]
fn AccountsList(accounts: Vec<User>, actions: Actions) -> impl IntoView {
    view! {
        <ul class="mt-4 divide-y divide-slate-100 rounded-2xl border border-slate-200 bg-white shadow-sm" data-testid="accounts-table">
            {accounts.into_iter().map(|user| view! { <AccountRow user actions /> }).collect_view()}
        </ul>
    }
}

#[component]
fn AccountRow(user: User, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.id;
    let role: Role = user.role;
    let active = user.active;
    let what = format!("{} ({})", user.full_name(), user.username);
    let save_error = Signal::derive(move || {
        actions
            .save
            .value()
            .get()
            .and_then(Result::err)
            .filter(|_| actions.editing.get() == Some(id))
    });
    let editing = move || actions.editing.get() == Some(id);
    let edited = user.clone();
    view! {
        <li class="p-4" data-testid="account" data-username=user.username.clone() data-active=active.to_string()>
            <div class="flex flex-wrap items-start justify-between gap-3">
                <div class="min-w-0">
                    <p class="font-medium text-slate-900">{user.full_name()}
                        <span class="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{move || i18n.tr().role(role)}</span>
                        {(!active).then(|| view! { <span class="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-xs text-red-800">{move || i18n.t(|t| t.status_deactivated)}</span> })}
                    </p>
                    <p class="break-all text-sm text-slate-600">{user.username.clone()} " · " {user.email.clone()}</p>
                </div>
                <div class="flex flex-wrap items-center gap-2">
                    <button type="button" data-testid="edit-account"
                        class="min-h-11 rounded-lg border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100"
                        on:click=move |_| actions.editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })>
                        {move || i18n.t(|t| t.u.edit)}
                    </button>
                    <button type="button" data-testid="reset-password"
                        class="min-h-11 rounded-lg border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100"
                        on:click=move |_| { actions.reset.dispatch(IssuePasswordReset { id }); }>
                        {move || i18n.t(|t| t.u.reset_password)}
                    </button>
                    {if active {
                        view! {
                            <ConfirmButton label=|t| t.deactivate question=|t| t.u.deactivate_question yes=|t| t.u.deactivate_yes
                                testid="deactivate" what=Signal::stored(what.clone())
                                confirm=Callback::new(move |()| { actions.deactivate.dispatch(DeactivateAccount { id }); }) />
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" data-testid="reactivate"
                                class="min-h-11 rounded-lg border border-teal-300 px-3 py-1.5 text-sm text-teal-800 hover:bg-teal-50"
                                on:click=move |_| { actions.reactivate.dispatch(ReactivateAccount { id }); }>
                                {move || i18n.t(|t| t.reactivate)}
                            </button>
                        }.into_any()
                    }}
                </div>
            </div>
            <Show when=editing>
                {let edited = edited.clone(); move || { let edited = edited.clone(); view! {
                <ActionForm action=actions.save attr:class="mt-3 grid gap-3 sm:grid-cols-2" attr:data-testid="edit-account-form">
                    <input type="hidden" name="id" value=id />
                    <SettingsFields user=edited error=save_error />
                    <div class="sm:col-span-2">
                        <button type="submit" class="min-h-11 rounded-lg bg-teal-700 px-4 py-2 font-semibold text-white hover:bg-teal-800" data-testid="save-edited-account">
                            {move || i18n.t(|t| t.s.save)}
                        </button>
                    </div>
                </ActionForm>
                } }}
            </Show>
        </li>
    }
}
