#!/usr/bin/env bash
# The Debian packages HouseWatch needs, for `make demo`, `make test` and `.ci/run` alike:
# Python 3.11 with venv, make, the CJK font (Chinese in charts and PDFs: without it every glyph
# is a box), poppler (pdftotext/pdftoppm to check PDFs), pango (WeasyPrint) and Debian's
# chromium (the browser test). As root it installs what is missing; otherwise it prints the one
# apt-get line to run and stops. `--check` only reports (exit 1 when something is missing).
set -euo pipefail

need=()
command -v python3.11 >/dev/null || need+=(python3.11 python3.11-venv)
python3.11 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3.11-venv)
command -v make >/dev/null || need+=(make)
fc-list 2>/dev/null | grep "Noto Sans CJK SC" >/dev/null || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep libpangoft2-1.0 >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -x /usr/bin/chromium ] || need+=(chromium)
# de-duplicate, keep order
mapfile -t need < <(printf '%s\n' "${need[@]}" | awk 'NF && !seen[$0]++')

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
line="apt-get install -y ${need[*]}"
if [ "${1:-}" = "--check" ]; then
  echo "missing system packages: ${need[*]} (run: $line)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
else
  echo "HouseWatch needs system packages: ${need[*]}" >&2
  echo "run as root: apt-get update && $line" >&2
  exit 2
fi
