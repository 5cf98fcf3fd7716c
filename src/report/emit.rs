//! One run's results to stdout and to every `--output FORMAT=PATH` file. Formats that can
//! stream write each result as it arrives; the others collect and render at the end. Files
//! are written beside their target and renamed into place, so a reader never sees half a
//! report and a failed run leaves the old file intact. The exit code is computed last, from
//! the results (only `--exit-zero` changes it, and never an error's).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{Format, Style, checklist, csv, github, html, json, junit, markdown, sarif, table};
use crate::check::{CheckResult, Verdict};
use crate::error::{EXIT_FINDINGS, Error};
use crate::finding::Message;
use crate::input::sanitize::{clean_in_place, clean_line_in_place};

/// Where results go and what the exit code says.
#[derive(Debug, Clone)]
pub struct Outputs {
    /// The format on stdout.
    pub format: Format,
    /// Further reports, each in a file.
    pub files: Vec<(Format, PathBuf)>,
    /// Exit 0 even when findings fail (errors still exit 2 or 3).
    pub exit_zero: bool,
}

/// How many results had each verdict.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.error
    }
}

/// One report being written, and what its format must remember from one result to the
/// next. Every format but JUnit, Markdown and HTML is written as results arrive; those three
/// start with run-wide counts, so they keep the results until the end.
enum View {
    /// Written result by result, with nothing to remember.
    Stream(Format),
    Json(json::JsonWriter),
    Sarif(sarif::SarifWriter),
    Collect(Format),
}

impl View {
    fn new(format: Format) -> View {
        match format {
            Format::Json => View::Json(json::JsonWriter::default()),
            Format::Sarif => View::Sarif(sarif::SarifWriter::default()),
            Format::Junit | Format::Markdown | Format::Html => View::Collect(format),
            Format::Table | Format::Checklist | Format::Github | Format::Summary | Format::Jsonl | Format::Csv => {
                View::Stream(format)
            }
        }
    }

    fn collects(&self) -> bool {
        matches!(self, View::Collect(_))
    }

    /// What comes before the first result.
    fn begin(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            View::Json(w) => w.begin(out),
            View::Sarif(w) => w.begin(out),
            View::Stream(Format::Csv) => csv::render_header(out),
            View::Stream(_) | View::Collect(_) => Ok(()),
        }
    }

    /// One result; `first` says whether it is the first.
    fn push(&mut self, r: &CheckResult, first: bool, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            View::Stream(Format::Table) => table::render_one(r, first, style, out),
            View::Stream(Format::Checklist) => checklist::render_one(r, first, style, out),
            View::Stream(Format::Github) => github::render_one(r, out),
            View::Stream(Format::Summary) => table::render_summary_line(r, Style { color: false, ..style }, out),
            View::Stream(Format::Jsonl) => json::render_line(r, out),
            View::Stream(Format::Csv) => csv::render_one(r, out),
            View::Json(w) => w.push(r, out),
            View::Sarif(w) => w.push(r, out),
            View::Stream(_) | View::Collect(_) => Ok(()),
        }
    }

    /// What comes after the last result (all of it, for a collecting format).
    fn end(&mut self, results: &[CheckResult], code: u8, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            View::Json(w) => w.end(out),
            View::Sarif(w) => w.end(code, out),
            View::Collect(Format::Junit) => junit::render(results, out),
            View::Collect(Format::Markdown) => markdown::render(results, out),
            View::Collect(Format::Html) => html::render(results, out),
            View::Stream(_) | View::Collect(_) => Ok(()),
        }
    }
}

/// A report file being written: a temporary file beside the target.
struct FileReport {
    view: View,
    path: PathBuf,
    tmp: BufWriter<tempfile::NamedTempFile>,
}

/// Receives results one by one and writes every report.
pub struct Emitter<'w> {
    outputs: Outputs,
    style: Style,
    stdout: &'w mut dyn Write,
    view: View,
    files: Vec<FileReport>,
    /// Kept only when some report needs the whole run.
    results: Vec<CheckResult>,
    collect: bool,
    /// Whether the reports' beginnings are written (at the first result, so that an error
    /// before any result leaves stdout empty).
    begun: bool,
    tally: Tally,
    worst: u8,
    /// Report files that could not be written. stdout's report is never lost for them: the
    /// run goes on, and ends with their errors.
    failed: Vec<Error>,
}

