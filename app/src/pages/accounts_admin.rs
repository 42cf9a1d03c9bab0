//! Administration of accounts: list with a role filter, creation of doctors and
//! administrators, deactivation.

use domain::accounts::{Role, User};
use leptos::prelude::*;

use crate::api::accounts::{CreateStaff, DeactivateAccount, list_accounts, list_specialties};
use crate::components::forms::{ErrorBanner, INPUT_CLASS, PasswordField, SubmitButton, TextField};
use crate::i18n::{Lang, use_i18n};

/// The accounts page of the administration portal.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateStaff>::new();
    let deactivate = ServerAction::<DeactivateAccount>::new();
    let role_filter = RwSignal::new(String::new());
    let accounts = Resource::new(
        move || {
            (
                role_filter.get(),
                create.version().get(),
                deactivate.version().get(),
            )
        },
        |(role, _, _)| list_accounts(Some(role)),
    );
    let specialties = Resource::new(|| (), |_| list_specialties());
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let created = move || matches!(create.value().get(), Some(Ok(_)));
    let deactivate_error = Signal::derive(move || deactivate.value().get().and_then(Result::err));
    let select = "w-full rounded-lg border border-slate-300 bg-white px-3 py-2";

    view! {
        <h1 class="text-2xl font-bold text-slate-900">{move || i18n.t(|t| t.accounts_title)}</h1>

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
                        <option value="doctor">{move || i18n.t(|t| t.role_doctor)}</option>
                        <option value="admin">{move || i18n.t(|t| t.role_admin)}</option>
                    </select>
                </label>
                <label class="block space-y-1">
                    <span class="text-sm font-medium text-slate-700">{move || i18n.t(|t| t.specialty_label)}</span>
                    <select name="specialty" class=select>
                        <option value="">{move || i18n.t(|t| t.no_specialty)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                specialties.await.unwrap_or_default().into_iter().map(|s| {
                                    let code = s.code.clone();
                                    view! { <option value=code>{move || if i18n.lang() == Lang::Fr { s.name_fr.clone() } else { s.name_en.clone() }}</option> }
                                }).collect_view()
                            })}
                        </Transition>
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
                class="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm"
                on:change=move |ev| role_filter.set(event_target_value(&ev))
            >
                <option value="">{move || i18n.t(|t| t.filter_all_roles)}</option>
                <option value="patient">{move || i18n.t(|t| t.role_patient)}</option>
                <option value="doctor">{move || i18n.t(|t| t.role_doctor)}</option>
                <option value="admin">{move || i18n.t(|t| t.role_admin)}</option>
            </select>
        </div>
        <div class="mt-3"><ErrorBanner error=deactivate_error /></div>

        <Transition fallback=move || view! { <p class="mt-4 text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="mt-6 rounded-2xl border border-dashed border-slate-300 p-8 text-center text-slate-500">{move || i18n.t(|t| t.accounts_empty)}</p>
                    }.into_any(),
                    Ok(list) => view! { <AccountsTable accounts=list deactivate=deactivate /> }.into_any(),
                    Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountsTable(
    accounts: Vec<User>,
    deactivate: ServerAction<DeactivateAccount>,
) -> impl IntoView {
    let i18n = use_i18n();
    let th = "px-3 py-2 text-left text-xs font-semibold uppercase text-slate-500";
    view! {
        <div class="mt-4 overflow-x-auto rounded-2xl border border-slate-200 bg-white shadow-sm">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="accounts-table">
                <thead class="bg-slate-50">
                    <tr>
                        <th class=th>{move || i18n.t(|t| t.col_name)}</th>
                        <th class=th>{move || i18n.t(|t| t.username_label)}</th>
                        <th class=th>{move || i18n.t(|t| t.email_label)}</th>
                        <th class=th>{move || i18n.t(|t| t.role_label)}</th>
                        <th class=th>{move || i18n.t(|t| t.col_status)}</th>
                        <th class=th>{move || i18n.t(|t| t.col_actions)}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {accounts.into_iter().map(|user| {
                        let id = user.id;
                        let role: Role = user.role;
                        let active = user.active;
                        view! {
                            <tr>
                                <td class="whitespace-nowrap px-3 py-2 font-medium text-slate-900">{user.full_name()}</td>
                                <td class="px-3 py-2">{user.username.clone()}</td>
                                <td class="px-3 py-2">{user.email.clone()}</td>
                                <td class="px-3 py-2">{move || i18n.tr().role(role)}</td>
                                <td class="px-3 py-2">
                                    {move || if active { i18n.t(|t| t.status_active) } else { i18n.t(|t| t.status_deactivated) }}
                                </td>
                                <td class="px-3 py-2">
                                    <Show when=move || active>
                                        <button
                                            type="button"
                                            class="rounded-lg border border-red-200 px-2 py-1 text-xs text-red-700 hover:bg-red-50"
                                            on:click=move |_| { deactivate.dispatch(DeactivateAccount { id }); }
                                        >
                                            {move || i18n.t(|t| t.deactivate)}
                                        </button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
