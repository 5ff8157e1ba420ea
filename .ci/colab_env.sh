#!/usr/bin/env bash
# A Colab-like environment: Colab's preinstalled versions (.ci/colab/versions.txt) in a fresh venv, the course
# installed exactly as the notebooks' setup cell installs it (but from this checkout), a check that no
# preinstalled version changed, then every notebook in quick mode, offline.
#   bash .ci/colab_env.sh        (from anywhere; the venv goes to a temporary folder, pip's cache is reused)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=.ci/lib.sh
source .ci/lib.sh
versions=.ci/colab/versions.txt
venv="$(mktemp -d)/colab-venv"
"${PYTHON:-python3}" -m venv "$venv"
# shellcheck disable=SC1091
source "$venv/bin/activate"
echo "Colab-like venv: $venv"

# check_unchanged STEP: fail, listing them, if any pinned package is missing or at another version.
check_unchanged() {
    python - "$versions" "$1" <<'PY'
import re, subprocess, sys

def parse(lines):
    """{normalised name: version} of the "name==version" lines (comments and other lines ignored)."""
    pairs = (line.split("#")[0].strip().partition("==") for line in lines)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, _, version in pairs if version}

wanted = parse(open(sys.argv[1]))
freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all"], capture_output=True, text=True, check=True)
found = parse(freeze.stdout.splitlines())
changed = [f"  {name}: Colab {version}, here {found.get(name, 'missing')}"
           for name, version in wanted.items() if found.get(name) != version]
if changed:
    sys.exit(f"FAIL ({sys.argv[2]}): Colab's preinstalled versions changed:\n" + "\n".join(changed))
print(f"ok ({sys.argv[2]}): all {len(wanted)} preinstalled versions unchanged")
PY
}

python -m pip install -q -r "$versions"
check_unchanged "Colab's versions installed"
# The notebooks' setup cell in Colab: %pip install -q "edl-helpers @ git+<repository>" (edl_helpers.course).
# No `cluster` extra, as in Colab: notebook 07's Ray section takes its fallback to the process pool here.
python -m pip install -q "edl-helpers @ file://$PWD"
check_unchanged "the course installed as the setup cell does"
python -m pip install -q -c "$versions" pytest nbval
check_unchanged "pytest and nbval installed"
# The lessons (their worked solutions import the same code and run in the main suite, .ci/run)
offline pytest notebooks --ignore-glob='*_solutions.ipynb'
