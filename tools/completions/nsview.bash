# bash completion for nsview. Nothing is listed here: subcommands, options and columns are
# asked of the nsview being completed (its --help and column lists), so they cannot drift.
_nsview_words() {  # the long and short options a --help text shows
  "$@" --help 2>/dev/null | grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | tr -d ' ,' | sort -u
}
_nsview() {
  local cur prev sub i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local prog=${COMP_WORDS[0]}
  case ${prog##*/} in
    lsns) sub=list ;;
    nsenter) sub=enter ;;
    *)
      for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} != -* ]] && { sub=${COMP_WORDS[i]}; break; }
      done
      if [[ -z $sub ]]; then
        COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | awk '/^Commands:/{on=1; next} on && NF {print $1} on && !NF {exit}')" -- "$cur"))
        return
      fi
      prog="$prog $sub" ;;
  esac
  case $prev in
    -t|--type|--ns-type) COMPREPLY=($(compgen -W "mnt net ipc user pid uts cgroup time" -- "$cur")); return ;;
    -o|--output)
      local cols
      case $sub in
        list) cols=$($prog -H 2>/dev/null | awk '{print $1}') ;;
        top) cols=$($prog --help 2>/dev/null | awk '/^Columns:/{on=1; next} on && NF {print $1} on && !NF {exit}') ;;
        tree)  # the kind's columns: the first word after "tree" that is not an option
          local j kind=pid
          for ((j = i + 1; j < COMP_CWORD; j++)); do
            [[ ${COMP_WORDS[j]} != -* && ${COMP_WORDS[j-1]} != -o ]] && { kind=${COMP_WORDS[j]}; break; }
          done
          cols=$($prog "$kind" --list-columns 2>/dev/null | awk '{print $1}') ;;
      esac
      local pre=${cur%,*}; [[ $pre == "$cur" ]] && pre="" || pre="$pre,"
      COMPREPLY=($(compgen -P "$pre" -W "$cols" -- "${cur##*,}")); compopt -o nospace 2>/dev/null; return ;;
    -g|--group) COMPREPLY=($(compgen -W "container pod cgroup namespace process" -- "$cur")); return ;;
    -p|--task|-t|--target) COMPREPLY=($(compgen -W "$(ls /proc | grep -E '^[0-9]+$')" -- "$cur")); return ;;
    --root|-r|--root-dir|-w|--wd) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_nsview_words $prog)" -- "$cur"))
  elif [[ $sub == tree ]]; then
    COMPREPLY=($(compgen -W "pid user proc cgroup" -- "$cur"))
  fi
}
complete -F _nsview nsview lsns nsenter
