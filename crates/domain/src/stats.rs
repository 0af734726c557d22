//! Statistics that identify no one: small-cell suppression of count tables, the
//! months they are counted by, and the route regions reports are counted by.
//!
//! **Suppression.** A published table is its cells, its row and column totals and
//! its grand total. Every one of those numbers that counts fewer than [`K`] = 11
//! people or cases (CTDC publishes its global dataset k-anonymised with k = 11;
//! Polaris withholds counts below 3) is hidden (*primary* suppression). Zero is
//! published: it counts no one, so it identifies no one, and a table that hid its
//! zeros would hide most of itself. Then *complementary* suppression hides more
//! numbers until no hidden one can be worked out from the published ones.
//!
//! Why that is decidable exactly: the published numbers obey one equation per row
//! (the cells add up to the row total; the totals row's cells add up to the grand
//! total) and one per column. Each number appears in exactly two of them (its row's
//! and its column's), so the equations are those of a flow on a graph whose nodes are
//! the rows and columns (the totals row and column included) and whose edges are the
//! numbers. A hidden number can be recovered from the published ones, by any linear
//! reasoning on the totals, exactly when its edge is a *bridge* of the graph of hidden
//! numbers (it lies on no cycle of hidden numbers). A row with one hidden number is
//! the simplest case. [`suppress`] therefore hides, while any hidden number is a
//! bridge, one more number that closes a cycle through it (or, when none can,
//! extends one of its sides) — a cell before a total, a zero only when no other
//! cell will do, the smallest first — until no bridge is left. Hiding
//! everything leaves no bridge, so this ends.
//!
//! Every hidden number is shown the same way, whether it was small or hidden to
//! protect a small one: telling them apart would give a reader bounds (a row of 12
//! with one small and one complementary cell would give the small one away).

use std::collections::BTreeMap;

use serde::Deserialize;
use time::OffsetDateTime;

/// The smallest count that is published (CTDC's k).
pub const K: u64 = 11;

/// A number as published: the count, or hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Count(u64),
    Hidden,
}

impl Shown {
    #[must_use]
    pub const fn count(self) -> Option<u64> {
        match self {
            Self::Count(n) => Some(n),
            Self::Hidden => None,
        }
    }
    #[must_use]
    pub const fn is_hidden(self) -> bool {
        matches!(self, Self::Hidden)
    }
}

/// A table of counts before publication: `cells[row][col]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counts {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Vec<u64>>,
}

impl Counts {
    /// A table of zeros with these row and column keys.
    #[must_use]
    pub fn zeros(rows: Vec<String>, cols: Vec<String>) -> Self {
        let cells = vec![vec![0; cols.len()]; rows.len()];
        Self { rows, cols, cells }
    }
    /// Add `n` to the cell (`row`, `col`) when both keys are in the table (a count
    /// outside the table's rows or columns is left out).
    pub fn add(&mut self, row: &str, col: &str, n: u64) {
        if let (Some(i), Some(j)) = (self.rows.iter().position(|r| r == row), self.cols.iter().position(|c| c == col)) {
            self.cells[i][j] += n;
        }
    }
    /// Row totals, column totals and the grand total.
    #[must_use]
    pub fn totals(&self) -> (Vec<u64>, Vec<u64>, u64) {
        let rows: Vec<u64> = self.cells.iter().map(|r| r.iter().sum()).collect();
        let cols: Vec<u64> = (0..self.cols.len()).map(|j| self.cells.iter().map(|r| r[j]).sum()).collect();
        let total = rows.iter().sum();
        (rows, cols, total)
    }
    /// The table without the columns whose total is zero (a route or sign nobody
    /// reported is not worth a column).
    #[must_use]
    pub fn without_empty_cols(mut self) -> Self {
        let (_, cols, _) = self.totals();
        let keep: Vec<bool> = cols.iter().map(|&n| n > 0).collect();
        self.cols = self.cols.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(c, _)| c).collect();
        for row in &mut self.cells {
            *row = row.iter().zip(&keep).filter(|(_, k)| **k).map(|(n, _)| *n).collect();
        }
        self
    }
    /// The table without the rows whose total is zero.
    #[must_use]
    pub fn without_empty_rows(mut self) -> Self {
        let (rows, _, _) = self.totals();
        let keep: Vec<bool> = rows.iter().map(|&n| n > 0).collect();
        self.rows = self.rows.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(r, _)| r).collect();
        self.cells =
            std::mem::take(&mut self.cells).into_iter().zip(&keep).filter(|(_, k)| **k).map(|(r, _)| r).collect();
        self
    }
}

