//! Issue 15, item 5: two `serve` nodes on one PostgreSQL database behind the reverse
//! proxy exactly as `deploy/nginx.conf` documents it (TLS, HTTP/2, no sticky
//! sessions), driven by curl as a browser would be: one person signs in, and every
//! request after that — spread over both nodes, one of them stopped halfway — finds
//! them signed in.
//!
//! Needs nginx, openssl and curl (Debian packages, installed by `.ci/run`); outside CI
//! the test says SKIPPED when one is missing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::probes::{Engine, PASSWORD};
use super::{free_port, temp_dir};

const HOST: &str = "sightline.example-airline.com";
const METRICS_TOKEN: &str = "a-metrics-token-for-the-proxy-test";

/// The documented configuration with this machine's addresses, ports and files; each
/// rewritten line must be found exactly once, so a change to the document that this
/// test no longer covers fails here.
fn documented_config(dir: &Path, nodes: [u16; 2], tls: u16, plain: u16) -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/nginx.conf")).unwrap();
    let mut conf = doc.clone();
    let dir = dir.display();
    for (from, to) in [
        ("server 10.0.0.11:8080 ", format!("server 127.0.0.1:{} ", nodes[0])),
        ("server 10.0.0.12:8080 ", format!("server 127.0.0.1:{} ", nodes[1])),
        ("listen 443 ssl", format!("listen 127.0.0.1:{tls} ssl")),
        ("listen 80;", format!("listen 127.0.0.1:{plain};")),
        ("/etc/ssl/sightline/fullchain.pem", format!("{dir}/cert.pem")),
        ("/etc/ssl/sightline/privkey.pem", format!("{dir}/key.pem")),
        ("/var/log/nginx/sightline.access.log", format!("{dir}/access.log")),
    ] {
        assert_eq!(doc.matches(from).count(), 1, "deploy/nginx.conf should have `{from}` once");
        conf = conf.replace(from, &to);
    }
    conf
}

/// nginx in the foreground with `site` included, as Debian's nginx.conf includes
/// conf.d; its temporary files and logs in `dir`.
struct Nginx(Child);

