//! Sightline's HTTP layer: thin axum handlers over the domain and storage crates,
//! server-rendered askama pages (English and Finnish through Fluent) and the JSON
//! API under `/api/v1`, described by OpenAPI.
//!
//! Handlers parse input into domain types, call storage, and render. Rules live in
//! `sightline-domain`; SQL lives in `sightline-storage`.

pub mod alerts;
mod api;
mod clock;
mod cookies;
mod error;
mod i18n;
pub mod mail;
mod middleware;
mod pages;
pub mod pdf;
pub mod reports;
mod security;
mod visitor;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use sightline_content::Library;
use sightline_domain::crypto::MasterKey;
use sightline_storage::Db;
use time::OffsetDateTime;

pub use clock::Clock;
pub use error::{ApiError, PageError};
pub use i18n::Lang;
pub use security::{hash_password, hash_token, new_token};

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where people reach this server, used to build links (setup, invitations).
    pub public_url: String,
    /// Mark cookies `Secure` (on whenever `public_url` is https).
    pub secure_cookies: bool,
    /// Where desk alert e-mails go out (`smtp://host:port`, `smtps://…`), and from whom.
    pub smtp: Option<Smtp>,
    /// Let organisation admins point webhooks at loopback and private-network
    /// addresses (off: a tenant must not make the server post into its own network).
    pub allow_private_webhooks: bool,
}

/// An SMTP relay for desk alerts.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub url: String,
    pub from: String,
}

impl Smtp {
    /// Check the relay URL and the sender address before the server starts.
    ///
    /// # Errors
    /// A message saying which of the two is unusable and why.
    pub fn parse(url: &str, from: &str) -> Result<Self, String> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url is not a usable SMTP URL: {e}"))?;
        from.parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("--smtp-from {from:?} is not an e-mail address: {e}"))?;
        Ok(Self { url: url.to_owned(), from: from.to_owned() })
    }
}

impl Config {
    #[must_use]
    pub fn new(public_url: &str) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        Self {
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            smtp: None,
            allow_private_webhooks: false,
        }
    }

    /// Accept webhooks to loopback and private-network addresses (a desk system on
    /// the operator's own network).
    #[must_use]
    pub const fn allowing_private_webhooks(mut self) -> Self {
        self.allow_private_webhooks = true;
        self
    }

    /// Send desk alerts by e-mail through this relay.
    #[must_use]
    pub fn with_smtp(mut self, smtp: Smtp) -> Self {
        self.smtp = Some(smtp);
        self
    }
}

/// Everything a handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Courses and indicators, loaded and checked at start.
    pub library: Arc<Library>,
    /// The master key that report text is sealed under (from the key file).
    pub keys: Arc<MasterKey>,
    /// Group commit for crew reports.
    pub ingest: reports::IngestQueue,
}

impl AppState {
    #[must_use]
    /// Needs a running tokio runtime (it starts the report writer task).
    pub fn new(db: Db, config: Config, clock: Clock, keys: MasterKey) -> Self {
        let ingest = reports::IngestQueue::start(db.clone(), clock.clone());
        Self { db, config: Arc::new(config), clock, library: Arc::new(Library::empty()), keys: Arc::new(keys), ingest }
    }

    /// Serve this content.
    #[must_use]
    pub fn with_library(mut self, library: Library) -> Self {
        self.library = Arc::new(library);
        self
    }

    /// Add the content's routing-directory entries that the database has never held
    /// (platform admins' edits and removals stand). Returns how many were added.
    ///
    /// # Errors
    /// The database failed; nothing was added.
    pub async fn seed_directory(&self) -> Result<usize, sightline_storage::StorageError> {
        self.db.seed_directory(&self.library.directory.entries, self.now()).await
    }

