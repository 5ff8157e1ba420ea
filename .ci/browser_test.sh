#!/usr/bin/env bash
# The widgets in a real browser: notebook 01 in JupyterLab, driven in headless Chromium (tests/browser).
# Runs in the active Python environment (the course's requirements installed); adds Debian's chromium (apt)
# and playwright (pip, which drives that chromium: no browser download), then the test, which is opt-in.
set -euo pipefail
cd "$(dirname "$0")/.."
# Playwright talks to Chromium over a pipe (CDP): chromium-driver (Selenium's) is not needed.
if [ ! -x /usr/bin/chromium ]; then
    as_root=""
    if [ "$(id -u)" -ne 0 ]; then as_root="sudo -n"; fi
    $as_root apt-get update -qq
    $as_root apt-get install -y -qq chromium >/dev/null
fi
python -m pip install -q -r tests/browser/requirements.txt
EDL_BROWSER_TEST=1 python -m pytest -v tests/browser "$@"
