//! `/admin/exports`: research exports. An administrator picks a dataset, a
//! period, filters and how dates are written, previews the first rows and
//! what k-anonymity leaves out, starts the export, follows its progress (the
//! list is read again every two seconds while a job runs), downloads the
//! file, and stops or removes a job after confirming.

use domain::exports::{
    Dataset, DatePrecision, ExportFilters, ExportJob, ExportStatus, Format, NewExport, Preview,
    Sex, fhir_resource_types, statuses,
};
use jiff::civil::Date;
use leptos::prelude::*;

use crate::api::accounts::list_specialties;
use crate::api::exports::{create_export, list_exports, preview_export, remove_export};
use crate::components::confirm::ConfirmButton;
use crate::components::forms::ErrorBanner;
use crate::components::medical::{FieldError, LABEL};
use crate::components::meters::Bar;
use crate::components::sched::{CARD, INPUT, PRIMARY, SECONDARY};
use crate::error::UiError;
use crate::i18n::{Lang, Tr, use_i18n};
use crate::time::civil_in;

/// What the form asks the server for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ask {
    Preview,
    Create,
}

/// What the server answered.
#[derive(Clone)]
enum Answer {
    Preview(Preview),
    Created,
}

/// The form's fields as typed.
#[derive(Clone, Copy)]
struct Fields {
    dataset: RwSignal<Dataset>,
    format: RwSignal<Format>,
    date_start: RwSignal<String>,
    date_end: RwSignal<String>,
    precision: RwSignal<DatePrecision>,
    k: RwSignal<String>,
    status: RwSignal<String>,
    age_min: RwSignal<String>,
    age_max: RwSignal<String>,
    sex: RwSignal<String>,
    specialty: RwSignal<String>,
    free_text: RwSignal<bool>,
    personal: RwSignal<bool>,
    reason: RwSignal<String>,
}

fn invalid(field: &str, code: &str) -> UiError {
    UiError {
        code: code.into(),
        field: Some(field.into()),
    }
}

impl Fields {
    fn new(today: Date) -> Self {
        let year_ago = today.checked_sub(jiff::Span::new().years(1)).unwrap_or(today);
        Self {
            dataset: RwSignal::new(Dataset::Consultations),
            format: RwSignal::new(Format::Csv),
            date_start: RwSignal::new(year_ago.to_string()),
            date_end: RwSignal::new(today.to_string()),
            precision: RwSignal::new(DatePrecision::Shifted),
            k: RwSignal::new("5".into()),
            status: RwSignal::new(String::new()),
            age_min: RwSignal::new(String::new()),
            age_max: RwSignal::new(String::new()),
            sex: RwSignal::new(String::new()),
            specialty: RwSignal::new(String::new()),
            free_text: RwSignal::new(false),
            personal: RwSignal::new(false),
            reason: RwSignal::new(String::new()),
        }
    }

    /// The request, or the first field that does not read.
    fn request(&self) -> Result<NewExport, UiError> {
        let day = |field: &str, raw: String| {
            raw.trim()
                .parse::<Date>()
                .map_err(|_| invalid(field, "required"))
        };
        let age = |field: &str, raw: String| match raw.trim() {
            "" => Ok(None),
            raw => raw
                .parse::<u8>()
                .ok()
                .filter(|a| *a <= 120)
                .map(Some)
                .ok_or_else(|| invalid(field, "out_of_range")),
        };
        let text = |raw: String| Some(raw.trim().to_owned()).filter(|t| !t.is_empty());
        let personal = self.personal.get_untracked();
        let precision = self.precision.get_untracked();
        Ok(NewExport {
            dataset: self.dataset.get_untracked(),
            export_format: self.format.get_untracked(),
            date_start: day("date_start", self.date_start.get_untracked())?,
            date_end: day("date_end", self.date_end.get_untracked())?,
            include_personal_data: personal,
            personal_data_reason: personal.then(|| text(self.reason.get_untracked())).flatten(),
            include_free_text: self.free_text.get_untracked(),
            filters: ExportFilters {
                status: text(self.status.get_untracked()),
                age_min: age("filters.age_min", self.age_min.get_untracked())?,
                age_max: age("filters.age_max", self.age_max.get_untracked())?,
                sex: Sex::parse(&self.sex.get_untracked()),
                specialty: text(self.specialty.get_untracked()),
            },
            // Exact dates only with personal data; the other choices stand.
            date_precision: Some(match (personal, precision) {
                (false, DatePrecision::Exact) => DatePrecision::Shifted,
                (_, p) => p,
            }),
            k_anonymity: Some(
                self.k
                    .get_untracked()
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|k| (1..=100).contains(k))
                    .ok_or_else(|| invalid("k_anonymity", "out_of_range"))?,
            ),
            max_records: None,
        })
    }
}

