
use builtin;
use str;

set edit:completion:arg-completer[cadlens] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cadlens'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cadlens'= {
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand parse 'Parse CAD files into result documents (<stem>.json), from one parse per file'
            cand info 'Name the format, version and producer of files from their magic bytes and header alone'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the manual page (roff), or write one per command into a directory'
            cand account 'Manage accounts (email, role, password)'
            cand key 'Manage API keys (shown once at creation or rotation)'
            cand audit 'List, verify or export the tamper-evident audit log'
            cand backup 'Write an encrypted, authenticated copy of the store to FILE'
            cand restore 'Replace the store with a backup, after checking the backup''s integrity'
            cand jobs 'List, show or delete the jobs of `cadlens serve`'
            cand usage 'Show this month''s parses and uploaded bytes per account'
            cand gc 'Apply retention now: delete expired jobs and originals no longer needed'
            cand login 'Keep the API key of a server (or the hosted API) in the OS keyring, checked against the server first'
            cand logout 'Remove the stored API key of a server from the OS keyring'
            cand whoami 'Show which server and key the client side uses, and that the server accepts the key'
            cand serve 'Serve the CADLens v1 HTTP API (api.md) on this machine'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;parse'= {
            cand -o 'Where <stem>.json and <stem>.png go (default: the current directory; with --json, no files unless -o is given)'
            cand --out 'Where <stem>.json and <stem>.png go (default: the current directory; with --json, no files unless -o is given)'
            cand --json 'Print the result document(s) to stdout (-, the default) or write them to FILE; NDJSON for several'
            cand --schema 'Result schema: 2.0.0 (as the hosted API serves today) or 2024-01'
            cand --max-entities 'Emit at most N entities per document (the rest is counted as truncated)'
            cand -j 'Files in parallel (default: number of cores)'
            cand --jobs 'Files in parallel (default: number of cores)'
            cand --size 'Preview size in pixels'
            cand --background 'Preview background: white, black, transparent, or #rrggbb'
            cand --view '3D camera: iso, front, back, top, bottom, left, right, or AZ,EL in degrees (eye azimuth from +X, elevation)'
            cand --layers '2D: draw only these layers (comma-separated; the JSON still lists all)'
            cand --server 'Send the files to a cadlens server or the hosted API instead of parsing locally (same outputs)'
            cand --key-file 'With --server: read the API key from this file (else CADLENS_KEY, else the OS keyring)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --fail-fast 'Stop at the first file that fails'
            cand --no-image 'Skip the preview image (<stem>.png, written beside <stem>.json by default)'
            cand --svg 'Also write <stem>.svg: a 2D drawing as vector paths, a 3D model''s shaded view as an embedded PNG'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;info'= {
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --json 'One JSON object per file on stdout (NDJSON for several files) instead of a table'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;completions'= {
            cand --dir 'Write the completions of every shell into DIR instead (how completions/ is made)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;man'= {
            cand --dir 'Write cadlens.1 and one page per command (cadlens-<command>.1) into DIR (how man/ is made)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create an account; the password is read from the terminal (no echo) or stdin, never argv'
            cand list 'List accounts (a table on stderr, or JSON lines on stdout with --json)'
            cand show 'Show one account'
            cand disable 'Disable an account: its API keys stop working at once'
            cand enable 'Enable a disabled account'
            cand passwd 'Set a new password (terminal without echo, or --password-stdin)'
            cand delete 'Delete an account with its API keys and jobs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;account;create'= {
            cand --role 'What the account may do'
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --password-stdin 'Read the password from stdin (one trailing newline is dropped)'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account;list'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --json 'json'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account;show'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --json 'json'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account;disable'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account;enable'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account;passwd'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --password-stdin 'password-stdin'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account;delete'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;account;help'= {
            cand create 'Create an account; the password is read from the terminal (no echo) or stdin, never argv'
            cand list 'List accounts (a table on stderr, or JSON lines on stdout with --json)'
            cand show 'Show one account'
            cand disable 'Disable an account: its API keys stop working at once'
            cand enable 'Enable a disabled account'
            cand passwd 'Set a new password (terminal without echo, or --password-stdin)'
            cand delete 'Delete an account with its API keys and jobs'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;account;help;create'= {
        }
        &'cadlens;account;help;list'= {
        }
        &'cadlens;account;help;show'= {
        }
        &'cadlens;account;help;disable'= {
        }
        &'cadlens;account;help;enable'= {
        }
        &'cadlens;account;help;passwd'= {
        }
        &'cadlens;account;help;delete'= {
        }
        &'cadlens;account;help;help'= {
        }
        &'cadlens;key'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create an API key and print it once on stdout'
            cand list 'List keys (prefix and metadata only; never the key)'
            cand revoke 'Revoke a key; the next request with it is refused'
            cand rotate 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;key;create'= {
            cand --account 'The account the key acts for'
            cand --name 'A name to recognise the key by (1-64 characters)'
            cand --scope 'Scopes, comma-separated'
            cand --env 'Live or test data'
            cand --expires 'Lifetime, e.g. 90d, 24h (default: never expires)'
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;key;list'= {
            cand --account 'account'
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --json 'json'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;key;revoke'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;key;rotate'= {
            cand --grace 'How long the old key still works, e.g. 24h, 1s, 0'
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;key;help'= {
            cand create 'Create an API key and print it once on stdout'
            cand list 'List keys (prefix and metadata only; never the key)'
            cand revoke 'Revoke a key; the next request with it is refused'
            cand rotate 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;key;help;create'= {
        }
        &'cadlens;key;help;list'= {
        }
        &'cadlens;key;help;revoke'= {
        }
        &'cadlens;key;help;rotate'= {
        }
        &'cadlens;key;help;help'= {
        }
        &'cadlens;audit'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List audit rows (a table on stderr, or JSON lines on stdout with --json)'
            cand verify 'Check the hash chain; exits 1 and names each edited, deleted or reordered row'
            cand export 'Print every row with its hashes as JSON lines on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;audit;list'= {
            cand --since 'Only rows this recent, e.g. 7d, 12h'
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --json 'json'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;audit;verify'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;audit;export'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;audit;help'= {
            cand list 'List audit rows (a table on stderr, or JSON lines on stdout with --json)'
            cand verify 'Check the hash chain; exits 1 and names each edited, deleted or reordered row'
            cand export 'Print every row with its hashes as JSON lines on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;audit;help;list'= {
        }
        &'cadlens;audit;help;verify'= {
        }
        &'cadlens;audit;help;export'= {
        }
        &'cadlens;audit;help;help'= {
        }
        &'cadlens;backup'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;restore'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;jobs'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)'
            cand show 'Show one job as JSON on stdout'
            cand delete 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;jobs;list'= {
            cand --account 'Only this account''s jobs'
            cand --limit 'At most this many'
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --json 'json'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;jobs;show'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;jobs;delete'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;jobs;help'= {
            cand list 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)'
            cand show 'Show one job as JSON on stdout'
            cand delete 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;jobs;help;list'= {
        }
        &'cadlens;jobs;help;show'= {
        }
        &'cadlens;jobs;help;delete'= {
        }
        &'cadlens;jobs;help;help'= {
        }
        &'cadlens;usage'= {
            cand --data-dir 'The data directory of the store'
            cand --account 'Only this account (default: every account)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --json 'JSON lines on stdout instead of a table'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;gc'= {
            cand --data-dir 'The data directory of the store'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;login'= {
            cand --server 'The server (default: the one last logged in to, else the hosted API)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;logout'= {
            cand --server 'The server (default: the one last logged in to, else the hosted API)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;whoami'= {
            cand --server 'The server (default: the one last logged in to, else the hosted API)'
            cand --key-file 'Read the API key from this file (else CADLENS_KEY, else the OS keyring)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;serve'= {
            cand --listen 'Address and port to listen on (loopback unless --tls-cert or --insecure-http)'
            cand --data-dir 'The data directory of the store (jobs, accounts, keys)'
            cand --workers 'Parses running at once, each in its own sandboxed worker process (default: the cores)'
            cand --max-upload-bytes 'Largest accepted upload, e.g. 100MiB (api.md: a file of exactly this size is accepted)'
            cand --retention 'How long jobs, results and previews are kept, e.g. 7d (at least 1h)'
            cand --preview-ttl 'Lifetime of signed preview URLs, e.g. 1h (at most 7d)'
            cand --job-timeout 'Wall-clock and CPU limit of one parse'
            cand --job-memory 'Memory limit of one parse worker (address space)'
            cand --sync-timeout 'How long wait=true holds a request before answering 202'
            cand --sync-max-bytes 'Larger uploads are never held by wait=true'
            cand --rate-limit 'Requests per minute per API key'
            cand --ip-rate-limit 'Requests per minute per client IP without a valid key, and for preview downloads'
            cand --public-url 'Base of the URLs the server hands out (default: http:// and the request''s Host)'
            cand --result-schema 'Result schema when the request and the upload name none'
            cand --max-queued 'Jobs waiting for a worker before uploads are refused with 503'
            cand --max-connections 'Open connections at once; more are closed on accept'
            cand --header-timeout 'Time to send a request''s headers, and the idle limit of a kept-alive connection'
            cand --request-timeout 'Limit on handling one request, upload and sync wait included'
            cand --shutdown-grace 'At shutdown, how long running parses may finish before they are cancelled (and fail)'
            cand --webhook-retry-window 'How long an undelivered webhook event is retried before it is given up, e.g. 24h'
            cand --tls-cert 'Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain; SIGHUP reloads it and the key'
            cand --tls-key 'The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1)'
            cand --http-redirect-listen 'Also listen for plain HTTP here: browser paths get a 308 to https, /v1 paths a 403 (never a redirect)'
            cand --color 'Colour in output for people: auto (terminal and NO_COLOR unset), always or never'
            cand --insecure-http 'Allow a non-loopback --listen address without TLS (the API key travels in clear text)'
            cand --webhook-allow-private 'Let webhooks go to loopback, private and link-local addresses (for local development)'
            cand -q 'No progress, no summary, no hints: only results and errors'
            cand --quiet 'No progress, no summary, no hints: only results and errors'
            cand -v 'More detail on stderr (repeat for more)'
            cand --verbose 'More detail on stderr (repeat for more)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'cadlens;help'= {
            cand parse 'Parse CAD files into result documents (<stem>.json), from one parse per file'
            cand info 'Name the format, version and producer of files from their magic bytes and header alone'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the manual page (roff), or write one per command into a directory'
            cand account 'Manage accounts (email, role, password)'
            cand key 'Manage API keys (shown once at creation or rotation)'
            cand audit 'List, verify or export the tamper-evident audit log'
            cand backup 'Write an encrypted, authenticated copy of the store to FILE'
            cand restore 'Replace the store with a backup, after checking the backup''s integrity'
            cand jobs 'List, show or delete the jobs of `cadlens serve`'
            cand usage 'Show this month''s parses and uploaded bytes per account'
            cand gc 'Apply retention now: delete expired jobs and originals no longer needed'
            cand login 'Keep the API key of a server (or the hosted API) in the OS keyring, checked against the server first'
            cand logout 'Remove the stored API key of a server from the OS keyring'
            cand whoami 'Show which server and key the client side uses, and that the server accepts the key'
            cand serve 'Serve the CADLens v1 HTTP API (api.md) on this machine'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;help;parse'= {
        }
        &'cadlens;help;info'= {
        }
        &'cadlens;help;completions'= {
        }
        &'cadlens;help;man'= {
        }
        &'cadlens;help;account'= {
            cand create 'Create an account; the password is read from the terminal (no echo) or stdin, never argv'
            cand list 'List accounts (a table on stderr, or JSON lines on stdout with --json)'
            cand show 'Show one account'
            cand disable 'Disable an account: its API keys stop working at once'
            cand enable 'Enable a disabled account'
            cand passwd 'Set a new password (terminal without echo, or --password-stdin)'
            cand delete 'Delete an account with its API keys and jobs'
        }
        &'cadlens;help;account;create'= {
        }
        &'cadlens;help;account;list'= {
        }
        &'cadlens;help;account;show'= {
        }
        &'cadlens;help;account;disable'= {
        }
        &'cadlens;help;account;enable'= {
        }
        &'cadlens;help;account;passwd'= {
        }
        &'cadlens;help;account;delete'= {
        }
        &'cadlens;help;key'= {
            cand create 'Create an API key and print it once on stdout'
            cand list 'List keys (prefix and metadata only; never the key)'
            cand revoke 'Revoke a key; the next request with it is refused'
            cand rotate 'Make a replacement key (printed once on stdout); the old key keeps working for the grace period'
        }
        &'cadlens;help;key;create'= {
        }
        &'cadlens;help;key;list'= {
        }
        &'cadlens;help;key;revoke'= {
        }
        &'cadlens;help;key;rotate'= {
        }
        &'cadlens;help;audit'= {
            cand list 'List audit rows (a table on stderr, or JSON lines on stdout with --json)'
            cand verify 'Check the hash chain; exits 1 and names each edited, deleted or reordered row'
            cand export 'Print every row with its hashes as JSON lines on stdout'
        }
        &'cadlens;help;audit;list'= {
        }
        &'cadlens;help;audit;verify'= {
        }
        &'cadlens;help;audit;export'= {
        }
        &'cadlens;help;backup'= {
        }
        &'cadlens;help;restore'= {
        }
        &'cadlens;help;jobs'= {
            cand list 'List jobs, newest first (a table on stderr, or JSON lines on stdout with --json)'
            cand show 'Show one job as JSON on stdout'
            cand delete 'Delete a job: its record, original, results and previews (a running parse is stopped by the server when it next looks)'
        }
        &'cadlens;help;jobs;list'= {
        }
        &'cadlens;help;jobs;show'= {
        }
        &'cadlens;help;jobs;delete'= {
        }
        &'cadlens;help;usage'= {
        }
        &'cadlens;help;gc'= {
        }
        &'cadlens;help;login'= {
        }
        &'cadlens;help;logout'= {
        }
        &'cadlens;help;whoami'= {
        }
        &'cadlens;help;serve'= {
        }
        &'cadlens;help;help'= {
        }
    ]
    $completions[$command]
}
