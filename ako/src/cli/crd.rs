//! `ako crd migrate`: re-stores HostRule / HTTPRule / AviInfraSetting objects at
//! v1beta1 after the CRDs were upgraded (F29; the work is `ako::kube::migrate`) and
//! prints one summary line per CRD, and with `--dry-run` each object it would rewrite.
//! Exits 1 when the CRDs were not upgraded (F30, nothing written) or an object failed.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};

use ako::kube::DEFAULT_CRD_SOURCE;
use ako::kube::migrate::{self, KindReport, MigrateOptions, Outcome, Progress, Report};

#[derive(Debug, clap::Args)]
pub struct CrdArgs {
    #[command(subcommand)]
    command: CrdCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CrdCommand {
    /// Rewrite every HostRule, HTTPRule and AviInfraSetting at v1beta1 and set the
    /// CRDs' status.storedVersions to [v1beta1] (run after upgrading the CRDs).
    Migrate(MigrateArgs),
}

#[derive(Debug, clap::Args)]
struct MigrateArgs {
    /// Kubeconfig to use (default: KUBECONFIG, ~/.kube/config, or in-cluster).
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Only this namespace's objects (storedVersions is then left as it is).
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    /// Show what would be rewritten; the API server checks each write, stores nothing.
    #[arg(long)]
    dry_run: bool,
    /// The current CRD manifests, named in the `kubectl apply -f` hint.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_CRD_SOURCE)]
    crds: String,
}

pub fn run(args: CrdArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let CrdCommand::Migrate(args) = args.command;
    super::run::init_logs();
    let opts = MigrateOptions {
        namespace: args.namespace.clone(),
        dry_run: args.dry_run,
        crd_source: args.crds.clone(),
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let client = super::run::kube_client(args.kubeconfig.as_deref()).await?;
        Ok::<_, anyhow::Error>(migrate::migrate(&client, &opts).await?)
    })?;
    print_report(&report, opts.namespace.as_deref(), out)?;
    match report.failures() {
        0 => Ok(()),
        n => bail!(
            "{n} object(s) not migrated (see above); storedVersions was left as it is for \
             their CRD; fix them and run `ako crd migrate` again"
        ),
    }
}

fn print_report(
    report: &Report,
    namespace: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    for k in &report.kinds {
        if let Outcome::Migrated(p) = &k.outcome {
            if report.dry_run {
                for key in &p.rewritten {
                    writeln!(out, "would rewrite {key} at {}", report.target_version)?;
                }
            }
            for failure in &p.failed {
                writeln!(out, "failed: {failure}")?;
            }
        }
    }
    for k in &report.kinds {
        writeln!(out, "{}", summary(k, report, namespace))?;
    }
    if report.dry_run {
        writeln!(out, "dry run: nothing was written")?;
    }
    Ok(())
}

fn versions(v: &[String]) -> String {
    format!("[{}]", v.join(", "))
}

/// `<crd>: <what happened>` for one kind.
fn summary(k: &KindReport, report: &Report, namespace: Option<&str>) -> String {
    let target = &report.target_version;
    let what = match &k.outcome {
        Outcome::NotInstalled => "CRD not installed; nothing to migrate".to_owned(),
        Outcome::AlreadyMigrated => {
            format!("already migrated (storedVersions [{target}]); nothing written")
        }
        Outcome::SkippedClusterScoped => {
            "cluster-scoped; skipped because of --namespace".to_owned()
        }
        Outcome::Migrated(p) => migrated(p, report, namespace),
    };
    format!("{}: {what}", k.crd)
}

fn migrated(p: &Progress, report: &Report, namespace: Option<&str>) -> String {
    let (would, rewritten) = if report.dry_run {
        ("would ", "would rewrite")
    } else {
        ("", "rewrote")
    };
    let mut s = format!(
        "{rewritten} {} object(s) at {}",
        p.rewritten.len(),
        report.target_version
    );
    if let Some(ns) = namespace {
        s.push_str(&format!(" in namespace {ns}"));
    }
    if p.conflicts > 0 {
        s.push_str(&format!(" ({} conflict(s) re-read)", p.conflicts));
    }
    if !p.gone.is_empty() {
        s.push_str(&format!(", {} deleted meanwhile", p.gone.len()));
    }
    if !p.failed.is_empty() {
        s.push_str(&format!(", {} FAILED", p.failed.len()));
    }
    let before = versions(&p.stored_before);
    match &p.stored_after {
        Some(after) => s.push_str(&format!(
            "; {would}set storedVersions {before} -> {}",
            versions(after)
        )),
        None if namespace.is_some() => s.push_str(&format!(
            "; storedVersions left at {before} (run without --namespace to finish)"
        )),
        None => s.push_str(&format!("; storedVersions left at {before}")),
    }
    s
}
