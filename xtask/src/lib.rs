//! # xtask
//!
//! Checks of the workspace's own shape, as tests (`tests/tidy.rs`): the
//! dependency rules between crates that ARCHITECTURE.md states, and that
//! every source file says what it is for. It has no code of its own.
