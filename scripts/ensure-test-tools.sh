#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real third-party peers: python3-zeep
# (a Python SOAP client), php-soap (PHP's SoapClient), chromium (the local test form in a real
# browser), and the code generators partners build clients with (test/interop/codegen.test.ts):
# gSOAP (gsoap: wsdl2h, soapcpp2; libgsoap-dev: stdsoap2.h, libgsoap++; g++) and JAX-WS
# (jaxws: wsimport and the runtime jars; a JDK for javac), and nginx (deploy/). Idempotent; needs root (or sudo)
# only when something is missing.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import zeep' 2>/dev/null || need+=(python3-zeep)
{ command -v php >/dev/null && php -m 2>/dev/null | grep -qi '^soap$'; } || need+=(php-cli php-soap)
command -v chromium >/dev/null || need+=(chromium)
{ command -v wsdl2h >/dev/null && command -v soapcpp2 >/dev/null; } || need+=(gsoap)
[ -f /usr/include/stdsoap2.h ] || need+=(libgsoap-dev)
command -v g++ >/dev/null || need+=(g++)
command -v wsimport >/dev/null || need+=(jaxws)
command -v javac >/dev/null || need+=(default-jdk-headless)
# nginx runs deploy/nginx.conf in front of a real AMS (test/observability/deploy.test.ts).
{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing test peers: ${need[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
