# The client side of a resident Helix; sourced (POSIX sh) by the source launcher (./helix) and by a
# release's bin/helix. A read-only call whose stdout is not a terminal (an agent's, a script's) is sent
# over a UNIX-domain socket to a resident Helix, which runs it in the caller's directory and environment
# and sends back stdout, stderr and the exit code; anything that goes wrong on the way leaves nothing
# printed, and the launcher runs the call cold, as it always did.

# The status of a call no resident Helix answered (Helix itself exits 0, 1, 2 or 130).
HELIX_RESIDENT_NONE=197

# Where the socket, token and lock live: $XDG_RUNTIME_DIR/helix, else ~/.cache/helix; into HELIX_RESIDENT_DIR.
helix_resident_dir() {
  if [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ]; then
    HELIX_RESIDENT_DIR="$XDG_RUNTIME_DIR/helix"
  else
    HELIX_RESIDENT_DIR="${HOME:-/nonexistent}/.cache/helix"
  fi
}

# helix_resident_wanted COMMAND ARGS...: 0 when a resident Helix may answer this call. Only read-only
# commands, never with HELIX_NO_DAEMON=1, and only when stdout is not a terminal: a person at a terminal
# gets colours and a console a resident process cannot have, so such a call runs cold. Help is fit to
# the controlling terminal's width, so it goes to the resident Helix only when there is none.
helix_resident_wanted() {
  case "${HELIX_NO_DAEMON:-}" in 1|true|yes|on) return 1 ;; esac
  [ ! -t 1 ] || return 1
  case "$1" in
    status|log|best|show|diff|export|report|guide|agent-info|review|"") ;;
    *) return 1 ;;
  esac
  _hr_help=""
  [ -n "$1" ] || _hr_help=1
  shift
  for _hr_arg in "$@"; do
    case "$_hr_arg" in
      --) break ;;
      --help|-h) _hr_help=1 ;;
      --version|-V) ;;
    esac
  done
  if [ -n "$_hr_help" ] && { true </dev/tty; } 2>/dev/null; then return 1; fi
  helix_resident_client
}

# The program that speaks to a UNIX-domain socket, into HELIX_RESIDENT_CLIENT (set, it is kept): nc
# (netcat-openbsd, macOS), else socat; returns 1 when there is neither.
helix_resident_client() {
  if [ -z "${HELIX_RESIDENT_CLIENT:-}" ]; then
    if command -v nc >/dev/null 2>&1; then HELIX_RESIDENT_CLIENT=nc
    elif command -v socat >/dev/null 2>&1; then HELIX_RESIDENT_CLIENT=socat
    fi
  fi
  [ -n "${HELIX_RESIDENT_CLIENT:-}" ]
}

_helix_resident_connect() {
  case "$HELIX_RESIDENT_CLIENT" in
    nc) nc -U "$1" 2>/dev/null ;;
    socat) socat - "UNIX-CONNECT:$1" 2>/dev/null ;;
  esac
}

# The request: NUL-terminated fields (see ResidentRequest), the caller's physical working directory
# (what a JVM started here reads as user.dir), then its whole environment and an empty field.
_helix_resident_request() {
  cd -P . 2>/dev/null || return 0
  printf '%s\0' helix-resident-1 "$1" "$2" "$3" "$PWD"
  shift 3
  printf '%s\0' "$#"
  [ "$#" -eq 0 ] || printf '%s\0' "$@"
  env -0 2>/dev/null
  printf '\0'
}

# The reply: a line "ok OUT ERR EXIT" then OUT bytes of stdout and ERR bytes of stderr.
_helix_resident_reply() {
  IFS=' ' read -r _hr_status _hr_out _hr_err _hr_exit || return "$HELIX_RESIDENT_NONE"
  [ "$_hr_status" = ok ] || return "$HELIX_RESIDENT_NONE"
  [ "$_hr_out" = 0 ] || head -c "$_hr_out"
  [ "$_hr_err" = 0 ] || head -c "$_hr_err" >&2
  return "$_hr_exit"
}

