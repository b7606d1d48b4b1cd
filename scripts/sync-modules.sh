#!/usr/bin/env bash
# sync-modules.sh: rewrites the generated <modules> list of modules/pom.xml from the folders
# modules/*/pom.xml (sorted, C locale), so that a new modules/<x> needs no hand edit to a shared pom.
# Maven 3 cannot glob modules; ./towerlab runs this before every build, 'towerlab new-module --in-tree'
# does the same in Java (ModulesAggregator), and ModulesAggregatorTest fails when the file is stale.
# Writes the file only when the list changed (its time stamp drives ./towerlab's rebuild check).
set -euo pipefail
export LC_ALL=C
ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/modules/pom.xml"
[ -f "$POM" ] || { echo "sync-modules: $POM is missing" >&2; exit 1; }
list=""
for p in "$ROOT"/modules/*/pom.xml; do
  [ -f "$p" ] || continue
  list+="    <module>$(basename "$(dirname "$p")")</module>"$'\n'
done
new="$(awk -v list="$list" '
  /<modules>/ { print; printf "%s", list; skip = 1; next }
  /<\/modules>/ { skip = 0 }
  !skip { print }
' "$POM")"
if [ "$new" != "$(cat "$POM")" ]; then
  printf '%s\n' "$new" > "$POM"
  echo "sync-modules: updated $POM" >&2
fi
