#!/usr/bin/env bash
# Install whichever of the given Debian packages are missing.
#
# A quick no-op when all are present: dpkg is asked first, and `apt-get update` runs
# once, only when something has to be installed.
set -euo pipefail

missing=()
for pkg in "$@"; do
    # `dpkg -s` also succeeds for removed packages whose config files remain, so read the status.
    if ! dpkg -s "$pkg" 2>/dev/null | grep -qx 'Status: install ok installed'; then
        missing+=("$pkg")
    fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "==> apt-get install ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