/// A table as published: every number shown or hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Vec<Shown>>,
    pub row_totals: Vec<Shown>,
    pub col_totals: Vec<Shown>,
    pub total: Shown,
}

impl Published {
    /// How many numbers (cells and totals) are hidden.
    #[must_use]
    pub fn hidden(&self) -> usize {
        let cells = self.cells.iter().flatten().filter(|s| s.is_hidden()).count();
        let totals = self.row_totals.iter().chain(&self.col_totals).filter(|s| s.is_hidden()).count();
        cells + totals + usize::from(self.total.is_hidden())
    }
}

/// Which totals must be hidden whatever their value: totals this table shares with
/// another published table that hides them (see [`suppress_all`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forced {
    pub row_totals: Vec<usize>,
    pub col_totals: Vec<usize>,
    pub total: bool,
}

/// A total of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Margin {
    Row(usize),
    Col(usize),
    Total,
}

/// Two published tables that show the same number: `(table, total)` and
/// `(table, total)`, by the tables' positions in [`suppress_all`]'s list.
pub type Link = ((usize, Margin), (usize, Margin));

/// Publish `counts` with every number below `k` hidden and complementary
/// suppression (see the module's documentation).
#[must_use]
pub fn suppress(counts: &Counts, k: u64) -> Published {
    suppress_forced(counts, k, &Forced::default())
}

/// [`suppress`], with the totals in `forced` hidden too.
#[must_use]
pub fn suppress_forced(counts: &Counts, k: u64, forced: &Forced) -> Published {
    let grid = Grid::of(counts);
    let mut hidden: Vec<Vec<bool>> = grid.a.iter().map(|row| row.iter().map(|&v| v > 0 && v < k).collect()).collect();
    let (r, c) = (grid.rows(), grid.cols());
    for &i in &forced.row_totals {
        if i < r - 1 {
            hidden[i][c - 1] = true;
        }
    }
    for &j in &forced.col_totals {
        if j < c - 1 {
            hidden[r - 1][j] = true;
        }
    }
    if forced.total {
        hidden[r - 1][c - 1] = true;
    }
    while let Some((bi, bj)) = grid.first_bridge(&hidden) {
        let Some((i, j)) = grid.closing_entry(&hidden, bi, bj) else { break };
        hidden[i][j] = true;
    }
    grid.publish(counts, &hidden)
}

