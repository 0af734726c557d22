//! `sightline report submit`: the reference client. It speaks exactly the protocol of
//! the app's offline outbox — `PUT /api/v1/reports/{id}` with the device's id — so a
//! repeat sends nothing twice.

use std::path::Path;
use std::process::ExitCode;

use serde::Deserialize;
use sightline_domain::report::ReportInput;

use crate::Fatal;

#[derive(Deserialize)]
struct ReportFile {
    /// The report's UUID, chosen by the sender.
    id: uuid::Uuid,
    #[serde(flatten)]
    report: ReportInput,
}

pub fn submit(file: &Path, server: &str, token: &str) -> Result<ExitCode, Fatal> {
    let text = std::fs::read_to_string(file).map_err(|e| Fatal(format!("cannot read {}: {e}", file.display())))?;
    let parsed: ReportFile =
        serde_json::from_str(&text).map_err(|e| Fatal(format!("{} is not a report file: {e}", file.display())))?;
    let url = format!("{}/api/v1/reports/{}", server.trim_end_matches('/'), parsed.id);
    // TLS uses the same crypto provider as the rest of the build (aws-lc-rs).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut res = agent
        .put(&url)
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(&parsed.report)
        .map_err(|e| Fatal(format!("cannot reach {server}: {e}")))?;
    let status = res.status().as_u16();
    let body = res.body_mut().read_to_string().unwrap_or_default();
    println!("{body}");
    match status {
        201 => {
            eprintln!("stored");
            Ok(ExitCode::SUCCESS)
        }
        200 => {
            eprintln!("already stored (same content): nothing changed");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("refused with HTTP {status}");
            Ok(ExitCode::from(1))
        }
    }
}
