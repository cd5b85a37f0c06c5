#!/usr/bin/env bash
# Measures `communs archive verify` against `sha256sum` over the same files: archives FILES files of
# SIZE_MB megabytes each (random bytes) into the demo's archive through `communs archive import`, then
# times, cache warm, a full verify (every object re-hashed, journal and checkpoints checked) and
# `sha256sum` over the blob files of more than 1 MB (the benchmark's objects; the demo's own small blobs
# are left out of the baseline but verified by communs). Prints a Markdown table for BENCHMARKS.md.
# Usage: scripts/bench-archive-verify.sh [FILES] [SIZE_MB]      (defaults: 8 files of 256 MB = 2 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-8}"
SIZE_MB="${2:-256}"
cargo build --release --locked -q
BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/communs"
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
export COMMUNS_LOG=warn
communs() { "$BIN" --data-dir "$DATA/data" "$@"; }

communs demo >/dev/null
mkdir -p "$DATA/transfer/files"
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<ArchiveTransfer xmlns="fr:gouv:culture:archivesdefrance:seda:v2.2"><Date>2026-11-23T00:00:00Z</Date>'
    echo '<MessageIdentifier>BENCH-VERIFY</MessageIdentifier><CodeListVersions/><DataObjectPackage>'
    for i in $(seq 1 "$FILES"); do
        head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$DATA/transfer/files/$i.bin"
        sum=$(sha256sum "$DATA/transfer/files/$i.bin" | cut -d' ' -f1)
        echo "<DataObjectGroup id=\"G$i\"><BinaryDataObject id=\"O$i\"><Uri>files/$i.bin</Uri><MessageDigest algorithm=\"SHA-256\">$sum</MessageDigest><Size>$((SIZE_MB * 1024 * 1024))</Size></BinaryDataObject></DataObjectGroup>"
    done
    echo '<DescriptiveMetadata><ArchiveUnit id="AU0"><Content><DescriptionLevel>File</DescriptionLevel><Title>Banc d essai</Title></Content>'
    for i in $(seq 1 "$FILES"); do
        echo "<ArchiveUnit id=\"AU$i\"><Content><DescriptionLevel>Item</DescriptionLevel><Title>Objet $i</Title></Content><DataObjectReference><DataObjectGroupReferenceId>G$i</DataObjectGroupReferenceId></DataObjectReference></ArchiveUnit>"
    done
    echo '</ArchiveUnit></DescriptiveMetadata>'
    echo '</DataObjectPackage><ArchivalAgency><Identifier>X</Identifier></ArchivalAgency><TransferringAgency><Identifier>Y</Identifier></TransferringAgency></ArchiveTransfer>'
} >"$DATA/transfer/transfer.xml"
communs archive import --org montpellier-mediterranee-metropole --category act "$DATA/transfer/transfer.xml" >/dev/null
rm -rf "$DATA/transfer"

blobs=$(find "$DATA/data/blobs" -type f -size +1M -not -path '*/.tmp/*')
bytes=$(du -cb $blobs | tail -n 1 | cut -f1)
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
# Each measured twice, the cache warm for the second; the second is reported.
seconds sha256sum $blobs >/dev/null; base=$(seconds sha256sum $blobs)
seconds openssl dgst -sha256 $blobs >/dev/null; openssl=$(seconds openssl dgst -sha256 $blobs)
seconds communs archive verify >/dev/null; ours=$(seconds communs archive verify)
summary=$(communs archive verify | head -n 1)
mb=$(echo "$bytes / 1048576" | bc -l)
printf '| command | data | seconds | MB/s |\n|---|---|---|---|\n'
printf '| `sha256sum` (GNU coreutils %s), one file after the other | %.0f MB in %d files | %.2f | %.0f |\n' \
    "$(sha256sum --version | head -n1 | awk '{print $NF}')" "$mb" "$(echo "$blobs" | wc -l)" "$base" "$(echo "$mb / $base" | bc -l)"
printf '| `openssl dgst -sha256` (%s), one file after the other | same files | %.2f | %.0f |\n' \
    "$(openssl version | awk '{print $1, $2}')" "$openssl" "$(echo "$mb / $openssl" | bc -l)"
printf '| `communs archive verify` (objects, journal, checkpoints) | same files | %.2f | %.0f |\n' "$ours" "$(echo "$mb / $ours" | bc -l)"
printf '\ncommuns archive verify said: %s\n' "$summary"
printf '\nratio (communs / sha256sum throughput): %.2f\n' "$(echo "$base / $ours" | bc -l)"