/// Publish several tables some of whose totals are the same numbers (people trained
/// per course, by month and by role): a shared total hidden in one table is hidden
/// in every table that shows it, and all are suppressed again until none changes,
/// so no table gives away what another hides. Each table alone is safe as
/// [`suppress`] says; a number two tables share is hidden in both or in neither.
#[must_use]
pub fn suppress_all(tables: &[Counts], links: &[Link], k: u64) -> Vec<Published> {
    let mut forced = vec![Forced::default(); tables.len()];
    loop {
        let out: Vec<Published> = tables.iter().zip(&forced).map(|(t, f)| suppress_forced(t, k, f)).collect();
        let mut changed = false;
        for &((ta, ma), (tb, mb)) in links {
            for ((t, m), (other, om)) in [((ta, ma), (tb, mb)), ((tb, mb), (ta, ma))] {
                let (Some(p), Some(q)) = (out.get(t), out.get(other)) else { continue };
                if margin(q, om).is_some_and(Shown::is_hidden) && margin(p, m).is_some_and(|s| !s.is_hidden()) {
                    let f = &mut forced[t];
                    match m {
                        Margin::Row(i) => f.row_totals.push(i),
                        Margin::Col(j) => f.col_totals.push(j),
                        Margin::Total => f.total = true,
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            return out;
        }
    }
}

/// Publish two tables that share a margin: the column totals of `a` are the row
/// totals of `b` (and so their grand totals are the same).
#[must_use]
pub fn suppress_linked(a: &Counts, b: &Counts, k: u64) -> (Published, Published) {
    let mut links: Vec<Link> =
        (0..a.cols.len().min(b.rows.len())).map(|s| ((0, Margin::Col(s)), (1, Margin::Row(s)))).collect();
    links.push(((0, Margin::Total), (1, Margin::Total)));
    let mut out = suppress_all(&[a.clone(), b.clone()], &links, k).into_iter();
    match (out.next(), out.next()) {
        (Some(pa), Some(pb)) => (pa, pb),
        _ => (suppress(a, k), suppress(b, k)),
    }
}

/// The published total `m` of `p`.
#[must_use]
pub fn margin(p: &Published, m: Margin) -> Option<Shown> {
    match m {
        Margin::Row(i) => p.row_totals.get(i).copied(),
        Margin::Col(j) => p.col_totals.get(j).copied(),
        Margin::Total => Some(p.total),
    }
}

/// The table with its totals: `a[i][j]` for `i < R`, `j < C` are cells, column `C`
/// the row totals, row `R` the column totals, `a[R][C]` the grand total.
struct Grid {
    a: Vec<Vec<u64>>,
}

impl Grid {
    fn of(counts: &Counts) -> Self {
        let (rows, cols, total) = counts.totals();
        let mut a: Vec<Vec<u64>> =
            counts.cells.iter().zip(&rows).map(|(r, t)| r.iter().copied().chain([*t]).collect()).collect();
        a.push(cols.into_iter().chain([total]).collect());
        Self { a }
    }
    fn rows(&self) -> usize {
        self.a.len()
    }
    fn cols(&self) -> usize {
        self.a.first().map_or(0, Vec::len)
    }
    /// Row nodes are `0..rows`, column nodes `rows..rows + cols`.
    fn adjacency(&self, hidden: &[Vec<bool>], without: (usize, usize)) -> Vec<Vec<usize>> {
        let (r, c) = (self.rows(), self.cols());
        let mut adj = vec![Vec::new(); r + c];
        for (i, row) in hidden.iter().enumerate() {
            for (j, &h) in row.iter().enumerate() {
                if h && (i, j) != without {
                    adj[i].push(r + j);
                    adj[r + j].push(i);
                }
            }
        }
        adj
    }
    /// The first hidden number (row-major) on no cycle of hidden numbers.
    fn first_bridge(&self, hidden: &[Vec<bool>]) -> Option<(usize, usize)> {
        let r = self.rows();
        for (i, row) in hidden.iter().enumerate() {
            for (j, &h) in row.iter().enumerate() {
                if h && !reachable(&self.adjacency(hidden, (i, j)), i)[r + j] {
                    return Some((i, j));
                }
            }
        }
        None
    }
    /// The published number to hide so the bridge (`bi`, `bj`) comes to lie on a
    /// cycle (one joining the bridge's two sides), or so one side of it grows towards
    /// the rest of the table (one joining a side to a row or column on neither).
    fn closing_entry(&self, hidden: &[Vec<bool>], bi: usize, bj: usize) -> Option<(usize, usize)> {
        let r = self.rows();
        let adj = self.adjacency(hidden, (bi, bj));
        let side_a = reachable(&adj, bi);
        let side_b = reachable(&adj, r + bj);
        let side = |node: usize| {
            if side_a[node] {
                1
            } else if side_b[node] {
                2
            } else {
                0
            }
        };
        let mut best: Option<(Cost, (usize, usize))> = None;
        for (i, row) in self.a.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                if hidden[i][j] {
                    continue;
                }
                let (si, sj) = (side(i), side(r + j));
                let joins = si != 0 && sj != 0 && si != sj;
                let grows = (si == 0) != (sj == 0);
                if !joins && !grows {
                    continue;
                }
                let (total, zero, value) = self.cost(i, j, v);
                // One that closes the cycle at once before one that only extends a side
                // (fewer numbers hidden in the end); then a cell before a total, a
                // non-zero before a zero, the smallest first.
                let cost = (!joins, total, zero, value);
                if best.is_none_or(|(b, _)| cost < b) {
                    best = Some((cost, (i, j)));
                }
            }
        }
        best.map(|(_, at)| at)
    }
    /// Which number to give up first: a cell before a total, a non-zero before a
    /// zero (a hidden zero next to a hidden small count narrows it), then the
    /// smallest.
    fn cost(&self, i: usize, j: usize, v: u64) -> (bool, bool, u64) {
        let total = i == self.rows() - 1 || j == self.cols() - 1;
        (total, v == 0, v)
    }
    fn publish(&self, counts: &Counts, hidden: &[Vec<bool>]) -> Published {
        let (r, c) = (self.rows(), self.cols());
        let show = |i: usize, j: usize| if hidden[i][j] { Shown::Hidden } else { Shown::Count(self.a[i][j]) };
        Published {
            rows: counts.rows.clone(),
            cols: counts.cols.clone(),
            cells: (0..r - 1).map(|i| (0..c - 1).map(|j| show(i, j)).collect()).collect(),
            row_totals: (0..r - 1).map(|i| show(i, c - 1)).collect(),
            col_totals: (0..c - 1).map(|j| show(r - 1, j)).collect(),
            total: show(r - 1, c - 1),
        }
    }
}

/// How costly hiding a number is: (extends rather than closes, is a total, is zero, value).
type Cost = (bool, bool, bool, u64);

fn reachable(adj: &[Vec<usize>], from: usize) -> Vec<bool> {
    let mut seen = vec![false; adj.len()];
    let mut stack = vec![from];
    seen[from] = true;
    while let Some(n) = stack.pop() {
        for &m in &adj[n] {
            if !seen[m] {
                seen[m] = true;
                stack.push(m);
            }
        }
    }
    seen
}

/// A calendar month (UTC) as `yyyymm`, the key statistics are counted by.
#[must_use]
pub fn month_of(at: OffsetDateTime) -> i64 {
    let at = at.to_offset(time::UtcOffset::UTC);
    i64::from(at.year()) * 100 + i64::from(u8::from(at.month()))
}

/// The `n` months ending with `last` (a `yyyymm`), oldest first.
#[must_use]
pub fn months_ending(last: i64, n: usize) -> Vec<i64> {
    let (mut y, mut m) = (last / 100, last % 100);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(y * 100 + m);
        m -= 1;
        if m == 0 {
            m = 12;
            y -= 1;
        }
    }
    out.reverse();
    out
}