impl Nginx {
    fn start(dir: &Path, site: &str) -> Self {
        std::fs::write(dir.join("sightline.conf"), site).unwrap();
        let d = dir.display();
        let root = Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
        let user = if root { "user root;\n" } else { "" };
        let main = format!(
            "{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n\
             \x20 uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/sightline.conf;\n}}\n"
        );
        std::fs::write(dir.join("nginx.conf"), main).unwrap();
        let conf = dir.join("nginx.conf");
        let check = Command::new("nginx").arg("-p").arg(dir).arg("-c").arg(&conf).arg("-t").output().unwrap();
        assert!(check.status.success(), "nginx -t: {}", String::from_utf8_lossy(&check.stderr));
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Self(child)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// curl as the person's browser: one cookie jar, the test's certificate authority,
/// and the site's name resolved to loopback.
struct Browser {
    dir: PathBuf,
    tls: u16,
    plain: u16,
}

/// One answer through the proxy.
struct Answer {
    status: u16,
    version: String,
    location: String,
    body: String,
}

impl Browser {
    fn request(&self, scheme: &str, path: &str, form: Option<&str>) -> Answer {
        let port = if scheme == "https" { self.tls } else { self.plain };
        let jar = self.dir.join("cookies.txt");
        let mut cmd = Command::new("curl");
        cmd.args(["--silent", "--show-error", "--max-time", "30", "--http2"])
            .arg("--cacert")
            .arg(self.dir.join("cert.pem"))
            .arg("--resolve")
            .arg(format!("{HOST}:{port}:127.0.0.1"))
            .arg("--cookie")
            .arg(&jar)
            .arg("--cookie-jar")
            .arg(&jar)
            .args(["--write-out", "\n%{http_code} %{http_version} %{redirect_url}"]);
        if let Some(form) = form {
            cmd.args(["--data-raw", form]).arg("-H").arg(format!("Origin: https://{HOST}:{port}"));
        }
        let out = cmd.arg(format!("{scheme}://{HOST}:{port}{path}")).output().unwrap();
        assert!(out.status.success(), "curl {path}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, tail) = text.rsplit_once('\n').unwrap();
        let mut tail = tail.splitn(3, ' ');
        Answer {
            status: tail.next().unwrap().parse().unwrap(),
            version: tail.next().unwrap_or_default().to_owned(),
            location: tail.next().unwrap_or_default().to_owned(),
            body: body.to_owned(),
        }
    }

    /// The CSRF value of the form on `path`.
    fn csrf(&self, path: &str) -> String {
        let page = self.request("https", path, None);
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        page.body.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned()
    }
}

/// `GET /home` requests this node answered signed in, from its `/metrics`.
fn homes_answered(port: u16) -> u64 {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {METRICS_TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut s, &mut text).unwrap();
    text.lines()
        .filter(|l| l.starts_with("sightline_http_requests_total{"))
        .filter(|l| l.contains("route=\"/home\"") && l.contains("method=\"GET\"") && l.contains("status=\"200\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum()
}

/// A tool the test needs, or `None` (after saying SKIPPED) outside CI.
fn have(tool: &str) -> bool {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{tool} is missing, but CI is: .ci/run installs it");
        let _ = writeln!(std::io::stderr(), "SKIPPED the proxy test: {tool} is not installed");
    }
    found
}

#[test]
fn two_nodes_behind_the_documented_nginx_keep_one_person_signed_in() {
    if !["nginx", "openssl", "curl"].iter().all(|t| have(t)) {
        return;
    }
    let Some(engine) = Engine::postgres("proxy test") else { return };
    let started = Instant::now();
    engine.sightline(&["admin", "create-org", "--name", "Proxy Air", "--kind", "airline"]);
    engine.person("Proxy Air", "crew@proxy.example", "reporter");

    let dir = temp_dir();
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj"])
        .arg(format!("/CN={HOST}"))
        .arg("-addext")
        .arg(format!("subjectAltName=DNS:{HOST}"))
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .unwrap();
    assert!(made.status.success(), "openssl: {}", String::from_utf8_lossy(&made.stderr));

    let (tls, plain) = (free_port(), free_port());
    let public = format!("https://{HOST}:{tls}");
    let key = engine.data.join("master.key");
    let key = key.to_str().unwrap().to_owned();
    let node = |data: Option<&Path>| {
        let args = ["--public-url", &public, "--trusted-proxies", "127.0.0.1", "--metrics-token", METRICS_TOKEN];
        engine.serve(&[&args[..], &["--key-file", &key]].concat(), data)
    };
    let one = node(None);
    let other_data = temp_dir();
    let two = node(Some(&other_data));
    let nodes = [one.port(), two.port()];
    let _nginx = Nginx::start(&dir, &documented_config(&dir, nodes, tls, plain));
    let browser = Browser { dir: dir.clone(), tls, plain };

    // Plain HTTP is sent to HTTPS; HTTPS speaks HTTP/2 with the test's certificate.
    let deadline = Instant::now() + Duration::from_secs(10);
    let redirect = loop {
        let out = Command::new("curl")
            .args(["--silent", "--output", "/dev/null", "--write-out", "%{http_code} %{redirect_url}"])
            .arg(format!("http://127.0.0.1:{plain}/login"))
            .arg("-H")
            .arg(format!("Host: {HOST}"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text.starts_with("301") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(redirect.starts_with("301 https://"), "port 80 redirects to https: {redirect}");

    // Sign in: the form from one node, the POST to the next (round robin).
    let csrf = browser.csrf("/login");
    let form = format!("csrf={csrf}&email=crew%40proxy.example&password={}", PASSWORD.replace(' ', "+"));
    let signed = browser.request("https", "/login", Some(&form));
    assert_eq!(signed.status, 303, "signed in through the proxy: {}", signed.body);
    assert_eq!(signed.version, "2", "HTTP/2 through the documented TLS listener");
    let cookies = std::fs::read_to_string(dir.join("cookies.txt")).unwrap();
    assert!(cookies.contains("sl_session"), "a session cookie for the site: {cookies}");

    // Requests over both nodes; a form read on one node is posted on the other.
    let home = |n: usize| {
        let page = browser.request("https", "/home", None);
        assert_eq!(page.status, 200, "request {n}: {}", page.body);
        assert!(page.body.contains("action=\"/logout\""), "request {n} is signed in: {}", page.body);
    };
    for n in 0..10 {
        home(n);
    }
    let csrf = browser.csrf("/home");
    let lang = browser.request("https", "/lang", Some(&format!("csrf={csrf}&lang=fi&back=%2Fhome")));
    assert_eq!(lang.status, 303, "a form posted on the other node: {}", lang.body);
    assert!(lang.location.ends_with("/home"), "back home: {}", lang.location);
    let served = [homes_answered(nodes[0]), homes_answered(nodes[1])];
    assert!(served.iter().all(|n| *n >= 3), "both nodes served the person: {served:?}");

    // One node stops (as for an upgrade); the person goes on, signed in, on the other.
    assert_eq!(one.terminate(), 0);
    for n in 10..20 {
        home(n);
    }
    let after = homes_answered(nodes[1]);
    assert!(after >= served[1] + 10, "the remaining node answered the rest: {served:?} then {after}");
    assert_eq!(two.terminate(), 0);
    eprintln!(
        "two nodes behind the documented nginx (HTTP/2, TLS): 21 signed-in pages and a form, {served:?} per node before \
         one stopped, then {} on the other; {:?}",
        after - served[1],
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(&other_data);
    let _ = std::fs::remove_dir_all(&dir);
}