# helix_resident_call OPERATION BUILD ARGS...: asks the resident Helix (run, status or stop); the
# status is the command's exit code, or HELIX_RESIDENT_NONE when none answered (nothing printed then).
helix_resident_call() {
  _hr_sock="$HELIX_RESIDENT_DIR/resident.sock"
  [ -S "$_hr_sock" ] || return "$HELIX_RESIDENT_NONE"
  _hr_token=""
  IFS= read -r _hr_token 2>/dev/null <"$HELIX_RESIDENT_DIR/resident.token" || [ -n "$_hr_token" ] || return "$HELIX_RESIDENT_NONE"
  helix_resident_client || return "$HELIX_RESIDENT_NONE"
  _hr_op="$1"; _hr_build="$2"; shift 2
  _helix_resident_request "$_hr_token" "$_hr_build" "$_hr_op" "$@" | _helix_resident_connect "$_hr_sock" | _helix_resident_reply
}

# helix_resident_start JAVA JAR BUILD [JVM OPTIONS...]: starts a resident Helix in the background, in
# its own session (no terminal's signals reach it) and in / (it holds no directory of the user's).
# If one runs already, the new one finds the lock taken and exits.
helix_resident_start() {
  _hr_java="$1"; _hr_jar="$2"; _hr_build="$3"; shift 3
  mkdir -p "$HELIX_RESIDENT_DIR" 2>/dev/null && chmod 700 "$HELIX_RESIDENT_DIR" 2>/dev/null || return 0
  # A resident of another build goes when a call reaches it; one that cannot read this build's
  # calls (an older Helix) would hold the lock until idle, so it is asked to go by signal: only the
  # process resident.info names, and only while it is a resident Helix serving this directory.
  _hr_info="$HELIX_RESIDENT_DIR/resident.info"
  if [ -f "$_hr_info" ]; then
    _hr_pid=$(sed -n 's/^pid //p' "$_hr_info" 2>/dev/null)
    _hr_old=$(sed -n 's/^build //p' "$_hr_info" 2>/dev/null)
    if [ -n "$_hr_pid" ] && [ "$_hr_old" != "$_hr_build" ]; then
      case "$(ps -p "$_hr_pid" -o args= 2>/dev/null)" in
        *dev.helix.cli.resident.ResidentServer*"$HELIX_RESIDENT_DIR"*) kill -TERM "$_hr_pid" 2>/dev/null ;;
      esac
    fi
  fi
  _hr_setsid=""
  command -v setsid >/dev/null 2>&1 && _hr_setsid=setsid
  ( cd / && exec $_hr_setsid "$_hr_java" "$@" -cp "$_hr_jar" dev.helix.cli.resident.ResidentServer \
      "$HELIX_RESIDENT_DIR" "$_hr_build" ) </dev/null >/dev/null 2>&1 &
}

# helix daemon status|stop [--json]: where the resident Helix is, since when and its memory; or stop it.
# With --json the answer is the JSON envelope every other command prints.
helix_resident_command() {
  case "${1:-}" in
    status|stop) ;;
    *) echo "usage: helix daemon status|stop [--json]" >&2; return 2 ;;
  esac
  _hr_json=""
  [ "${2:-}" != --json ] || _hr_json=--json
  _hr_rc=0
  helix_resident_call "$1" - $_hr_json || _hr_rc=$?
  if [ "$_hr_rc" = "$HELIX_RESIDENT_NONE" ]; then
    if ! helix_resident_client; then
      _hr_why="no resident Helix: neither nc (netcat-openbsd) nor socat is installed, so every call runs cold"
      _hr_fix="install netcat-openbsd or socat"
    else
      _hr_why="no resident Helix is running (its socket would be $HELIX_RESIDENT_DIR/resident.sock)"
      _hr_fix="the next read-only call from a program (helix status, log, best, show...) starts one"
    fi
    if [ -z "$_hr_json" ]; then
      echo "$_hr_why"
    elif [ "$1" = stop ]; then
      printf '{"status":"success","data":{"running":false,"stopped":false,"message":"%s"},"hints":[]}\n' "$(_helix_json_text "$_hr_why")"
    else
      printf '{"status":"error","error":{"code":"no_resident","message":"%s","suggestion":"%s"},"data":{"running":false},"hints":[]}\n' \
        "$(_helix_json_text "$_hr_why")" "$(_helix_json_text "$_hr_fix")"
      echo "error: $_hr_why" >&2
      echo "  fix: $_hr_fix" >&2
    fi
    [ "$1" = stop ] && return 0
    return 1
  fi
  return "$_hr_rc"
}

# TEXT as the inside of a JSON string: backslashes and quotes escaped, control characters dropped.
_helix_json_text() {
  printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}
