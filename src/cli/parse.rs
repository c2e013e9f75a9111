//! `cadlens parse`: inputs (files, directories, globs, stdin) → one result document each, written as
//! `<stem>.json` under `--out` and/or printed (`--json`, NDJSON for several inputs, in input order whatever
//! `-j` is). Files run in parallel under a memory rule (below); a failed file never stops the batch unless
//! `--fail-fast`; Ctrl-C stops cleanly and leaves no partial output (temporary name, then rename).
//!
//! Memory rule: a file is read whole (readers work on bytes), so a worker starts a file only when the
//! bytes of the files in flight plus this one stay within `IN_FLIGHT_BYTES` — or nothing else is in flight,
//! so one huge file still runs, alone. Finished documents wait for printing in input order; a worker never
//! runs more than `REORDER_WINDOW` inputs ahead of the next one to print, which bounds that buffer.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::model::Document;
use crate::read::{ReadError, read_bytes};
use crate::render;
use crate::result::{ResultContext, Schema, to_json, write_json};

use super::{GlobalArgs, exit};

/// Total bytes of input files being parsed at once (see the module comment).
const IN_FLIGHT_BYTES: u64 = 1 << 30;
/// How far ahead of the next document to print a worker may start.
const REORDER_WINDOW: usize = 64;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  cadlens parse part.step\n  cadlens parse drawings/ -o out/ -j 4\n  \
                        cadlens parse '*.dxf' --json > results.ndjson\n  cat a.dxf | cadlens parse - --json")]
pub struct ParseArgs {
    /// Files, directories (recursed; only files whose content is a supported format), globs, or - for stdin
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Where <stem>.json and <stem>.png go (default: the current directory; with --json, no files unless -o is given)
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the result document(s) to stdout (-, the default) or write them to FILE; NDJSON for several
    // `--json=FILE` takes the equals sign so that `cadlens parse --json part.dxf` means what it reads like:
    // the JSON of part.dxf on stdout, not "write JSON to part.dxf".
    #[arg(long, value_name = "FILE|-", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
    pub json: Option<String>,
    /// Result schema: 2.0.0 (as the hosted API serves today) or 2024-01
    #[arg(long, value_name = "V", env = "CADLENS_SCHEMA", default_value = "2.0.0")]
    pub schema: Schema,
    /// Emit at most N entities per document (the rest is counted as truncated)
    #[arg(long, value_name = "N")]
    pub max_entities: Option<u64>,
    /// Files in parallel (default: number of cores)
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Stop at the first file that fails
    #[arg(long)]
    pub fail_fast: bool,
    /// Skip the preview image (<stem>.png, written beside <stem>.json by default)
    #[arg(long)]
    pub no_image: bool,
    /// Also write <stem>.svg: a 2D drawing as vector paths, a 3D model's shaded view as an embedded PNG
    #[arg(long)]
    pub svg: bool,
    /// Preview size in pixels
    #[arg(long, value_name = "WxH", default_value = "1024x768", value_parser = render::parse_size)]
    pub size: (u32, u32),
    /// Preview background: white, black, transparent, or #rrggbb
    #[arg(long, value_name = "C", default_value = "white", value_parser = render::Background::parse)]
    pub background: render::Background,
    /// 3D camera: iso, front, back, top, bottom, left, right, or AZ,EL in degrees (eye azimuth from +X, elevation)
    #[arg(long, value_name = "NAME", default_value = "iso", value_parser = render::View::parse, allow_hyphen_values = true)]
    pub view: render::View,
    /// 2D: draw only these layers (comma-separated; the JSON still lists all)
    #[arg(long, value_name = "L1,L2", value_delimiter = ',')]
    pub layers: Option<Vec<String>>,
    /// Send the files to a cadlens server or the hosted API instead of parsing locally (same outputs)
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// With --server: read the API key from this file (else CADLENS_KEY, else the OS keyring)
    #[arg(long, value_name = "FILE", requires = "server")]
    pub key_file: Option<PathBuf>,
}

