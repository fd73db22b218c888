//! Writing and comparing generated file trees.
//!
//! A tree is a map from path (relative to its root) to text. Writing is
//! all-or-nothing: the new root is built in a sibling staging folder (an
//! unchanged file is hard-linked, so it keeps its mtime and cargo does not
//! rebuild it) and swapped in whole, so a failure partway leaves the old
//! root as it was. Files under the root that the tree does not name are
//! removed, so a removed action leaves no stale file behind; with a scope
//! ([`diff_tree_within`]) only files inside it are.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use crate::render::GENERATED_MARK;

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

    /// Every path the write changes, sorted.
    pub fn touched(&self) -> Vec<PathBuf> {
        let mut all: Vec<PathBuf> = [&self.changed, &self.missing, &self.extra]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        all.sort();
        all
    }
}

/// Compares the files under `root` with `files`.
pub fn diff_tree(root: &Path, files: &FileTree) -> io::Result<TreeDiff> {
    diff_tree_within(root, files, &[])
}

/// Like [`diff_tree`], but a file on disk outside the subtrees `within`
/// (relative to `root`; all of it when empty) is no extra: it is kept.
pub fn diff_tree_within(root: &Path, files: &FileTree, within: &[PathBuf]) -> io::Result<TreeDiff> {
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
        if !files.contains_key(&path) && in_scope(&path, within) {
            diff.extra.push(path);
        }
    }
    Ok(diff)
}

fn in_scope(path: &Path, within: &[PathBuf]) -> bool {
    within.is_empty() || within.iter().any(|dir| path.starts_with(dir))
}

/// Makes `root` hold exactly `files`; returns the paths it wrote or removed.
pub fn write_tree(root: &Path, files: &FileTree) -> io::Result<Vec<PathBuf>> {
    let diff = diff_tree(root, files)?;
    apply_diff(root, files, &diff)
}

/// Makes `root` match `files` as `diff` (from [`diff_tree_within`]) says,
/// all at once (see the module docs); nothing is written when `diff` is
/// empty. Returns the paths written or removed.
pub fn apply_diff(root: &Path, files: &FileTree, diff: &TreeDiff) -> io::Result<Vec<PathBuf>> {
    if diff.is_empty() {
        return Ok(Vec::new());
    }
    let staged = sibling(root, "new~")?;
    remove_if_present(&staged)?;
    let result = stage(root, files, diff, &staged).and_then(|()| replace_dir(&staged, root));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    result.map(|()| diff.touched())
}

fn stage(root: &Path, files: &FileTree, diff: &TreeDiff, staged: &Path) -> io::Result<()> {
    let rewrite: BTreeSet<&PathBuf> = diff.changed.iter().chain(&diff.missing).collect();
    let extra: BTreeSet<&PathBuf> = diff.extra.iter().collect();
    let create_parent = |target: &Path| match target.parent() {
        Some(parent) => std::fs::create_dir_all(parent),
        None => Ok(()),
    };
    for path in list_files(root)? {
        if extra.contains(&path) || rewrite.contains(&path) {
            continue;
        }
        let (from, to) = (root.join(&path), staged.join(&path));
        create_parent(&to)?;
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to)?;
        }
    }
    for path in rewrite {
        let to = staged.join(path);
        create_parent(&to)?;
        let text = files.get(path).map_or("", String::as_str);
        std::fs::write(&to, text)?;
    }
    std::fs::create_dir_all(staged)
}

/// `staged` becomes `out`: the old folder is moved aside, the new one
/// renamed into place, the old one removed. If the rename fails, the old
/// folder is put back.
pub fn replace_dir(staged: &Path, out: &Path) -> io::Result<()> {
    let old = sibling(out, "old~")?;
    remove_if_present(&old)?;
    if out.exists() {
        std::fs::rename(out, &old)?;
    }
    if let Err(e) = std::fs::rename(staged, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// `<dir>.<suffix>` beside `dir` (appended, so `a.b` gives `a.b.new~`,
/// never another folder's name).
fn sibling(dir: &Path, suffix: &str) -> io::Result<PathBuf> {
    let name = dir.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a folder name", dir.display()),
        )
    })?;
    let mut name = name.to_os_string();
    name.push(format!(".{suffix}"));
    Ok(dir.with_file_name(name))
}

fn remove_if_present(dir: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The files `diff` would replace or remove that `cargo xtask gen` did not
/// write (no [`GENERATED_MARK`] in their first lines): someone else's.
pub fn not_generated(root: &Path, diff: &TreeDiff) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in diff.changed.iter().chain(&diff.extra) {
        let bytes = std::fs::read(root.join(path))?;
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).into_owned();
        if !head
            .lines()
            .take(3)
            .any(|line| line.contains(GENERATED_MARK))
        {
            found.push(path.clone());
        }
    }
    Ok(found)
}

