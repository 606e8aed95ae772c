//! Which memory pages the process asks for: small ones for short commands, huge ones for
//! indexing.
//!
//! mimalloc marks its arenas for transparent huge pages, so the first touch of each 2 MiB
//! region makes the kernel zero all of it. A search touches a few MiB once and exits: zeroing
//! whole huge pages was about a fifth of its time (benches/README.md, "Per-process costs").
//! Indexing allocates hundreds of MiB and runs for seconds, where huge pages save more than
//! they cost (about 10% of its CPU time), so it turns them back on.

/// Turns huge pages off before `main`, and so before the runtime's first allocation: the
/// loader calls every function listed in `.init_array` before `main`.
#[used]
#[link_section = ".init_array"]
static SMALL_PAGES_FIRST: extern "C" fn() = small_pages;

extern "C" fn small_pages() {
    // Only a hint: on a kernel without the setting, pages stay as they were.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// Lets the allocations from here on use huge pages (for indexing). Children started later
/// (a pager) inherit the setting either way.
pub fn allow_huge() {
    let _ = rustix::thread::disable_transparent_huge_pages(false);
}
