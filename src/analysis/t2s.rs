//! Traditional → simplified characters, exactly as fast2s (pinned) converts them, without
//! building fast2s's hash map in every process that sees Han text: the build converts every
//! three-byte character alone (`build.rs` → `OUT_DIR/t2s.rs`), and a run is folded by a binary
//! search per character. A run holding one of the few characters fast2s converts by their
//! neighbours goes through fast2s itself.

use std::borrow::Cow;

include!(concat!(env!("OUT_DIR"), "/t2s.rs"));

/// The characters fast2s 0.3.1 converts by their neighbours (the keys of its `T2S_EXCLUDE`
/// and `T2S_SPECIAL_CONVERT_TYPE` tables).
const BY_CONTEXT: [char; 15] = [
    '兒', '覆', '夥', '藉', '瞭', '麽', '幺', '於', '乾', '著', '苧', '闔', '鍾', '讎', '畫',
];

/// One bit for each character below U+10000 that [`fold_chars`] may change: the table's and
/// [`BY_CONTEXT`]. Most runs (simplified text) hold none, and are looked at once, cheaply.
static MAY_CHANGE: [u64; 1024] = may_change_bits();

const fn may_change_bits() -> [u64; 1024] {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < T2S.len() {
        let c = T2S[i].0 as usize;
        bits[c / 64] |= 1 << (c % 64);
        i += 1;
    }
    let mut i = 0;
    while i < BY_CONTEXT.len() {
        let c = BY_CONTEXT[i] as usize;
        bits[c / 64] |= 1 << (c % 64);
        i += 1;
    }
    bits
}

fn may_change(c: char) -> bool {
    let c = c as usize;
    c < 0x10000 && (MAY_CHANGE[c / 64] >> (c % 64)) & 1 == 1
}

/// Folds traditional characters to simplified, keeping byte lengths (a conversion that would
/// change the run's length is not applied).
pub(super) fn fold_chars(run: &str) -> Cow<'_, str> {
    if !run.chars().any(may_change) {
        return Cow::Borrowed(run);
    }
    let folded: String = if run.contains(BY_CONTEXT) {
        fast2s::convert(run)
    } else {
        run.chars().map(simplified).collect()
    };
    if folded == run || folded.len() != run.len() {
        Cow::Borrowed(run)
    } else {
        Cow::Owned(folded)
    }
}

/// A character's simplified form, taken alone.
fn simplified(c: char) -> char {
    T2S.binary_search_by_key(&c, |&(traditional, _)| traditional)
        .map_or(c, |i| T2S[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the analyzer did before the table: fast2s on the whole run.
    fn by_fast2s(run: &str) -> Cow<'_, str> {
        let folded = fast2s::convert(run);
        if folded == run || folded.len() != run.len() {
            Cow::Borrowed(run)
        } else {
            Cow::Owned(folded)
        }
    }

    #[test]
    fn every_character_alone_folds_as_fast2s_folds_it() {
        for c in '\u{80}'..='\u{10FFFF}' {
            let run = c.to_string();
            assert_eq!(fold_chars(&run), by_fast2s(&run), "{c}");
        }
    }

    proptest! {
        #[test]
        fn runs_fold_as_fast2s_folds_them(picks in proptest::collection::vec(0usize..48, 0..24)) {
            // The characters converted by their neighbours, those neighbours, others fast2s
            // converts, and some it leaves.
            let pool: Vec<char> = "兒寬覆答批回夥甚藉慰狼口憑瞭望麽幺於樊乾隆坤卦著看苧麻闔家鍾書讎校定仇畫計企檔這個國a1𠀀"
                .chars()
                .collect();
            let run: String = picks.iter().map(|&i| pool[i % pool.len()]).collect();
            prop_assert_eq!(fold_chars(&run), by_fast2s(&run));
        }
    }
}