/// `yyyymm` as `yyyy-mm`.
#[must_use]
pub fn month_label(month: i64) -> String {
    format!("{:04}-{:02}", month / 100, month % 100)
}

/// The route region of a report whose route has no known airport at either end.
pub const UNKNOWN_REGION: &str = "unknown";

/// The world's regions reports are counted by (`content/regions.toml`): each
/// country (ISO 3166-1 alpha-2) in exactly one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    /// Where the grouping comes from (cited in the file).
    pub source: String,
    #[serde(rename = "region")]
    pub regions: Vec<Region>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// A short lower-case key (`europe`), stored in the statistics.
    pub code: String,
    /// The region's English name.
    pub name: String,
    pub countries: Vec<String>,
}

impl Regions {
    /// The region of `country`, if the table has it.
    #[must_use]
    pub fn of(&self, country: &str) -> Option<&str> {
        self.regions.iter().find(|r| r.countries.iter().any(|c| c == country)).map(|r| r.code.as_str())
    }
    /// The key of a route from a country to a country (either may be unknown):
    /// `origin>destination` by region, `unknown` when neither is known.
    #[must_use]
    pub fn route(&self, origin: Option<&str>, destination: Option<&str>) -> String {
        let from = origin.and_then(|c| self.of(c));
        let to = destination.and_then(|c| self.of(c));
        route_key(from, to)
    }
    /// Every route key, in the table's order (`unknown` last).
    #[must_use]
    pub fn routes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for a in &self.regions {
            for b in &self.regions {
                out.push(route_key(Some(&a.code), Some(&b.code)));
            }
            out.push(route_key(Some(&a.code), None));
        }
        for b in &self.regions {
            out.push(route_key(None, Some(&b.code)));
        }
        out.push(UNKNOWN_REGION.to_owned());
        out
    }
    /// A route key for people: `Europe → Africa`, `Within Europe`, `Europe → unknown`.
    #[must_use]
    pub fn route_name(&self, key: &str) -> String {
        let name = |code: &str| {
            self.regions.iter().find(|r| r.code == code).map_or_else(|| "unknown".to_owned(), |r| r.name.clone())
        };
        match key.split_once('>') {
            Some((a, b)) if a == b => format!("Within {}", name(a)),
            Some((a, b)) => format!("{} → {}", name(a), name(b)),
            None => "Unknown".to_owned(),
        }
    }
    /// What is wrong with the table: a region without a code, name or countries, a
    /// code used twice, a country that is not two capital letters or is in two
    /// regions.
    #[must_use]
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (i, r) in self.regions.iter().enumerate() {
            let code_ok = !r.code.is_empty() && r.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            if !code_ok || r.code == UNKNOWN_REGION {
                out.push(format!("region {}: the code must be lower-case letters and _ (not `unknown`)", i + 1));
            }
            if self.regions.iter().filter(|o| o.code == r.code).count() > 1 {
                out.push(format!("region {}: the code {} is used twice", i + 1, r.code));
            }
            if r.name.trim().is_empty() || r.countries.is_empty() {
                out.push(format!("region {}: it needs a name and countries", r.code));
            }
            for c in &r.countries {
                if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                    out.push(format!("region {}: {c} is not an ISO 3166-1 alpha-2 code", r.code));
                }
                if let Some(other) = seen.insert(c, &r.code) {
                    out.push(format!("country {c} is in two regions: {other} and {}", r.code));
                }
            }
        }
        out
    }
}

