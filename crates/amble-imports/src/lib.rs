//! Amble's importers: walks from watches and phones (FIT, GPX, TCX, Apple Health exports) into
//! the journal. Parsers read `impl Read`/bytes and return plain values; the pipeline turns them
//! into journal entries, de-duplicates them against the journal and writes them in batches.

pub mod apple;
pub mod fit;
pub mod gait;
pub mod geo;
pub mod gpx;
pub mod model;
pub mod pipeline;
pub mod tcx;
mod xml;
