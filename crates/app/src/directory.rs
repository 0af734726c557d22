//! The routing directory: desk analysts and administrators read it (in the browser
//! and through the API); platform administrators add, correct, re-verify, remove and
//! restore entries. Every change keeps the previous version and is audited by storage.

use sightline_domain::FieldError;
use sightline_domain::directory::{self, DirectoryDraft};
use sightline_domain::ids::DirectoryEntryId;
use sightline_domain::report::AirportLookup;
use sightline_domain::user::Role;
use sightline_storage::{DirectoryChange, StorageError, StoredEntry};

use crate::{App, AppError, Caller, Result};

/// How many recent changes the directory's list carries.
pub const RECENT_CHANGES: i64 = 15;

/// The directory as its list shows it.
pub struct DirectoryList {
    /// The entries in use, or the removed ones when asked for (platform admins).
    pub entries: Vec<StoredEntry>,
    pub showing_removed: bool,
    /// Entries in use, and how many of them are stale.
    pub total: usize,
    pub stale: usize,
    /// The caller may change the directory.
    pub can_edit: bool,
    /// The latest changes, newest first.
    pub changes: Vec<DirectoryChange>,
}

/// One entry and its history, newest first.
pub struct EntryFile {
    pub entry: StoredEntry,
    pub history: Vec<DirectoryChange>,
}

/// A removal or restoration's reason: required, one paragraph.
///
/// # Errors
/// `reason`: `reason-required` or `too-long`.
pub fn removal_reason(reason: &str) -> Result<&str, FieldError> {
    let reason = reason.trim();
    if reason.is_empty() {
        Err(FieldError::new("reason", "reason-required"))
    } else if reason.chars().count() > 500 || reason.chars().any(char::is_control) {
        Err(FieldError::new("reason", "too-long"))
    } else {
        Ok(reason)
    }
}

impl App {
    /// Who may read the directory: the desk and administrators.
    fn directory_reader<'a>(&self, caller: &'a Caller) -> Result<&'a Caller> {
        if [Role::DeskAnalyst, Role::OrgAdmin, Role::PlatformAdmin].into_iter().any(|r| caller.has(r)) {
            Ok(caller)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The directory's list; `removed` shows the removed entries instead (platform
    /// admins; ignored for anyone else).
    ///
    /// # Errors
    /// Not a desk analyst or admin; the database failed.
    pub async fn directory_list(&self, caller: &Caller, removed: bool) -> Result<DirectoryList> {
        let me = self.directory_reader(caller)?;
        let can_edit = me.has(Role::PlatformAdmin);
        let today = self.now().date();
        let entries = self.db.directory().await?;
        let stale = entries.iter().filter(|s| s.entry.is_stale(today)).count();
        let total = entries.len();
        let showing_removed = can_edit && removed;
        let entries = if showing_removed { self.db.removed_directory().await? } else { entries };
        let changes = self.db.directory_changes(RECENT_CHANGES).await?;
        Ok(DirectoryList { entries, showing_removed, total, stale, can_edit, changes })
    }

    /// The entries in use or, for an airport (IATA), its contacts in the order the
    /// desk is offered them ([`directory::route`]): 24/7 phones first when `urgent`; the
    /// airport's own, then the country's, then regional and international lines.
    ///
    /// # Errors
    /// Not a desk analyst or admin; `destination` is not a known airport.
    pub async fn directory_for_destination(
        &self,
        caller: &Caller,
        destination: Option<&str>,
        urgent: bool,
    ) -> Result<Vec<StoredEntry>> {
        self.directory_reader(caller)?;
        let Some(code) = destination.map(str::trim).filter(|d| !d.is_empty()) else {
            return Ok(self.db.directory().await?);
        };
        let airport = self
            .library
            .airports
            .airport(&code.to_ascii_uppercase())
            .ok_or(FieldError::new("destination", "unknown-airport"))?;
        let all = self.db.directory_for(&airport.country).await?;
        let q = directory::RouteQuery { country: &airport.country, airport: &airport.iata, urgent };
        Ok(directory::route(&all, |s| &s.entry, q).into_iter().cloned().collect())
    }

    /// What a new entry's form starts with (platform admins).
    ///
    /// # Errors
    /// Not a platform admin.
    pub fn new_directory_draft(&self, caller: &Caller) -> Result<DirectoryDraft> {
        caller.require(Role::PlatformAdmin)?;
        Ok(DirectoryDraft {
            kind: "police".into(),
            last_verified: self.now().date().to_string(),
            ..DirectoryDraft::default()
        })
    }

    /// One entry, in use or removed, with its history (platform admins).
    ///
    /// # Errors
    /// Not a platform admin; no such entry.
    pub async fn directory_entry(&self, caller: &Caller, id: DirectoryEntryId) -> Result<EntryFile> {
        caller.require(Role::PlatformAdmin)?;
        let entry = self.db.directory_entry(id).await?;
        let history = self.db.directory_history(id).await?;
        Ok(EntryFile { entry, history })
    }

    /// Add an entry (platform admins).
    ///
    /// # Errors
    /// Not a platform admin; every field at fault.
    pub async fn create_directory_entry(&self, caller: &Caller, draft: &DirectoryDraft) -> Result<DirectoryEntryId> {
        let me = caller.require(Role::PlatformAdmin)?;
        let entry = draft.parse(self.now().date())?;
        Ok(self.db.create_directory_entry(&entry, (me.org(), me.id()), self.now()).await?)
    }

    /// Correct or re-verify an entry that is still at `version` (platform admins).
    ///
    /// # Errors
    /// Not a platform admin; no such entry; every field at fault; someone saved it
    /// first ([`AppError::Conflict`] on `version`).
    pub async fn update_directory_entry(
        &self,
        caller: &Caller,
        id: DirectoryEntryId,
        version: i64,
        draft: &DirectoryDraft,
    ) -> Result<()> {
        let me = caller.require(Role::PlatformAdmin)?;
        self.db.directory_entry(id).await?;
        let entry = draft.parse(self.now().date())?;
        match self.db.update_directory_entry(id, version, &entry, (me.org(), me.id()), self.now()).await {
            Ok(_) => Ok(()),
            Err(StorageError::Conflict { .. }) => Err(AppError::Conflict { field: "version" }),
            Err(e) => Err(e.into()),
        }
    }

    /// Take an entry out of use (`remove`) or put it back, with the reason (platform
    /// admins; the history keeps it).
    ///
    /// # Errors
    /// Not a platform admin; no such entry; the reason is missing or too long; the
    /// entry changed first ([`AppError::Conflict`] on `version`).
    pub async fn set_directory_entry_removed(
        &self,
        caller: &Caller,
        id: DirectoryEntryId,
        version: i64,
        remove: bool,
        reason: &str,
    ) -> Result<()> {
        let me = caller.require(Role::PlatformAdmin)?;
        self.db.directory_entry(id).await?;
        let reason = removal_reason(reason)?;
        let actor = (me.org(), me.id());
        match self.db.set_directory_entry_removed(id, version, remove, reason, actor, self.now()).await {
            Ok(()) => Ok(()),
            Err(StorageError::Conflict { .. } | StorageError::NotFound) => Err(AppError::Conflict { field: "version" }),
            Err(e) => Err(e.into()),
        }
    }
}
