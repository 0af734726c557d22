//! The decision gate against every course scenario, the draw's mix rules on the real
//! banks, and the checks that keep the scenario check measuring understanding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::{assert_one_says, edit, errors_of, scratch};
use sightline_content::{MAX_LONGEST_RIGHT_PERCENT, Severity, default_dir, load, longest_right};
use sightline_domain::learn::{Rng, draw, mix_needs};

/// The gate-versus-scenarios table: every scenario a course teaches as "report"
/// passes the gate, and no innocent look-alike does.
#[test]
fn the_gate_passes_every_report_scenario_and_no_innocent_look_alike() {
    let report = load(&default_dir());
    let library = report.clone().ok().expect("content is valid");
    let rule = library.indicators.gate.as_ref().expect("content/gate.toml is loaded");
    let mut table = String::new();
    for course in &library.courses {
        let en = &course.texts["en"];
        let (mut report_rows, mut innocent_rows) = (0, 0);
        for q in &en.questions {
            let Some(expected) = q.expected else { continue };
            let w = rule.weigh(&q.indicators, q.disclosure, q.danger);
            table.push_str(&format!(
                "{:<13} {:<6} {:<8} {:<5} {}/{}\n",
                course.id,
                q.id,
                expected.as_str(),
                w.passed,
                w.score,
                w.threshold
            ));
            match expected.as_str() {
                "report" => {
                    report_rows += 1;
                    assert!(w.passed, "{} {} is taught as 'report' but the gate refuses it: {w:?}", course.id, q.id);
                }
                _ => {
                    innocent_rows += 1;
                    assert!(q.innocent);
                    assert!(
                        !w.passed,
                        "{} {} is an innocent look-alike but the gate passes it: {w:?}",
                        course.id, q.id
                    );
                }
            }
        }
        assert!(report_rows >= 5 && innocent_rows >= 5, "{}: too few tagged scenarios", course.id);
        // Every innocent look-alike is in the table.
        assert_eq!(innocent_rows, en.questions.iter().filter(|q| q.innocent).count());
    }
    // `content check` computes the same table.
    assert_eq!(report.gate.len(), table.lines().count(), "{table}");
    assert!(report.gate.iter().all(sightline_content::GateRow::agrees));
    // The old counting rule (two signs, one of the core four) would have failed here:
    // the table is a real test of the weights.
    let counting_wrong = library
        .courses
        .iter()
        .flat_map(|c| c.texts["en"].questions.iter())
        .filter(|q| q.expected.is_some())
        .filter(|q| {
            let w = sightline_domain::gate::counting(&q.indicators, q.disclosure, q.danger, |c| {
                library.indicators.get(c).is_some_and(|i| i.core_four)
            });
            w.passed == q.innocent
        })
        .count();
    assert!(counting_wrong > 10, "the counting gate gets {counting_wrong} scenarios wrong");
}

#[test]
fn a_gate_that_lets_innocent_look_alikes_through_is_an_error_naming_them() {
    let dir = scratch();
    edit(&dir.join("gate.toml"), |s| s.replacen("threshold = 5", "threshold = 3", 1));
    let errors = errors_of(&dir);
    let hit = errors.iter().find(|e| e.contains("innocent scenario cc-05 passes the gate")).expect("{errors:#?}");
    assert!(hit.contains("courses/cabin-crew/en/questions.toml:"), "{hit}");

    let dir = scratch();
    edit(&dir.join("gate.toml"), |s| {
        s.replacen("min_signs = 2", "min_signs = 1", 1).replace("\"REL-FOUND-CHILD\"", "\"REL-LOST\"")
    });
    let errors = errors_of(&dir);
    assert_one_says(&errors, &["gate.toml", "min_signs"]);
    assert_one_says(&errors, &["gate.toml:", "REL-LOST is not in indicators.toml"]);
}

#[test]
fn scenario_tags_must_be_consistent_and_the_same_in_every_language() {
    let dir = scratch();
    let en = dir.join("courses/public/en/questions.toml");
    // An innocent look-alike without its tag, and a disclosure tagged as innocent.
    edit(&en, |s| {
        s.replacen("expected = \"innocent\"\n", "", 1).replacen(
            "disclosure = true\n",
            "disclosure = true\ndanger = true\n",
            1,
        )
    });
    let errors = errors_of(&dir);
    assert_one_says(&errors, &["pu-01 is an innocent look-alike: tag it"]);
    assert_one_says(&errors, &["fi/questions.toml", "same innocent, indicators, expected"]);
}

#[test]
fn a_bank_that_cannot_fill_the_draw_mix_is_an_error() {
    let dir = scratch();
    for lang in ["en", "fi", "sv"] {
        edit(&dir.join(format!("courses/public/{lang}/questions.toml")), |s| {
            s.replace("disclosure = true\n", "").replace("danger = true\n", "")
        });
    }
    let errors = errors_of(&dir);
    assert_one_says(&errors, &["public/en/questions.toml", "1 disclosure or danger scenario"]);
}

#[test]
fn every_draw_of_every_real_course_keeps_the_mix() {
    let library = load(&default_dir()).ok().unwrap();
    for course in &library.courses {
        let (need_innocent, need_urgent) = mix_needs(course.draw);
        let mut seen = BTreeSet::new();
        for seed in 0u64..1500 {
            let d = draw(course, &mut Rng::from_seed(seed.to_le_bytes()));
            assert_eq!(d.len(), course.draw);
            let qs: Vec<_> = d.iter().map(|x| course.question("en", &x.id).unwrap().item).collect();
            assert!(qs.iter().filter(|q| q.innocent).count() >= need_innocent, "{} seed {seed}", course.id);
            assert!(qs.iter().filter(|q| q.is_urgent()).count() >= need_urgent, "{} seed {seed}", course.id);
            seen.extend(d.into_iter().map(|x| x.id));
        }
        assert_eq!(seen.len(), course.question_ids().len(), "{}: every question can be drawn", course.id);
    }
}

/// Picking the longest option must not pass: no bank in any language has the right
/// option longest in more than 40% of its questions, and the check warns when one does.
#[test]
fn the_longest_option_is_not_a_reliable_guess() {
    let report = load(&default_dir());
    for s in &report.stats {
        assert!(
            s.longest_right_percent <= MAX_LONGEST_RIGHT_PERCENT,
            "{} {}: right option longest in {}%",
            s.course,
            s.lang,
            s.longest_right_percent
        );
    }
    let library = report.ok().unwrap();
    let public = library.course("public").unwrap();
    let (longest, total) = longest_right(&public.texts["en"].questions);
    assert!(total >= 12 && longest * 100 <= MAX_LONGEST_RIGHT_PERCENT * total);

    // Lengthen every right option of one bank: the check warns and names the bank.
    let dir = scratch();
    edit(&dir.join("courses/flight-deck/en/questions.toml"), |s| {
        let lines: Vec<&str> = s.lines().collect();
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if lines.get(i + 1) == Some(&"correct = true") && l.starts_with("text = \"") {
                out.push(l.replacen(
                    "text = \"",
                    "text = \"Calmly, discreetly and following the procedure you were trained in: ",
                    1,
                ));
            } else {
                out.push((*l).to_owned());
            }
        }
        out.join("\n")
    });
    let warnings: Vec<String> =
        load(&dir).problems.into_iter().filter(|p| p.severity == Severity::Warning).map(|p| p.to_string()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("flight-deck/en/questions.toml") && w.contains("the right option is the longest")),
        "{warnings:#?}"
    );
}
