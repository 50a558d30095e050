# Shared by scripts/up and scripts/test: a project virtualenv with everything installed.
# Re-installs only when pyproject.toml changes.

bootstrap() {
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)" >&2
    exit 1
  fi
  for tool in java mvn; do
    if ! command -v "$tool" >/dev/null; then
      echo "error: $tool not found on PATH (Java 17+ and Maven run the local Neo4j)" >&2
      exit 1
    fi
  done
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  local stamp
  stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing Trace Engine and its dependencies into .venv …"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[test,bench]'
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}
