//! Scenario runner.

pub mod scenario;
