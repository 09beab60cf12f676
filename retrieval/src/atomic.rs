//! Replacing a file so that a crash leaves either the old content or the new, never a mix.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::RetrievalError;

/// Writes `value` as JSON to a temporary file, fsyncs it, renames it over `path` and fsyncs the
/// directory, so the rename itself is durable.
pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> Result<(), RetrievalError> {
    write_with(path, |writer| {
        serde_json::to_writer(writer, value).map_err(std::io::Error::from)
    })
}

/// [`write_json`] for any content: `write` fills the temporary file.
pub(crate) fn write_with(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), RetrievalError> {
    let temporary = temporary_path(path);
    let io_error = |source| RetrievalError::Io {
        path: temporary.clone(),
        source,
    };
    let file = File::create(&temporary).map_err(io_error)?;
    let mut writer = BufWriter::new(file);
    write(&mut writer).map_err(io_error)?;
    writer.flush().map_err(io_error)?;
    writer
        .into_inner()
        .map_err(|e| io_error(e.into_error()))?
        .sync_all()
        .map_err(io_error)?;
    std::fs::rename(&temporary, path).map_err(|source| RetrievalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if let Some(dir) = path.parent() {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|source| RetrievalError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
    }
    Ok(())
}

/// Where [`write_with`] stages the new content.
pub(crate) fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}
