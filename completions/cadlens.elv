
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
            cand info 'Name the format, version and producer of files from their magic bytes and header alone'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the manual page (roff), or write one per command into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
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
        &'cadlens;help'= {
            cand info 'Name the format, version and producer of files from their magic bytes and header alone'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the manual page (roff), or write one per command into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'cadlens;help;info'= {
        }
        &'cadlens;help;completions'= {
        }
        &'cadlens;help;man'= {
        }
        &'cadlens;help;help'= {
        }
    ]
    $completions[$command]
}
