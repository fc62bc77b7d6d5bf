//! Host -> shard placement against a fixed table. The digests below were computed
//! outside this crate (Python's hashlib.md5 and a Python FNV-1a); the expected
//! shards are derived from them here, not by calling the code under test.

use ako::shard::{self, Move, Placement, ShardHash, ShardSize};
use proptest::prelude::*;

/// (host, md5 hex digest, FNV-1a 32-bit hex).
const TABLE: &[(&str, &str, &str)] = &[
    ("foo.com", "167a0418dd8ce3bf0ef00dfb6195f038", "41ad0598"),
    ("bar.com", "0ab6a5f3c2d412a1084ae502b34fb0e6", "72004851"),
    (
        "www.example.com",
        "7c1767b30512b6003fd3c2e618a86522",
        "88469fcb",
    ),
    (
        "api.example.com",
        "0aa7c02afb2118bf6c103c79876c7808",
        "0aeb3084",
    ),
    (
        "shop.example.org",
        "a826c135c846b81885a2a376d4857318",
        "8ae254f1",
    ),
    ("a", "0cc175b9c0f1b6a831c399e269772661", "e40c292c"),
    (
        "grafana.apps.k8s.local",
        "a20948fdced24d051edd2854321124a5",
        "c5befbbc",
    ),
    (
        "xn--bcher-kva.example",
        "f8dd7b47a155bcd1727de887f47eeb06",
        "8e5a5254",
    ),
    (
        "s3.eu-west-1.amazonaws.com",
        "ed273d0dddf24bba0f7a6992d6c8148f",
        "ce8c90cd",
    ),
];

fn first_word(hex: &str) -> u32 {
    u32::from_str_radix(&hex[..8], 16).unwrap()
}

#[test]
fn md5_placement_is_the_first_four_digest_bytes_modulo_the_count() {
    for &(host, md5_hex, _) in TABLE {
        for count in [1, 4, 8] {
            let expected = first_word(md5_hex) % count;
            assert_eq!(
                shard::of(host, count, ShardHash::Md5),
                expected,
                "{host} / {count}"
            );
        }
    }
}

#[test]
fn fnv1a_placement_masks_like_the_original() {
    for &(host, _, fnv_hex) in TABLE {
        for count in [1, 4, 8] {
            let expected = u32::from_str_radix(fnv_hex, 16).unwrap() & (count - 1);
            assert_eq!(
                shard::of(host, count, ShardHash::Fnv1a),
                expected,
                "{host} / {count}"
            );
        }
    }
}

#[test]
fn longest_host_is_placed() {
    let host = "x".repeat(253);
    let expected = first_word("1a244ae9fefe18985dbeec401592f821") % 8;
    assert_eq!(shard::of(&host, 8, ShardHash::Md5), expected);
    assert_eq!(shard::of(&host, 8, ShardHash::Fnv1a), 0xed76_e837 & 7);
}

#[test]
fn the_two_hashes_disagree_somewhere() {
    // Otherwise the md5/fnv1a switch would be untested.
    let differ = TABLE
        .iter()
        .filter(|(h, ..)| shard::of(h, 8, ShardHash::Md5) != shard::of(h, 8, ShardHash::Fnv1a))
        .count();
    assert!(differ > 0);
}

#[test]
fn plan_lists_exactly_the_hosts_that_move_from_medium_to_large() {
    let hosts: Vec<&str> = TABLE.iter().map(|(h, ..)| *h).collect();
    let got = shard::moves(
        hosts.iter().copied(),
        (ShardSize::Medium, ShardHash::Md5),
        (ShardSize::Large, ShardHash::Md5),
    );
    let expected: Vec<Move<'_>> = TABLE
        .iter()
        .filter_map(|&(host, md5_hex, _)| {
            let x = first_word(md5_hex);
            (x % 4 != x % 8).then_some(Move {
                host,
                from: Placement::Shared(x % 4),
                to: Placement::Shared(x % 8),
            })
        })
        .collect();
    assert_eq!(got, expected);
    assert!(
        !got.is_empty() && got.len() < hosts.len(),
        "table should exercise both cases"
    );
}

#[test]
fn plan_for_a_hash_migration_and_for_dedicated() {
    let hosts: Vec<&str> = TABLE.iter().map(|(h, ..)| *h).collect();
    let large = |h| (ShardSize::Large, h);
    let migration = shard::moves(
        hosts.iter().copied(),
        large(ShardHash::Fnv1a),
        large(ShardHash::Md5),
    );
    for &(host, md5_hex, fnv_hex) in TABLE {
        let moves = first_word(md5_hex) % 8 != u32::from_str_radix(fnv_hex, 16).unwrap() & 7;
        assert_eq!(migration.iter().any(|m| m.host == host), moves, "{host}");
    }
    let dedicated = (ShardSize::Dedicated, ShardHash::Md5);
    assert_eq!(
        shard::moves(hosts.iter().copied(), dedicated, large(ShardHash::Md5)).len(),
        hosts.len()
    );
    assert!(
        shard::moves(
            hosts.iter().copied(),
            dedicated,
            (ShardSize::Dedicated, ShardHash::Fnv1a)
        )
        .is_empty()
    );
}

fn size() -> impl Strategy<Value = ShardSize> {
    prop::sample::select(ShardSize::ALL.to_vec())
}

fn hash() -> impl Strategy<Value = ShardHash> {
    prop::sample::select(ShardHash::ALL.to_vec())
}

proptest! {
    #[test]
    fn placement_is_in_range_and_stable(host in "[a-z0-9.-]{1,253}", size in size(), hash in hash()) {
        let at = shard::place(&host, size, hash);
        prop_assert_eq!(at, shard::place(&host.clone(), size, hash));
        match (at, size.count()) {
            (Placement::Shared(n), Some(count)) => prop_assert!(n < count),
            (Placement::Dedicated, None) => {}
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn unchanged_settings_move_nothing(hosts in prop::collection::vec("[a-z.]{1,40}", 0..50), size in size(), hash in hash()) {
        prop_assert!(shard::moves(hosts.iter().map(String::as_str), (size, hash), (size, hash)).is_empty());
    }
}