/// `origin>destination` by region code; `unknown` for neither.
#[must_use]
pub fn route_key(from: Option<&str>, to: Option<&str>) -> String {
    match (from, to) {
        (None, None) => UNKNOWN_REGION.to_owned(),
        (a, b) => format!("{}>{}", a.unwrap_or(UNKNOWN_REGION), b.unwrap_or(UNKNOWN_REGION)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[&[u64]]) -> Counts {
        Counts {
            rows: (0..cells.len()).map(|i| format!("r{i}")).collect(),
            cols: (0..cells.first().map_or(0, |r| r.len())).map(|j| format!("c{j}")).collect(),
            cells: cells.iter().map(|r| r.to_vec()).collect(),
        }
    }

    #[test]
    fn a_table_of_large_counts_is_published_whole() {
        let p = suppress(&table(&[&[20, 30], &[40, 50]]), K);
        assert_eq!(p.hidden(), 0);
        assert_eq!(p.total, Shown::Count(140));
        assert_eq!(p.row_totals, vec![Shown::Count(50), Shown::Count(90)]);
    }

    #[test]
    fn one_small_cell_takes_its_row_and_column_partners_with_it() {
        // 3 is hidden; its row and column partners (the smallest, 20 and 30) too, and
        // the cell opposite closes the cycle.
        let p = suppress(&table(&[&[3, 20, 100], &[30, 40, 100], &[50, 60, 100]]), K);
        assert!(p.cells[0][0].is_hidden());
        assert!(p.cells[0][1].is_hidden() && p.cells[1][0].is_hidden() && p.cells[1][1].is_hidden());
        assert_eq!(p.hidden(), 4, "{p:?}");
        assert_eq!(p.total, Shown::Count(503));
    }

    #[test]
    fn zeros_are_published_and_small_totals_hidden() {
        let p = suppress(&table(&[&[0, 0], &[0, 4]]), K);
        assert_eq!(p.cells[0][0], Shown::Count(0));
        assert!(p.cells[1][1].is_hidden());
        assert!(p.total.is_hidden(), "a grand total of 4 is a small count");
        assert!(p.row_totals[1].is_hidden() && p.col_totals[1].is_hidden());
    }

    #[test]
    fn linked_tables_hide_a_shared_total_in_both() {
        // The course totals (a's columns, b's rows) are 25 and 5.
        let a = table(&[&[12, 3], &[13, 2]]);
        let b = table(&[&[10, 15], &[5, 0]]);
        let (pa, pb) = suppress_linked(&a, &b, K);
        for s in 0..2 {
            assert_eq!(pa.col_totals[s].is_hidden(), pb.row_totals[s].is_hidden(), "{pa:?} {pb:?}");
        }
        assert!(pa.col_totals[1].is_hidden());
    }

    #[test]
    fn months_count_back_across_a_year() {
        assert_eq!(months_ending(202602, 3), vec![202512, 202601, 202602]);
        assert_eq!(month_label(202601), "2026-01");
        let at = time::macros::datetime!(2026-12-31 23:30 -02:00);
        assert_eq!(month_of(at), 202701);
    }

    #[test]
    fn routes_are_keyed_by_region() {
        let regions = Regions {
            source: String::new(),
            regions: vec![
                Region { code: "europe".into(), name: "Europe".into(), countries: vec!["FI".into(), "DE".into()] },
                Region { code: "africa".into(), name: "Africa".into(), countries: vec!["KE".into()] },
            ],
        };
        assert!(regions.problems().is_empty());
        assert_eq!(regions.route(Some("FI"), Some("KE")), "europe>africa");
        assert_eq!(regions.route(Some("FI"), Some("ZZ")), "europe>unknown");
        assert_eq!(regions.route(None, None), "unknown");
        assert_eq!(regions.route_name("europe>europe"), "Within Europe");
        assert_eq!(regions.route_name("europe>africa"), "Europe → Africa");
        assert!(regions.routes().contains(&"unknown>africa".to_owned()));
        let twice = Regions { regions: vec![regions.regions[0].clone(), regions.regions[0].clone()], ..regions };
        assert!(twice.problems().iter().any(|p| p.contains("two regions")));
    }
}
