//! Controller log capture for `expect_log`: a subscriber for the scenario's thread
//! (the scenario runs on a current-thread runtime, so every task logs through it)
//! that keeps plain-text lines (`LEVEL target: message key=value`), each tagged with
//! the instances running when it was written.

use std::sync::Arc;

use parking_lot::Mutex;

#[derive(Debug, Clone)]
pub struct LogLine {
    pub seq: u64,
    pub text: String,
    /// Instances running when the line was written.
    pub instances: Vec<String>,
}

#[derive(Default)]
struct Inner {
    seq: u64,
    lines: Vec<LogLine>,
    partial: String,
    running: Vec<String>,
}

/// Shared capture buffer.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Inner>>);

impl Logs {
    pub fn lines(&self) -> Vec<LogLine> {
        self.0.lock().lines.clone()
    }

    pub fn mark(&self) -> u64 {
        self.0.lock().seq + 1
    }

    pub fn set_running(&self, running: Vec<String>) {
        self.0.lock().running = running;
    }

    /// Installs a subscriber for the current thread; keep the guard while playing.
    pub fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let logs = self.clone();
        let filter = tracing_subscriber::EnvFilter::new("info,ako=debug");
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .without_time()
            .with_env_filter(filter)
            .with_writer(move || Writer(logs.clone()))
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

struct Writer(Logs);

impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut g = self.0.0.lock();
        g.partial.push_str(&String::from_utf8_lossy(buf));
        while let Some(i) = g.partial.find('\n') {
            let line: String = g.partial.drain(..=i).collect();
            g.seq += 1;
            let seq = g.seq;
            let instances = g.running.clone();
            g.lines.push(LogLine {
                seq,
                text: line.trim().to_owned(),
                instances,
            });
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
