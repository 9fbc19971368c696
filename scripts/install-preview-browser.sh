#!/usr/bin/env bash
# Installs what `npm run mp:preview` needs from Debian: Chromium (driven by playwright-core, which
# downloads no browser of its own) and a CJK font so that the pages' Chinese renders. Needs root.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null; then
  echo "chromium and fonts-noto-cjk already installed"
  exit 0
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null
echo "installed $(chromium --version 2>/dev/null || echo chromium) and fonts-noto-cjk"