/// Writes generated crates into `out`: with `services`, only their folders
/// are compared and replaced, every other file stays. Refuses, writing
/// nothing, to replace or remove a file that gen did not write (an
/// `--out` folder that holds something else). Returns the paths written
/// or removed.
pub fn write_generated(
    out: &Path,
    files: &FileTree,
    services: &[String],
) -> Result<Vec<PathBuf>, String> {
    let at = |e: io::Error| format!("{}: {e}", out.display());
    let within: Vec<PathBuf> = services.iter().map(PathBuf::from).collect();
    let diff = diff_tree_within(out, files, &within).map_err(at)?;
    let foreign = not_generated(out, &diff).map_err(at)?;
    if let Some(first) = foreign.first() {
        return Err(format!(
            "{}: holds {} file(s) not written by `cargo xtask gen` (first: {}); \
             refusing to replace or remove them: choose an empty --out folder",
            out.display(),
            foreign.len(),
            first.display()
        ));
    }
    apply_diff(out, files, &diff).map_err(at)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(name: &str) -> PathBuf {
        let root = std::env::temp_dir()
            .join(format!("tc-files-{name}-{}", std::process::id()))
            .join("out");
        let _ = std::fs::remove_dir_all(root.parent().unwrap_or(&root));
        root
    }

    fn tree(entries: &[(&str, &str)]) -> FileTree {
        entries
            .iter()
            .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn write_then_diff_is_clean_and_stale_files_go() -> io::Result<()> {
        let root = temp_root("write");
        let mut files = tree(&[("a/b.rs", "one"), ("c.rs", "two")]);
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
        assert!(write_tree(&root, &files)?.is_empty(), "nothing to do");
        assert!(!sibling(&root, "new~")?.exists() && !sibling(&root, "old~")?.exists());
        std::fs::remove_dir_all(root.parent().unwrap_or(&root))
    }

    #[test]
    fn generating_some_services_keeps_the_others() -> io::Result<()> {
        let root = temp_root("scoped");
        let mark = format!("// {GENERATED_MARK}x\n");
        let all = tree(&[("cvm/a.rs", &mark), ("sts/b.rs", &mark)]);
        write_tree(&root, &all)?;
        let cvm = tree(&[("cvm/a.rs", &format!("{mark}new"))]);
        let touched =
            write_generated(&root, &cvm, &["cvm".to_owned()]).map_err(io::Error::other)?;
        assert_eq!(touched, vec![PathBuf::from("cvm/a.rs")]);
        assert_eq!(std::fs::read_to_string(root.join("sts/b.rs"))?, mark);
        std::fs::remove_dir_all(root.parent().unwrap_or(&root))
    }

    #[test]
    fn a_folder_of_other_files_is_not_emptied() -> io::Result<()> {
        let root = temp_root("foreign");
        std::fs::create_dir_all(&root)?;
        std::fs::write(root.join("notes.txt"), "mine")?;
        let files = tree(&[("cvm/a.rs", "// generated")]);
        let error = write_generated(&root, &files, &[]).expect_err("refuses");
        assert!(error.contains("notes.txt"), "{error}");
        assert_eq!(std::fs::read_to_string(root.join("notes.txt"))?, "mine");
        assert!(!root.join("cvm").exists(), "nothing written");
        std::fs::remove_dir_all(root.parent().unwrap_or(&root))
    }

    #[test]
    fn a_failed_write_leaves_the_old_tree() -> io::Result<()> {
        let root = temp_root("partial");
        let old = tree(&[("a.rs", "old a"), ("b.rs", "old b")]);
        write_tree(&root, &old)?;
        // A folder where the staging copy of `b.rs/x` needs a file: the
        // second write fails after the first succeeded.
        let new = tree(&[("a.rs", "new a"), ("b.rs", "new b"), ("b.rs/x", "x")]);
        assert!(write_tree(&root, &new).is_err());
        assert!(diff_tree(&root, &old)?.is_empty(), "untouched");
        assert!(!sibling(&root, "new~")?.exists());
        std::fs::remove_dir_all(root.parent().unwrap_or(&root))
    }

    #[test]
    fn a_failed_swap_keeps_the_previous_folder() -> io::Result<()> {
        let root = temp_root("swap");
        std::fs::create_dir_all(&root)?;
        std::fs::write(root.join("old.crate"), "old")?;
        let staged = sibling(&root, "new~")?;
        // No staged folder: the rename fails and the old folder stays.
        assert!(replace_dir(&staged, &root).is_err());
        assert!(root.join("old.crate").is_file());
        std::fs::create_dir_all(&staged)?;
        std::fs::write(staged.join("new.crate"), "new")?;
        replace_dir(&staged, &root)?;
        assert!(root.join("new.crate").is_file() && !root.join("old.crate").exists());
        assert!(!staged.exists() && !sibling(&root, "old~")?.exists());
        std::fs::remove_dir_all(root.parent().unwrap_or(&root))
    }
}
