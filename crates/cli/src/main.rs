//! `sightline`: the one binary. `serve` runs the web application; `migrate`,
//! `admin …` and `audit verify` work on the same database from the shell.

mod backup;
mod client;
mod demo;
mod keyfile;
mod keys;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sightline_domain::audit::{AuditAction, NewAuditEntry};
use sightline_domain::org::{OrgKind, OrgName};
use sightline_domain::user::{Email, NewPassword, PersonName, Roles, Scopes};
use sightline_storage::{AlertChange, Db, NewUser, StorageError};
use sightline_web::{AppState, Clock, Config};
use time::{Duration, OffsetDateTime};

#[derive(Parser)]
#[command(
    name = "sightline",
    version,
    about = "Sightline: recognise, report and respond to potential human trafficking in aviation."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log lines as `text` (for people) or `json` (one object per line, for a log
    /// collector). Logs never carry report text, names or addresses.
    #[arg(long, env = "SIGHTLINE_LOG_FORMAT", default_value = "text", global = true, value_parser = ["text", "json"])]
    log_format: String,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Folder for the embedded SQLite database (and, later, key files).
    #[arg(long, env = "SIGHTLINE_DATA", default_value = "./sightline-data", global = true)]
    data: PathBuf,
    /// Use PostgreSQL instead of the embedded SQLite: postgres://user:pass@host/db
    #[arg(long, env = "SIGHTLINE_DATABASE_URL", global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on.
        #[arg(long, env = "SIGHTLINE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The address people use to reach this server, for links (default: http://<listen>).
        #[arg(long, env = "SIGHTLINE_PUBLIC_URL")]
        public_url: Option<String>,
        /// Also create demo organisations and one account per role, and print how to sign in.
        #[arg(long)]
        demo: bool,
        /// The content folder (courses, indicators), checked at start.
        #[arg(long, env = "SIGHTLINE_CONTENT", default_value = "./content")]
        content: PathBuf,
        /// The master key that report text is encrypted under (created if missing;
        /// default: master.key in the data folder). Back it up: without it, sealed
        /// report text cannot be read.
        #[arg(long, env = "SIGHTLINE_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// SMTP relay for desk alert e-mails, e.g. smtp://relay.example:25 or
        /// smtps://user:pass@relay.example (none: no alert e-mails).
        #[arg(long, env = "SIGHTLINE_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// Sender of desk alert e-mails.
        #[arg(long, env = "SIGHTLINE_SMTP_FROM", default_value = "sightline@localhost")]
        smtp_from: String,
        /// Let organisation admins point alert webhooks at loopback or private-network
        /// addresses (for a desk system on the operator's own network).
        #[arg(long, env = "SIGHTLINE_ALLOW_PRIVATE_WEBHOOKS")]
        allow_private_webhooks: bool,
        /// Serve /metrics (Prometheus, OpenMetrics text) to scrapers sending this bearer
        /// token (at least 24 characters; none: /metrics is not served).
        #[arg(long, env = "SIGHTLINE_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Also serve /metrics on this address, from a thread of its own (a scrape never
        /// waits behind the web server's work). With --metrics-token the token is asked
        /// for there too; without one, the address must be loopback or a private
        /// network's and is the protection: anyone who reaches it may scrape.
        #[arg(long, env = "SIGHTLINE_METRICS_LISTEN")]
        metrics_listen: Option<SocketAddr>,
        /// The reverse proxies in front of this server (comma-separated IP addresses):
        /// from them, the client's address is read from X-Forwarded-For (sign-in
        /// throttles and tip limits count per client, not per proxy).
        #[arg(long, env = "SIGHTLINE_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Trust an API token read from the database for this many seconds (0–60; 0:
        /// read it with every request). A token revoked or a role removed on another
        /// node stops working here within this time; on the node that made the change,
        /// at once.
        #[arg(long, env = "SIGHTLINE_TOKEN_CACHE_SECONDS", default_value_t = 5,
              value_parser = clap::value_parser!(u64).range(0..=60))]
        token_cache_seconds: u64,
        /// How this node hears of changes other nodes make to a desk's live queue:
        /// `notify` (PostgreSQL LISTEN/NOTIFY; on SQLite, the server's own writes) or
        /// `poll` (reads the change table every 250 ms, for PostgreSQL-compatible
        /// engines without NOTIFY).
        #[arg(long, env = "SIGHTLINE_LIVE_FEED", default_value = "notify", value_parser = ["notify", "poll"])]
        live_feed: String,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage organisations, users and API tokens from the shell.
    Admin {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Demo data.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Work with crew reports from the shell (the reference client).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Work with the captain's relay message.
    Relay {
        #[command(subcommand)]
        command: RelayCommand,
    },
    /// Check the editable content (indicators, courses).
    Content {
        #[command(subcommand)]
        command: ContentCommand,
    },
    /// Work with the routing directory that platform admins keep in the browser.
    Directory {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// Take a consistent copy of the embedded SQLite database while the server runs.
    /// The master key is never in it: back the key up separately. PostgreSQL: use
    /// pg_dump or pg_basebackup (docs/operations.md).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write (must not exist).
        #[arg(long)]
        output: PathBuf,
    },
    /// Put a backup taken with `sightline backup` back into the data folder. The copy is
    /// checked first (audit chain; a sample of reports opens with the key); a data folder
    /// that already holds data is refused unless --force. Stop the server first.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file.
        file: PathBuf,
        /// Replace a database that holds data.
        #[arg(long)]
        force: bool,
        /// The master key file the backup's reports were sealed under (default:
        /// master.key in the data folder).
        #[arg(long, env = "SIGHTLINE_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// How many reports to open as a check.
        #[arg(long, default_value_t = 50)]
        sample: i64,
    },
    /// Check a database (after a restore, on either engine): the audit chain end to end,
    /// and that a sample of reports opens with the key. Exits 2 naming what failed.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// The master key file (default: master.key in the data folder).
        #[arg(long, env = "SIGHTLINE_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// How many reports to open.
        #[arg(long, default_value_t = 50)]
        sample: i64,
    },
    /// Remove the sealed text and personal data of closed cases whose retention period
    /// has passed, keeping tombstones (see docs/operations.md, "Retention and legal
    /// hold"). One purge at a time across nodes: a second one exits at once (code 3).
    Purge {
        #[command(flatten)]
        db: DbArgs,
        /// List what would go (id, organisation, outcome, closed, due) and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run: list what would be due at this moment (RFC 3339) instead of now.
        #[arg(long, requires = "dry_run", value_parser = parse_moment)]
        at: Option<OffsetDateTime>,
        /// Cases per transaction.
        #[arg(long, default_value_t = sightline_jobs::retention::BATCH)]
        batch: i64,
    },
    /// Rotate the master key, or one organisation's key, while the server runs
    /// (docs/operations.md, "Rotating the master key").
    Keys {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Work with the audit trail.
    Audit {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organisation; prints its id.
    CreateOrg {
        #[arg(long)]
        name: String,
        /// airline, airport, ngo or authority
        #[arg(long)]
        kind: String,
    },
    /// Create a user in an organisation; prints the user's id.
    CreateUser {
        /// The organisation's name or id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Comma-separated: learner, reporter, desk_analyst, org_admin, platform_admin
        #[arg(long)]
        roles: String,
        /// The user's password (prefer the environment variable, which stays out of `ps`).
        #[arg(long, env = "SIGHTLINE_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Create a personal API token for a user; prints the token once.
    CreateToken {
        #[arg(long)]
        email: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until the token expires (none: never).
        #[arg(long)]
        days: Option<i64>,
        /// What the token may do, comma-separated: `reports:write`, `read`, `admin`
        /// (never beyond the person's roles). Default: least privilege —
        /// `reports:write` for a reporter, `read` for anyone else.
        #[arg(long)]
        scopes: Option<String>,
    },
    /// List organisations.
    ListOrgs,
    /// Send the organisation's desk alerts by e-mail to this address (needs
    /// `serve --smtp-url`).
    SetAlertEmail {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
    },
    /// How many minutes before scheduled landing the desk is told to escalate
    /// (5–240; default 30).
    SetEscalationLead {
        /// The organisation's name or id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        minutes: i64,
    },
    /// Send the organisation's desk alerts (new and unacknowledged reports) to a
    /// webhook; prints the signing secret once.
    SetWebhook {
        /// The organisation's name or id.
        #[arg(long)]
        org: String,
        /// Where to POST alerts (https://…).
        #[arg(long)]
        url: String,
        /// The master key file (as for `serve`; default: master.key in the data folder).
        #[arg(long, env = "SIGHTLINE_KEY_FILE")]
        key_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Create realistic synthetic reports (real airports, plausible indicator mixes,
    /// arrivals spread over the next hours) for demos and benchmarks.
    Generate {
        /// How many reports.
        #[arg(long, default_value_t = 50)]
        reports: usize,
        /// The reporter's e-mail (default: the demo airline's crew member).
        #[arg(long, default_value = "crew@demo-airline.example")]
        reporter: String,
        /// The content folder (airports, indicators).
        #[arg(long, env = "SIGHTLINE_CONTENT", default_value = "./content")]
        content: PathBuf,
        /// The master key file (as for `serve`; default: master.key in the data folder).
        #[arg(long, env = "SIGHTLINE_KEY_FILE")]
        key_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Send a report file (JSON, as in examples/report.json) with the same protocol as
    /// the app's offline outbox: PUT /api/v1/reports/{id}. Safe to repeat.
    Submit {
        /// The report as JSON; its "id" field is the report's UUID.
        file: PathBuf,
        /// The server, e.g. https://sightline.example.org
        #[arg(long, env = "SIGHTLINE_SERVER")]
        server: String,
        /// A personal API token of a user with the reporter role.
        #[arg(long, env = "SIGHTLINE_TOKEN", hide_env_values = true, allow_hyphen_values = true)]
        token: String,
    },
}

#[derive(Subcommand)]
enum RelayCommand {
    /// Parse a relay message back into its fields.
    Decode {
        /// The message, e.g. "SUSPECTED HUMAN TRAFFICKING AY5 28NOV HEL-JFK NOURG REF …"
        /// (line breaks and extra spaces are fine).
        text: String,
        /// The organisation's codeword, when the message starts with it instead of the
        /// default header (either is accepted).
        #[arg(long)]
        codeword: Option<String>,
    },
}

#[derive(Subcommand)]
enum ContentCommand {
    /// Validate all content; print per course and language the lessons, questions and
    /// share of innocent scenarios. Exits 1 naming file and line of each problem.
    Check {
        /// The content folder.
        #[arg(long, env = "SIGHTLINE_CONTENT", default_value = "./content")]
        content: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a course as a SCORM 1.2 package (zip) for an LMS. Parts the language
    /// lacks are exported in English and listed.
    ExportScorm {
        /// The course id (a folder under content/courses).
        #[arg(long)]
        course: String,
        /// The language (en, fi, sv).
        #[arg(long, default_value = "en")]
        lang: String,
        /// The zip file to write.
        #[arg(long)]
        output: PathBuf,
        /// The content folder.
        #[arg(long, env = "SIGHTLINE_CONTENT", default_value = "./content")]
        content: PathBuf,
    },
}

#[derive(Subcommand)]
enum DirectoryCommand {
    /// Write the entries in use, in content/directory.toml's format (to review the
    /// changes made in the browser, or bring them back into the content folder).
    Export {
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits 0 when intact, 1 naming the first broken entry.
    Verify,
}

/// A failure that ends the program with one clear line and exit code 2.
struct Fatal(String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Self(e.to_string())
    }
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Re-wrap every sealed record's data key under a new master key (--new-key-file)
    /// or under one organisation's next key generation (--org), in batches, resumable
    /// (run it again after a crash), verified at the end; then the key file holds only
    /// the new key and the old one is written beside it as <key file>.retired-<id>.
    Rotate {
        /// The new master key (one base64 line; created if missing).
        #[arg(long, conflicts_with = "org", required_unless_present = "org")]
        new_key_file: Option<PathBuf>,
        /// Rotate this organisation's key generation alone (id or name); the master key stays.
        #[arg(long)]
        org: Option<String>,
        /// The master key file the server uses (default: master.key in the data folder).
        #[arg(long, env = "SIGHTLINE_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// How long to wait for running servers to load the new keys before re-wrapping
        /// (they reload every 2 s and on SIGHUP).
        #[arg(long, default_value_t = 10)]
        grace_seconds: u64,
        /// Records per transaction.
        #[arg(long, default_value_t = 500)]
        batch_size: i64,
        /// Pause after each batch, in milliseconds (throttling; tests).
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
    },
}

/// mimalloc instead of glibc's allocator: under ingest load glibc's `malloc`/`free`
/// took about a sixth of the server's CPU (arena locks, blocks freed on another
/// thread than the one that allocated them); see BENCHMARKS.md, issue 16.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr);
    if cli.log_format == "json" {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
    match run(cli).await {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

async fn open(db: &DbArgs) -> Result<Db, Fatal> {
    let database = match &db.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Db::open_postgres(url)
            .await
            .map_err(|e| Fatal(format!("cannot connect to PostgreSQL ({}): {}", redact(url), root_cause(&e))))?,
        Some(url) => {
            return Err(Fatal(format!(
                "unsupported database URL {}: use postgres://… (or leave it out for the embedded SQLite)",
                redact(url)
            )));
        }
        None => {
            keyfile::private_dir(&db.data)?;
            check_writable(&db.data)?;
            let path = db.data.join("sightline.db");
            keyfile::private_file(&path)?;
            Db::open_sqlite(&path)
                .await
                .map_err(|e| Fatal(format!("cannot open {}: {}", path.display(), root_cause(&e))))?
        }
    };
    database.migrate().await.map_err(|e| Fatal(format!("database migration failed: {e}")))?;
    Ok(database)
}

fn check_writable(dir: &Path) -> Result<(), Fatal> {
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| Fatal(format!("data directory {} is not writable: {e}", dir.display())))
}

fn root_cause(e: &StorageError) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg = s.to_string();
        source = s.source();
    }
    msg
}

/// Hide the password in a database URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Fatal> {
    match cli.command {
        Command::Serve {
            db,
            listen,
            public_url,
            demo,
            content,
            key_file,
            smtp_url,
            smtp_from,
            allow_private_webhooks,
            metrics_token,
            metrics_listen,
            trusted_proxies,
            token_cache_seconds,
            live_feed,
        } => {
            let live_feed: sightline_app::live::FeedMode = live_feed.parse().map_err(Fatal)?;
            let key_file = key_file.unwrap_or_else(|| db.data.join("master.key"));
            // Checked before anything is opened or created.
            let smtp = smtp_url.map(|url| sightline_web::Smtp::parse(&url, &smtp_from)).transpose().map_err(Fatal)?;
            let mut config = Config::new(&public_url.unwrap_or_else(|| format!("http://{listen}")));
            if let Some(token) = metrics_token {
                if token.trim().len() < 24 {
                    return Err(Fatal("--metrics-token: use at least 24 characters (a random string)".into()));
                }
                config = config.with_metrics_token(token.trim());
            }
            if let Some(addr) = metrics_listen {
                let ip = addr.ip();
                if config.metrics_token.is_none()
                    && (ip.is_unspecified() || !sightline_domain::triage::is_private_ip(ip))
                {
                    return Err(Fatal(format!(
                        "--metrics-listen {addr}: without --metrics-token, use a loopback or private-network address"
                    )));
                }
            }
            config = config.trusting_proxies(trusted_proxies);
            if let Some(smtp) = smtp {
                config = config.with_smtp(smtp);
            }
            if allow_private_webhooks {
                config = config.allowing_private_webhooks();
            }
            let token_cache = std::time::Duration::from_secs(token_cache_seconds);
            serve(db, listen, demo, &content, &key_file, config, Node { token_cache, live_feed, metrics_listen }).await
        }
        Command::Migrate { db } => {
            let database = open(&db).await?;
            println!("migrations applied ({})", database.engine().as_str());
            database.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { db, command: AdminCommand::SetWebhook { org, url, key_file } } => {
            let url = sightline_domain::triage::WebhookUrl::parse(&url)
                .map_err(|_| Fatal("--url must be an http(s) address without a user name or password".into()))?;
            let keys = keyfile::load_or_create(&key_file.unwrap_or_else(|| db.data.join("master.key")))?;
            let database = open(&db).await?;
            let org = find_org(&database, &org).await?;
            let state = AppState::new(database.clone(), Config::new("http://localhost"), Clock::System, keys);
            let (sealed, secret) = sightline_web::alerts::new_webhook_secret(&state, org)?;
            let url = url.as_str();
            let entry = NewAuditEntry::new(AuditAction::AlertsConfigured).org(org).detail(format!("webhook {url}"));
            let change = AlertChange::Webhook { url, sealed_secret: &sealed };
            database.configure_alerts(org, change, &entry, state.now()).await?;
            database.close().await;
            println!("{secret}");
            eprintln!(
                "alerts for this organisation now go to {url}; verify X-Sightline-Signature with the secret above"
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { db, command } => {
            let database = open(&db).await?;
            let result = admin(&database, command).await;
            database.close().await;
            result
        }
        Command::Content { command: ContentCommand::Check { content, json } } => Ok(content_check(&content, json)),
        Command::Content { command: ContentCommand::ExportScorm { course, lang, output, content } } => {
            export_scorm(&content, &course, &lang, &output)
        }
        Command::Relay { command: RelayCommand::Decode { text, codeword } } => relay_decode(&text, codeword.as_deref()),
        Command::Demo { db, command: DemoCommand::Generate { reports, reporter, content, key_file } } => {
            let library = sightline_content::load(&content).ok().ok_or_else(|| {
                Fatal(format!("the content in {} is invalid; run `sightline content check`", content.display()))
            })?;
            let keys = keyfile::load_or_create(&key_file.unwrap_or_else(|| db.data.join("master.key")))?;
            let database = open(&db).await?;
            let result = demo::generate(&database, &library, &keys, &reporter, reports).await;
            database.close().await;
            result
        }
        Command::Report { command: ReportCommand::Submit { file, server, token } } => {
            tokio::task::spawn_blocking(move || client::submit(&file, &server, &token))
                .await
                .map_err(|e| Fatal(e.to_string()))?
        }
        Command::Directory { db, command: DirectoryCommand::Export { output } } => {
            let database = open(&db).await?;
            let entries = database.directory().await;
            database.close().await;
            let entries: Vec<_> = entries?.into_iter().map(|s| s.entry).collect();
            #[allow(clippy::disallowed_methods)]
            let today = sightline_app::Clock::System.now().date().to_string();
            let text = sightline_content::directory_toml(&entries, &today).map_err(Fatal)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
                    println!("wrote {} entries to {}", entries.len(), path.display());
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { db, output } => backup::backup(&db, &output).await,
        Command::Restore { db, file, force, key_file, sample } => {
            let key_file = key_file.unwrap_or_else(|| db.data.join("master.key"));
            backup::restore(&db, &file, &key_file, force, sample).await
        }
        Command::Verify { db, key_file, sample } => {
            let key_file = key_file.unwrap_or_else(|| db.data.join("master.key"));
            backup::verify_command(&db, &key_file, sample).await
        }
        Command::Purge { db, dry_run, at, batch } => purge(&db, dry_run, at, batch).await,
        Command::Keys {
            db,
            command: KeysCommand::Rotate { new_key_file, org, key_file, grace_seconds, batch_size, pause_ms },
        } => {
            let key_file = key_file.unwrap_or_else(|| db.data.join("master.key"));
            let database = open(&db).await?;
            let options = keys::Options {
                batch: batch_size.max(1),
                grace: std::time::Duration::from_secs(grace_seconds),
                pause: std::time::Duration::from_millis(pause_ms),
            };
            match (new_key_file, org) {
                (Some(new), _) => keys::rotate_master(&database, &key_file, &new, &options).await?,
                (None, Some(org)) => {
                    let org = find_org(&database, &org).await?;
                    keys::rotate_org(&database, &key_file, org, &options).await?;
                }
                (None, None) => return Err(Fatal("give --new-key-file or --org".into())),
            }
            database.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { db, command: AuditCommand::Verify } => {
            let database = open(&db).await?;
            let result = database.verify_audit_chain().await;
            database.close().await;
            match result {
                Ok(n) => {
                    println!("audit chain intact: {n} entries verified");
                    Ok(ExitCode::SUCCESS)
                }
                Err(StorageError::AuditChain(e)) => {
                    println!("audit chain BROKEN at entry {}: {e}", e.seq());
                    Ok(ExitCode::from(1))
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

/// An RFC 3339 moment from the command line.
fn parse_moment(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).map_err(|e| e.to_string())
}

/// `sightline purge [--dry-run [--at T]]`: list what is due, or purge it under the
/// lease (exit 3 when another purge holds it).
async fn purge(db: &DbArgs, dry_run: bool, at: Option<OffsetDateTime>, batch: i64) -> Result<ExitCode, Fatal> {
    use sightline_jobs::retention::{self, Purge};
    let database = open(db).await?;
    let now = || Clock::System.now();
    let result = if dry_run {
        let at = at.unwrap_or_else(now);
        let counts = retention::due_counts(&database, at).await;
        retention::due(&database, at).await.and_then(|due| {
            let counts = counts?;
            for d in &due {
                println!(
                    "{}\torg {}\t{}\tclosed {}\tdue {}{}",
                    d.id,
                    d.org,
                    d.outcome.map_or("none", |o| o.as_str()),
                    d.closed_at.date(),
                    d.due_at.date(),
                    if d.public_tip { "\tpublic tip" } else { "" }
                );
            }
            println!("cases: {} would be purged", due.len());
            println!("training: {} person(s) who left would lose their training records", counts.training);
            println!("certificates: {} would become tombstones", counts.certificates);
            println!("audit: {} entries would be redacted", counts.audit);
            println!("dry run: nothing was changed");
            Ok(ExitCode::SUCCESS)
        })
    } else {
        let freezer = sightline_app::assign::ComplianceFreezer(database.clone());
        retention::purge(&database, now, batch, &freezer).await.map(|p| match p {
            Purge::Done(run) => {
                println!(
                    "{} case(s), {} person(s)' training records, {} certificate(s), {} audit entries purged in {} batch(es)",
                    run.purged.len(),
                    run.training,
                    run.certificates,
                    run.audit,
                    run.batches
                );
                ExitCode::SUCCESS
            }
            Purge::Busy => {
                println!("another purge is running; nothing was done");
                ExitCode::from(3)
            }
        })
    };
    database.close().await;
    result.map_err(Fatal)
}

fn relay_decode(text: &str, codeword: Option<&str>) -> Result<ExitCode, Fatal> {
    if let Some(word) = codeword {
        sightline_domain::report::RelayCodeword::parse(word).map_err(|_| {
            Fatal("--codeword: use 3 to 40 capital letters, digits and spaces, starting with a letter".into())
        })?;
    }
    match sightline_domain::report::RelayMessage::decode(text, codeword) {
        Ok(m) => {
            let out = serde_json::to_string_pretty(&m).map_err(|e| Fatal(e.to_string()))?;
            println!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(Fatal(format!("not a relay message: {e}"))),
    }
}

/// The decision gate run on every course scenario, and a summary per course.
fn print_gate_table(rows: &[sightline_content::GateRow]) {
    println!();
    println!("{:<14} {:<9} {:<9} {:<5} {:>5}  because", "course", "scenario", "expected", "gate", "score");
    for r in rows {
        let gate = if r.passed { "pass" } else { "-" };
        let flag = if r.agrees() { "" } else { "  <-- disagrees with the course" };
        println!(
            "{:<14} {:<9} {:<9} {:<5} {:>2}/{:<2}  {}{flag}",
            r.course, r.scenario, r.expected, gate, r.score, r.threshold, r.because
        );
    }
    let mut courses: Vec<&str> = rows.iter().map(|r| r.course.as_str()).collect();
    courses.dedup();
    for c in courses {
        let of = |expected: &'static str| rows.iter().filter(move |r| r.course == c && r.expected == expected);
        println!(
            "gate {c}: {}/{} report scenarios pass, {}/{} innocent look-alikes pass",
            of("report").filter(|r| r.passed).count(),
            of("report").count(),
            of("innocent").filter(|r| r.passed).count(),
            of("innocent").count()
        );
    }
}

fn export_scorm(dir: &Path, course: &str, lang: &str, output: &Path) -> Result<ExitCode, Fatal> {
    let library = sightline_content::load(dir)
        .ok()
        .ok_or_else(|| Fatal(format!("the content in {} is invalid; run `sightline content check`", dir.display())))?;
    let Some(c) = library.course(course) else {
        let ids: Vec<&str> = library.courses.iter().map(|c| c.id.as_str()).collect();
        return Err(Fatal(format!("no course {course}; the courses are: {}", ids.join(", "))));
    };
    let package = sightline_app::scorm::export(c, lang).map_err(|e| match e {
        sightline_app::AppError::Invalid(_) => Fatal(format!(
            "no content language {lang}; use one of: {}",
            sightline_domain::learn::CONTENT_LANGS.join(", ")
        )),
        other => Fatal(other.to_string()),
    })?;
    std::fs::write(output, &package.bytes).map_err(|e| Fatal(format!("cannot write {}: {e}", output.display())))?;
    for m in &package.missing {
        println!("missing in {lang}, exported in English: {m}");
    }
    println!(
        "wrote {} ({} bytes): SCORM 1.2 package of {course} in {lang}, pass mark {} %",
        output.display(),
        package.bytes.len(),
        c.pass_percent
    );
    Ok(ExitCode::SUCCESS)
}

fn content_check(dir: &Path, json: bool) -> ExitCode {
    let report = sightline_content::load(dir);
    // Not a problem of the file but a gap in what could be sourced: said, not refused.
    let without_24_7: Vec<String> = report.library.as_ref().map_or_else(Vec::new, |l| {
        l.directory.countries_without_a_24_7_number().into_iter().map(str::to_owned).collect()
    });
    if json {
        let problems: Vec<serde_json::Value> = report
            .problems
            .iter()
            .map(|p| {
                serde_json::json!({
                    "severity": if p.severity == sightline_content::Severity::Error { "error" } else { "warning" },
                    "file": p.file.display().to_string(),
                    "line": p.line,
                    "message": p.message,
                })
            })
            .collect();
        let out = serde_json::json!({
            "ok": report.errors() == 0, "courses": report.stats, "gate": report.gate, "problems": problems,
            "countries_without_24_7_e164": without_24_7,
        });
        println!("{out:#}");
    } else {
        println!(
            "{:<14} {:<4} {:>7} {:>7} {:>9} {:>9} {:>8}",
            "course", "lang", "lessons", "minutes", "questions", "innocent", "longest"
        );
        for s in &report.stats {
            println!(
                "{:<14} {:<4} {:>7} {:>7} {:>9} {:>8}% {:>7}%",
                s.course, s.lang, s.lessons, s.minutes, s.questions, s.innocent_percent, s.longest_right_percent
            );
        }
        print_gate_table(&report.gate);
        if !without_24_7.is_empty() {
            println!(
                "directory: no line answered 24/7 with a number in E.164 form (only short codes, toll-free \
                 lines without stated hours or office hours; find one at its publisher) for: {}",
                without_24_7.join(", ")
            );
        }
        for p in &report.problems {
            println!("{p}");
        }
        let errors = report.errors();
        if errors == 0 {
            println!("content OK ({} warnings)", report.problems.len());
        } else {
            println!("{errors} errors");
        }
    }
    if report.errors() == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// How this node caches API tokens, hears of the other nodes' queue changes and serves
/// its metrics.
struct Node {
    token_cache: std::time::Duration,
    live_feed: sightline_app::live::FeedMode,
    /// `/metrics` also on this address (`--metrics-listen`).
    metrics_listen: Option<SocketAddr>,
}

async fn serve(
    db: DbArgs,
    listen: SocketAddr,
    demo: bool,
    content: &Path,
    key_file: &Path,
    config: Config,
    node: Node,
) -> Result<ExitCode, Fatal> {
    let Node { token_cache, live_feed, metrics_listen } = node;
    // Content first: the server refuses to start on invalid content, with the same
    // messages as `sightline content check`.
    let report = sightline_content::load(content);
    let errors = report.errors();
    for p in &report.problems {
        // Listed above the one-line refusal when the server cannot start; otherwise
        // warnings in the log, in its format.
        if errors > 0 {
            eprintln!("{p}");
        } else {
            tracing::warn!(problem = %p, "content");
        }
    }
    let Some(library) = report.ok() else {
        return Err(Fatal(format!(
            "the content in {} has {errors} errors (listed above); fix them and check with `sightline content check`",
            content.display()
        )));
    };
    let database = open(&db).await?;
    let keys = keyfile::load_or_create(key_file)?;
    let listener =
        tokio::net::TcpListener::bind(listen).await.map_err(|e| Fatal(format!("cannot listen on {listen}: {e}")))?;
    let metrics_listener = metrics_listen
        .map(|addr| {
            std::net::TcpListener::bind(addr)
                .map_err(|e| Fatal(format!("--metrics-listen: cannot listen on {addr}: {e}")))
        })
        .transpose()?;
    let mut state = AppState::new(database.clone(), config, Clock::System, keys).with_library(library);
    state.app = state.app.with_token_cache(token_cache);
    state.app = state.app.with_live_feed(live_feed, sightline_app::live::StreamLimits::default());
    tracing::info!(mode = live_feed.as_str(), "live queue feed");
    // The tips' receipt pepper and proof-of-work key, kept sealed in the database so
    // they outlive key rotations.
    state.app = state.app.keep_derived_keys().await.map_err(|e| Fatal(format!("derived keys: {e}")))?;
    reload_keys(&state, &database, key_file)?;
    let shutdown = shutdown_signal()?;
    let now = state.now();

    let seeded = state.seed_directory().await?;
    if seeded > 0 {
        println!("Routing directory: added {seeded} entries from {}", content.join("directory.toml").display());
    }
    if demo {
        demo::seed(&database, now).await?;
    }
    // After migration 0022 (and after the demo's reports): the statistics' summaries
    // are worked out once from the rows, before the server takes writes.
    if let Some(read) = state.prepare_statistics().await.map_err(|e| Fatal(format!("statistics: {e}")))? {
        println!("Statistics: counted {read} reports");
    }
    if database.count_platform_admins().await? == 0 {
        let token = sightline_web::new_token()?;
        database.create_setup_token(&sightline_web::hash_token(&token), now, now + Duration::hours(24)).await?;
        println!("No administrator yet. Open this one-time setup link within 24 hours:");
        println!("  {}/setup?token={token}", state.config.public_url);
    }
    let metrics_server = match metrics_listener {
        Some(l) => {
            let addr = l.local_addr().map_err(|e| Fatal(format!("--metrics-listen: {e}")))?;
            let server = sightline_web::metrics::MetricsServer::start(l, state.clone())
                .map_err(|e| Fatal(format!("--metrics-listen: cannot start its thread: {e}")))?;
            println!("Metrics on http://{addr}/metrics");
            Some(server)
        }
        None => None,
    };
    println!(
        "Sightline {} listening on http://{listen} (database: {})",
        env!("CARGO_PKG_VERSION"),
        database.engine().as_str()
    );

    let jobs = background_jobs(&state).start();
    // Open event streams never end by themselves: end them when shutting down, so the
    // graceful shutdown does not wait for them.
    let live = state.live.clone();
    let shutdown = async move {
        shutdown.await;
        live.close();
    };
    let app = sightline_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    // The accept loop runs as a task on the runtime's workers, not on this (the main)
    // thread: a connection is then accepted and served by the worker that heard of it,
    // not handed from a worker to the main thread and back (two more thread wake-ups,
    // each a wait for a core when the machine is busy: the tail of /metrics under load,
    // BENCHMARKS.md).
    let server = tokio::spawn(axum::serve(listener, app).with_graceful_shutdown(shutdown).into_future());
    server.await.map_err(|e| Fatal(format!("server error: {e}")))?.map_err(|e| Fatal(format!("server error: {e}")))?;
    if let Some(m) = metrics_server {
        m.stop().await;
    }
    if !jobs.stop(std::time::Duration::from_secs(30)).await {
        tracing::warn!("background work still running after 30 s was cancelled; it resumes after its lease");
    }
    database.close().await;
    println!("Sightline stopped.");
    Ok(ExitCode::SUCCESS)
}

/// Keep the server's key ring as the key file and the organisations' key generations
/// say: read again every 2 s and on SIGHUP, so a rotation's new key (the file holds the
/// ring: new key first, old after) and an organisation's new generation are used
/// without a restart. A file that no longer holds the key in use is refused (logged,
/// the ring kept): an unrelated key would leave the stored records unreadable.
fn reload_keys(state: &AppState, database: &Db, key_file: &Path) -> Result<(), Fatal> {
    use sightline_domain::crypto::KeyRing;
    let (keys, db, path) = (state.keys.clone(), database.clone(), key_file.to_path_buf());
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .map_err(|e| Fatal(format!("cannot install signal handler: {e}")))?;
    let reload = move |file: Result<KeyRing, Fatal>, generations| {
        let ring = match file {
            Ok(ring) => ring,
            Err(Fatal(e)) => {
                tracing::warn!(error = %e, "key file not reloaded");
                return;
            }
        };
        let before = keys.ring();
        if !ring.ids().contains(&before.current_id()) {
            tracing::warn!(
                current = %before.current_id(),
                "the key file no longer holds the key in use; kept the keys loaded (restart to use another key)"
            );
            return;
        }
        if ring.ids() != before.ids() {
            let ids: Vec<String> = ring.ids().iter().map(ToString::to_string).collect();
            tracing::info!(keys = %ids.join(","), "key ring reloaded");
        }
        keys.replace(ring.with_generations(generations));
    };
    tokio::spawn(async move {
        loop {
            #[cfg(unix)]
            tokio::select! {
                () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {},
                _ = hup.recv() => {},
            }
            #[cfg(not(unix))]
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            match db.org_key_generations().await {
                Ok(generations) => reload(keyfile::load_ring(&path), generations),
                Err(e) => tracing::warn!(error = %e, "key generations not reloaded"),
            }
        }
    });
    Ok(())
}

/// The background jobs `serve` runs, each on its interval, from one runner.
fn background_jobs(state: &AppState) -> sightline_jobs::Runner {
    use sightline_jobs::{Job, Runner};
    use std::time::Duration as Every;
    let s = state.clone();
    let purge = Job::new("purge of expired sessions", Every::from_secs(3600), move || {
        let s = s.clone();
        async move {
            let now = s.now();
            s.db.purge_expired(now, now - Duration::days(1)).await
        }
    });
    let retention = state.clone();
    let retention = Job::new("retention purge", sightline_jobs::retention::EVERY, move || {
        let s = retention.clone();
        async move {
            let clock = s.clock.clone();
            let freezer = sightline_app::assign::ComplianceFreezer(s.db.clone());
            sightline_jobs::retention::purge(&s.db, move || clock.now(), sightline_jobs::retention::BATCH, &freezer)
                .await
        }
    });
    let live = state.clone();
    let live = Job::new("live queue prune", sightline_jobs::live::EVERY, move || {
        let s = live.clone();
        async move {
            let clock = s.clock.clone();
            sightline_jobs::live::prune(&s.db, move || clock.now(), sightline_jobs::live::BATCH).await
        }
    });
    let gauges = state.clone();
    let metrics = Job::new("metrics counts", sightline_web::metrics::FRESH, move || {
        let s = gauges.clone();
        async move { s.metrics.load_counts(&s.app).await }
    });
    // A job that runs `sightline_jobs::$module::run_once` on the jobs' context.
    macro_rules! run_once {
        ($name:literal, $every:expr, $module:ident) => {{
            let s = state.clone();
            Job::new($name, $every, move || {
                let c = s.jobs();
                async move { sightline_jobs::$module::run_once(&c).await }
            })
        }};
    }
    Runner::new()
        .job(purge)
        .job(metrics)
        .job(retention)
        .job(live)
        .job(run_once!("referral webhooks", Every::from_secs(15), referral_hooks))
        .job(run_once!("xAPI statements", Every::from_secs(30), xapi))
        .job(run_once!("desk alerts", Every::from_secs(15), alerts))
        .job(run_once!("e-mail delivery", Every::from_secs(10), mail))
        .job(run_once!("certificate reminders", Every::from_secs(3600), reminders))
        .job(run_once!("training assignment reminders", Every::from_secs(3600), assignments))
        .job(run_once!("referral timers", Every::from_secs(60), referrals))
}

/// Listen for SIGINT and SIGTERM. The handlers are installed when this is called
/// (before the server announces itself), so an early signal is never lost.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, Fatal> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term =
            signal(SignalKind::terminate()).map_err(|e| Fatal(format!("cannot install signal handler: {e}")))?;
        let mut int =
            signal(SignalKind::interrupt()).map_err(|e| Fatal(format!("cannot install signal handler: {e}")))?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
            tracing::info!("shutting down: finishing in-flight requests");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

async fn find_org(db: &Db, org: &str) -> Result<sightline_domain::ids::OrgId, Fatal> {
    if let Ok(id) = org.parse() {
        return db.get_org(id).await.map(|o| o.id).map_err(|_| Fatal(format!("no organisation with id {org}")));
    }
    let name = OrgName::parse(org).map_err(|e| Fatal(format!("--org: {e}")))?;
    db.org_by_name(&name).await.map(|o| o.id).map_err(|_| Fatal(format!("no organisation named {org:?}")))
}

async fn admin(db: &Db, command: AdminCommand) -> Result<ExitCode, Fatal> {
    #[allow(clippy::disallowed_methods)]
    let now = sightline_app::Clock::System.now();
    match command {
        AdminCommand::CreateOrg { name, kind } => {
            let name = OrgName::parse(&name).map_err(|e| Fatal(format!("--name: {e}")))?;
            let kind: OrgKind =
                kind.parse().map_err(|_| Fatal("--kind must be airline, airport, ngo or authority".into()))?;
            let audit = NewAuditEntry::new(AuditAction::OrgCreated).detail("via sightline admin");
            let id = db.create_org(&name, kind, audit, now).await.map_err(|e| match e {
                StorageError::Conflict { .. } => {
                    Fatal(format!("an organisation named {:?} already exists", name.as_str()))
                }
                other => other.into(),
            })?;
            println!("{id}");
        }
        AdminCommand::CreateUser { org, email, name, roles, password } => {
            let org = find_org(db, &org).await?;
            let email = Email::parse(&email).map_err(|e| Fatal(format!("--email: {e}")))?;
            let name = PersonName::parse(&name).map_err(|e| Fatal(format!("--name: {e}")))?;
            let roles = Roles::parse_list(&roles).map_err(|e| Fatal(format!("--roles: {e}")))?;
            let password_hash = match password {
                Some(p) => {
                    let p = NewPassword::parse(&p, Some(&email)).map_err(|e| Fatal(format!("--password: {e}")))?;
                    Some(sightline_web::hash_password(p.expose())?)
                }
                None => None,
            };
            let user = NewUser { name, email, roles, base: None, employee_id: None, password_hash, position: None };
            let audit = NewAuditEntry::new(AuditAction::UserCreated);
            let id = db.create_user(org, &user, audit, now).await.map_err(|e| match e {
                StorageError::Conflict { .. } => Fatal(format!("{} already has an account", user.email)),
                other => other.into(),
            })?;
            println!("{id}");
        }
        AdminCommand::CreateToken { email, name, days, scopes } => {
            let email = Email::parse(&email).map_err(|e| Fatal(format!("--email: {e}")))?;
            let user = db.user_by_email(&email).await?.ok_or_else(|| Fatal(format!("no user with e-mail {email}")))?;
            let scopes = match scopes {
                None => Scopes::default_for(&user.roles),
                Some(s) => Scopes::parse_list(&s).and_then(|s| s.for_roles(&user.roles)).map_err(|e| {
                    let allowed = Scopes::grantable(&user.roles);
                    Fatal(format!("--scopes: {e} (this person's roles allow: {allowed})"))
                })?,
            };
            let token = sightline_web::new_token()?;
            let expires = days.map(|d| now + Duration::days(d));
            db.create_api_token(&user, &name, &scopes, &sightline_web::hash_token(&token), expires, now).await?;
            println!("{token}");
        }
        AdminCommand::SetWebhook { .. } => return Err(Fatal("handled above".into())),
        AdminCommand::SetAlertEmail { org, email } => {
            let org = find_org(db, &org).await?;
            let email = Email::parse(&email).map_err(|e| Fatal(format!("--email: {e}")))?;
            let entry = NewAuditEntry::new(AuditAction::AlertsConfigured).org(org).detail(format!("e-mail {email}"));
            db.configure_alerts(org, AlertChange::Email(email.as_str()), &entry, now).await?;
            println!("alerts for this organisation also go to {email}");
        }
        AdminCommand::SetEscalationLead { org, minutes } => {
            let lead = sightline_domain::triage::EscalationLead::from_minutes(minutes).map_err(|_| {
                Fatal(format!(
                    "--minutes must be a whole number from {} to {}",
                    sightline_domain::triage::EscalationLead::MIN_MINUTES,
                    sightline_domain::triage::EscalationLead::MAX_MINUTES
                ))
            })?;
            let org = find_org(db, &org).await?;
            db.set_escalation_lead(org, lead, None, now).await?;
            println!("the desk is told to escalate {} minutes before scheduled landing", lead.minutes());
        }
        AdminCommand::ListOrgs => {
            for o in db.list_orgs().await? {
                println!("{}\t{}\t{}\t{} users", o.id, o.kind, o.name, o.user_count);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
