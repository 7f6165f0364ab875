#!/usr/bin/env bash
# Installs the system packages OrderHub's tests and e-mail charts need, from Debian's archive:
# chromium (browser tests, static charts), a CJK font (so 中文 renders in screenshots and PNG charts) and
# with --with-java a Java 17 runtime (Spark, for the KPI tests on a second engine; docs/scale.md).
# Idempotent: does nothing when all are present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ "${1:-}" = "--with-java" ]; then  # `make test` only: `make run` needs no Java
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
fi
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then need+=(fonts-noto-cjk); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing system packages: ${need[*]} — install them with your package manager (Debian: apt-get install ${need[*]})" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