impl ParseArgs {
    fn render_options(&self) -> render::RenderOptions {
        render::RenderOptions {
            width: self.size.0,
            height: self.size.1,
            background: self.background,
            layers: self.layers.clone(),
            sheet: 0,
            view: self.view,
            edges: true,
        }
    }
}

/// One input to parse.
#[derive(Debug, Clone)]
enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_owned(),
        }
    }

    fn file_name(&self) -> String {
        match self {
            Input::File(p) => p.file_name().map_or_else(|| "input".to_owned(), |n| n.to_string_lossy().into_owned()),
            Input::Stdin => "stdin".to_owned(),
        }
    }

    fn stem(&self) -> String {
        match self {
            Input::File(p) => p.file_stem().map_or_else(|| "input".to_owned(), |n| n.to_string_lossy().into_owned()),
            Input::Stdin => "stdin".to_owned(),
        }
    }

    fn size_hint(&self) -> u64 {
        match self {
            Input::File(p) => fs::metadata(p).map_or(0, |m| m.len()),
            Input::Stdin => 0,
        }
    }
}

/// Why a file did not produce a document, as the exit code sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Failure {
    Parse,
    Unsupported,
    Io,
    /// The server refused the key or could not be reached or understood (exit 5).
    Remote,
}

impl Failure {
    fn exit_code(self) -> u8 {
        match self {
            Failure::Parse => exit::FAILED,
            Failure::Unsupported => exit::UNSUPPORTED,
            Failure::Io => exit::IO,
            Failure::Remote => exit::REMOTE,
        }
    }
}

/// The outcome of one input, kept for the summary.
#[derive(Debug)]
pub(super) struct Outcome {
    input: String,
    pub(super) format: String,
    version: String,
    count: String,
    elapsed: Duration,
    result: Result<(), (Failure, String)>,
}

/// Expands the command-line inputs. Non-fatal findings (a directory entry that is not CAD) go to `notes`.
fn expand_inputs(raw: &[String], notes: &mut Vec<String>) -> Result<Vec<Input>, (Failure, String)> {
    let mut out = Vec::new();
    for arg in raw {
        if arg == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            walk_dir(path, &mut out, notes);
        } else if path.exists() {
            out.push(Input::File(path.to_path_buf()));
        } else if arg.contains(['*', '?', '[']) {
            let matches = glob::glob(arg).map_err(|e| (Failure::Io, format!("{arg}: bad glob pattern: {e}")))?;
            let mut found: Vec<PathBuf> = matches.filter_map(Result::ok).filter(|p| p.is_file()).collect();
            found.sort();
            if found.is_empty() {
                return Err((Failure::Io, format!("{arg}: no file matches")));
            }
            out.extend(found.into_iter().map(Input::File));
        } else {
            return Err((Failure::Io, format!("{arg}: no such file or directory")));
        }
    }
    Ok(out)
}

/// Recurses into `dir` in name order, keeping files whose content is a format cadlens reads.
fn walk_dir(dir: &Path, out: &mut Vec<Input>, notes: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            notes.push(format!("{}: {e}", dir.display()));
            return;
        }
    };
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk_dir(&p, out, notes);
        } else if p.is_file() {
            match crate::sniff::sniff_path(&p) {
                Ok(s) if crate::read::has_reader(s.format) => out.push(Input::File(p)),
                Ok(s) => notes.push(format!("{}: skipped: {} has no reader yet", p.display(), s.format.json_name())),
                Err(e) => notes.push(format!("{}: skipped: {e}", p.display())),
            }
        }
    }
}

/// Collision-free output stems in input order: the first keeps its stem, repeats get `-2`, `-3` …
fn output_stems(inputs: &[Input]) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut counters: HashMap<String, u32> = HashMap::new();
    inputs
        .iter()
        .map(|i| {
            let base = i.stem();
            let mut candidate = base.clone();
            while !used.insert(candidate.to_lowercase()) {
                let n = counters.entry(base.to_lowercase()).or_insert(1);
                *n += 1;
                candidate = format!("{base}-{n}");
            }
            candidate
        })
        .collect()
}

