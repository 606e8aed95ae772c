//! Query latency in process, on an index of the bundled archive: the freshness check the binary
//! runs before every search (`indexer::is_fresh`), `Searcher::open`, and `Searcher::search` for
//! an English and a Chinese query on an open searcher. With benches/compare.sh (whole
//! processes), this tells process start, freshness check and index opening apart from the search.
//!
//! Any other index can be measured the same way (for example one that compare.sh built):
//! `ARCHIVE_BENCH_ARCHIVE=DIR ARCHIVE_BENCH_INDEX=DIR ARCHIVE_BENCH_QUERIES='en=filesystem;zh=软件包'
//! cargo bench --bench search`.
//!
//! The allocator is the one the binary ships with (mimalloc): a search allocates often, and
//! glibc's malloc would measure another program.

mod common;

use std::hint::black_box;
use std::path::PathBuf;

use archive::analysis::Analyzers;
use archive::indexer::{self, NoProgress};
use archive::{store, RequestBuilder, Searcher};
use criterion::{criterion_group, criterion_main, Criterion};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The default queries: one English, one Chinese (typed without spaces, segmented at query time).
const QUERIES: &str = "en=Khorgos dry port;zh=霍尔果斯无水港";

fn search(c: &mut Criterion) {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let built = tempfile::tempdir().expect("index dir");
    let (archive, index) = match (env("ARCHIVE_BENCH_ARCHIVE"), env("ARCHIVE_BENCH_INDEX")) {
        (Some(a), Some(i)) => (PathBuf::from(a), PathBuf::from(i)),
        _ => {
            let archive = common::bundled();
            let analyzers = Analyzers::new(common::user_words());
            archive::build(&archive, built.path(), &analyzers, &NoProgress).expect("build");
            (archive, built.path().to_path_buf())
        }
    };
    let queries = std::env::var("ARCHIVE_BENCH_QUERIES").unwrap_or_else(|_| QUERIES.into());

    let mut group = c.benchmark_group("search");
    let analyzers = Analyzers::new(store::user_words(&archive).expect("words"));
    assert!(indexer::is_fresh(&archive, &index, &analyzers).expect("fresh"));
    group.bench_function("fresh", |b| {
        b.iter(|| indexer::is_fresh(black_box(&archive), &index, &analyzers).expect("fresh"))
    });
    group.bench_function("open", |b| {
        b.iter(|| Searcher::open(black_box(&archive), &index).expect("open"))
    });
    let searcher = Searcher::open(&archive, &index).expect("open");
    for (name, query) in queries.split(';').filter_map(|q| q.split_once('=')) {
        let request = searcher
            .request(RequestBuilder::new(query))
            .expect("request");
        assert!(
            !searcher.search(&request).expect("search").hits.is_empty(),
            "{query} finds nothing"
        );
        group.bench_function(name, |b| {
            b.iter(|| searcher.search(black_box(&request)).expect("search"))
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
