//! Han query segmentation: a folded Han run cut into the words the index knows. The query path
//! never builds jieba's dictionary; every term in the index's dictionary is a jieba word or
//! sub-word of the indexed text, so the index itself is the dictionary.

/// Longest Han word (in characters) looked up when segmenting a query.
pub const MAX_WORD_CHARS: usize = 8;

/// Segments `run` into the fewest words for which `known` holds (longest first on ties);
/// characters that are not known words stay together.
pub fn segment(run: &str, known: impl Fn(&str) -> bool) -> Vec<String> {
    let bounds: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(run.len()))
        .collect();
    let n = bounds.len() - 1;
    // best[i] = (pieces, -sum of squared lengths, start of last piece, known word?)
    let mut best: Vec<(usize, i64, usize, bool)> = vec![(0, 0, 0, true); n + 1];
    for i in 1..=n {
        let mut choice: Option<(usize, i64, usize, bool)> = None;
        for len in 1..=i.min(MAX_WORD_CHARS) {
            let j = i - len;
            let is_known = known(&run[bounds[j]..bounds[i]]);
            if !is_known && len > 1 {
                continue;
            }
            let cand = (best[j].0 + 1, best[j].1 - (len * len) as i64, j, is_known);
            if choice.is_none_or(|c| (cand.0, cand.1) < (c.0, c.1)) {
                choice = Some(cand);
            }
        }
        best[i] = choice.expect("a single character is always a choice");
    }
    let mut pieces = Vec::new();
    let mut i = n;
    while i > 0 {
        let (_, _, j, is_known) = best[i];
        pieces.push((bounds[j], bounds[i], is_known));
        i = j;
    }
    pieces.reverse();
    // Merge runs of single characters the index does not know as words.
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    for (s, e, is_known) in pieces {
        match out.last_mut() {
            Some(last) if !is_known && !last.2 => last.1 = e,
            _ => out.push((s, e, is_known)),
        }
    }
    out.into_iter()
        .map(|(s, e, _)| run[s..e].to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(run: &str, words: &[&str]) -> Vec<String> {
        segment(run, |w| words.contains(&w))
    }

    #[test]
    fn fewest_known_words_win() {
        let words = ["霍尔果斯", "霍尔", "果斯", "无水港", "无水", "港", "口岸"];
        assert_eq!(cut("霍尔果斯无水港", &words), ["霍尔果斯", "无水港"]);
        assert_eq!(cut("霍尔果斯口岸", &words), ["霍尔果斯", "口岸"]);
    }

    #[test]
    fn ties_prefer_the_longest_word() {
        assert_eq!(
            cut("中华人民共和国", &["中华", "人民", "共和国", "中华人民"]),
            ["中华人民", "共和国"]
        );
        assert_eq!(
            cut("中华人民", &["中华", "人民", "中华人", "民"]),
            ["中华人", "民"]
        );
    }

    #[test]
    fn unknown_characters_stay_together() {
        assert_eq!(cut("甲乙丙口岸", &["口岸"]), ["甲乙丙", "口岸"]);
        assert_eq!(cut("甲乙", &[]), ["甲乙"]);
        assert_eq!(cut("", &[]), Vec::<String>::new());
    }

    #[test]
    fn words_longer_than_the_lookup_window_are_not_found() {
        let long = "一二三四五六七八九";
        assert_eq!(cut(long, &[long]), [long]);
        assert_eq!(cut(long, &[long, "九"]), ["一二三四五六七八", "九"]);
    }
}