/// Writes `bytes` to `path` through a temporary name in the same directory, so a reader (or a Ctrl-C) never
/// sees a partial file.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |f| f.write_all(bytes))
}

/// [`write_atomically`] with the contents written by `write`, buffered: large results go to the file as
/// they are made instead of being held whole in memory first.
pub(super) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or(OsStr::new("out"));
    let tmp = dir.join(format!(".{}.{}.part", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut f = std::io::BufWriter::with_capacity(1 << 16, fs::File::create(&tmp)?);
        write(&mut f)?;
        let f = f.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A preview file's extension (`png`, `svg`) and contents.
type PreviewFile = (&'static str, Vec<u8>);

fn read_input(input: &Input) -> Result<Vec<u8>, (Failure, String)> {
    match input {
        Input::File(p) => fs::read(p).map_err(|e| (Failure::Io, format!("{}: {e}", p.display()))),
        Input::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| (Failure::Io, format!("stdin: {e}")))?;
            Ok(buf)
        }
    }
}

fn classify(e: &ReadError) -> Failure {
    if e.is_unsupported() { Failure::Unsupported } else { Failure::Parse }
}

/// Entities (2D) or triangles (3D), for the summary.
fn count_label(doc: &Document) -> String {
    match &doc.model3d {
        Some(m) => {
            let mut triangles = 0u64;
            m.for_each_instance(|_, part, _| {
                triangles +=
                    part.solids.iter().flat_map(|s| s.faces.iter()).map(|f| f.indices.len() as u64).sum::<u64>();
            });
            format!("{triangles} triangles")
        }
        None => format!("{} entities", doc.sheets.iter().map(|s| s.entities.len()).sum::<usize>()),
    }
}

/// The next input index to print, and finished documents (serialised; `None` for a failure) waiting for it.
type PrintQueue = (usize, BTreeMap<usize, Option<Vec<u8>>>);

/// Shared state of a batch.
struct Batch<'a> {
    args: &'a ParseArgs,
    inputs: Vec<Input>,
    stems: Vec<String>,
    write_files: Option<PathBuf>,
    next_input: AtomicUsize,
    in_flight: Mutex<u64>,
    in_flight_changed: Condvar,
    /// Finished documents (serialised) waiting to be printed in order, and the next index to print.
    printed: Mutex<PrintQueue>,
    printed_changed: Condvar,
    stop: Arc<AtomicBool>,
    failed: AtomicBool,
    /// `--server`: the API client used instead of the local readers.
    remote: Option<super::remote::Remote>,
}

impl Batch<'_> {
    /// Parses input `i` and returns what to print (if anything) and its outcome.
    fn run_one(&self, i: usize, sink: &Mutex<Box<dyn Write + Send>>) -> (Option<Vec<u8>>, Outcome) {
        let input = &self.inputs[i];
        let started = Instant::now();
        let mut outcome = Outcome {
            input: input.display(),
            format: "-".into(),
            version: "-".into(),
            count: "-".into(),
            elapsed: Duration::ZERO,
            result: Ok(()),
        };
        if let Some(remote) = &self.remote {
            let produced = remote.run_one(
                &input.display(),
                &input.file_name(),
                || read_input(input),
                self.write_files.as_deref().map(|d| (d, self.stems[i].as_str())),
                &mut outcome,
            );
            outcome.elapsed = started.elapsed();
            return match produced {
                Ok(line) => (self.args.json.is_some().then_some(line), outcome),
                Err(err) => {
                    outcome.result = Err(err);
                    (None, outcome)
                }
            };
        }
        let produced = (|| {
            let bytes = read_input(input)?;
            let doc = read_bytes(&bytes).map_err(|e| (classify(&e), format!("{}: {e}", input.display())))?;
            outcome.format = doc.source.format.json_name().to_owned();
            outcome.version = doc.source.version.clone().unwrap_or_else(|| "-".into());
            outcome.count = count_label(&doc);
            let ctx = ResultContext {
                file_name: input.file_name(),
                job_id: None,
                image_urls: Vec::new(),
                created_at_unix_ms: crate::result::json::now_unix_ms(),
                duration_ms: Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
                max_entities: self.args.max_entities,
            };
            // Printed results are held until their turn comes (input order); a result only written to a file
            // goes there as it is made, and so does the result of a lone input that is only printed.
            let line = match self.args.json {
                Some(_) if self.inputs.len() == 1 && self.write_files.is_none() => {
                    self.print_streamed(&doc, &ctx, sink)?;
                    None
                }
                Some(_) => {
                    let mut line =
                        to_json(&doc, self.args.schema, &ctx).map_err(|e| (Failure::Parse, e.to_string()))?;
                    line.push(b'\n');
                    Some(line)
                }
                None => None,
            };
            if let Some(dir) = &self.write_files {
                let stem = &self.stems[i];
                // The preview is drawn on a second thread while the result is written: both only read the
                // document, and for a large drawing each takes about as long as the other. No preview asked
                // for, no thread.
                let wants_previews = !self.args.no_image || self.args.svg;
                let previews = std::thread::scope(|scope| {
                    let drawn = wants_previews.then(|| scope.spawn(|| self.render_previews(&doc, stem)));
                    let path = dir.join(format!("{stem}.json"));
                    let written = match &line {
                        Some(line) => write_atomically(&path, line),
                        None => write_atomically_with(&path, |f| {
                            write_json(&doc, self.args.schema, &ctx, f)?;
                            f.write_all(b"\n")
                        }),
                    };
                    // A panic while drawing stays a panic, as it was on one thread.
                    let drawn = drawn.map(|d| d.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
                    written.map_err(|e| (Failure::Io, format!("{}: {e}", path.display())))?;
                    drawn.unwrap_or_else(|| Ok(Vec::new()))
                })?;
                for (ext, bytes) in previews {
                    let path = dir.join(format!("{stem}.{ext}"));
                    write_atomically(&path, &bytes).map_err(|e| (Failure::Io, format!("{}: {e}", path.display())))?;
                }
            }
            Ok(line)
        })();
        outcome.elapsed = started.elapsed();
        match produced {
            Ok(line) => (line, outcome),
            Err(err) => {
                outcome.result = Err(err);
                (None, outcome)
            }
        }
    }

    /// Writes the result of `doc` and its newline to `sink` as it is made. A closed pipe stops the batch, as
    /// it does for held results; any other output error is this input's failure.
    fn print_streamed(
        &self,
        doc: &Document,
        ctx: &ResultContext,
        sink: &Mutex<Box<dyn Write + Send>>,
    ) -> Result<(), (Failure, String)> {
        let mut out = sink.lock().unwrap_or_else(|p| p.into_inner());
        let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut **out);
        let written = write_json(doc, self.args.schema, ctx, &mut w)
            .map_err(std::io::Error::from)
            .and_then(|()| w.write_all(b"\n"))
            .and_then(|()| w.flush());
        match written {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.stop.store(true, Ordering::SeqCst);
                Ok(())
            }
            Err(e) => Err((Failure::Io, format!("JSON output: {e}"))),
            Ok(()) => Ok(()),
        }
    }

    /// The preview files of `doc` (`png` unless `--no-image`, `svg` with `--svg`; called when one of them is
    /// asked for) as (extension, bytes). Documents with nothing to draw (no sheet, an empty 3D model) get
    /// none, and no error.
    fn render_previews(&self, doc: &Document, stem: &str) -> Result<Vec<PreviewFile>, (Failure, String)> {
        let mut files = Vec::new();
        let failed = |e: render::raster::RasterError| (Failure::Parse, format!("{stem}: preview: {e}"));
        let opts = self.args.render_options();
        if let Some(model) = &doc.model3d {
            // One rasterisation serves both files: the SVG embeds the very PNG.
            let Some(scene) = render::build_scene3d(model, &opts) else { return Ok(files) };
            let png = render::raster3d::to_png(&scene).map_err(failed)?;
            let svg = self.args.svg.then(|| render::svg::png_in_svg(&png, scene.width, scene.height).into_bytes());
            if !self.args.no_image {
                files.push(("png", png));
            }
            files.extend(svg.map(|svg| ("svg", svg)));
            return Ok(files);
        }
        let Some(scene) = render::build_scene(doc, &opts) else { return Ok(files) };
        if !self.args.no_image {
            files.push(("png", render::raster::to_png(&scene).map_err(failed)?));
        }
        if self.args.svg {
            files.push(("svg", render::svg::to_svg(&scene).into_bytes()));
        }
        Ok(files)
    }

    /// Waits until `size` more bytes may be in flight (or nothing is), then reserves them.
    fn acquire(&self, size: u64) {
        let mut used = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        while *used > 0 && *used + size > IN_FLIGHT_BYTES {
            used = self.in_flight_changed.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += size;
    }

    fn release(&self, size: u64) {
        let mut used = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(size);
        self.in_flight_changed.notify_all();
    }

    /// Waits until input `i` is within the reorder window of the next one to print.
    fn wait_for_window(&self, i: usize) {
        let mut state = self.printed.lock().unwrap_or_else(|p| p.into_inner());
        while i >= state.0 + REORDER_WINDOW && !self.stop.load(Ordering::SeqCst) {
            state = self.printed_changed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Hands over input `i`'s output and prints everything that is now in order.
    fn deliver(&self, i: usize, line: Option<Vec<u8>>, sink: &Mutex<Box<dyn Write + Send>>) {
        let mut state = self.printed.lock().unwrap_or_else(|p| p.into_inner());
        state.1.insert(i, line);
        loop {
            let next = state.0;
            let Some(ready) = state.1.remove(&next) else { break };
            if let Some(bytes) = ready {
                let mut out = sink.lock().unwrap_or_else(|p| p.into_inner());
                if let Err(e) = out.write_all(&bytes).and_then(|()| out.flush()) {
                    if e.kind() == std::io::ErrorKind::BrokenPipe {
                        self.stop.store(true, Ordering::SeqCst);
                    }
                }
            }
            state.0 += 1;
        }
        self.printed_changed.notify_all();
    }
}

pub fn run(args: &ParseArgs, global: &GlobalArgs) -> u8 {
    let mut notes = Vec::new();
    let inputs = match expand_inputs(&args.inputs, &mut notes) {
        Ok(i) => i,
        Err((failure, msg)) => {
            eprintln!("error: {msg}");
            return failure.exit_code();
        }
    };
    if !global.quiet {
        for n in &notes {
            eprintln!("note: {n}");
        }
    }
    if inputs.is_empty() {
        eprintln!("error: no supported CAD file among the inputs");
        return exit::UNSUPPORTED;
    }
    if inputs.iter().filter(|i| matches!(i, Input::Stdin)).count() > 1 {
        eprintln!("error: - (stdin) can be given once");
        return exit::USAGE;
    }
    // With --json and no -o, the documents go to stdout only; -o (or no --json) writes files.
    let write_files = match (&args.out, &args.json) {
        (Some(dir), _) => Some(dir.clone()),
        (None, None) => Some(PathBuf::from(".")),
        (None, Some(_)) => None,
    };
    if let Some(dir) = &write_files {
        if let Err(e) = fs::create_dir_all(dir) {
            eprintln!("error: {}: {e}", dir.display());
            return exit::IO;
        }
    }
    let sink: Mutex<Box<dyn Write + Send>> = match args.json.as_deref() {
        None | Some("-") => Mutex::new(Box::new(std::io::stdout())),
        Some(file) => match fs::File::create(file) {
            Ok(f) => Mutex::new(Box::new(std::io::BufWriter::new(f))),
            Err(e) => {
                eprintln!("error: {file}: {e}");
                return exit::IO;
            }
        },
    };

    let remote = match &args.server {
        None => None,
        Some(url) => match super::remote::Remote::connect(url, args, global) {
            Ok(r) => Some(r),
            Err(msg) => {
                eprintln!("error: {msg}");
                return exit::REMOTE;
            }
        },
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        // A second handler cannot be installed (tests run several batches in one process): ignore that.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 256)
        .min(inputs.len());
    let stems = output_stems(&inputs);
    let total_bytes: u64 = inputs.iter().map(Input::size_hint).sum();
    let batch = Batch {
        args,
        stems,
        write_files,
        next_input: AtomicUsize::new(0),
        in_flight: Mutex::new(0),
        in_flight_changed: Condvar::new(),
        printed: Mutex::new((0, BTreeMap::new())),
        printed_changed: Condvar::new(),
        stop: Arc::clone(&stop),
        failed: AtomicBool::new(false),
        remote,
        inputs,
    };
    let progress = super::progress::Progress::new(global, batch.inputs.len() as u64, total_bytes);
    let outcomes: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());

    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let refused = batch.remote.as_ref().is_some_and(super::remote::Remote::key_refused);
                    if batch.stop.load(Ordering::SeqCst)
                        || refused
                        || (args.fail_fast && batch.failed.load(Ordering::SeqCst))
                    {
                        break;
                    }
                    let i = batch.next_input.fetch_add(1, Ordering::SeqCst);
                    if i >= batch.inputs.len() {
                        break;
                    }
                    batch.wait_for_window(i);
                    let size = batch.inputs[i].size_hint();
                    batch.acquire(size);
                    let (line, outcome) = batch.run_one(i, &sink);
                    batch.release(size);
                    if outcome.result.is_err() {
                        batch.failed.store(true, Ordering::SeqCst);
                    }
                    batch.deliver(i, line, &sink);
                    progress.file_done(&outcome.input, size, outcome.result.as_ref().err().map(|e| e.1.as_str()));
                    progress.line(&outcome_line(&outcome));
                    // `-q` drops progress and the per-file lines, never the reason a file failed.
                    if global.quiet {
                        if let Err((_, msg)) = &outcome.result {
                            eprintln!("error: {msg}");
                        }
                    }
                    outcomes.lock().unwrap_or_else(|p| p.into_inner()).push((i, outcome));
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap_or_else(|p| p.into_inner());
    outcomes.sort_by_key(|(i, _)| *i);
    progress.finish(&outcomes.iter().map(|(_, o)| summary_row(o)).collect::<Vec<_>>());

    if stop.load(Ordering::SeqCst) {
        eprintln!("interrupted: {} of {} files done", outcomes.len(), batch.inputs.len());
        return 130;
    }
    outcomes.iter().filter_map(|(_, o)| o.result.as_ref().err().map(|e| e.0)).max().map_or(exit::OK, Failure::exit_code)
}

/// The one-line report of a file (non-terminal stderr).
fn outcome_line(o: &Outcome) -> String {
    match &o.result {
        Ok(()) => format!("ok     {}  {} {}  {}  {} ms", o.input, o.format, o.version, o.count, o.elapsed.as_millis()),
        Err((_, msg)) => format!("failed {msg}"),
    }
}

fn summary_row(o: &Outcome) -> [String; 6] {
    [
        o.input.clone(),
        o.format.clone(),
        o.version.clone(),
        o.count.clone(),
        format!("{} ms", o.elapsed.as_millis()),
        match &o.result {
            Ok(()) => "ok".into(),
            Err((Failure::Parse, _)) => "failed".into(),
            Err((Failure::Unsupported, _)) => "unsupported".into(),
            Err((Failure::Io, _)) => "I/O error".into(),
            Err((Failure::Remote, _)) => "remote error".into(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_stems_get_numbered_in_input_order() {
        let inputs: Vec<Input> =
            ["a/part.dxf", "b/part.step", "c/Part.dxf", "part-2.stl"].iter().map(|p| Input::File(p.into())).collect();
        assert_eq!(output_stems(&inputs), ["part", "part-2", "Part-3", "part-2-2"]);
    }
}
