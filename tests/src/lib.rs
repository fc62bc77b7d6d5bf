//! Scenario runner.

pub mod runner;
pub mod scenario;
