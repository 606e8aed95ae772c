//! The one integration-test binary: drives the real `archive` executable on temporary copies of
//! the bundled archive. One module per capability.

mod adding;
mod bundling;
mod chinese;
mod core;
mod env;
mod faults;
mod field;
mod formats;
mod fresh;
mod merges;
mod names;
mod output;
mod places;
mod queries;
mod ranking;
mod reading;
mod regional;
mod screen;
mod serve;
mod terminal;
