# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cadlens_global_optspecs
    string join \n q/quiet v/verbose color= h/help V/version
end

function __fish_cadlens_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cadlens_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cadlens_using_subcommand
    set -l cmd (__fish_cadlens_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cadlens -n "__fish_cadlens_needs_command" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_needs_command" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_needs_command" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_needs_command" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_needs_command" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "info" -d 'Name the format, version and producer of files from their magic bytes and header alone'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "man" -d 'Print the manual page (roff), or write one per command into a directory'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand info" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand info" -l json -d 'One JSON object per file on stdout (NDJSON for several files) instead of a table'
complete -c cadlens -n "__fish_cadlens_using_subcommand info" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand info" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand info" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand info" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand completions" -l dir -d 'Write the completions of every shell into DIR instead (how completions/ is made)' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand completions" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand completions" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand completions" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand completions" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand completions" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand man" -l dir -d 'Write cadlens.1 and one page per command (cadlens-<command>.1) into DIR (how man/ is made)' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand man" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand man" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand man" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand man" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand man" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from info completions man help" -f -a "info" -d 'Name the format, version and producer of files from their magic bytes and header alone'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from info completions man help" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from info completions man help" -f -a "man" -d 'Print the manual page (roff), or write one per command into a directory'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from info completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
