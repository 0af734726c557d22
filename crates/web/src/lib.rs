//! Sightline's HTTP layer: thin axum handlers over the domain and storage crates,
//! server-rendered askama pages (English and Finnish through Fluent) and the JSON
//! API under `/api/v1`, described by OpenAPI.
//!
//! Handlers parse input into domain types, call storage, and render. Rules live in
//! `sightline-domain`; SQL lives in `sightline-storage`.

/// Declare routes once: `$list()` names every (method, path) and `$build` adds them to
/// a router, so the list cannot drift from what is served (the authorisation-matrix
/// test reads the list and fails on a route it has no row for).
macro_rules! route_table {
    ($list:ident, $build:ident; $($path:literal => $first:ident($h:expr) $(.$more:ident($hm:expr))*;)*) => {
        /// Every (method, path) this router serves, as it is built from them.
        #[must_use]
        pub fn $list() -> Vec<(&'static str, &'static str)> {
            // `.fallback(…)` answers the methods a path does not take: not a route.
            let all = vec![$( (stringify!($first), $path) $(, (stringify!($more), $path))* ),*];
            all.into_iter().filter(|(method, _)| *method != "fallback").collect()
        }
        fn $build(router: axum::Router<AppState>) -> axum::Router<AppState> {
            router $( .route($path, axum::routing::$first($h) $(.$more($hm))*) )*
        }
    };
}

pub mod alerts;
mod api;
mod chart;
mod cookies;
mod error;
mod i18n;
pub mod mail;
pub mod metrics;
mod middleware;
mod pages;
mod visitor;

use std::sync::Arc;

use axum::Router;
use sightline_content::Library;
use sightline_domain::crypto::MasterKey;
use sightline_storage::Db;

pub use error::{ApiError, FieldProblem, PageError, WebError};
pub use i18n::Lang;
pub use pages::stats::CSV_HEADER as STATS_CSV_HEADER;
use sightline_app::security;
pub use sightline_app::security::{hash_password, hash_token, new_token};
pub use sightline_app::{App, Clock, reports, tips};
/// The SMTP relay settings (the client lives in the jobs crate).
pub use sightline_jobs::Smtp;

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
    /// The bearer token `/metrics` asks for (none: `/metrics` is not served).
    pub metrics_token: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the socket's
    /// peer is the client).
    pub trusted_proxies: Vec<std::net::IpAddr>,
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
            metrics_token: None,
            trusted_proxies: Vec::new(),
        }
    }

    /// Believe `X-Forwarded-For` from these reverse proxies (and only from them).
    #[must_use]
    pub fn trusting_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// Serve `/metrics` to scrapers that send this bearer token.
    #[must_use]
    pub fn with_metrics_token(mut self, token: &str) -> Self {
        self.metrics_token = Some(token.to_owned());
        self
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

/// Everything a handler can reach: the application layer (which derefs from here, so
/// `state.now()` is the app's clock) and the web layer's own settings.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<Config>,
    pub metrics: Arc<metrics::Metrics>,
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    #[must_use]
    /// Needs a running tokio runtime (the live queue starts its task there).
    pub fn new(db: Db, config: Config, clock: Clock, keys: MasterKey) -> Self {
        Self { app: App::new(db, clock, keys), config: Arc::new(config), metrics: Arc::default() }
    }

    /// Serve this content.
    #[must_use]
    pub fn with_library(mut self, library: Library) -> Self {
        self.app = self.app.with_library(library);
        self
    }

    /// An absolute link on this server.
    #[must_use]
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.config.public_url)
    }

    /// What the background jobs reach, as configured now: the database, the key, this
    /// clock, the delivery settings, and the words for the letters they queue.
    #[must_use]
    pub fn jobs(&self) -> sightline_jobs::Context {
        let clock = self.clock.clone();
        sightline_jobs::Context {
            db: self.db.clone(),
            keys: self.keys.clone(),
            clock: Arc::new(move || clock.now()),
            public_url: self.config.public_url.clone(),
            smtp: self.config.smtp.clone(),
            allow_private_webhooks: self.config.allow_private_webhooks,
            letters: Arc::new(self.clone()),
        }
    }
}

impl sightline_jobs::Letters for AppState {
    fn reminder(
        &self,
        due: &sightline_storage::ReminderDue,
        org_name: &str,
    ) -> Result<sightline_storage::NewMail, String> {
        mail::reminder(self, due, org_name)
    }

