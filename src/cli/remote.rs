//! `cadlens parse --server URL`: each file is uploaded, its job polled to the end, and the result JSON and
//! the preview downloaded to the same outputs a local parse writes. The API key comes from `--key-file`,
//! `CADLENS_KEY` or the OS keyring; a refused key stops the batch (every other file would be refused too).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::client::{Client, RemoteError, credentials};
use crate::result::Schema;

use super::GlobalArgs;
use super::parse::{Failure, ParseArgs, write_atomically};

/// How long a job may take on the server before the client gives up on it (the server's own job timeout
/// is 300 s by default; queueing comes on top).
const JOB_WAIT: Duration = Duration::from_secs(30 * 60);

pub struct Remote {
    client: Client,
    schema: Schema,
    previews: bool,
    refused: AtomicBool,
}

impl Remote {
    pub fn connect(server: &str, args: &ParseArgs, global: &GlobalArgs) -> Result<Remote, String> {
        let server = credentials::normalise_server(server).map_err(|e| e.to_string())?;
        let (key, source) = credentials::find_key(args.key_file.as_deref(), &server).map_err(|e| e.to_string())?;
        if global.verbose > 0 {
            eprintln!("note: sending files to {server} with the key from {}", source.describe());
        }
        if args.svg && !global.quiet {
            eprintln!("note: --svg is local only: the API serves PNG previews");
        }
        Ok(Remote {
            client: Client::new(&server, key),
            schema: args.schema,
            previews: !args.no_image,
            refused: AtomicBool::new(false),
        })
    }

    /// Whether the server refused the key (the batch stops: the next file would be refused too).
    pub fn key_refused(&self) -> bool {
        self.refused.load(Ordering::SeqCst)
    }

    /// Uploads one input and fetches what a local parse would write; returns the result line (with a
    /// trailing newline, as local results have) and fills `format` in `outcome`.
    pub(super) fn run_one(
        &self,
        display: &str,
        file_name: &str,
        read: impl FnOnce() -> Result<Vec<u8>, (Failure, String)>,
        out: Option<(&Path, &str)>,
        outcome: &mut super::parse::Outcome,
    ) -> Result<Vec<u8>, (Failure, String)> {
        let bytes = read()?;
        let fail = |e: RemoteError| self.failure(display, e);
        let job = self.client.upload(file_name, &bytes).map_err(fail)?;
        drop(bytes);
        let job = self.client.wait(&job.id, JOB_WAIT).map_err(fail)?;
        if let Some(format) = &job.format {
            outcome.format = format.to_ascii_lowercase();
        }
        if job.status != "COMPLETED" {
            let why = job.error_msg.unwrap_or_else(|| "no reason given".into());
            return Err((Failure::Parse, format!("{display}: the server failed the job {}: {why}", job.id)));
        }
        let mut line = self.client.result(&job.id, self.schema).map_err(fail)?;
        if line.last() != Some(&b'\n') {
            line.push(b'\n');
        }
        if let Some((dir, stem)) = out {
            let json = dir.join(format!("{stem}.json"));
            write_atomically(&json, &line).map_err(|e| (Failure::Io, format!("{}: {e}", json.display())))?;
            if self.previews {
                self.write_preview(&job.id, dir, stem, display)?;
            }
        }
        Ok(line)
    }

    /// A job whose document has nothing to draw has no preview (409 from the image route): like a local
    /// parse, that is not an error.
    fn write_preview(&self, job: &str, dir: &Path, stem: &str, display: &str) -> Result<(), (Failure, String)> {
        match self.client.preview(job) {
            Ok(png) => {
                let path = dir.join(format!("{stem}.png"));
                write_atomically(&path, &png).map_err(|e| (Failure::Io, format!("{}: {e}", path.display())))
            }
            Err(RemoteError::Status { status: 404 | 409, .. }) => Ok(()),
            Err(e) => Err(self.failure(display, e)),
        }
    }

    fn failure(&self, display: &str, e: RemoteError) -> (Failure, String) {
        if matches!(e, RemoteError::Unauthorized(_)) {
            self.refused.store(true, Ordering::SeqCst);
        }
        let kind = if e.is_unsupported() { Failure::Unsupported } else { Failure::Remote };
        (kind, format!("{display}: {e}"))
    }
}
