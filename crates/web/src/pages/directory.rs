//! The routing directory in the browser: desk analysts and organisation admins read
//! it; platform administrators add, correct, re-verify and remove entries. Every
//! change keeps the previous version (who, when, what it said) and is audited.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use sightline_app::AppError;
use sightline_app::directory::EntryFile;
use sightline_domain::FieldError;
use sightline_domain::directory::{ContactKind, DirectoryDraft, DirectoryEntry};
use sightline_domain::ids::DirectoryEntryId;
use sightline_storage::{DirectoryChange, StoredEntry};

use super::{Ctx, FormErrors, render, render_invalid};
use crate::AppState;
use crate::error::PageError;
use crate::visitor::{CsrfForm, Posted, Signed, Visitor};

pub struct Row {
    pub id: String,
    pub entry: DirectoryEntry,
    pub stale: bool,
    pub updated: String,
}

pub struct ChangeView {
    pub entry_id: String,
    pub version: i64,
    pub change: String,
    pub organisation: String,
    pub country: String,
    pub who: String,
    pub at: String,
    pub reason: String,
    /// (field label's message key, before, after) against the previous version.
    pub diff: Vec<(&'static str, String, String)>,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    country: String,
    stale_only: bool,
    show_removed: bool,
    summary: String,
    can_edit: bool,
    changes: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "directory_entry.html")]
struct EntryPage {
    ctx: Ctx,
    /// None for a new entry.
    id: Option<String>,
    version: i64,
    form: DirectoryDraft,
    errors: FormErrors,
    kinds: [ContactKind; 7],
    history: Vec<ChangeView>,
    removed: bool,
    stale: bool,
    saved: bool,
    today: String,
    /// A removal reason typed before an error.
    reason: String,
}

impl EntryPage {
    /// What the entry's second form does: take it out of use, or put it back.
    const fn removal_action(&self) -> &'static str {
        if self.removed { "restore" } else { "remove" }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    country: String,
    stale: String,
    /// Show the removed entries instead (platform admins).
    removed: String,
}

fn who(ctx: &Ctx, name: Option<String>) -> String {
    name.unwrap_or_else(|| ctx.t("directory-content-file"))
}

/// The fields that differ between two versions of an entry.
fn diff(before: Option<&DirectoryEntry>, after: &DirectoryEntry) -> Vec<(&'static str, String, String)> {
    let Some(before) = before else { return Vec::new() };
    let (b, a) = (DirectoryDraft::of(before), DirectoryDraft::of(after));
    [
        ("directory-country", &b.country, &a.country),
        ("directory-airport", &b.airport, &a.airport),
        ("directory-organisation", &b.organisation, &a.organisation),
        ("directory-kind", &b.kind, &a.kind),
        ("directory-phone", &b.phone, &a.phone),
        ("directory-local-number", &b.local_number, &a.local_number),
        ("directory-abroad", &b.dialable_from_abroad, &a.dialable_from_abroad),
        ("directory-public", &b.public, &a.public),
        ("directory-email", &b.email, &a.email),
        ("directory-hours", &b.hours, &a.hours),
        ("directory-notes", &b.notes, &a.notes),
        ("directory-languages", &b.languages, &a.languages),
        ("directory-languages-over", &b.languages_over, &a.languages_over),
        ("directory-source", &b.source, &a.source),
        ("directory-last-verified", &b.last_verified, &a.last_verified),
    ]
    .into_iter()
    .filter(|(_, b, a)| b != a)
    .map(|(f, b, a)| (f, b.clone(), a.clone()))
    .collect()
}

/// One entry's history (newest first) with what each version changed.
fn history_view(ctx: &Ctx, history: Vec<DirectoryChange>) -> Vec<ChangeView> {
    let older: Vec<Option<DirectoryEntry>> =
        (0..history.len()).map(|i| history.get(i + 1).map(|c| c.entry.clone())).collect();
    history.into_iter().zip(older).map(|(c, before)| change_view(ctx, c, before.as_ref())).collect()
}

fn change_view(ctx: &Ctx, c: DirectoryChange, before: Option<&DirectoryEntry>) -> ChangeView {
    ChangeView {
        entry_id: c.entry_id.to_string(),
        version: c.version,
        change: c.change.to_string(),
        organisation: c.entry.organisation.clone(),
        country: c.entry.country.clone(),
        diff: diff(before, &c.entry),
        who: who(ctx, c.actor),
        at: ctx.datetime(&c.at),
        reason: c.reason.unwrap_or_default(),
    }
}

pub async fn list(Signed { state, v, me }: Signed, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let list = state.directory_list(&me, !q.removed.is_empty()).await?;
    let ctx = Ctx::new(&v);
    let today = state.now().date();
    let country = q.country.trim().to_ascii_uppercase();
    let stale_only = !q.stale.is_empty();
    let rows = list
        .entries
        .into_iter()
        .filter(|s| country.is_empty() || s.entry.country == country)
        .filter(|s| !stale_only || s.entry.is_stale(today))
        .map(|s: StoredEntry| Row {
            id: s.id.to_string(),
            stale: s.entry.is_stale(today),
            updated: format!("{} · {}", ctx.date(&s.updated_at), who(&ctx, s.updated_by)),
            entry: s.entry,
        })
        .collect();
    let changes = list.changes.into_iter().map(|c| change_view(&ctx, c, None)).collect();
    let summary =
        v.lang.t_args("directory-summary", &[("total", list.total.to_string()), ("stale", list.stale.to_string())]);
    let (show_removed, can_edit) = (list.showing_removed, list.can_edit);
    render(&ListPage { ctx, rows, country, stale_only, show_removed, summary, can_edit, changes })
}

