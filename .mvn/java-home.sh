# Sourced (POSIX sh) by ./mvnw, ./freshet and .ci/run: makes JAVA_HOME point at a JDK >= 21,
# because Freshet builds with --release 21 and machines often default to an older java.
# Keeps a JAVA_HOME that is already >= 21; otherwise takes the newest JDK >= 21 under /usr/lib/jvm,
# then the JDK of the java on PATH. When none is found JAVA_HOME is left alone, and the build's
# enforcer rule (or ./freshet) says what to install.

# The feature version (17, 21, 25) of a JDK home, from its release file; empty when unknown.
freshet_jdk_version() {
  _fv=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9._]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1)
  case $_fv in 1.*) _fv=${_fv#1.} ;; esac
  printf '%s\n' "${_fv%%[._]*}"
}

freshet_jdk_ok() {
  [ -x "$1/bin/java" ] || return 1
  _fv=$(freshet_jdk_version "$1")
  [ -n "$_fv" ] && [ "$_fv" -ge 21 ] 2>/dev/null
}

if [ -z "${JAVA_HOME-}" ] || ! freshet_jdk_ok "$JAVA_HOME"; then
  # mvnw runs with globbing off (set -f); the JDK search needs it for a moment.
  _fnoglob=""
  case $- in *f*) _fnoglob=1; set +f ;; esac
  _fbest=""
  _fbest_version=0
  for _fhome in /usr/lib/jvm/*; do
    if freshet_jdk_ok "$_fhome"; then
      _fv=$(freshet_jdk_version "$_fhome")
      if [ "$_fv" -gt "$_fbest_version" ]; then
        _fbest=$_fhome
        _fbest_version=$_fv
      fi
    fi
  done
  if [ -z "$_fbest" ] && command -v java >/dev/null 2>&1; then
    _fhome=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if freshet_jdk_ok "$_fhome"; then
      _fbest=$_fhome
    fi
  fi
  if [ -n "$_fbest" ]; then
    JAVA_HOME=$_fbest
    export JAVA_HOME
  fi
  [ -z "$_fnoglob" ] || set -f
  unset _fbest _fbest_version _fhome _fnoglob
fi
unset _fv
