//! What a batch tells people on stderr: on a terminal an indicatif bar (files, bytes, rate, ETA) and a
//! closing summary table; elsewhere one plain line per file; with `-q` nothing but errors' exit codes.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::GlobalArgs;

pub struct Progress {
    bar: Option<ProgressBar>,
    plain: bool,
    files_total: u64,
    files_done: AtomicU64,
    colour: bool,
    out: Mutex<()>,
}

impl Progress {
    pub fn new(global: &GlobalArgs, files: u64, bytes: u64) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (terminal && !global.quiet).then(|| {
            let bar = ProgressBar::with_draw_target(Some(bytes.max(1)), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {msg} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message(format!("0/{files} files"));
            bar
        });
        Progress {
            bar,
            plain: !terminal && !global.quiet,
            files_total: files,
            files_done: AtomicU64::new(0),
            colour: global.colour_stderr(),
            out: Mutex::new(()),
        }
    }

    /// One file finished; a failure is named above the bar at once.
    pub fn file_done(&self, _input: &str, bytes: u64, error: Option<&str>) {
        let done = self.files_done.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(format!("{done}/{} files", self.files_total));
            if let Some(e) = error {
                let label = if self.colour { "\x1b[31merror\x1b[0m" } else { "error" };
                bar.println(format!("{label}: {e}"));
            }
        }
    }

    /// The per-file line for non-terminal stderr.
    pub fn line(&self, text: &str) {
        if self.plain {
            let _guard = self.out.lock().unwrap_or_else(|p| p.into_inner());
            eprintln!("{text}");
        }
    }

    /// Clears the bar and, on a terminal, prints the summary table.
    pub fn finish(&self, rows: &[[String; 6]]) {
        let Some(bar) = &self.bar else { return };
        bar.finish_and_clear();
        let header = ["file", "format", "version", "entities/triangles", "time", "status"].map(str::to_owned);
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let render = |row: &[String; 6]| {
            row.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_owned()
        };
        eprintln!("{}", render(&header));
        eprintln!("{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
        for row in rows {
            let line = render(row);
            if self.colour && row[5] != "ok" {
                eprintln!("\x1b[31m{line}\x1b[0m");
            } else {
                eprintln!("{line}");
            }
        }
        let ok = rows.iter().filter(|r| r[5] == "ok").count();
        eprintln!("{ok} of {} files parsed", rows.len());
    }
}