fn entry_page(v: &Visitor, state: &AppState, id: Option<&StoredEntry>, form: DirectoryDraft) -> EntryPage {
    let today = state.now().date();
    EntryPage {
        ctx: Ctx::new(v),
        id: id.map(|s| s.id.to_string()),
        version: id.map_or(0, |s| s.version),
        stale: id.is_some_and(|s| s.entry.is_stale(today)),
        removed: id.is_some_and(|s| s.removed_at.is_some()),
        form,
        errors: FormErrors::default(),
        kinds: ContactKind::ALL,
        history: Vec::new(),
        saved: false,
        today: today.to_string(),
        reason: String::new(),
    }
}

/// An entry's page: the entry as stored, the form as given, its history.
fn file_page(v: &Visitor, state: &AppState, file: EntryFile, form: DirectoryDraft) -> EntryPage {
    let mut page = entry_page(v, state, Some(&file.entry), form);
    page.history = history_view(&page.ctx, file.history);
    page
}

pub async fn new_form(Signed { state, v, me }: Signed) -> Result<Response, PageError> {
    let form = state.new_directory_draft(&me)?;
    render(&entry_page(&v, &state, None, form))
}

#[derive(Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    draft: DirectoryDraft,
}

fn with_errors(mut page: EntryPage, v: &Visitor, errors: &[FieldError]) -> EntryPage {
    for e in errors {
        page.errors.add(v.lang, e);
    }
    page
}

pub async fn create(Signed { state, v, me }: Signed, CsrfForm(f): CsrfForm<EntryForm>) -> Result<Response, PageError> {
    match state.create_directory_entry(&me, &f.draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/directory/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&with_errors(entry_page(&v, &state, None, f.draft), &v, &errors))
        }
        Err(e) => Err(e.into()),
    }
}

fn parse_id(id: &str) -> Result<DirectoryEntryId, PageError> {
    id.parse().map_err(|_| PageError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

pub async fn show(
    Signed { state, v, me }: Signed,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let file = state.directory_entry(&me, parse_id(&id)?).await?;
    let form = DirectoryDraft::of(&file.entry.entry);
    let mut page = file_page(&v, &state, file, form);
    page.saved = !q.saved.is_empty();
    render(&page)
}

pub async fn update(
    Signed { state, v, me }: Signed,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<EntryForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    match state.update_directory_entry(&me, id, f.version, &f.draft).await {
        Ok(()) => Ok(Redirect::to(&format!("/directory/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let file = state.directory_entry(&me, id).await?;
            let mut page = with_errors(file_page(&v, &state, file, f.draft), &v, &errors);
            page.version = f.version;
            render_invalid(&page)
        }
        Err(AppError::Conflict { .. }) => {
            // Someone saved meanwhile: keep what this person typed, show the other
            // change in the history, and let them save again over the latest version.
            let mut page = file_page(&v, &state, state.directory_entry(&me, id).await?, f.draft);
            page.errors.add_message("version", v.lang.t("error-directory-changed-meanwhile"));
            Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemoveForm {
    version: i64,
    reason: String,
}

/// Take an entry out of use (a reason is required; the history keeps it).
pub async fn remove(
    Path(id): Path<String>,
    Posted { state, v, form: f }: Posted<RemoveForm>,
) -> Result<Response, PageError> {
    change_removal(&state, &v, &id, f, true).await
}

/// Put a removed entry back in use (a reason is required).
pub async fn restore(
    Path(id): Path<String>,
    Posted { state, v, form: f }: Posted<RemoveForm>,
) -> Result<Response, PageError> {
    change_removal(&state, &v, &id, f, false).await
}

async fn change_removal(
    state: &AppState,
    v: &Visitor,
    id: &str,
    f: RemoveForm,
    remove: bool,
) -> Result<Response, PageError> {
    let me = v.caller()?;
    let id = parse_id(id)?;
    let (status, message) = match state.set_directory_entry_removed(&me, id, f.version, remove, &f.reason).await {
        Ok(()) if remove => return Ok(Redirect::to("/directory").into_response()),
        Ok(()) => return Ok(Redirect::to(&format!("/directory/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let key = errors.first().map_or("error-invalid".to_owned(), |e| format!("error-{}", e.code));
            (StatusCode::UNPROCESSABLE_ENTITY, v.lang.t(&key))
        }
        Err(AppError::Conflict { .. }) => (StatusCode::CONFLICT, v.lang.t("error-directory-changed-meanwhile")),
        Err(e) => return Err(e.into()),
    };
    let file = state.directory_entry(&me, id).await?;
    let form = DirectoryDraft::of(&file.entry.entry);
    let mut page = file_page(v, state, file, form);
    page.errors.add_message("reason", message);
    page.reason = f.reason;
    Ok((status, Html(page.render()?)).into_response())
}
