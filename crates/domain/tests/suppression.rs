//! Small-cell suppression against an attacker who holds the published table: every
//! number below k is hidden, every published number is the true one, and no hidden
//! number can be worked out from the published ones — neither by solving rows and
//! columns with one unknown again and again, nor by full linear algebra on every row
//! and column equation, nor (for small tables) by listing every table of
//! non-negative counts that would publish the same way.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::needless_range_loop)]

use proptest::prelude::*;
use sightline_domain::stats::{Counts, K, Published, Shown, suppress, suppress_linked};

/// The published table as the attacker sees it, with the totals: `Some(v)` shown,
/// `None` hidden; rows `0..R` then the totals row, columns `0..C` then the totals.
fn seen(p: &Published) -> Vec<Vec<Option<u64>>> {
    let mut g: Vec<Vec<Option<u64>>> =
        p.cells.iter().zip(&p.row_totals).map(|(r, t)| r.iter().chain([t]).map(|s| s.count()).collect()).collect();
    g.push(p.col_totals.iter().chain([&p.total]).map(|s| s.count()).collect());
    g
}

/// The true table with totals, in the same layout.
fn truth(c: &Counts) -> Vec<Vec<u64>> {
    let (rows, cols, total) = c.totals();
    let mut g: Vec<Vec<u64>> =
        c.cells.iter().zip(&rows).map(|(r, t)| r.iter().copied().chain([*t]).collect()).collect();
    g.push(cols.into_iter().chain([total]).collect());
    g
}

/// The attacker's equations: each row's cells minus its total is 0, each column's
/// cells minus its total is 0 (the totals row and column included). Each equation
/// is a list of (row, col, coefficient).
fn equations(r: usize, c: usize) -> Vec<Vec<(usize, usize, i64)>> {
    let mut eqs = Vec::new();
    for i in 0..r {
        let mut e: Vec<_> = (0..c - 1).map(|j| (i, j, 1)).collect();
        e.push((i, c - 1, -1));
        eqs.push(e);
    }
    for j in 0..c {
        let mut e: Vec<_> = (0..r - 1).map(|i| (i, j, 1)).collect();
        e.push((r - 1, j, -1));
        eqs.push(e);
    }
    eqs
}

/// Attack 1: solve every equation with a single unknown, repeatedly. Returns the
/// numbers it recovered.
fn peel(g: &[Vec<Option<u64>>]) -> Vec<(usize, usize)> {
    let (r, c) = (g.len(), g[0].len());
    let mut known: Vec<Vec<Option<i64>>> =
        g.iter().map(|row| row.iter().map(|v| v.map(|v| v as i64)).collect()).collect();
    let mut recovered = Vec::new();
    loop {
        let mut progress = false;
        for eq in equations(r, c) {
            let unknown: Vec<_> = eq.iter().filter(|(i, j, _)| known[*i][*j].is_none()).collect();
            if let &[&(ui, uj, coef)] = unknown.as_slice() {
                let rest: i64 = eq
                    .iter()
                    .filter(|(i, j, _)| (*i, *j) != (ui, uj))
                    .map(|(i, j, a)| a * known[*i][*j].unwrap())
                    .sum();
                known[ui][uj] = Some(-rest / coef);
                recovered.push((ui, uj));
                progress = true;
            }
        }
        if !progress {
            return recovered;
        }
    }
}

const P: i128 = (1 << 61) - 1;

fn inv(a: i128) -> i128 {
    let (mut r, mut b, mut e) = (1i128, a.rem_euclid(P), P - 2);
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % P;
        }
        b = b * b % P;
        e >>= 1;
    }
    r
}

/// The rank of `m` (exact arithmetic modulo a large prime).
fn rank(mut m: Vec<Vec<i128>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..cols {
        let Some(p) = (rank..m.len()).find(|&i| m[i][col].rem_euclid(P) != 0) else { continue };
        m.swap(rank, p);
        let f = inv(m[rank][col]);
        for x in &mut m[rank] {
            *x = (*x * f).rem_euclid(P);
        }
        for i in 0..m.len() {
            if i != rank && m[i][col] != 0 {
                let g = m[i][col];
                for j in 0..cols {
                    m[i][j] = (m[i][j] - g * m[rank][j]).rem_euclid(P);
                }
            }
        }
        rank += 1;
    }
    rank
}

