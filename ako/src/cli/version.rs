//! `ako version`: the crate version and the optional features compiled in.

use std::io::Write;

pub fn run(out: &mut dyn Write) -> anyhow::Result<()> {
    let demo = if cfg!(feature = "demo") { "on" } else { "off" };
    writeln!(out, "ako {} (demo: {demo})", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
