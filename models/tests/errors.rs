//! Missing and damaged model directories: one error, naming the problem and the fix.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use consulta_models::{E5Embedder, Embedder, FIX_COMMAND, ModelError, Role};
use sha2::{Digest, Sha256};

/// The installed model directory itself (the one holding `consulta-model.toml`).
fn installed_dir() -> PathBuf {
    let root = common::model_dir();
    let nested = root.join("multilingual-e5-small");
    let dir = if nested.is_dir() { nested } else { root };
    assert!(
        dir.join("consulta-model.toml").is_file(),
        "the embedding model must be installed for these tests: no consulta-model.toml in {}. \
         Fix: run `{FIX_COMMAND}` (or set CONSULTA_MODEL_DIR)",
        dir.display()
    );
    dir
}

/// A private copy of the installed model, laid out as `<tmp>/models/multilingual-e5-small/`.
fn copy_of_installed() -> (tempfile::TempDir, PathBuf) {
    let source = installed_dir();
    let tmp = tempfile::tempdir().expect("temp dir");
    let target = tmp.path().join("models").join("multilingual-e5-small");
    fs::create_dir_all(&target).expect("create dir");
    for entry in fs::read_dir(&source).expect("read model dir") {
        let entry = entry.expect("dir entry");
        fs::copy(entry.path(), target.join(entry.file_name())).expect("copy model file");
    }
    (tmp, target)
}

fn load_error(dir: &Path) -> ModelError {
    match E5Embedder::load(dir) {
        Ok(_) => panic!("loading {} should have failed", dir.display()),
        Err(err) => err,
    }
}

/// Every load error must tell the reader how to fix it.
fn assert_explains_fix(err: &ModelError) {
    let message = err.to_string();
    assert!(
        message.contains(FIX_COMMAND),
        "no fix command in: {message}"
    );
    assert!(
        message.contains("CONSULTA_MODEL_DIR"),
        "no CONSULTA_MODEL_DIR in: {message}"
    );
}

fn weights_file(dir: &Path) -> PathBuf {
    dir.join("e5-small-q4.bin")
}

#[test]
fn missing_directory() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let err = load_error(&tmp.path().join("nowhere"));
    assert!(matches!(err, ModelError::Missing { .. }), "{err:?}");
    assert!(err.to_string().contains("nowhere"), "{err}");
    assert_explains_fix(&err);
}

#[test]
fn empty_directory() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let err = load_error(tmp.path());
    assert!(matches!(err, ModelError::Missing { .. }), "{err:?}");
    assert!(err.to_string().contains("consulta-model.toml"), "{err}");
    assert_explains_fix(&err);
}

#[test]
fn parent_models_directory_is_accepted() {
    let (tmp, _) = copy_of_installed();
    let embedder = E5Embedder::load(&tmp.path().join("models")).expect("parent dir loads");
    let vectors = embedder.embed(&["ITMO"], Role::Passage).expect("embedding");
    assert!(common::max_abs_diff(&vectors[0], &common::fixture().embeddings[9]) <= 1e-5);
}

#[test]
fn flipped_byte_in_weights_fails_the_checksum() {
    let (_tmp, dir) = copy_of_installed();
    let path = weights_file(&dir);
    let mut bytes = fs::read(&path).expect("read weights");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(&path, bytes).expect("write weights");
    let err = load_error(&dir);
    assert!(
        matches!(err, ModelError::ChecksumMismatch { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("e5-small-q4.bin"), "{err}");
    assert_explains_fix(&err);
}

#[test]
fn truncated_weights_fail_the_checksum() {
    let (_tmp, dir) = copy_of_installed();
    let path = weights_file(&dir);
    let bytes = fs::read(&path).expect("read weights");
    fs::write(&path, &bytes[..bytes.len() / 3]).expect("write weights");
    let err = load_error(&dir);
    assert!(
        matches!(err, ModelError::ChecksumMismatch { .. }),
        "{err:?}"
    );
    assert_explains_fix(&err);
}

#[test]
fn truncated_weights_with_a_matching_manifest_are_reported_as_truncated() {
    // Someone regenerated the manifest over a half-copied file: the parser itself must notice.
    let (_tmp, dir) = copy_of_installed();
    let path = weights_file(&dir);
    let bytes = fs::read(&path).expect("read weights");
    let truncated = &bytes[..bytes.len() - 1000];
    fs::write(&path, truncated).expect("write weights");
    let manifest_path = dir.join("consulta-model.toml");
    let manifest = fs::read_to_string(&manifest_path).expect("read manifest");
    let original = hex::encode(Sha256::digest(&bytes));
    assert!(
        manifest.contains(&original),
        "manifest lists the installed checksum"
    );
    let manifest = manifest.replace(&original, &hex::encode(Sha256::digest(truncated)));
    fs::write(&manifest_path, manifest).expect("write manifest");

    let err = load_error(&dir);
    assert!(matches!(err, ModelError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("truncated"), "{err}");
    assert_explains_fix(&err);
}

#[test]
fn missing_tokenizer() {
    let (_tmp, dir) = copy_of_installed();
    fs::remove_file(dir.join("tokenizer.json")).expect("remove tokenizer");
    let err = load_error(&dir);
    assert!(matches!(err, ModelError::Missing { .. }), "{err:?}");
    assert!(err.to_string().contains("tokenizer.json"), "{err}");
    assert_explains_fix(&err);
}

#[test]
fn damaged_tokenizer_fails_the_checksum() {
    let (_tmp, dir) = copy_of_installed();
    let path = dir.join("tokenizer.json");
    let mut bytes = fs::read(&path).expect("read tokenizer");
    bytes.truncate(bytes.len() / 2);
    fs::write(&path, bytes).expect("write tokenizer");
    let err = load_error(&dir);
    assert!(
        matches!(err, ModelError::ChecksumMismatch { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("tokenizer.json"), "{err}");
    assert_explains_fix(&err);
}

#[test]
fn missing_weights() {
    let (_tmp, dir) = copy_of_installed();
    fs::remove_file(weights_file(&dir)).expect("remove weights");
    let err = load_error(&dir);
    assert!(matches!(err, ModelError::Missing { .. }), "{err:?}");
    assert!(err.to_string().contains("e5-small-q4.bin"), "{err}");
    assert_explains_fix(&err);
}

#[test]
fn manifest_of_unknown_format() {
    let (_tmp, dir) = copy_of_installed();
    let manifest_path = dir.join("consulta-model.toml");
    let manifest = fs::read_to_string(&manifest_path).expect("read manifest");
    fs::write(
        &manifest_path,
        manifest.replace("format = \"e5s1\"", "format = \"e5s9\""),
    )
    .expect("write manifest");
    let err = load_error(&dir);
    assert!(matches!(err, ModelError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("e5s9"), "{err}");
    assert_explains_fix(&err);
}
