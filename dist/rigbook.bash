# bash completion for rigbook(1): commands, sub-verbs and options (read from
# the client's own help, so they cannot drift from it) and resource codes
# (asked of the server with `rigbook resources --json` when the
# configuration works; remembered for a minute); files for `cert add FILE`.

# _rigbook_run ARGS...: the client as typed, with the global options given on
# the line, in English whatever the language.
_rigbook_run()
{
	LC_ALL=C LANGUAGE= "${_rigbook_argv[@]}" "$@" 2>/dev/null
}

_rigbook_commands()
{
	_rigbook_run help | awk '/^commands/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

# the sub-verbs of CMD: the "sub-commands:" list of its help, which the
# client writes from the same table it dispatches them by
_rigbook_verbs()
{
	_rigbook_run help "$1" | awk '/^sub-commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && !/^  / { exit }'
}

_rigbook_options()
{
	_rigbook_run help "$1" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

_rigbook_codes()
{
	local now=$SECONDS
	if [[ -z ${_rigbook_codes_cache+x} || $((now - ${_rigbook_codes_at:-0})) -gt 60 ]]; then
		_rigbook_codes_cache=$(_rigbook_run --json resources |
			grep -oE '"code": *"[^"]*"' | sed -E 's/.*"([^"]*)"$/\1/')
		_rigbook_codes_at=$now
	fi
	printf '%s\n' "$_rigbook_codes_cache"
}

_rigbook()
{
	local cur prev i cmd="" verb="" nargs=0 w
	local global_with_arg=" --config --server --token --token-file --ca --server-name --timeout "
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	_rigbook_argv=("${COMP_WORDS[0]}")

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ -z $cmd ]]; then
			if [[ $global_with_arg == *" $w "* ]]; then
				_rigbook_argv+=("$w" "${COMP_WORDS[i + 1]}")
				((i++))
			elif [[ $w == -* ]]; then
				[[ $w == --json ]] || _rigbook_argv+=("$w")
			else
				cmd=$w
			fi
		elif [[ $w != -* ]]; then
			[[ -z $verb ]] && verb=$w
			nargs=$((nargs + 1))
		fi
	done

	case $prev in
	--config | --ca | --token-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_with_arg --json --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_rigbook_commands)" -- "$cur"))
		fi
		return
	fi
	# a unique prefix names the command, as the client allows
	local full
	full=$(_rigbook_commands | grep -m1 -- "^$cmd")
	[[ -n $full ]] && cmd=$full

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_rigbook_options "$cmd")" -- "$cur"))
		return
	fi
	if [[ $cmd == help && $nargs -eq 0 ]]; then
		COMPREPLY=($(compgen -W "$(_rigbook_commands)" -- "$cur"))
		return
	fi
	local verbs
	verbs=$(_rigbook_verbs "$cmd")
	if [[ -n $verbs && $nargs -eq 0 ]]; then
		COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
		return
	fi
	# cert add FILE: a PEM certificate
	if [[ $cmd == cert && $verb == add && $nargs -eq 1 ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	# the first argument that is a resource CODE (after the sub-verb, if any)
	local first=0
	[[ -n $verbs ]] && first=1
	[[ $nargs -eq $first ]] || return
	if _rigbook_run help "$cmd" | grep -qE "rigbook $cmd( [a-z]+)? \[?CODE"; then
		COMPREPLY=($(compgen -W "$(_rigbook_codes)" -- "$cur"))
	fi
}
complete -F _rigbook rigbook
