
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cadlens' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cadlens'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cadlens' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Parse CAD files into result documents (<stem>.json), from one parse per file')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Name the format, version and producer of files from their magic bytes and header alone')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), or write one per command into a directory')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Manage accounts (email, role, password)')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage API keys (shown once at creation or rotation)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'List, verify or export the tamper-evident audit log')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write an encrypted, authenticated copy of the store to FILE')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Replace the store with a backup, after checking the backup''s integrity')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'List, show or delete the jobs of `cadlens serve`')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show this month''s parses and uploaded bytes per account')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Apply retention now: delete expired jobs and originals no longer needed')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Keep the API key of a server (or the hosted API) in the OS keyring, checked against the server first')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored API key of a server from the OS keyring')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show which server and key the client side uses, and that the server accepts the key')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the CADLens v1 HTTP API (api.md) on this machine')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;parse' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where <stem>.json and <stem>.png go (default: the current directory; with --json, no files unless -o is given)')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where <stem>.json and <stem>.png go (default: the current directory; with --json, no files unless -o is given)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result document(s) to stdout (-, the default) or write them to FILE; NDJSON for several')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Result schema: 2.0.0 (as the hosted API serves today) or 2024-01')
            [CompletionResult]::new('--max-entities', '--max-entities', [CompletionResultType]::ParameterName, 'Emit at most N entities per document (the rest is counted as truncated)')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Files in parallel (default: number of cores)')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Files in parallel (default: number of cores)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Preview size in pixels')
            [CompletionResult]::new('--background', '--background', [CompletionResultType]::ParameterName, 'Preview background: white, black, transparent, or #rrggbb')
            [CompletionResult]::new('--view', '--view', [CompletionResultType]::ParameterName, '3D camera: iso, front, back, top, bottom, left, right, or AZ,EL in degrees (eye azimuth from +X, elevation)')
            [CompletionResult]::new('--layers', '--layers', [CompletionResultType]::ParameterName, '2D: draw only these layers (comma-separated; the JSON still lists all)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Send the files to a cadlens server or the hosted API instead of parsing locally (same outputs)')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'With --server: read the API key from this file (else CADLENS_KEY, else the OS keyring)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first file that fails')
            [CompletionResult]::new('--no-image', '--no-image', [CompletionResultType]::ParameterName, 'Skip the preview image (<stem>.png, written beside <stem>.json by default)')
            [CompletionResult]::new('--svg', '--svg', [CompletionResultType]::ParameterName, 'Also write <stem>.svg: a 2D drawing as vector paths, a 3D model''s shaded view as an embedded PNG')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;info' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per file on stdout (NDJSON for several files) instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the completions of every shell into DIR instead (how completions/ is made)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write cadlens.1 and one page per command (cadlens-<command>.1) into DIR (how man/ is made)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an account; the password is read from the terminal (no echo) or stdin, never argv')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable an account: its API keys stop working at once')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a disabled account')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Set a new password (terminal without echo, or --password-stdin)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an account with its API keys and jobs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;account;create' {
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'What the account may do')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin (one trailing newline is dropped)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account;list' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account;disable' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account;enable' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account;passwd' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'password-stdin')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account;delete' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;account;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an account; the password is read from the terminal (no echo) or stdin, never argv')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable an account: its API keys stop working at once')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a disabled account')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Set a new password (terminal without echo, or --password-stdin)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an account with its API keys and jobs')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;account;help;create' {
            break
        }
        'cadlens;account;help;list' {
            break
        }
        'cadlens;account;help;show' {
            break
        }
        'cadlens;account;help;disable' {
            break
        }
        'cadlens;account;help;enable' {
            break
        }
        'cadlens;account;help;passwd' {
            break
        }
        'cadlens;account;help;delete' {
            break
        }
        'cadlens;account;help;help' {
            break
        }
        'cadlens;key' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an API key and print it once on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (prefix and metadata only; never the key)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key; the next request with it is refused')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;key;create' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'The account the key acts for')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A name to recognise the key by (1-64 characters)')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Scopes, comma-separated')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Live or test data')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Lifetime, e.g. 90d, 24h (default: never expires)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;key;list' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'account')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;key;revoke' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;key;rotate' {
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'How long the old key still works, e.g. 24h, 1s, 0')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;key;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an API key and print it once on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (prefix and metadata only; never the key)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key; the next request with it is refused')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;key;help;create' {
            break
        }
        'cadlens;key;help;list' {
            break
        }
        'cadlens;key;help;revoke' {
            break
        }
        'cadlens;key;help;rotate' {
            break
        }
        'cadlens;key;help;help' {
            break
        }
        'cadlens;audit' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the hash chain; exits 1 and names each edited, deleted or reordered row')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every row with its hashes as JSON lines on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;audit;list' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only rows this recent, e.g. 7d, 12h')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;audit;verify' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;audit;export' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;audit;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the hash chain; exits 1 and names each edited, deleted or reordered row')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every row with its hashes as JSON lines on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;audit;help;list' {
            break
        }
        'cadlens;audit;help;verify' {
            break
        }
        'cadlens;audit;help;export' {
            break
        }
        'cadlens;audit;help;help' {
            break
        }
        'cadlens;backup' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;restore' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;jobs' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job as JSON on stdout')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;jobs;list' {
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Only this account''s jobs')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'json')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;jobs;show' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;jobs;delete' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;jobs;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job as JSON on stdout')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;jobs;help;list' {
            break
        }
        'cadlens;jobs;help;show' {
            break
        }
        'cadlens;jobs;help;delete' {
            break
        }
        'cadlens;jobs;help;help' {
            break
        }
        'cadlens;usage' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--account', '--account', [CompletionResultType]::ParameterName, 'Only this account (default: every account)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON lines on stdout instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;gc' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;login' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The server (default: the one last logged in to, else the hosted API)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;logout' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The server (default: the one last logged in to, else the hosted API)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;whoami' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The server (default: the one last logged in to, else the hosted API)')
            [CompletionResult]::new('--key-file', '--key-file', [CompletionResultType]::ParameterName, 'Read the API key from this file (else CADLENS_KEY, else the OS keyring)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on (loopback unless --tls-cert or --insecure-http)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory of the store (jobs, accounts, keys)')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Parses running at once, each in its own sandboxed worker process (default: the cores)')
            [CompletionResult]::new('--max-upload-bytes', '--max-upload-bytes', [CompletionResultType]::ParameterName, 'Largest accepted upload, e.g. 100MiB (api.md: a file of exactly this size is accepted)')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long jobs, results and previews are kept, e.g. 7d (at least 1h)')
            [CompletionResult]::new('--preview-ttl', '--preview-ttl', [CompletionResultType]::ParameterName, 'Lifetime of signed preview URLs, e.g. 1h (at most 7d)')
            [CompletionResult]::new('--job-timeout', '--job-timeout', [CompletionResultType]::ParameterName, 'Wall-clock and CPU limit of one parse')
            [CompletionResult]::new('--job-memory', '--job-memory', [CompletionResultType]::ParameterName, 'Memory limit of one parse worker (address space)')
            [CompletionResult]::new('--sync-timeout', '--sync-timeout', [CompletionResultType]::ParameterName, 'How long wait=true holds a request before answering 202')
            [CompletionResult]::new('--sync-max-bytes', '--sync-max-bytes', [CompletionResultType]::ParameterName, 'Larger uploads are never held by wait=true')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Requests per minute per API key')
            [CompletionResult]::new('--ip-rate-limit', '--ip-rate-limit', [CompletionResultType]::ParameterName, 'Requests per minute per client IP without a valid key, and for preview downloads')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'Base of the URLs the server hands out (default: http:// and the request''s Host)')
            [CompletionResult]::new('--result-schema', '--result-schema', [CompletionResultType]::ParameterName, 'Result schema when the request and the upload name none')
            [CompletionResult]::new('--max-queued', '--max-queued', [CompletionResultType]::ParameterName, 'Jobs waiting for a worker before uploads are refused with 503')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Open connections at once; more are closed on accept')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Time to send a request''s headers, and the idle limit of a kept-alive connection')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Limit on handling one request, upload and sync wait included')
            [CompletionResult]::new('--shutdown-grace', '--shutdown-grace', [CompletionResultType]::ParameterName, 'At shutdown, how long running parses may finish before they are cancelled (and fail)')
            [CompletionResult]::new('--webhook-retry-window', '--webhook-retry-window', [CompletionResultType]::ParameterName, 'How long an undelivered webhook event is retried before it is given up, e.g. 24h')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain; SIGHUP reloads it and the key')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1)')
            [CompletionResult]::new('--http-redirect-listen', '--http-redirect-listen', [CompletionResultType]::ParameterName, 'Also listen for plain HTTP here: browser paths get a 308 to https, /v1 paths a 403 (never a redirect)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow a non-loopback --listen address without TLS (the API key travels in clear text)')
            [CompletionResult]::new('--webhook-allow-private', '--webhook-allow-private', [CompletionResultType]::ParameterName, 'Let webhooks go to loopback, private and link-local addresses (for local development)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, no summary, no hints: only results and errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'cadlens;help' {
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Parse CAD files into result documents (<stem>.json), from one parse per file')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Name the format, version and producer of files from their magic bytes and header alone')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the manual page (roff), or write one per command into a directory')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Manage accounts (email, role, password)')
            [CompletionResult]::new('key', 'key', [CompletionResultType]::ParameterValue, 'Manage API keys (shown once at creation or rotation)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'List, verify or export the tamper-evident audit log')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write an encrypted, authenticated copy of the store to FILE')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Replace the store with a backup, after checking the backup''s integrity')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'List, show or delete the jobs of `cadlens serve`')
            [CompletionResult]::new('usage', 'usage', [CompletionResultType]::ParameterValue, 'Show this month''s parses and uploaded bytes per account')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Apply retention now: delete expired jobs and originals no longer needed')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Keep the API key of a server (or the hosted API) in the OS keyring, checked against the server first')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the stored API key of a server from the OS keyring')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show which server and key the client side uses, and that the server accepts the key')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the CADLens v1 HTTP API (api.md) on this machine')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'cadlens;help;parse' {
            break
        }
        'cadlens;help;info' {
            break
        }
        'cadlens;help;completions' {
            break
        }
        'cadlens;help;man' {
            break
        }
        'cadlens;help;account' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an account; the password is read from the terminal (no echo) or stdin, never argv')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List accounts (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable an account: its API keys stop working at once')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a disabled account')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Set a new password (terminal without echo, or --password-stdin)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an account with its API keys and jobs')
            break
        }
        'cadlens;help;account;create' {
            break
        }
        'cadlens;help;account;list' {
            break
        }
        'cadlens;help;account;show' {
            break
        }
        'cadlens;help;account;disable' {
            break
        }
        'cadlens;help;account;enable' {
            break
        }
        'cadlens;help;account;passwd' {
            break
        }
        'cadlens;help;account;delete' {
            break
        }
        'cadlens;help;key' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create an API key and print it once on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List keys (prefix and metadata only; never the key)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a key; the next request with it is refused')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period')
            break
        }
        'cadlens;help;key;create' {
            break
        }
        'cadlens;help;key;list' {
            break
        }
        'cadlens;help;key;revoke' {
            break
        }
        'cadlens;help;key;rotate' {
            break
        }
        'cadlens;help;audit' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List audit rows (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the hash chain; exits 1 and names each edited, deleted or reordered row')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every row with its hashes as JSON lines on stdout')
            break
        }
        'cadlens;help;audit;list' {
            break
        }
        'cadlens;help;audit;verify' {
            break
        }
        'cadlens;help;audit;export' {
            break
        }
        'cadlens;help;backup' {
            break
        }
        'cadlens;help;restore' {
            break
        }
        'cadlens;help;jobs' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job as JSON on stdout')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)')
            break
        }
        'cadlens;help;jobs;list' {
            break
        }
        'cadlens;help;jobs;show' {
            break
        }
        'cadlens;help;jobs;delete' {
            break
        }
        'cadlens;help;usage' {
            break
        }
        'cadlens;help;gc' {
            break
        }
        'cadlens;help;login' {
            break
        }
        'cadlens;help;logout' {
            break
        }
        'cadlens;help;whoami' {
            break
        }
        'cadlens;help;serve' {
            break
        }
        'cadlens;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
