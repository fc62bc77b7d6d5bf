//! `ako shard`: where hosts land (F2), and with `--plan` which hosts a change of
//! shard size or hash would move (F7). Placement and names come only from
//! `ako::shard` and `ako::naming`.
//!
//! Output is tab-separated, one host per line: `host<TAB>shard<TAB>vs` (shard is
//! a number or `dedicated`); with `--plan`, a `#` summary line then
//! `host<TAB>old-vs<TAB>new-vs` for each host that moves.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use ako::config::is_valid_cluster_name;
use ako::naming;
use ako::shard::{self, Placement, ShardHash, ShardSize};
use anyhow::{Context, bail};

#[derive(Debug, clap::Args)]
pub struct ShardArgs {
    /// Hostnames to place.
    hosts: Vec<String>,
    /// Also read hostnames from this file, one per line (`-` = stdin); blank
    /// lines and `#` comments are skipped.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// Shard size (L7Settings.shardVSSize).
    #[arg(long, env = "SHARD_VS_SIZE", default_value = "LARGE")]
    size: ShardSize,
    /// Host hash (L7Settings.shardHash): md5, or fnv1a as the original AKO.
    #[arg(long, env = "SHARD_HASH", default_value = "md5")]
    hash: ShardHash,
    /// Cluster name (AKOSettings.clusterName), the prefix of VS names.
    #[arg(long, env = "CLUSTER_NAME", default_value = "my-cluster")]
    cluster: String,
    /// AviInfraSetting whose L7 shard settings apply (it becomes part of VS names).
    #[arg(long, value_name = "NAME")]
    infra: Option<String>,
    /// List the hosts whose VS changes from (--from, --hash) to (--to, --to-hash).
    #[arg(long)]
    plan: bool,
    /// With --plan: the current shard size (default: --size).
    #[arg(long, requires = "plan", value_name = "SIZE")]
    from: Option<ShardSize>,
    /// With --plan: the new shard size (default: --size).
    #[arg(long, requires = "plan", value_name = "SIZE")]
    to: Option<ShardSize>,
    /// With --plan: the new hash (default: --hash).
    #[arg(long, requires = "plan", value_name = "HASH")]
    to_hash: Option<ShardHash>,
}

pub fn run(args: ShardArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if !is_valid_cluster_name(&args.cluster) {
        bail!(
            "--cluster {:?}: only letters, digits, '-' and '_' are allowed",
            args.cluster
        );
    }
    let hosts = read_hosts(&args)?;
    if hosts.is_empty() {
        bail!("no hosts given: name them as arguments or with -f FILE");
    }
    let vs = |host: &str, at: Placement| {
        naming::l7_parent_vs(&args.cluster, args.infra.as_deref(), host, at)
    };
    if args.plan {
        if args.to.is_none() && args.to_hash.is_none() {
            bail!("--plan needs the new setting: --to SIZE and/or --to-hash HASH");
        }
        let from = (args.from.unwrap_or(args.size), args.hash);
        let to = (
            args.to.unwrap_or(args.size),
            args.to_hash.unwrap_or(args.hash),
        );
        let moves = shard::moves(hosts.iter().map(String::as_str), from, to);
        writeln!(
            out,
            "# {} of {} hosts move: {} {} -> {} {}",
            moves.len(),
            hosts.len(),
            from.0,
            from.1,
            to.0,
            to.1
        )?;
        for m in moves {
            writeln!(
                out,
                "{}\t{}\t{}",
                m.host,
                vs(m.host, m.from),
                vs(m.host, m.to)
            )?;
        }
    } else {
        for host in &hosts {
            let at = shard::place(host, args.size, args.hash);
            let n = match at {
                Placement::Shared(n) => n.to_string(),
                Placement::Dedicated => "dedicated".to_owned(),
            };
            writeln!(out, "{host}\t{n}\t{}", vs(host, at))?;
        }
    }
    Ok(())
}

/// Positional hosts then the file's, first occurrence kept.
fn read_hosts(args: &ShardArgs) -> anyhow::Result<Vec<String>> {
    let mut hosts = args.hosts.clone();
    if let Some(path) = &args.file {
        let lines: Vec<String> = if path.as_os_str() == "-" {
            std::io::stdin().lock().lines().collect::<Result<_, _>>()
        } else {
            std::fs::read_to_string(path).map(|t| t.lines().map(str::to_owned).collect())
        }
        .with_context(|| format!("reading hosts from {}", path.display()))?;
        hosts.extend(
            lines
                .iter()
                .map(|l| l.split('#').next().unwrap_or_default().trim())
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    let mut seen = BTreeSet::new();
    hosts.retain(|h| seen.insert(h.clone()));
    Ok(hosts)
}