    /// The current time, from the configured clock.
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// An absolute link on this server.
    #[must_use]
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.config.public_url)
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home::landing))
        .route("/home", get(pages::home::home))
        .route("/setup", get(pages::setup::form).post(pages::setup::submit))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/login/two-factor", get(pages::login::second_factor_form).post(pages::login::second_factor_submit))
        .route("/logout", post(pages::login::logout))
        .route("/account/two-factor", get(pages::two_factor::form).post(pages::two_factor::submit))
        .route("/account/tokens", get(pages::tokens::list).post(pages::tokens::create))
        .route("/account/tokens/{id}/revoke", post(pages::tokens::revoke))
        .route("/lang", post(pages::home::set_lang))
        .route("/invite/{token}", get(pages::links::invite_form).post(pages::links::invite_submit))
        .route("/reset/{token}", get(pages::links::reset_form).post(pages::links::reset_submit))
        .route("/admin/organisations", get(pages::orgs::list).post(pages::orgs::create))
        .route("/orgs/{org}/users", get(pages::users::list))
        .route("/orgs/{org}/invitations", post(pages::users::invite))
        .route("/orgs/{org}/roster", post(pages::users::roster))
        .route("/orgs/{org}/users/{user}/roles", post(pages::users::set_roles))
        .route("/orgs/{org}/users/{user}/reset", post(pages::users::reset_link))
        .route("/orgs/{org}/audit", get(pages::users::audit))
        .route("/orgs/{org}/users/{user}/position", post(pages::users::set_position))
        .route("/orgs/{org}/training", get(pages::learn::training))
        .route("/orgs/{org}/settings", get(pages::settings::form).post(pages::settings::submit))
        .route("/orgs/{org}/settings/alert-email", post(pages::settings::alert_email))
        .route("/orgs/{org}/settings/webhook", post(pages::settings::webhook))
        .route("/orgs/{org}/certificates/{code}/revoke", post(pages::learn::revoke))
        .route("/learn", get(pages::learn::list))
        .route("/learn/{course}", get(pages::learn::course))
        .route("/learn/{course}/lessons/{slug}", get(pages::learn::lesson))
        .route("/learn/{course}/lessons/{slug}/done", post(pages::learn::lesson_done))
        .route("/learn/{course}/check", post(pages::learn::start_check))
        .route("/learn/{course}/check/{attempt}", get(pages::learn::show_check).post(pages::learn::submit_check))
        .route("/learn/{course}/check/{attempt}/certificate", post(pages::learn::public_certificate))
        .route("/certificates/{file}", get(pages::learn::certificate_pdf))
        .route("/verify/{code}", get(pages::learn::verify))
        .route("/report", get(pages::report::form).post(pages::report::submit))
        .route("/reports", get(pages::report::mine))
        .route("/quick-exit", get(pages::report::quick_exit))
        .route("/directory", get(pages::directory::list).post(pages::directory::create))
        .route("/directory/new", get(pages::directory::new_form))
        .route("/directory/{id}", get(pages::directory::show).post(pages::directory::update))
        .route("/directory/{id}/remove", post(pages::directory::remove))
        .route("/directory/{id}/restore", post(pages::directory::restore))
        .route("/desk", get(pages::desk::queue))
        .route("/desk/rows", get(pages::desk::queue_rows))
        .route("/desk/compliance.csv", get(pages::desk::compliance_csv))
        .route("/desk/cases/{id}", get(pages::desk::case))
        .route("/desk/cases/{id}/transition", post(pages::desk::transition))
        .route("/desk/cases/{id}/assign", post(pages::desk::assign))
        .route("/desk/cases/{id}/note", post(pages::desk::note))
        .route("/desk/cases/{id}/escalate", post(pages::desk::escalate))
        .route("/desk/cases/{id}/merge", post(pages::desk::merge))
        .route("/desk/cases/{id}/dismiss", post(pages::desk::dismiss));

    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router())
        .route("/healthz", get(api::healthz).fallback(api::method_not_allowed))
        .route("/readyz", get(api::readyz).fallback(api::method_not_allowed))
        .route("/static/style.css", get(middleware::stylesheet))
        .route("/favicon.svg", get(middleware::favicon))
        .route("/static/notes.svg", get(middleware::notes_icon))
        .route("/static/report.js", get(middleware::report_js))
        .route("/sw.js", get(middleware::service_worker))
        .route("/static/desk.js", get(middleware::desk_js))
        .fallback(middleware::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf_cookie))
        .layer(axum::middleware::from_fn(middleware::api_errors))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .with_state(state)
}
