#!/usr/bin/env bash
# The system packages the tests need: Debian's Chromium (browser test) and TeX Live (PDF).
# Installs what is missing with apt-get when running as root on a Debian-like system;
# otherwise stops with the exact command to run. Never lets the tests skip silently.
set -euo pipefail

PACKAGES=(chromium fonts-dejavu-core latexmk texlive-latex-recommended
          texlive-fonts-recommended texlive-latex-extra tex-gyre)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${missing[*]}" >&2
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "this is not a Debian-like system; install Chromium (as /usr/bin/chromium) and TeX Live" \
         "with latexmk, then run 'make test' again" >&2
else
    echo "missing system packages: ${missing[*]}" >&2
    echo "run:  sudo $command" >&2
fi
exit 1
