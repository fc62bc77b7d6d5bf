//! Scenario runner.

pub mod k3s;
pub mod runner;
pub mod scenario;