impl<'w> Emitter<'w> {
    /// Open every report file before any result arrives, creating its folder when missing.
    pub fn new(outputs: Outputs, style: Style, stdout: &'w mut dyn Write) -> Result<Emitter<'w>, Error> {
        let mut files = Vec::new();
        let mut failed = Vec::new();
        for (format, path) in &outputs.files {
            match create_folder(path).and_then(|()| temp_beside(path)) {
                Ok(tmp) => files.push(FileReport {
                    view: View::new(*format),
                    path: path.clone(),
                    tmp: BufWriter::new(tmp),
                }),
                Err(e) => failed.push(e),
            }
        }
        let view = View::new(outputs.format);
        let collect = view.collects() || files.iter().any(|f| f.view.collects());
        Ok(Emitter {
            outputs,
            style,
            stdout,
            view,
            files,
            results: Vec::new(),
            collect,
            begun: false,
            tally: Tally::default(),
            worst: 0,
            failed,
        })
    }

    /// Run `write` on every report file; a file that fails is dropped, its error kept.
    fn each_file(&mut self, mut write: impl FnMut(&mut FileReport) -> std::io::Result<()>) {
        let mut kept = Vec::with_capacity(self.files.len());
        for mut file in std::mem::take(&mut self.files) {
            match write(&mut file) {
                Ok(()) => kept.push(file),
                Err(e) => self.failed.push(write_error(&file.path, e)),
            }
        }
        self.files = kept;
    }

    fn begin(&mut self) -> Result<(), Error> {
        if self.begun {
            return Ok(());
        }
        self.begun = true;
        self.view.begin(self.stdout).map_err(Error::output)?;
        self.each_file(|file| file.view.begin(&mut file.tmp));
        Ok(())
    }

    /// One more result: streaming reports get it now.
    pub fn push(&mut self, mut r: CheckResult) -> Result<(), Error> {
        clean_result(&mut r);
        let first = self.tally.total() == 0;
        match r.verdict {
            Verdict::Pass => self.tally.pass += 1,
            Verdict::Fail => self.tally.fail += 1,
            Verdict::Error => self.tally.error += 1,
        }
        self.worst = self.worst.max(r.exit_code());
        self.begin()?;
        self.view
            .push(&r, first, self.style, self.stdout)
            .map_err(Error::output)?;
        // A reader of the stream gets each result as soon as it is done.
        self.stdout.flush().map_err(Error::output)?;
        self.each_file(|file| file.view.push(&r, first, Style::plain(), &mut file.tmp));
        if self.collect {
            self.results.push(r);
        }
        Ok(())
    }

    /// The exit code the results stand for so far.
    pub fn exit_code(&self) -> u8 {
        if self.outputs.exit_zero && self.worst == EXIT_FINDINGS {
            0
        } else {
            self.worst
        }
    }

    /// End every report (the collecting ones are rendered now), put every file in place, and
    /// return the exit code and the tally of verdicts. A report file that could not be
    /// written is an error, after stdout's report is complete and every other file is in
    /// place.
    pub fn finish(mut self) -> Result<(u8, Tally), Error> {
        let code = self.exit_code();
        self.begin()?;
        for mut file in std::mem::take(&mut self.files) {
            let written = file
                .view
                .end(&self.results, code, &mut file.tmp)
                .map_err(|e| write_error(&file.path, e))
                .and_then(|()| {
                    file.tmp
                        .into_inner()
                        .map_err(|e| write_error(&file.path, e.into_error()))
                })
                .and_then(|tmp| persist(tmp, &file.path));
            if let Err(e) = written {
                self.failed.push(e);
            }
        }
        self.view.end(&self.results, code, self.stdout).map_err(Error::output)?;
        self.stdout.flush().map_err(Error::output)?;
        match self.failed.len() {
            0 => Ok((code, self.tally)),
            1 => Err(self.failed.remove(0)),
            _ => Err(Error::Usage(
                self.failed.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
            )),
        }
    }
}

/// Every text of a result that came from outside (names, origins, server messages, waiver
/// reasons) without control characters, for every format alike.
fn clean_result(r: &mut CheckResult) {
    clean_line_in_place(&mut r.credential);
    clean_line_in_place(&mut r.grants_origin);
    r.profiles.iter_mut().for_each(clean_line_in_place);
    r.caveats.iter_mut().for_each(clean_in_place);
    for f in &mut r.findings {
        // Messages described from the catalog need no cleaning; written ones may quote text
        // from outside.
        if let Message::Text(text) = &mut f.message {
            clean_in_place(text);
        }
        if let Some(reason) = &mut f.waiver_reason {
            clean_line_in_place(reason);
        }
    }
    // Profile ids and the files locations cite are clean from the start (`id_of_path`,
    // `Source::new`).
}

/// Render a whole run at once, on stdout and into every file; the exit code.
pub fn emit(results: Vec<CheckResult>, outputs: Outputs, style: Style, stdout: &mut dyn Write) -> Result<u8, Error> {
    let mut emitter = Emitter::new(outputs, style, stdout)?;
    for r in results {
        emitter.push(r)?;
    }
    Ok(emitter.finish()?.0)
}

/// A temporary file in `path`'s folder, created with the mode a new file gets there (the
/// umask applies).
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".grantlint-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(&dir).map_err(|e| write_error(path, e))
}

/// Flush a finished temporary file and rename it onto `path`, keeping the mode of the file
/// it replaces.
fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), Error> {
    tmp.as_file().sync_all().map_err(|e| write_error(path, e))?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| write_error(path, e))?;
    }
    tmp.persist(path).map_err(|e| write_error(path, e.error))?;
    Ok(())
}

/// Write `bytes` to `path` atomically (see the module comment), keeping an existing file's
/// mode.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes).map_err(|e| write_error(path, e))?;
    persist(tmp, path)
}

/// Create the folder a report goes into, when it is missing.
fn create_folder(path: &Path) -> Result<(), Error> {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() && !d.is_dir() => {
            std::fs::create_dir_all(d).map_err(|e| write_error(path, e))
        }
        _ => Ok(()),
    }
}

/// An error writing `path`. tempfile's errors name the temporary file; the user named
/// `path`, so only the operating system's reason is kept.
fn write_error(path: &Path, source: std::io::Error) -> Error {
    let source = match source.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => source,
    };
    Error::Write {
        path: path.to_path_buf(),
        cause: source,
    }
}
