//! `cadlens completions` and `cadlens man`: generated from the clap definitions, committed under
//! `completions/` and `man/`, and checked for staleness by CI.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, exit};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for
    #[arg(value_enum, required_unless_present = "dir")]
    pub shell: Option<Shell>,
    /// Write the completions of every shell into DIR instead (how completions/ is made)
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write cadlens.1 and one page per command (cadlens-<command>.1) into DIR (how man/ is made)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The file each shell's completions are committed as.
pub fn completion_file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "cadlens.bash",
        Shell::Zsh => "_cadlens",
        Shell::Fish => "cadlens.fish",
        Shell::Elvish => "cadlens.elv",
        Shell::PowerShell => "_cadlens.ps1",
        _ => "cadlens.unknown",
    }
}

pub const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Elvish, Shell::PowerShell];

fn render_completions(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "cadlens", &mut out);
    out
}

pub fn completions(args: &CompletionsArgs) -> u8 {
    if let Some(dir) = &args.dir {
        for shell in SHELLS {
            if let Err(e) = write_file(&dir.join(completion_file_name(shell)), &render_completions(shell)) {
                eprintln!("error: {e}");
                return exit::IO;
            }
        }
        return exit::OK;
    }
    let Some(shell) = args.shell else {
        return exit::USAGE;
    };
    print_stdout(&render_completions(shell))
}

/// Pages: the top-level one, then one per subcommand (nested ones joined by `-`).
fn man_pages() -> Vec<(String, Vec<u8>)> {
    let cmd = Cli::command();
    let mut pages = Vec::new();
    collect_pages(&cmd, "cadlens", &mut pages);
    pages
}

fn collect_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut page = Vec::new();
    let named = cmd.clone().name(name.to_owned());
    // Rendering into a Vec cannot fail.
    let _ = clap_mangen::Man::new(named).render(&mut page);
    out.push((format!("{name}.1"), page));
    for sub in cmd.get_subcommands() {
        collect_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

pub fn man(args: &ManArgs) -> u8 {
    let pages = man_pages();
    match &args.dir {
        Some(dir) => {
            for (name, page) in &pages {
                if let Err(e) = write_file(&dir.join(name), page) {
                    eprintln!("error: {e}");
                    return exit::IO;
                }
            }
            exit::OK
        }
        None => pages.first().map_or(exit::OK, |(_, page)| print_stdout(page)),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn print_stdout(bytes: &[u8]) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => exit::OK,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: writing to stdout: {e}");
            exit::IO
        }
    }
}
