#!/usr/bin/env bash
# Runs the given command (the test suite) with the services the specs need, so that the README's `npm ci && npm test`
# works on a fresh Debian machine by itself (and `.ci/run` is only that command in a clean clone):
# - Debian's Chromium, which the console's browser tests drive through playwright-core (its own browser download
#   cannot be reached from here);
# - a Redis server for the shared budget and cache specs, started for this run on a free loopback port without
#   persistence and stopped afterwards. An existing TEST_REDIS_URL is used as it is.
# Missing packages are installed with apt-get when running as root; otherwise the script says what to install.
set -euo pipefail

install_if_missing() { # <command to look for> <Debian package>
  if command -v "$1" >/dev/null 2>&1; then return; fi
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "npm test needs $2 (Debian package '$2'): install it, e.g. sudo apt-get install -y $2" >&2
    exit 1
  fi
  echo "npm test: installing Debian's $2"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

# CHROMIUM_PATH (the spec's own setting) names another Chromium to use instead.
if [ -z "${CHROMIUM_PATH:-}" ]; then install_if_missing chromium chromium; fi
if [ -z "${TEST_REDIS_URL:-}" ]; then
  install_if_missing redis-server redis-server
  work="$(mktemp -d)"
  port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
  trap 'kill "$(cat "$work/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export TEST_REDIS_URL="redis://127.0.0.1:$port"
  echo "npm test: Redis for the specs at $TEST_REDIS_URL"
fi
"$@"