/// Attack 2: a hidden number is determined by the equations exactly when dropping
/// its column from the matrix of hidden unknowns lowers the rank by one and the
/// unit vector is in the row space — i.e. rank(M) == rank(M without it) + 1 *and*
/// no solution of M x = 0 moves it. Equivalently: appending the unit vector as an
/// equation does not raise the rank. Returns the numbers so determined.
fn solve(g: &[Vec<Option<u64>>]) -> Vec<(usize, usize)> {
    let (r, c) = (g.len(), g[0].len());
    let hidden: Vec<(usize, usize)> =
        (0..r).flat_map(|i| (0..c).map(move |j| (i, j))).filter(|&(i, j)| g[i][j].is_none()).collect();
    let m: Vec<Vec<i128>> = equations(r, c)
        .iter()
        .map(|eq| {
            hidden
                .iter()
                .map(|h| eq.iter().find(|(i, j, _)| (*i, *j) == *h).map_or(0, |(_, _, a)| i128::from(*a)))
                .collect()
        })
        .collect();
    let base = rank(m.clone());
    hidden
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            let mut with = m.clone();
            with.push((0..hidden.len()).map(|x| i128::from(x == *k)).collect());
            rank(with) == base
        })
        .map(|(_, h)| *h)
        .collect()
}

/// Attack 3 (small tables): every table of non-negative cells that publishes the
/// same shown numbers; returns the hidden cells that take one value in all of them.
fn enumerate(g: &[Vec<Option<u64>>], limit: u64) -> Vec<(usize, usize)> {
    let (r, c) = (g.len() - 1, g[0].len() - 1);
    let cells: Vec<(usize, usize)> = (0..r).flat_map(|i| (0..c).map(move |j| (i, j))).collect();
    let mut values: Vec<std::collections::BTreeSet<u64>> = vec![Default::default(); cells.len()];
    let mut t = vec![0u64; cells.len()];
    fn rec(
        k: usize,
        cells: &[(usize, usize)],
        g: &[Vec<Option<u64>>],
        t: &mut Vec<u64>,
        limit: u64,
        values: &mut Vec<std::collections::BTreeSet<u64>>,
    ) {
        if k == cells.len() {
            let (r, c) = (g.len() - 1, g[0].len() - 1);
            let at = |i: usize, j: usize| t[i * c + j];
            let rows: Vec<u64> = (0..r).map(|i| (0..c).map(|j| at(i, j)).sum()).collect();
            let cols: Vec<u64> = (0..c).map(|j| (0..r).map(|i| at(i, j)).sum()).collect();
            let total: u64 = rows.iter().sum();
            let ok = (0..r).all(|i| g[i][c].is_none_or(|v| v == rows[i]))
                && (0..c).all(|j| g[r][j].is_none_or(|v| v == cols[j]))
                && g[r][c].is_none_or(|v| v == total);
            if ok {
                for (x, v) in t.iter().enumerate() {
                    values[x].insert(*v);
                }
            }
            return;
        }
        let (i, j) = cells[k];
        match g[i][j] {
            Some(v) => {
                t[k] = v;
                rec(k + 1, cells, g, t, limit, values);
            }
            None => {
                for v in 0..=limit {
                    t[k] = v;
                    rec(k + 1, cells, g, t, limit, values);
                }
            }
        }
    }
    rec(0, &cells, g, &mut t, limit, &mut values);
    cells.iter().zip(&values).filter(|((i, j), v)| g[*i][*j].is_none() && v.len() <= 1).map(|(c, _)| *c).collect()
}

fn check(counts: &Counts) -> Published {
    let p = suppress(counts, K);
    let (g, t) = (seen(&p), truth(counts));
    for (i, row) in t.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if let Some(shown) = g[i][j] {
                assert_eq!(shown, v, "a published number is the true one");
                assert!(v == 0 || v >= K, "{v} < k published at ({i},{j})");
            }
        }
    }
    assert_eq!(peel(&g), vec![], "peeling recovered a hidden number: {counts:?} → {p:?}");
    assert_eq!(solve(&g), vec![], "linear algebra recovered a hidden number: {counts:?} → {p:?}");
    p
}

fn counts(cells: Vec<Vec<u64>>) -> Counts {
    Counts {
        rows: (0..cells.len()).map(|i| i.to_string()).collect(),
        cols: (0..cells.first().map_or(0, Vec::len)).map(|j| j.to_string()).collect(),
        cells,
    }
}

