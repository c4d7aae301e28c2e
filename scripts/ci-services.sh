#!/usr/bin/env bash
# Services and system packages the web application's tests and demo need; idempotent, quiet when
# everything is already there. Called by .ci/run and the Makefile before the tests / the demo.
#   - PostgreSQL (the web test suite runs a second time against it)
#   - Debian's Chromium for the Playwright browser tests (never `playwright install`), CJK fonts
#     for Chinese pages, screenshots and PDF reports, Pango for WeasyPrint, gettext for compiling
#     translations
#   - front-end libraries from package-lock.json (npm ci), served by Django's static files
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "ci-services: $*" >&2; }

# --- PostgreSQL -------------------------------------------------------------------------------
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version="$(ls /etc/postgresql | sort -V | tail -1)"
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        log "starting PostgreSQL $version"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
else
    log "PostgreSQL not installed: the PostgreSQL run of tests/web will be skipped"
fi

# --- Debian packages ----------------------------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# WeasyPrint (PDF reports) loads Pango through ctypes
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    else
        log "missing ${missing[*]} (not root or no apt-get): browser tests will be skipped"
    fi
fi

# --- front-end libraries ------------------------------------------------------------------------
if [ -f package-lock.json ]; then
    if [ ! -d node_modules/htmx.org ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        log "npm ci"
        npm ci --no-audit --no-fund --loglevel=error >/dev/null
    fi
fi
