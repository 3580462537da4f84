# The launcher's fast path (bash 5; sourced by ./helix and by a release's bin/helix when bash runs it):
# a read-only call from a program goes straight to the resident Helix when the launcher's slow path has
# noted, for this launcher, the JDK and build that resident serves (launch-* in its directory). It uses
# bash builtins only until the client (nc or socat) starts: no JDK search and no jar or source check,
# since the resident Helix checks its own jar at every call and leaves when the jar (or, for a source
# checkout, the sources) change. helix_fast LAUNCHER ARGS...: LAUNCHER is the launcher's path as the
# note is keyed; the status is the command's exit code, or 197 when the call does not fit or no
# resident Helix answered (nothing printed then): the launcher goes on with its slow path.
helix_fast() {
  local dir=${XDG_RUNTIME_DIR:-} key=$1 cmd="" skip="" ended="" a
  shift
  if [[ -n $dir && -d $dir ]]; then dir+=/helix; else dir=${HOME:-/nonexistent}/.cache/helix; fi
  [[ $key == /* ]] || key=$PWD/$key
  local cache=$dir/launch-${key//\//%}
  [[ ${#key} -lt 200 && -S $dir/resident.sock && -f $cache ]] || return 197
  for a; do
    [[ -z $ended ]] || break
    if [[ -n $skip ]]; then skip=""; continue; fi
    case $a in
      --) ended=1 ;;
      -C) skip=1 ;;
      --help|-h|--no-daemon) return 197 ;;
      -*) ;;
      *) [[ -n $cmd ]] || cmd=$a ;;
    esac
  done
  case $cmd in status|log|best|show|diff|export|report|guide|agent-info|review) ;; *) return 197 ;; esac
  local magic="" jdk="" build="" client="" token=""
  { IFS= read -r magic; IFS= read -r jdk; IFS= read -r build; IFS= read -r client; } 2>/dev/null <"$cache" || return 197
  [[ $magic == helix-launch-1 && $jdk == "${HELIX_JAVA:-}|${JAVA_HOME:-}|${PATH:-}" && -x ${build#*:} ]] || return 197
  IFS= read -r token 2>/dev/null <"$dir/resident.token" || [[ -n $token ]] || return 197
  local status="" out="" err="" exit=""
  shopt -s lastpipe
  {
    cd -P . 2>/dev/null || exit 0
    printf '%s\0' helix-resident-1 "$token" "$build" run "$PWD" "$#" "$@"
    # the caller's environment, as env -0 prints it, without starting env
    for a in ${!A@} ${!B@} ${!C@} ${!D@} ${!E@} ${!F@} ${!G@} ${!H@} ${!I@} ${!J@} ${!K@} ${!L@} ${!M@} \
        ${!N@} ${!O@} ${!P@} ${!Q@} ${!R@} ${!S@} ${!T@} ${!U@} ${!V@} ${!W@} ${!X@} ${!Y@} ${!Z@} ${!_@} \
        ${!a@} ${!b@} ${!c@} ${!d@} ${!e@} ${!f@} ${!g@} ${!h@} ${!i@} ${!j@} ${!k@} ${!l@} ${!m@} \
        ${!n@} ${!o@} ${!p@} ${!q@} ${!r@} ${!s@} ${!t@} ${!u@} ${!v@} ${!w@} ${!x@} ${!y@} ${!z@}; do
      [[ ${!a@a} != *x* ]] || printf '%s=%s\0' "$a" "${!a}"
    done
    printf '\0'
  } | case ${HELIX_RESIDENT_CLIENT:-$client} in
    nc) nc -U "$dir/resident.sock" 2>/dev/null ;;
    socat) socat - "UNIX-CONNECT:$dir/resident.sock" 2>/dev/null ;;
  esac | {
    IFS=' ' read -r status out err exit && [[ $status == ok ]] || return 197
    [[ $out == 0 ]] || head -c "$out"
    [[ $err == 0 ]] || head -c "$err" >&2
    return "$exit"
  }
}