/// Counts as a statistics table has them: many small, some zero, some large.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![3 => Just(0u64), 5 => 1u64..11, 4 => 11u64..40, 1 => 40u64..2000]
}

fn table() -> impl Strategy<Value = Counts> {
    (1usize..7, 1usize..9)
        .prop_flat_map(|(r, c)| proptest::collection::vec(proptest::collection::vec(count(), c), r))
        .prop_map(counts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_hidden_number_can_be_recovered(c in table()) {
        check(&c);
    }

    #[test]
    fn linked_tables_hide_their_shared_totals_alike(a in table(), b in table()) {
        // Make b's row totals a's column totals: b gets one row per column of a.
        let (_, cols, _) = a.totals();
        let b_cells: Vec<Vec<u64>> = cols.iter().enumerate().map(|(i, &t)| {
            let w = b.cells[i % b.cells.len()].len();
            let mut row = vec![0; w];
            row[0] = t;
            row
        }).collect();
        let b = counts(b_cells);
        let (pa, pb) = suppress_linked(&a, &b, K);
        for s in 0..cols.len() {
            prop_assert_eq!(pa.col_totals[s].is_hidden(), pb.row_totals[s].is_hidden());
        }
        prop_assert_eq!(pa.total.is_hidden(), pb.total.is_hidden());
        // Each is safe on its own, and the shared totals add nothing.
        prop_assert_eq!(solve(&seen(&pa)), vec![]);
        prop_assert_eq!(solve(&seen(&pb)), vec![]);
    }
}

#[test]
fn every_small_table_with_small_counts_keeps_its_secrets_from_enumeration() {
    // Every 2×2 table of these counts (a cell of 1 next to cells of 11 and more is the
    // hard case), attacked by listing every table of cells 0..=13 consistent with what
    // is published (a narrower range than the truth allows only helps the attacker).
    let vals = [0u64, 1, 10, 11, 12];
    let mut tables = 0;
    for a in vals {
        for b in vals {
            for c in vals {
                for d in vals {
                    let t = counts(vec![vec![a, b], vec![c, d]]);
                    let p = check(&t);
                    let exposed = enumerate(&seen(&p), 13);
                    // A hidden cell pinned by non-negativity may only be a zero (zero is
                    // published anyway) — never a small count.
                    for (i, j) in exposed {
                        assert_eq!(t.cells[i][j], 0, "{t:?} → {p:?}: ({i},{j}) pinned");
                    }
                    tables += 1;
                }
            }
        }
    }
    assert_eq!(tables, 625);
}

#[test]
fn the_attacks_do_recover_a_naively_suppressed_table() {
    // The attacks are real: hiding only the small cell lets every one of them find it.
    let p = Published {
        rows: vec!["a".into(), "b".into()],
        cols: vec!["x".into(), "y".into()],
        cells: vec![vec![Shown::Hidden, Shown::Count(20)], vec![Shown::Count(30), Shown::Count(40)]],
        row_totals: vec![Shown::Count(23), Shown::Count(70)],
        col_totals: vec![Shown::Count(33), Shown::Count(60)],
        total: Shown::Count(93),
    };
    assert_eq!(peel(&seen(&p)), vec![(0, 0)]);
    assert_eq!(solve(&seen(&p)), vec![(0, 0)]);
    assert_eq!(enumerate(&seen(&p), 60), vec![(0, 0)]);
    // Two hidden cells in a row, but the two rows' cycles joined by one bridge: the
    // bridge is found by linear algebra, not by peeling.
    let bridged = seen(&Published {
        rows: (0..4).map(|i| i.to_string()).collect(),
        cols: (0..4).map(|i| i.to_string()).collect(),
        cells: vec![
            vec![Shown::Hidden, Shown::Hidden, Shown::Count(50), Shown::Count(50)],
            vec![Shown::Hidden, Shown::Hidden, Shown::Hidden, Shown::Count(50)],
            vec![Shown::Count(50), Shown::Count(50), Shown::Hidden, Shown::Hidden],
            vec![Shown::Count(50), Shown::Count(50), Shown::Hidden, Shown::Hidden],
        ],
        row_totals: vec![Shown::Count(120), Shown::Count(125), Shown::Count(130), Shown::Count(130)],
        col_totals: vec![Shown::Count(125), Shown::Count(125), Shown::Count(130), Shown::Count(125)],
        total: Shown::Count(505),
    });
    assert_eq!(peel(&bridged), vec![]);
    assert_eq!(solve(&bridged), vec![(1, 2)]);
}
