//! Where reports go: stdout, or a file written whole or not at all.
//!
//! A report file is written to a temporary file beside it and renamed into place, so an
//! interrupted run (SIGINT, a full disk) never leaves a partial report that a later CI
//! step would trust. privlint never overwrites what it reads: a file it would analyse,
//! the policy or the baseline cannot be an output. A reader that goes away (`| head -1`)
//! is not an error.

use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use crate::walk::FileKind;

/// Why a report could not be delivered.
#[derive(Debug)]
pub enum OutputError {
    /// The output would overwrite an input of the scan.
    WouldOverwriteInput(PathBuf, &'static str),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::WouldOverwriteInput(path, what) => write!(
                f,
                "refusing to write the report over {} ({what}); choose another --output",
                path.display()
            ),
            OutputError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

/// Write `bytes` to stdout. A closed pipe ends the output quietly: the reader has what it
/// wanted, and the exit code stays the scan's.
pub fn to_stdout(out: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Write `bytes` to `file` atomically, unless `file` is one of `inputs` or a file the
/// scan would analyse.
pub fn to_file(file: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), OutputError> {
    refuse_inputs(file, inputs)?;
    let io = |e| OutputError::Io(file.to_path_buf(), e);
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temporary = folder.join(format!(".{name}.privlint-{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, file));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(io(e));
    }
    Ok(())
}

fn refuse_inputs(file: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    let Ok(target) = std::fs::canonicalize(file) else {
        return Ok(()); // a new file overwrites nothing
    };
    for input in inputs {
        if std::fs::canonicalize(input).is_ok_and(|i| i == target) {
            return Err(OutputError::WouldOverwriteInput(
                file.to_path_buf(),
                "an input of this run",
            ));
        }
    }
    if FileKind::classify(&target).is_some() {
        return Err(OutputError::WouldOverwriteInput(
            file.to_path_buf(),
            "a file privlint analyses",
        ));
    }
    Ok(())
}

/// Read a small text input (a baseline, a found policy): a regular file only,
/// never a FIFO or a device that would block or never end, and at most `limit` bytes.
pub fn read_small_input(file: &Path, limit: u64) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        assert!(to_stdout(&mut ClosedPipe, b"report").is_ok());
    }

    #[test]
    fn a_report_replaces_its_file_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.json");
        std::fs::write(&file, "old").unwrap();
        to_file(&file, b"new", &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.json")]);
    }

    #[test]
    fn inputs_and_analysed_files_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let policy = dir.path().join("privlint.yaml");
        let manifest = dir.path().join("AndroidManifest.xml");
        std::fs::write(&policy, "version: 1\n").unwrap();
        std::fs::write(&manifest, "<manifest/>").unwrap();
        assert!(to_file(&policy, b"x", &[&policy]).is_err());
        assert!(to_file(&manifest, b"x", &[]).is_err());
        assert_eq!(std::fs::read_to_string(&policy).unwrap(), "version: 1\n");
        assert_eq!(std::fs::read_to_string(&manifest).unwrap(), "<manifest/>");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("baseline");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(
                read_small_input(&fifo, 1 << 20),
                Err("not a regular file".to_string())
            );
        }
        assert!(read_small_input(Path::new("/dev/zero"), 1 << 20).is_err());
    }
}
