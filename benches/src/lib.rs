//! Benchmarks for Strata.
