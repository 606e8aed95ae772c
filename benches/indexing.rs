//! Indexing throughput: `archive::build` from scratch into a fresh temporary index, over a copy
//! of the bundled archive and over generated archives of copies of the bundled story (English
//! only, Chinese only), in bytes of story text per second. The analyzers (and so jieba's
//! dictionary) are built once, before measuring, as in one `archive index` run.

mod common;

use archive::analysis::Analyzers;
use archive::indexer::NoProgress;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

/// Stories in each generated archive.
const COPIES: usize = 40;

fn indexing(c: &mut Criterion) {
    let analyzers = Analyzers::new(common::user_words());
    let fixtures = tempfile::tempdir().expect("temp dir");
    let mut cases = Vec::new();
    let bundled = fixtures.path().join("bundled");
    cases.push((
        "bundled",
        common::generate(&bundled, 1, &["en", "zh"]),
        bundled,
    ));
    for lang in ["en", "zh"] {
        let dir = fixtures.path().join(format!("{lang}-x{COPIES}"));
        cases.push((lang, common::generate(&dir, COPIES, &[lang]), dir));
    }
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    for (name, bytes, archive) in &cases {
        group.throughput(Throughput::Bytes(*bytes));
        group.bench_function(*name, |b| {
            b.iter_batched(
                || tempfile::tempdir().expect("index dir"),
                |index| {
                    let report = archive::build(archive, index.path(), &analyzers, &NoProgress)
                        .expect("build");
                    assert!(report.passages > 0);
                    index
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