/// A select bound to a signal of codes.
fn choice<T: Copy + Send + Sync + PartialEq + 'static>(
    id: &'static str,
    label: fn(&Tr) -> &'static str,
    value: RwSignal<T>,
    options: &'static [T],
    code: fn(T) -> &'static str,
    name: fn(&Tr, &str) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class=LABEL for=id>
            <span>{move || i18n.t(label)}</span>
            <select id=id class=INPUT data-testid=id
                on:change:target=move |ev| {
                    if let Some(v) = options.iter().find(|o| code(**o) == ev.target().value()) {
                        value.set(*v);
                    }
                }>
                {options.iter().map(|o| {
                    let o = *o;
                    view! { <option value=code(o) selected=move || value.get() == o>{move || name(i18n.tr(), code(o))}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// A text or number field bound to a signal, with its error.
fn field(
    id: &'static str,
    label: fn(&Tr) -> &'static str,
    kind: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<UiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class=LABEL for=id>
            <span>{move || i18n.t(label)}</span>
            <input id=id type=kind class=INPUT data-testid=id inputmode=(kind == "number").then_some("numeric")
                prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value()) />
            <FieldError name=id error />
        </label>
    }
}

/// `/admin/exports`.
#[component]
pub fn ExportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let today = civil_in(&i18n.zone(), jiff::Timestamp::now()).date();
    let fields = Fields::new(today);
    let typed_error = RwSignal::new(None::<UiError>);
    let ask = Action::new(move |(what, request): &(Ask, NewExport)| {
        let (what, request) = (*what, request.clone());
        async move {
            match what {
                Ask::Preview => preview_export(request).await.map(Answer::Preview),
                Ask::Create => create_export(request).await.map(|_| Answer::Created),
            }
        }
    });
    let send = move |what: Ask| match fields.request() {
        Ok(request) => {
            typed_error.set(None);
            ask.dispatch((what, request));
        }
        Err(err) => typed_error.set(Some(err)),
    };
    let error = Signal::derive(move || {
        typed_error
            .get()
            .or_else(|| ask.value().get().and_then(Result::err))
    });
    let remove = Action::new(|id: &i64| remove_export(*id));

    // The jobs, read again every two seconds while one is not over.
    let tick = RwSignal::new(0u32);
    let jobs = Resource::new(
        move || (tick.get(), ask.version().get(), remove.version().get()),
        |_| list_exports(),
    );
    #[cfg(feature = "hydrate")]
    {
        let active = Memo::new(move |_| {
            jobs.get()
                .and_then(Result::ok)
                .is_some_and(|jobs| jobs.iter().any(|j| !j.status.is_over()))
        });
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if active.get_untracked() {
                    tick.update(|t| *t = t.wrapping_add(1));
                }
            },
            std::time::Duration::from_secs(2),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    let specialties = Resource::new(|| (), |()| list_specialties());

    view! {
        <h1 class="text-2xl font-bold">{move || i18n.t(|t| t.x.title)}</h1>
        <p class="mt-1 max-w-3xl text-slate-600">{move || i18n.t(|t| t.x.intro)}</p>
        <section class=format!("mt-4 {CARD}") data-testid="export-form">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.x.new_title)}</h2>
            <div class="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
                <div class="lg:col-span-2">
                    {choice("dataset", |t| t.x.dataset_label, fields.dataset, Dataset::ALL, Dataset::as_str, |t, c| t.x.dataset(c))}
                </div>
                {choice("export_format", |t| t.x.format_label, fields.format, Format::ALL, Format::as_str, |t, c| t.x.format(c))}
                {field("date_start", |t| t.x.date_start_label, "date", fields.date_start, error)}
                {field("date_end", |t| t.x.date_end_label, "date", fields.date_end, error)}
            </div>
            <fieldset class="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                <legend class="text-sm font-semibold text-slate-800">{move || i18n.t(|t| t.x.filters_title)}</legend>
                <label class=LABEL for="filters.status">
                    <span>{move || i18n.t(|t| t.x.status_label)}</span>
                    <select id="filters.status" class=INPUT data-testid="filters.status"
                        prop:value=move || fields.status.get()
                        on:change:target=move |ev| fields.status.set(ev.target().value())>
                        <option value="">{move || i18n.t(|t| t.x.any)}</option>
                        {move || statuses(fields.dataset.get()).iter().map(|code| view! {
                            <option value=*code selected=move || fields.status.get() == *code>{move || i18n.tr().x.row_status(code)}</option>
                        }).collect_view()}
                    </select>
                    <FieldError name="filters.status" error />
                </label>
                <label class=LABEL for="filters.sex">
                    <span>{move || i18n.t(|t| t.x.sex_label)}</span>
                    <select id="filters.sex" class=INPUT on:change:target=move |ev| fields.sex.set(ev.target().value())>
                        <option value="">{move || i18n.t(|t| t.x.any)}</option>
                        {Sex::ALL.iter().map(|s| view! {
                            <option value=s.as_str() selected=move || fields.sex.get() == s.as_str()>{move || i18n.tr().x.sex(s.as_str())}</option>
                        }).collect_view()}
                    </select>
                </label>
                {field("filters.age_min", |t| t.x.age_min_label, "number", fields.age_min, error)}
                {field("filters.age_max", |t| t.x.age_max_label, "number", fields.age_max, error)}
                <label class=LABEL for="filters.specialty">
                    <span>{move || i18n.t(|t| t.x.specialty_label)}</span>
                    <select id="filters.specialty" class=INPUT on:change:target=move |ev| fields.specialty.set(ev.target().value())>
                        <option value="">{move || i18n.t(|t| t.x.any)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let lang = i18n.lang();
                                specialties.await.unwrap_or_default().into_iter().map(|s| {
                                    let name = if lang == Lang::Fr { s.name_fr } else { s.name_en };
                                    let code = s.code;
                                    let selected = fields.specialty.get_untracked() == code;
                                    view! { <option value=code selected=selected>{name}</option> }
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
                    <FieldError name="filters.specialty" error />
                </label>
            </fieldset>
            <div class="mt-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                <div>
                    {choice("date_precision", |t| t.x.precision_label, fields.precision, DatePrecision::ALL, DatePrecision::as_str, |t, c| t.x.precision(c))}
                    <FieldError name="date_precision" error />
                    <p class="mt-1 text-xs text-slate-500">{move || i18n.t(|t| t.x.precision_hint)}</p>
                </div>
                <div>
                    {field("k_anonymity", |t| t.x.k_label, "number", fields.k, error)}
                    <p class="mt-1 text-xs text-slate-500">{move || i18n.t(|t| t.x.k_hint)}</p>
                </div>
                <div class="space-y-2 sm:col-span-2">
                    <label class="flex min-h-11 items-center gap-2 text-sm font-medium text-slate-800">
                        <input type="checkbox" class="h-5 w-5 accent-teal-700" data-testid="include_free_text"
                            prop:checked=move || fields.free_text.get()
                            on:change:target=move |ev| fields.free_text.set(ev.target().checked()) />
                        {move || i18n.t(|t| t.x.free_text_label)}
                    </label>
                    <p class="text-xs text-slate-500">{move || i18n.t(|t| t.x.free_text_hint)}</p>
                    <label class="flex min-h-11 items-center gap-2 text-sm font-medium text-slate-800">
                        <input type="checkbox" class="h-5 w-5 accent-teal-700" data-testid="include_personal_data"
                            prop:checked=move || fields.personal.get()
                            on:change:target=move |ev| fields.personal.set(ev.target().checked()) />
                        {move || i18n.t(|t| t.x.personal_label)}
                    </label>
                    <p class="text-xs text-slate-500">{move || i18n.t(|t| t.x.personal_hint)}</p>
                    <Show when=move || fields.personal.get()>
                        <label class=LABEL for="personal_data_reason">
                            <span>{move || i18n.t(|t| t.x.reason_label)}</span>
                            <textarea id="personal_data_reason" rows="2" maxlength="500" class=INPUT data-testid="personal_data_reason"
                                prop:value=move || fields.reason.get()
                                on:input:target=move |ev| fields.reason.set(ev.target().value())></textarea>
                            <FieldError name="personal_data_reason" error />
                        </label>
                    </Show>
                </div>
            </div>
            <div class="mt-4">
                <ErrorBanner error=Signal::derive(move || error.get().filter(|e| e.field.as_deref().is_none_or(|f| f == "date_end" && e.code == "range_too_long"))) />
            </div>
            <div class="mt-4 flex flex-wrap items-center gap-3">
                <button type="button" class=format!("min-h-11 {SECONDARY}") data-testid="preview-export"
                    disabled=move || ask.pending().get() on:click=move |_| send(Ask::Preview)>
                    {move || i18n.t(|t| t.x.preview_button)}
                </button>
                <button type="button" class=format!("min-h-11 {PRIMARY}") data-testid="create-export"
                    disabled=move || ask.pending().get() on:click=move |_| send(Ask::Create)>
                    {move || i18n.t(|t| t.x.create_button)}
                </button>
                <Show when=move || matches!(ask.value().get(), Some(Ok(Answer::Created)))>
                    <span role="status" class="text-sm text-teal-800" data-testid="export-created">{move || i18n.t(|t| t.x.created)}</span>
                </Show>
            </div>
            {move || match ask.value().get() {
                Some(Ok(Answer::Preview(p))) => Some(view! { <PreviewTable preview=p /> }),
                _ => None,
            }}
        </section>
        <section class=format!("mt-4 {CARD}") data-testid="export-jobs">
            <h2 class="text-lg font-semibold">{move || i18n.t(|t| t.x.jobs_title)}</h2>
            <ErrorBanner error=Signal::derive(move || remove.value().get().and_then(Result::err)) />
            <Transition fallback=move || view! { <p class="text-slate-500">{move || i18n.t(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="mt-1 text-sm text-slate-600" data-testid="jobs-empty">{move || i18n.t(|t| t.x.jobs_empty)}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-2 divide-y divide-slate-100">
                                {list.into_iter().map(|job| view! { <JobItem job remove=Callback::new(move |id| { remove.dispatch(id); }) /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorBanner error=Signal::derive(move || Some(err.clone())) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The counts and first rows of a preview.
#[component]
fn PreviewTable(preview: Preview) -> impl IntoView {
    let i18n = use_i18n();
    let p = preview;
    let counts: [(fn(&Tr) -> &'static str, i64, &'static str); 4] = [
        (|t| t.x.rows_selected, p.rows_selected, "rows-selected"),
        (|t| t.x.rows_suppressed, p.rows_suppressed, "rows-suppressed"),
        (|t| t.x.patients, p.patients, "patients"),
        (|t| t.x.patients_suppressed, p.patients_suppressed, "patients-suppressed"),
    ];
    let empty = p.rows.is_empty();
    let all_left_out = empty && p.rows_selected > 0;
    view! {
        <div class="mt-4 border-t border-slate-200 pt-4" data-testid="export-preview">
            <h3 class="font-semibold">{move || i18n.t(|t| t.x.preview_title)}</h3>
            <dl class="mt-2 grid grid-cols-2 gap-3 sm:grid-cols-4">
                {counts.into_iter().map(|(label, n, id)| view! {
                    <div class="rounded-lg bg-slate-50 p-3">
                        <dt class="text-xs text-slate-600">{move || i18n.t(label)}</dt>
                        <dd class="text-xl font-semibold text-slate-900" data-testid=id>{n}</dd>
                    </div>
                }).collect_view()}
            </dl>
            {if empty {
                view! { <p class="mt-3 text-sm text-slate-600" data-testid="preview-empty">
                    {move || if all_left_out { i18n.t(|t| t.x.preview_all_left_out) } else { i18n.t(|t| t.x.preview_empty) }}
                </p> }.into_any()
            } else {
                view! {
                    <div class="mt-3 max-w-full overflow-x-auto rounded-lg border border-slate-200">
                        <table class="min-w-full text-sm">
                            <thead class="bg-slate-50"><tr>
                                {p.columns.into_iter().map(|c| view! { <th scope="col" class="px-3 py-2 text-left font-mono text-xs font-semibold text-slate-600">{c}</th> }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|row| view! {
                                    <tr class="border-t border-slate-100">
                                        {row.into_iter().map(|cell| view! {
                                            <td class="whitespace-nowrap px-3 py-1.5 text-slate-800">{cell.unwrap_or_else(|| "—".into())}</td>
                                        }).collect_view()}
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <p class="mt-1 text-xs text-slate-500">{move || i18n.t(|t| t.x.preview_more)}</p>
                }.into_any()
            }}
        </div>
    }
}

/// The colours of a job's status.
fn status_class(status: ExportStatus) -> &'static str {
    match status {
        ExportStatus::Completed => "bg-teal-50 text-teal-900",
        ExportStatus::Pending | ExportStatus::Running => "bg-amber-50 text-amber-900",
        ExportStatus::Failed => "bg-red-50 text-red-900",
        ExportStatus::Cancelled | ExportStatus::Expired => "bg-slate-100 text-slate-700",
    }
}

/// A day in full: "01/06/2026", "1 Jun 2026".
fn full_day(tr: &Tr, lang: Lang, day: Date) -> String {
    match lang {
        Lang::Fr => format!("{:02}/{:02}/{}", day.day(), day.month(), day.year()),
        Lang::En => format!(
            "{} {} {}",
            day.day(),
            tr.u.months_short[(day.month() - 1) as usize],
            day.year()
        ),
    }
}

/// One job: what, by whom, where it stands, its file.
#[component]
fn JobItem(job: ExportJob, remove: Callback<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let j = job;
    let id = j.id;
    let over = j.status.is_over();
    let (dataset, format, status) = (j.dataset, j.export_format, j.status);
    let period = move || {
        let (tr, lang) = (i18n.tr(), i18n.lang());
        format!("{} → {}", full_day(tr, lang, j.date_start), full_day(tr, lang, j.date_end))
    };
    let what = Signal::derive(move || {
        format!("{} ({}), {}", i18n.tr().x.dataset(dataset.as_str()), i18n.tr().x.format(format.as_str()), period())
    });
    let progress = (!over).then(|| {
        let estimated = j.rows_estimated.filter(|n| *n > 0);
        let fraction = estimated.map_or(0.0, |n| j.rows_done as f64 / n as f64);
        view! {
            <div class="mt-2 max-w-md" data-testid="export-progress">
                <Bar fraction label=format!("{:.0} %", fraction * 100.0) height="h-3" />
                <p class="mt-1 text-xs text-slate-600">
                    {j.rows_done}" "
                    {estimated.map(|n| view! { {move || i18n.t(|t| t.x.of)}" "{n}" " })}
                    {move || i18n.t(|t| t.x.rows_read)}
                </p>
            </div>
        }
    });
    let done = (status == ExportStatus::Completed).then(|| {
        let links: Vec<(String, String)> = if format == Format::Fhir {
            fhir_resource_types(dataset)
                .iter()
                .map(|ty| (format!("/api/v1/exports/{id}/download/?type={ty}"), (*ty).to_owned()))
                .collect()
        } else {
            vec![(format!("/api/v1/exports/{id}/download/"), String::new())]
        };
        view! {
            <p class="mt-1 text-sm text-slate-700">
                {j.records_count.unwrap_or(0)}" "{move || i18n.t(|t| t.x.rows_in_file)}
                {j.suppressed_count.filter(|n| *n > 0).map(|n| view! { ", "{n}" "{move || i18n.t(|t| t.x.left_out)} })}
                {j.file_size.map(|b| view! { " · "{move || i18n.tr().x.size(b)} })}
            </p>
            <div class="mt-2 flex flex-wrap gap-2">
                {links.into_iter().map(|(href, ty)| view! {
                    <a href=href download rel="external" class=format!("inline-flex min-h-11 items-center {PRIMARY}") data-testid="download-export">
                        {move || i18n.t(|t| t.x.download)}{(!ty.is_empty()).then(|| format!(" {ty}"))}
                    </a>
                }).collect_view()}
            </div>
        }
    });
    let expires = j.expires_at.filter(|_| status == ExportStatus::Completed);
    view! {
        <li class="py-3" data-testid="export-job" data-status=status.as_str()>
            <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <span class="font-semibold text-slate-900">{move || i18n.tr().x.dataset(dataset.as_str())}</span>
                <span class="text-sm text-slate-600">{move || i18n.tr().x.format(format.as_str())}</span>
                <span class="text-sm text-slate-600">{period}</span>
                <span class=format!("rounded px-2 py-0.5 text-xs font-semibold {}", status_class(status)) data-testid="export-status">
                    {move || i18n.tr().x.status(status.as_str())}
                </span>
                {if j.include_personal_data {
                    view! { <span class="rounded bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-900">{move || i18n.t(|t| t.x.personal_badge)}</span> }.into_any()
                } else {
                    view! { <span class="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{move || i18n.t(|t| t.x.anonymised_badge)}" · "{move || i18n.tr().x.precision(j.date_precision.as_str())}" · k = "{j.k_anonymity}</span> }.into_any()
                }}
                {j.include_free_text.then(|| view! { <span class="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{move || i18n.t(|t| t.x.free_text_badge)}</span> })}
            </div>
            <p class="mt-1 text-xs text-slate-500">
                {move || i18n.t(|t| t.x.requested_by)}{move || i18n.t(|t| t.colon)}{j.created_by_name.clone().unwrap_or_default()}
                " · "{move || i18n.moment(j.created_at)}
                {j.finished_at.map(|at| view! { " · "{move || i18n.t(|t| t.x.finished)}" "{move || i18n.moment(at)} })}
                {expires.map(|at| view! { " · "{move || i18n.t(|t| t.x.removed_on)}" "{move || i18n.day_of(at)} })}
            </p>
            {j.personal_data_reason.clone().map(|r| view! { <p class="mt-1 text-sm text-slate-700 italic">{r}</p> })}
            {j.error.clone().map(|e| view! { <p class="mt-1 text-sm text-red-800" role="alert">{e}</p> })}
            {progress}
            {done}
            <div class="mt-2">
                {if over {
                    view! { <ConfirmButton label=|t| t.x.remove question=|t| t.x.remove_question yes=|t| t.x.remove_yes
                        testid="remove-export" what confirm=Callback::new(move |()| remove.run(id)) /> }.into_any()
                } else {
                    view! { <ConfirmButton label=|t| t.x.cancel question=|t| t.x.cancel_question yes=|t| t.x.cancel_yes
                        testid="cancel-export" what confirm=Callback::new(move |()| remove.run(id)) /> }.into_any()
                }}
            </div>
        </li>
    }
}
