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
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "parse" -d 'Parse CAD files into result documents (<stem>.json), from one parse per file'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "info" -d 'Name the format, version and producer of files from their magic bytes and header alone'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "man" -d 'Print the manual page (roff), or write one per command into a directory'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "account" -d 'Manage accounts (email, role, password)'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "key" -d 'Manage API keys (shown once at creation or rotation)'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "audit" -d 'List, verify or export the tamper-evident audit log'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "backup" -d 'Write an encrypted, authenticated copy of the store to FILE'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "restore" -d 'Replace the store with a backup, after checking the backup\'s integrity'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "jobs" -d 'List, show or delete the jobs of `cadlens serve`'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "usage" -d 'Show this month\'s parses and uploaded bytes per account'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "gc" -d 'Apply retention now: delete expired jobs and originals no longer needed'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "login" -d 'Keep the API key of a server (or the hosted API) in the OS keyring, checked against the server first'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "logout" -d 'Remove the stored API key of a server from the OS keyring'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "whoami" -d 'Show which server and key the client side uses, and that the server accepts the key'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "serve" -d 'Serve the CADLens v1 HTTP API (api.md) on this machine'
complete -c cadlens -n "__fish_cadlens_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -s o -l out -d 'Where <stem>.json and <stem>.png go (default: the current directory; with --json, no files unless -o is given)' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l json -d 'Print the result document(s) to stdout (-, the default) or write them to FILE; NDJSON for several' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l schema -d 'Result schema: 2.0.0 (as the hosted API serves today) or 2024-01' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l max-entities -d 'Emit at most N entities per document (the rest is counted as truncated)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -s j -l jobs -d 'Files in parallel (default: number of cores)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l size -d 'Preview size in pixels' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l background -d 'Preview background: white, black, transparent, or #rrggbb' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l view -d '3D camera: iso, front, back, top, bottom, left, right, or AZ,EL in degrees (eye azimuth from +X, elevation)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l layers -d '2D: draw only these layers (comma-separated; the JSON still lists all)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l server -d 'Send the files to a cadlens server or the hosted API instead of parsing locally (same outputs)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l key-file -d 'With --server: read the API key from this file (else CADLENS_KEY, else the OS keyring)' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l fail-fast -d 'Stop at the first file that fails'
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l no-image -d 'Skip the preview image (<stem>.png, written beside <stem>.json by default)'
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -l svg -d 'Also write <stem>.svg: a 2D drawing as vector paths, a 3D model\'s shaded view as an embedded PNG'
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand parse" -s V -l version -d 'Print version'
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
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "create" -d 'Create an account; the password is read from the terminal (no echo) or stdin, never argv'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "list" -d 'List accounts (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "show" -d 'Show one account'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "disable" -d 'Disable an account: its API keys stop working at once'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "enable" -d 'Enable a disabled account'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "passwd" -d 'Set a new password (terminal without echo, or --password-stdin)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "delete" -d 'Delete an account with its API keys and jobs'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and not __fish_seen_subcommand_from create list show disable enable passwd delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -l role -d 'What the account may do' -r -f -a "owner\t''
admin\t''
member\t''
viewer\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -l password-stdin -d 'Read the password from stdin (one trailing newline is dropped)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from list" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from list" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from list" -l json
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from show" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from show" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from show" -l json
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from disable" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from disable" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from enable" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from enable" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from passwd" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from passwd" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from passwd" -l password-stdin
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from passwd" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from passwd" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from passwd" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from passwd" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from delete" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from delete" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an account; the password is read from the terminal (no echo) or stdin, never argv'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "list" -d 'List accounts (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one account'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Disable an account: its API keys stop working at once'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Enable a disabled account'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "passwd" -d 'Set a new password (terminal without echo, or --password-stdin)'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an account with its API keys and jobs'
complete -c cadlens -n "__fish_cadlens_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -f -a "create" -d 'Create an API key and print it once on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -f -a "list" -d 'List keys (prefix and metadata only; never the key)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -f -a "revoke" -d 'Revoke a key; the next request with it is refused'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -f -a "rotate" -d 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and not __fish_seen_subcommand_from create list revoke rotate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -l account -d 'The account the key acts for' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -l name -d 'A name to recognise the key by (1-64 characters)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -l scope -d 'Scopes, comma-separated' -r -f -a "parse\t'Job routes and usage'
admin\t'Key management'"
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -l env -d 'Live or test data' -r -f -a "live\t''
test\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -l expires -d 'Lifetime, e.g. 90d, 24h (default: never expires)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -l account -r
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -l json
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from revoke" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from revoke" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from rotate" -l grace -d 'How long the old key still works, e.g. 24h, 1s, 0' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from rotate" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from rotate" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from rotate" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from rotate" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an API key and print it once on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "list" -d 'List keys (prefix and metadata only; never the key)'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a key; the next request with it is refused'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period'
complete -c cadlens -n "__fish_cadlens_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -f -a "list" -d 'List audit rows (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -f -a "verify" -d 'Check the hash chain; exits 1 and names each edited, deleted or reordered row'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -f -a "export" -d 'Print every row with its hashes as JSON lines on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and not __fish_seen_subcommand_from list verify export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -l since -d 'Only rows this recent, e.g. 7d, 12h' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -l json
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from verify" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from verify" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from export" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from export" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from export" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from export" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "list" -d 'List audit rows (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the hash chain; exits 1 and names each edited, deleted or reordered row'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "export" -d 'Print every row with its hashes as JSON lines on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand backup" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand backup" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand backup" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand backup" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand backup" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand backup" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand restore" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand restore" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand restore" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand restore" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand restore" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand restore" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -f -a "list" -d 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -f -a "show" -d 'Show one job as JSON on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -f -a "delete" -d 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and not __fish_seen_subcommand_from list show delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -l account -d 'Only this account\'s jobs' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -l limit -d 'At most this many' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -l json
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from show" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from show" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from delete" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from delete" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one job as JSON on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)'
complete -c cadlens -n "__fish_cadlens_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -l account -d 'Only this account (default: every account)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -l json -d 'JSON lines on stdout instead of a table'
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand usage" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand gc" -l data-dir -d 'The data directory of the store' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand gc" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand gc" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand gc" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand gc" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand gc" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand login" -l server -d 'The server (default: the one last logged in to, else the hosted API)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand login" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand login" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand login" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand login" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand login" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand logout" -l server -d 'The server (default: the one last logged in to, else the hosted API)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand logout" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand logout" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand logout" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand logout" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand logout" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand whoami" -l server -d 'The server (default: the one last logged in to, else the hosted API)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand whoami" -l key-file -d 'Read the API key from this file (else CADLENS_KEY, else the OS keyring)' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand whoami" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand whoami" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand whoami" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand whoami" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand whoami" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l listen -d 'Address and port to listen on (loopback unless --tls-cert or --insecure-http)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l data-dir -d 'The data directory of the store (jobs, accounts, keys)' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l workers -d 'Parses running at once, each in its own sandboxed worker process (default: the cores)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l max-upload-bytes -d 'Largest accepted upload, e.g. 100MiB (api.md: a file of exactly this size is accepted)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l retention -d 'How long jobs, results and previews are kept, e.g. 7d (at least 1h)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l preview-ttl -d 'Lifetime of signed preview URLs, e.g. 1h (at most 7d)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l job-timeout -d 'Wall-clock and CPU limit of one parse' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l job-memory -d 'Memory limit of one parse worker (address space)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l sync-timeout -d 'How long wait=true holds a request before answering 202' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l sync-max-bytes -d 'Larger uploads are never held by wait=true' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l rate-limit -d 'Requests per minute per API key' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l ip-rate-limit -d 'Requests per minute per client IP without a valid key, and for preview downloads' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l public-url -d 'Base of the URLs the server hands out (default: http:// and the request\'s Host)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l result-schema -d 'Result schema when the request and the upload name none' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l max-queued -d 'Jobs waiting for a worker before uploads are refused with 503' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l max-connections -d 'Open connections at once; more are closed on accept' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l header-timeout -d 'Time to send a request\'s headers, and the idle limit of a kept-alive connection' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l request-timeout -d 'Limit on handling one request, upload and sync wait included' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l shutdown-grace -d 'At shutdown, how long running parses may finish before they are cancelled (and fail)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l webhook-retry-window -d 'How long an undelivered webhook event is retried before it is given up, e.g. 24h' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l tls-cert -d 'Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain; SIGHUP reloads it and the key' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l tls-key -d 'The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1)' -r -F
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l http-redirect-listen -d 'Also listen for plain HTTP here: browser paths get a 308 to https, /v1 paths a 403 (never a redirect)' -r
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l color -d 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l insecure-http -d 'Allow a non-loopback --listen address without TLS (the API key travels in clear text)'
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -l webhook-allow-private -d 'Let webhooks go to loopback, private and link-local addresses (for local development)'
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -s q -l quiet -d 'No progress, no summary, no hints: only results and errors'
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -s h -l help -d 'Print help'
complete -c cadlens -n "__fish_cadlens_using_subcommand serve" -s V -l version -d 'Print version'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "parse" -d 'Parse CAD files into result documents (<stem>.json), from one parse per file'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "info" -d 'Name the format, version and producer of files from their magic bytes and header alone'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "man" -d 'Print the manual page (roff), or write one per command into a directory'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "account" -d 'Manage accounts (email, role, password)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "key" -d 'Manage API keys (shown once at creation or rotation)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "audit" -d 'List, verify or export the tamper-evident audit log'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "backup" -d 'Write an encrypted, authenticated copy of the store to FILE'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "restore" -d 'Replace the store with a backup, after checking the backup\'s integrity'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "jobs" -d 'List, show or delete the jobs of `cadlens serve`'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "usage" -d 'Show this month\'s parses and uploaded bytes per account'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "gc" -d 'Apply retention now: delete expired jobs and originals no longer needed'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "login" -d 'Keep the API key of a server (or the hosted API) in the OS keyring, checked against the server first'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "logout" -d 'Remove the stored API key of a server from the OS keyring'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "whoami" -d 'Show which server and key the client side uses, and that the server accepts the key'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "serve" -d 'Serve the CADLens v1 HTTP API (api.md) on this machine'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and not __fish_seen_subcommand_from parse info completions man account key audit backup restore jobs usage gc login logout whoami serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "create" -d 'Create an account; the password is read from the terminal (no echo) or stdin, never argv'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "list" -d 'List accounts (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "show" -d 'Show one account'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "disable" -d 'Disable an account: its API keys stop working at once'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "enable" -d 'Enable a disabled account'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "passwd" -d 'Set a new password (terminal without echo, or --password-stdin)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "delete" -d 'Delete an account with its API keys and jobs'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "create" -d 'Create an API key and print it once on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "list" -d 'List keys (prefix and metadata only; never the key)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "revoke" -d 'Revoke a key; the next request with it is refused'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "rotate" -d 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "list" -d 'List audit rows (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check the hash chain; exits 1 and names each edited, deleted or reordered row'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "export" -d 'Print every row with its hashes as JSON lines on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "list" -d 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "show" -d 'Show one job as JSON on stdout'
complete -c cadlens -n "__fish_cadlens_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "delete" -d 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)'
