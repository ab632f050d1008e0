#!/usr/bin/env bash
# Runs one fixed move with a given officeport binary and writes every artefact
# into OUT, normalised where a run must differ (times, random ids), so that two
# builds can be compared with `diff -r`:
#   scripts/same-behaviour.sh OLD/bin/officeport.js /tmp/old
#   scripts/same-behaviour.sh bin/officeport.js /tmp/new
#   diff -r /tmp/old /tmp/new && echo same
# The bundles (fixed bundle id and creation time) are compared byte for byte;
# receipts, retention archives and dumps with times and UUIDs masked.
# SIZE (default 10000) is the size of the generated installation.
# With PG=postgres://USER@HOST:PORT/postgres the installations live on that
# PostgreSQL server (new databases op_sb_*) instead of in files: G2's check is
#   scripts/same-behaviour.sh bin/officeport.js /tmp/sqlite
#   PG=postgres://postgres@127.0.0.1:5432/postgres scripts/same-behaviour.sh bin/officeport.js /tmp/pg
#   diff -r /tmp/sqlite /tmp/pg && echo same
set -euo pipefail
BIN=$(readlink -f "$1"); OUT=$2; SIZE=${SIZE:-10000}
SAMPLES=$(readlink -f "$(dirname "$0")/../samples")
rm -rf "$OUT"; mkdir -p "$OUT"; W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
op() { local rc=0; node "$BIN" "$@" >>"$W/log" 2>&1 || rc=$?; echo "$rc $1" >>"$OUT/exits.txt"; }
mask() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g; s/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g; s/"(receipt_key|seal|key|receipt_sha256)": ?"[^"]*"/"\1":"KEY"/g'; }
unpack() { # zip -> folder of masked entries
  mkdir -p "$2"; (cd "$2" && unzip -qo "$1"); find "$2" -type f | while read -r f; do mask <"$f" >"$f.m" && mv "$f.m" "$f"; done
  find "$2" -name 'tagmanifest-*.txt' -exec sed -i -E 's/^[0-9a-f]{64} /HASH /' {} +; }
ROOT=$(readlink -f "$(dirname "$0")/..")
# The installation secret is random (it keys the bundle header's receipt_key);
# fix it so that two runs can write byte-identical bundles.
fix() { node -e 'const D=require(process.argv[1]);const d=new D(process.argv[2]);d.prepare("UPDATE installation_secret SET secret = zeroblob(32)").run();d.close()' "$ROOT/node_modules/better-sqlite3" "$W/$1"; }
cd "$W"
if [ -n "${PG:-}" ]; then
  RUN=sb_$$_$(date +%s)
  pgdb() { echo "${PG%/*}/op_${RUN}_${1%.db}"; }
  # the same installation secret, through the adapter's own connection
  fix() { printf '%s' "import { openPgInstallation } from '$ROOT/dist/src/store/postgres/db.js'; const d = openPgInstallation(process.argv[2]); d.prepare('UPDATE installation_secret SET secret = ?').run(Buffer.alloc(32)); d.close();" >"$W/fix.mjs"; node "$W/fix.mjs" "$(pgdb "$1")"; }
  # every --db NAME.db below names a database on the server
  op() { local rc=0 a=() x; for x in "$@"; do case $x in *.db) a+=("$(pgdb "$x")") ;; *) a+=("$x") ;; esac; done; node "$BIN" "${a[@]}" >>"$W/log" 2>&1 || rc=$?; echo "$rc $1" >>"$OUT/exits.txt"; }
fi
op init --db s.db; fix s.db; op load "$SAMPLES/source" --db s.db
op init --db t.db; fix t.db; op load "$SAMPLES/target" --db t.db
F=(--bundle-id 00000000-0000-4000-8000-000000000001 --created-at 2026-01-02T03:04:05Z)
op export --db s.db --office "North Agency" --user alice --set "Move to Springfield" --to-office "Springfield Agency" --to-user dana --out move.zip "${F[@]}"
op export --db s.db --office "North Agency" --user alice --all --to-office "South Agency" --to-user bob --out all.zip --bundle-id 00000000-0000-4000-8000-000000000002 --created-at 2026-01-02T03:04:05Z
cp move.zip all.zip "$OUT/" || true
op convert move.zip --to csv --out move-csv; cp -r move-csv "$OUT/"
op convert move.zip --to xml --out move.xml; cp move.xml "$OUT/"
op inspect move.zip --json; node "$BIN" inspect move.zip --db "$( [ -n "${PG:-}" ] && pgdb t.db || echo t.db)" --office "Springfield Agency" --user dana --json | mask >"$OUT/inspect.json" || true
op import move.zip --db t.db --office "Springfield Agency" --user dana --dry-run --plan-out plan.json; mask <plan.json >"$OUT/plan.json"
op import move.zip --db t.db --office "Springfield Agency" --user dana --receipt receipt.json; mask <receipt.json >"$OUT/receipt.json"
op finalize receipt.json --db s.db --office "North Agency" --user alice --archive retention.zip --yes
unpack "$W/retention.zip" "$OUT/retention"
op realign plan --office "North Agency" --out realign.csv --db s.db; cp realign.csv "$OUT/"
op dump s-dump --db s.db; op dump t-dump --db t.db
for d in s-dump t-dump; do mkdir -p "$OUT/$d"; (cd $d && find . -type f -name '*.csv' | while read -r f; do mkdir -p "$OUT/$d/$(dirname "$f")"; mask <"$f" >"$OUT/$d/$f"; done); done
op generate big --contacts "$SIZE" --seed 7; op init --db b.db; fix b.db; op load big --db b.db
op export --db b.db --office O-1 --user exporter --all --to-office O-2 --to-user importer --out big.zip --bundle-id 00000000-0000-4000-8000-000000000003 --created-at 2026-01-02T03:04:05Z
op import big.zip --db b.db --office O-2 --user importer --receipt big-receipt.json; mask <big-receipt.json >"$OUT/big-receipt.json"
cp big.zip "$OUT/"
op dump b-dump --db b.db; mkdir -p "$OUT/b-dump"; (cd b-dump && for f in *.csv; do mask <"$f" >"$OUT/b-dump/$f"; done)
echo "wrote $OUT ($(find "$OUT" -type f | wc -l) files)"
