//! archive: an offline bilingual (English and Chinese) story archive with ranked search.
//!
//! The data's path: [`corpus`] walks the archive folder and decodes each story file,
//! [`article`] splits it into passages, [`indexer`] writes one Tantivy document per passage
//! (fields in [`schema`]) analysed by [`analysis`], and [`search`] answers queries parsed by
//! [`query`], expanded through [`variants`], as ranked [`search::Hit`]s with byte ranges,
//! one stage per module (request → plan → compile → rank → arrange). [`store`] owns the
//! on-disk index, [`manifest`] what each commit records about the archive, and [`fresh`] the
//! quick check that the archive has not changed since. The library never prints; the `archive`
//! binary does. Errors say whose fault they are ([`error::Fault`]).

#![warn(missing_docs)]

pub mod analysis;
pub mod article;
pub mod bundle;
pub mod catalog;
pub mod corpus;
pub mod error;
pub mod formats;
pub mod fresh;
#[cfg(test)]
mod fuzz;
pub mod indexer;
pub mod intake;
pub mod manifest;
pub mod query;
pub mod schema;
pub mod search;
pub mod selftest;
pub mod store;
pub mod translate;
pub mod update;
pub mod variants;

pub use error::{Error, Result};
pub use indexer::{build, Progress, Report};
pub use search::{Answer, Hit, Request, RequestBuilder, Searcher, Story};
pub use update::{update, Updated};
