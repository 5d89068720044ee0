# Shared helpers for the project's scripts. Source it; do not run it.
SLUICE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SLUICE_ROOT

if [[ -t 1 ]]; then
  _bold=$'\e[1m'; _red=$'\e[31m'; _green=$'\e[32m'; _reset=$'\e[0m'
else
  _bold=''; _red=''; _green=''; _reset=''
fi

step() { printf '%s==> %s%s\n' "$_bold" "$*" "$_reset"; }
ok() { printf '%s%s%s\n' "$_green" "$*" "$_reset"; }
die() { printf '%serror:%s %s\n' "$_red" "$_reset" "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Seconds since the epoch with millisecond precision, for timing steps.
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }
