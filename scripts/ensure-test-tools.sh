#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real third-party peers: python3-zeep
# (a Python SOAP client), php-soap (PHP's SoapClient) and chromium (the local test form in a
# real browser). Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import zeep' 2>/dev/null || need+=(python3-zeep)
{ command -v php >/dev/null && php -m 2>/dev/null | grep -qi '^soap$'; } || need+=(php-cli php-soap)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing test peers: ${need[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
