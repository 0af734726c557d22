//! Rebuild when a migration is added or changed: `sqlx::migrate!` embeds the
//! migration folders at compile time, and Cargo does not watch them by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
