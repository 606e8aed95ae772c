//! Analyzer throughput: the main text analyzer (`Analyzers::text`) over the bundled story's
//! English and Chinese files, in bytes of input per second. The jieba dictionary is built
//! before measuring; its one-off cost is measured on its own (`analysis/jieba_load`).

mod common;

use std::hint::black_box;

use archive::analysis::Analyzers;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

/// Number of tokens the analyzer yields for `text`.
fn count_tokens(analyzer: &mut TextAnalyzer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += 1;
    }
    n
}

fn analyzer_throughput(c: &mut Criterion) {
    let analyzers = Analyzers::new(common::user_words());
    let mut analyzer = analyzers.text();
    let mut group = c.benchmark_group("analysis");
    for lang in ["en", "zh"] {
        let text = common::story_text(lang);
        // Builds jieba's dictionary outside the measurement (a Chinese text needs it).
        assert!(count_tokens(&mut analyzer, &text) > 100);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(lang, |b| {
            b.iter(|| count_tokens(&mut analyzer, black_box(&text)))
        });
    }
    group.finish();
}

fn jieba_load(c: &mut Criterion) {
    let words = common::user_words();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.bench_function("jieba_load", |b| {
        b.iter_batched(
            || Analyzers::new(words.clone()),
            |analyzers| count_tokens(&mut analyzers.text(), black_box("霍尔果斯")),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, analyzer_throughput, jieba_load);
criterion_main!(benches);
