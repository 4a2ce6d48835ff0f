#!/usr/bin/env bash
# The production path on a fresh clone, as a deploy runs it: `npm ci`, `npm run build`, then
# `npm ci --omit=dev` (no vite, no test tools) and `npm run start:prod` with NODE_ENV=production and
# every variable production requires. Checks readiness, the console, the production headers, that
# source maps and dev sign-in are not served, and a clean shutdown. Run by .ci/run; takes ~1 minute.
set -euo pipefail
repository="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/topup-prod-XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git clone -q "$repository" "$work/app"
cd "$work/app"
echo "-- npm ci && npm run build"
npm ci --no-audit --no-fund >/dev/null
npm run build >/dev/null
echo "-- npm ci --omit=dev"
npm ci --omit=dev --no-audit --no-fund >/dev/null
if [ -e node_modules/vite ] || [ -e node_modules/vitest ]; then
  echo "devDependencies are still installed after npm ci --omit=dev" >&2
  exit 1
fi

# A Clerk instance's public key (production requires Clerk); nothing here signs tokens with it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/clerk.key" 2>/dev/null
clerk_public_key="$(openssl pkey -in "$work/clerk.key" -pubout)"
port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
mkdir -p "$work/data"

echo "-- npm run start:prod on port $port"
NODE_ENV=production PORT="$port" HOST=127.0.0.1 PUBLIC_URL="http://127.0.0.1:$port" \
  DATABASE_URL="pglite://$work/data/pglite" DATA_DIR="$work/data" \
  STRIPE_SECRET_KEY=sk_test_production_build_check STRIPE_WEBHOOK_SECRET=whsec_production_build_check \
  CLERK_JWT_KEY="$clerk_public_key" RECONCILE_INTERVAL_SECONDS=0 \
  npm run start:prod >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; echo "the production server exited" >&2; exit 1; fi
  sleep 1
done
fail() { echo "production check failed: $*" >&2; cat "$work/server.log" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/readyz" | grep -q '"ready"' || fail "/readyz is not ready"
headers="$(curl -fsS -D - -o "$work/index.html" "http://127.0.0.1:$port/")"
grep -q '<div id="root">' "$work/index.html" || fail "/ does not serve the built console"
echo "$headers" | grep -qi '^content-security-policy:.*frame-ancestors' || fail "no Content-Security-Policy on /"
echo "$headers" | grep -qi '^strict-transport-security:' || fail "no HSTS in production"
map="$(cd console/dist && ls assets/*.js.map 2>/dev/null | head -1 || true)"
if [ -n "$map" ]; then
  status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/$map")"
  [ "$status" = 404 ] || fail "source map /$map answered $status, not 404"
fi
status="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' -d '{"userId":"user_x"}' "http://127.0.0.1:$port/api/dev/token")"
[ "$status" = 404 ] || fail "dev sign-in answered $status in production"
status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/graphql?query=%7B__schema%7BqueryType%7Bname%7D%7D%7D" -H 'apollo-require-preflight: 1')"
[ "$status" = 400 ] || fail "introspection answered $status in production"

# npm does not pass SIGTERM on to its script (it exits 143 itself), so a host stops the server
# process: the node process npm started. It must drain and exit 0, and npm with it.
node_pid="$(pgrep -f "server/main.ts" -P "$(pgrep -P "$server_pid" | head -1)" || pgrep -f "^node --import tsx server/main.ts" | head -1)"
[ -n "$node_pid" ] || fail "could not find the server's node process"
kill -TERM "$node_pid"
wait "$server_pid" || fail "start:prod did not exit cleanly on SIGTERM"
server_pid=""
grep -q '"shutting down"' "$work/server.log" || fail "the server did not log its shutdown"
echo "production build check OK: npm ci --omit=dev, start:prod ready on :$port, console served with CSP and HSTS, no source maps, no dev sign-in, clean shutdown"
