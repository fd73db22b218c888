//! Writing and comparing generated file trees.
//!
//! A tree is a map from path (relative to its root) to text. Writing is
//! all-or-nothing per file (temp file, then rename), and files under the
//! root that the map does not name are removed, so a removed action leaves
//! no stale file behind.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

pub type FileTree = BTreeMap<PathBuf, String>;

/// How `root` on disk differs from `files`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TreeDiff {
    pub changed: Vec<PathBuf>,
    pub missing: Vec<PathBuf>,
    pub extra: Vec<PathBuf>,
}

impl TreeDiff {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares the files under `root` with `files`.
pub fn diff_tree(root: &Path, files: &FileTree) -> io::Result<TreeDiff> {
    let mut diff = TreeDiff::default();
    for (path, text) in files {
        match std::fs::read_to_string(root.join(path)) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => diff.changed.push(path.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => diff.missing.push(path.clone()),
            Err(_) => diff.changed.push(path.clone()),
        }
    }
    for path in list_files(root)? {
        if !files.contains_key(&path) {
            diff.extra.push(path);
        }
    }
    Ok(diff)
}

/// Makes `root` hold exactly `files`; returns the paths it wrote or removed.
pub fn write_tree(root: &Path, files: &FileTree) -> io::Result<Vec<PathBuf>> {
    let diff = diff_tree(root, files)?;
    let mut touched = Vec::new();
    for path in diff.changed.iter().chain(&diff.missing) {
        let target = root.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temp = target.with_extension("tmp~");
        std::fs::write(&temp, &files[path])?;
        std::fs::rename(&temp, &target)?;
        touched.push(path.clone());
    }
    for path in &diff.extra {
        std::fs::remove_file(root.join(path))?;
        touched.push(path.clone());
    }
    remove_empty_dirs(root)?;
    touched.sort();
    Ok(touched)
}

/// Every file under `root`, relative to it, sorted. A missing root is empty.
pub fn list_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if root.exists() {
        walk(root, root, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_owned());
        }
    }
    Ok(())
}

fn remove_empty_dirs(dir: &Path) -> io::Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    let mut empty = true;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && remove_empty_dirs(&path)? {
            std::fs::remove_dir(&path)?;
        } else {
            empty = false;
        }
    }
    Ok(empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("tc-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        root
    }

    #[test]
    fn write_then_diff_is_clean_and_stale_files_go() -> io::Result<()> {
        let root = temp_root("write");
        let mut files = FileTree::new();
        files.insert("a/b.rs".into(), "one".into());
        files.insert("c.rs".into(), "two".into());
        write_tree(&root, &files)?;
        assert!(diff_tree(&root, &files)?.is_empty());

        files.remove(Path::new("a/b.rs"));
        files.insert("c.rs".into(), "changed".into());
        let diff = diff_tree(&root, &files)?;
        assert_eq!(diff.changed, vec![PathBuf::from("c.rs")]);
        assert_eq!(diff.extra, vec![PathBuf::from("a/b.rs")]);

        let touched = write_tree(&root, &files)?;
        assert_eq!(
            touched,
            vec![PathBuf::from("a/b.rs"), PathBuf::from("c.rs")]
        );
        assert!(!root.join("a").exists(), "emptied folders are removed");
        assert_eq!(std::fs::read_to_string(root.join("c.rs"))?, "changed");
        std::fs::remove_dir_all(&root)
    }
}