    fn assignment_reminder(
        &self,
        to: &sightline_storage::TrainedPerson,
        due: &sightline_jobs::AssignmentDue<'_>,
    ) -> Result<sightline_storage::NewMail, String> {
        mail::assignment_reminder(self, to, due)
    }

    fn overdue_digest(
        &self,
        org: sightline_domain::ids::OrgId,
        org_name: &str,
        to: &sightline_storage::AdminContact,
        people: &[sightline_storage::OverduePerson],
    ) -> Result<sightline_storage::NewMail, String> {
        mail::overdue_digest(self, org, org_name, to, people)
    }
}

route_table! {
    own_routes, add_routes;
    "/" => get(pages::home::landing);
    "/home" => get(pages::home::home);
    "/setup" => get(pages::setup::form).post(pages::setup::submit);
    "/login" => get(pages::login::form).post(pages::login::submit);
    "/login/sso" => get(pages::sso::form).post(pages::sso::start);
    "/login/sso/callback" => get(pages::sso::callback);
    "/login/two-factor" => get(pages::login::second_factor_form).post(pages::login::second_factor_submit);
    "/logout" => post(pages::login::logout);
    "/account/two-factor" => get(pages::two_factor::form).post(pages::two_factor::submit);
    "/account/tokens" => get(pages::tokens::list).post(pages::tokens::create);
    "/account/tokens/{id}/revoke" => post(pages::tokens::revoke);
    "/lang" => post(pages::home::set_lang);
    "/invite/{token}" => get(pages::links::invite_form).post(pages::links::invite_submit);
    "/reset/{token}" => get(pages::links::reset_form).post(pages::links::reset_submit);
    "/admin/organisations" => get(pages::orgs::list).post(pages::orgs::create);
    "/admin/organisations/{org}/airports" => get(pages::orgs::airports).post(pages::orgs::set_airports);
    "/orgs/{org}/users" => get(pages::users::list);
    "/orgs/{org}/invitations" => post(pages::users::invite);
    "/orgs/{org}/roster" => post(pages::users::roster);
    "/orgs/{org}/users/{user}/roles" => post(pages::users::set_roles);
    "/orgs/{org}/users/{user}/reset" => post(pages::users::reset_link);
    "/orgs/{org}/audit" => get(pages::users::audit);
    "/orgs/{org}/users/{user}/position" => post(pages::users::set_position);
    "/orgs/{org}/users/{user}/leave" => post(pages::users::leave);
    "/orgs/{org}/training" => get(pages::learn::training);
    "/orgs/{org}/assignments" => get(pages::assign::list).post(pages::assign::create);
    "/orgs/{org}/assignments/{id}" => post(pages::assign::update);
    "/orgs/{org}/assignments/{id}/delete" => post(pages::assign::delete);
    "/orgs/{org}/training-settings" => post(pages::assign::settings);
    "/orgs/{org}/compliance" => get(pages::assign::dashboard);
    "/orgs/{org}/compliance.csv" => get(pages::assign::year_csv);
    "/orgs/{org}/compliance.pdf" => get(pages::assign::year_pdf);
    "/orgs/{org}/scorm/{package}" => get(pages::learn::scorm);
    "/orgs/{org}/stats" => get(pages::stats::org);
    "/orgs/{org}/stats.csv" => get(pages::stats::org_csv);
    "/orgs/{org}/settings" => get(pages::settings::form).post(pages::settings::submit);
    "/orgs/{org}/settings/alert-email" => post(pages::settings::alert_email);
    "/orgs/{org}/settings/webhook" => post(pages::settings::webhook);
    "/orgs/{org}/settings/relay" => post(pages::settings::relay_codeword);
    "/orgs/{org}/settings/retention" => post(pages::settings::retention);
    "/orgs/{org}/settings/sso" => post(pages::settings::sso);
    "/orgs/{org}/partner-page" => get(pages::partners::form).post(pages::partners::save);
    "/orgs/{org}/settings/referral-webhook" => post(pages::settings::referral_webhook);
    "/orgs/{org}/settings/referral-deliveries/retry" => post(pages::settings::retry_delivery);
    "/orgs/{org}/settings/xapi" => post(pages::settings::lrs);
    "/orgs/{org}/settings/xapi/retry" => post(pages::settings::lrs_retry);
    "/orgs/{org}/certificates/{code}/revoke" => post(pages::learn::revoke);
    "/learn" => get(pages::learn::list);
    "/learn/{course}" => get(pages::learn::course);
    "/learn/{course}/lessons/{slug}" => get(pages::learn::lesson);
    "/learn/{course}/lessons/{slug}/done" => post(pages::learn::lesson_done);
    "/learn/{course}/check" => post(pages::learn::start_check);
    "/learn/{course}/check/{attempt}" => get(pages::learn::show_check).post(pages::learn::submit_check);
    "/learn/{course}/check/{attempt}/certificate" => post(pages::learn::public_certificate);
    "/certificates/{file}" => get(pages::learn::certificate_pdf);
    "/verify/{code}" => get(pages::learn::verify);
    "/report" => get(pages::report::form).post(pages::report::submit);
    "/reports" => get(pages::report::mine);
    "/report/airports.json" => get(pages::report::airports);
    "/quick-exit" => get(pages::report::quick_exit);
    "/public" => get(pages::public::home);
    "/public/signs" => get(pages::public::signs);
    "/help" => get(pages::public::help);
    "/help/{airport}" => get(pages::public::airport);
    "/posters/{poster}" => get(pages::public::poster);
    "/stats" => get(pages::stats::public);
    "/stats.csv" => get(pages::stats::public_csv);
    "/partners" => get(pages::partners::list);
    "/partners/{slug}" => get(pages::partners::show);
    "/tip" => get(pages::tip::form).post(pages::tip::submit);
    "/tip/status" => get(pages::tip::status_form).post(pages::tip::status);
    "/tip/status/reply" => post(pages::tip::reply);
    "/directory" => get(pages::directory::list).post(pages::directory::create);
    "/directory/new" => get(pages::directory::new_form);
    "/directory/{id}" => get(pages::directory::show).post(pages::directory::update);
    "/directory/{id}/remove" => post(pages::directory::remove);
    "/directory/{id}/restore" => post(pages::directory::restore);
    "/desk" => get(pages::desk::queue);
    "/desk/rows" => get(pages::desk::queue_rows);
    "/desk/events" => get(pages::desk::events);
    "/desk/compliance.csv" => get(pages::desk::compliance_csv);
    "/desk/cases/{id}" => get(pages::desk::case);
    "/desk/cases/{id}/transition" => post(pages::desk::transition);
    "/desk/cases/{id}/assign" => post(pages::desk::assign);
    "/desk/cases/{id}/note" => post(pages::desk::note);
    "/desk/cases/{id}/escalate" => post(pages::desk::escalate);
    "/desk/cases/{id}/merge" => post(pages::desk::merge);
    "/desk/cases/{id}/dismiss" => post(pages::desk::dismiss);
    "/desk/cases/{id}/tip-reply" => post(pages::desk::tip_reply);
    "/desk/cases/{id}/refer" => post(pages::desk::refer);
    "/desk/cases/{id}/hold" => post(pages::desk::hold);
    "/referrals" => get(pages::referrals::inbox);
    "/referrals/{id}" => get(pages::referrals::show);
    "/referrals/{id}/step" => post(pages::referrals::step);
    "/referrals/{id}/messages" => post(pages::referrals::message);
    "/referrals/{id}/htcds.json" => get(pages::referrals::json);
    "/referrals/{id}/htcds.csv" => get(pages::referrals::csv);
    "/healthz" => get(api::healthz).fallback(api::method_not_allowed);
    "/readyz" => get(api::readyz).fallback(api::method_not_allowed);
    "/metrics" => get(metrics::scrape).fallback(api::method_not_allowed);
    "/static/style.css" => get(middleware::asset);
    "/static/public.css" => get(middleware::asset);
    "/static/tip.css" => get(middleware::asset);
    "/static/partners.css" => get(middleware::asset);
    "/favicon.svg" => get(middleware::asset);
    "/static/notes.svg" => get(middleware::asset);
    "/static/notes-192.png" => get(middleware::asset);
    "/static/notes-512.png" => get(middleware::asset);
    "/static/report.js" => get(middleware::asset);
    "/sw.js" => get(middleware::asset);
    "/static/desk.js" => get(middleware::asset);
    "/static/exit.js" => get(middleware::asset);
    "/static/tip.js" => get(middleware::asset);
    "/manifest.webmanifest" => get(middleware::asset);
}

/// Every (method, path) the application serves, the API's under `/api/v1` included.
#[must_use]
pub fn routes() -> Vec<(&'static str, String)> {
    let api = api::routes().into_iter().map(|(m, p)| (m, format!("/api/v1{p}")));
    own_routes().into_iter().map(|(m, p)| (m, p.to_owned())).chain(api).collect()
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    add_routes(Router::new())
        .nest("/api/v1", api::router())
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .fallback(middleware::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf_cookie))
        .layer(axum::middleware::from_fn(middleware::api_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .with_state(state)
}
