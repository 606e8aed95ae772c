//! Queries as people type them: the variant list, hyphens, numbers and dates, questions, pinyin
//! and the other language (issue 13).

use crate::env::{project, Env};

/// Every member of every group in the bundled `variants.txt` finds a passage naming its group.
#[test]
fn every_variant_finds_its_groups_passage() {
    let env = Env::bundled();
    let list = std::fs::read_to_string(project().join("archive/variants.txt")).unwrap();
    let mut misses = Vec::new();
    for line in list.lines().map(|l| l.split('#').next().unwrap_or("")) {
        let group: Vec<&str> = line
            .split('|')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect();
        if group.len() < 2 {
            continue;
        }
        for member in &group {
            let out = env.run(&["search", "--json", "--limit", "3", member]);
            let first: Option<crate::env::JsonHit> = out
                .stdout
                .lines()
                .next()
                .map(|l| serde_json::from_str(l).unwrap());
            let found = first.is_some_and(|hit| {
                // The story writes `Khan’s`; the list `Khan's`.
                let text = hit.text.to_lowercase().replace('’', "'");
                group.iter().any(|m| text.contains(&m.to_lowercase()))
            });
            if out.code != 0 || !found {
                misses.push(format!("{member} (exit {})", out.code));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "variants that miss their passage: {misses:?}"
    );
}
