//! Bulk data for benchmarks (examples in the app and web crates): a deterministic
//! generator, SQL literals for either engine, and multi-row `INSERT`s in chunks.
//! Benchmarks measure reading; this writes without audit entries, as no product path may.

use crate::{Db, Engine, Result};

/// A small deterministic generator (xorshift), so every run and engine gets the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// An id as an SQL literal of `engine`.
#[must_use]
pub fn uuid_literal(engine: Engine, u: uuid::Uuid) -> String {
    match engine {
        Engine::Sqlite => format!("X'{}'", u.simple()),
        Engine::Postgres => format!("'{u}'"),
    }
}

/// Bytes (given as hex) as an SQL literal of `engine`.
#[must_use]
pub fn bytes_literal(engine: Engine, hex: &str) -> String {
    match engine {
        Engine::Sqlite => format!("X'{hex}'"),
        Engine::Postgres => format!("'\\x{hex}'::bytea"),
    }
}

/// `head VALUES row, row, …` in statements of `chunk` rows.
///
/// # Errors
/// A statement failed (the chunks before it stay written).
pub async fn insert_chunks(db: &Db, head: &str, rows: impl Iterator<Item = String>, chunk: usize) -> Result<()> {
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let part: Vec<String> = rows.by_ref().take(chunk.max(1)).collect();
        super::execute(db, &format!("{head} VALUES {}", part.join(","))).await?;
    }
    Ok(())
}
