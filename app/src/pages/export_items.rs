//! The parts of `/admin/exports` that show what the server answered: a
//! preview's counts and first rows, and one export job with its progress,
//! its file and what can be done with it.

use domain::exports::{ExportJob, ExportStatus, Format, Preview, fhir_resource_types};
use jiff::civil::Date;
use leptos::prelude::*;

use crate::components::confirm::ConfirmButton;
use crate::components::meters::Bar;
use crate::components::sched::PRIMARY;
use crate::i18n::{Lang, Tr, use_i18n};

/// The counts and first rows of a preview.
#[component]
pub fn PreviewTable(preview: Preview) -> impl IntoView {
    let i18n = use_i18n();
    let p = preview;
    let counts: [(fn(&Tr) -> &'static str, i64, &'static str); 4] = [
        (|t| t.x.rows_selected, p.rows_selected, "rows-selected"),
        (
            |t| t.x.rows_suppressed,
            p.rows_suppressed,
            "rows-suppressed",
        ),
        (|t| t.x.patients, p.patients, "patients"),
        (
            |t| t.x.patients_suppressed,
            p.patients_suppressed,
            "patients-suppressed",
        ),
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
pub fn JobItem(job: ExportJob, remove: Callback<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let j = job;
    let id = j.id;
    let over = j.status.is_over();
    let (dataset, format, status) = (j.dataset, j.export_format, j.status);
    let period = move || {
        let (tr, lang) = (i18n.tr(), i18n.lang());
        format!(
            "{} → {}",
            full_day(tr, lang, j.date_start),
            full_day(tr, lang, j.date_end)
        )
    };
    let what = Signal::derive(move || {
        format!(
            "{} ({}), {}",
            i18n.tr().x.dataset(dataset.as_str()),
            i18n.tr().x.format(format.as_str()),
            period()
        )
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
            {j.error.is_some().then(|| view! { <p class="mt-1 text-sm text-red-800" role="alert">{move || i18n.t(|t| t.x.failed_hint)}</p> })}
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
