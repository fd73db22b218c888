//! Credentials from the INI profile file the official Go and Python SDKs
//! read (`~/.tencentcloud/credentials`; tccli keeps its own JSON files):
//!
//! ```ini
//! [default]
//! secret_id = AKID...
//! secret_key = ...
//!
//! ; temporary credentials: a session token too
//! [work]
//! secret_id = AKID...
//! secret_key = ...
//! token = ...
//! ```
//!
//! Those SDKs read `[default]`'s `secret_id` and `secret_key` only; named
//! profiles (`TENCENTCLOUD_PROFILE`) and `token` are this SDK's additions.
//! Comments take whole lines (`;` or `#`); a byte order mark is skipped.
//!
//! The parser is our own, not an INI crate: the grammar is five line kinds,
//! and owning it lets every error name the file and line without ever
//! echoing the line (which may hold a key).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use tencentcloud_runtime::credentials::{BoxFuture, Credentials, ProvideCredentials};
use tencentcloud_runtime::Error;

/// Names another file than the default ones.
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// Names the profile (section) to use; `default` otherwise.
pub const ENV_PROFILE: &str = "TENCENTCLOUD_PROFILE";
pub const DEFAULT_PROFILE: &str = "default";
/// The file for the whole machine, after `~/.tencentcloud/credentials`.
pub const SYSTEM_CREDENTIALS_FILE: &str = "/etc/tencentcloud/credentials";

/// The per-user file under a home directory.
pub fn user_credentials_file(home: &Path) -> PathBuf {
    home.join(".tencentcloud").join("credentials")
}

/// One `[section]` of the file.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    /// The line of the `[name]` header, from 1.
    pub line: usize,
    /// Keys (lowercased) to their value and line.
    pub entries: BTreeMap<String, (String, usize)>,
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: values may be secrets.
        f.debug_struct("Section")
            .field("name", &self.name)
            .field("line", &self.line)
            .field("keys", &self.entries.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Parses the file's text; `origin` names it in errors.
pub fn parse_profiles(text: &str, origin: &str) -> Result<Vec<Section>, Error> {
    let error = |line: usize, why: String| {
        Error::Credentials(format!("profile file {origin}, line {line}: {why}"))
    };
    let mut sections: Vec<Section> = Vec::new();
    // Windows editors may start the file with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| error(number, "a section header must end with `]`".into()))?
                .trim();
            if name.is_empty() {
                return Err(error(number, "the section name is empty".into()));
            }
            if let Some(earlier) = sections.iter().find(|s| s.name == name) {
                return Err(error(
                    number,
                    format!(
                        "section [{name}] appears again (first on line {})",
                        earlier.line
                    ),
                ));
            }
            sections.push(Section {
                name: name.to_owned(),
                line: number,
                entries: BTreeMap::new(),
            });
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(error(
                number,
                "expected `[section]` or `key = value`".into(),
            ));
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() {
            return Err(error(number, "the key before `=` is empty".into()));
        }
        let Some(section) = sections.last_mut() else {
            return Err(error(number, format!("`{key}` comes before any [section]")));
        };
        if let Some((_, earlier)) = section.entries.get(&key) {
            return Err(error(
                number,
                format!(
                    "`{key}` appears again in [{}] (first on line {earlier})",
                    section.name
                ),
            ));
        }
        section
            .entries
            .insert(key, (value.trim().to_owned(), number));
    }
    Ok(sections)
}

/// The credentials of `profile` in the parsed file.
pub fn credentials_from_profiles(
    sections: &[Section],
    profile: &str,
    origin: &str,
) -> Result<Credentials, Error> {
    let Some(section) = sections.iter().find(|s| s.name == profile) else {
        let names: Vec<&str> = sections.iter().map(|s| s.name.as_str()).collect();
        return Err(Error::Credentials(format!(
            "profile file {origin}: no [{profile}] profile (it has: {})",
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        )));
    };
    let value = |key: &str| {
        section
            .entries
            .get(key)
            .map(|(value, line)| (value.as_str(), *line))
    };
    let required = |key: &str| match value(key) {
        Some((v, _)) if !v.is_empty() => Ok(v),
        Some((_, line)) => Err(Error::Credentials(format!(
            "profile file {origin}, line {line}: `{key}` of [{profile}] is empty"
        ))),
        None => Err(Error::Credentials(format!(
            "profile file {origin}, line {}: [{profile}] has no `{key}`",
            section.line
        ))),
    };
    let mut credentials = Credentials::new(required("secret_id")?, required("secret_key")?);
    if let Some((token, _)) = value("token").filter(|(t, _)| !t.is_empty()) {
        credentials = credentials.with_token(token);
    }
    credentials.validate().map_err(|e| {
        Error::Credentials(format!(
            "profile file {origin}, [{profile}] on line {}: {}",
            section.line,
            crate::env::bare(e)
        ))
    })?;
    Ok(credentials)
}

/// Reads and parses `path`, returning `profile`'s credentials.
pub fn load_profile(path: &Path, profile: &str) -> Result<Credentials, Error> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Credentials(format!("profile file {origin}: cannot read it: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        Error::Credentials(format!(
            "profile file {origin}, line {line}: not UTF-8 text (bad byte at offset {offset})"
        ))
    })?;
    credentials_from_profiles(&parse_profiles(&text, &origin)?, profile, &origin)
}

/// One profile of one file, read on every call (the file is small; the
/// default chain reads it once).
#[derive(Debug, Clone)]
pub struct ProfileProvider {
    path: PathBuf,
    profile: String,
}

impl ProfileProvider {
    pub fn new(path: impl Into<PathBuf>, profile: impl Into<String>) -> Self {
        ProfileProvider {
            path: path.into(),
            profile: profile.into(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn profile(&self) -> &str {
        &self.profile
    }

    pub fn load(&self) -> Result<Credentials, Error> {
        load_profile(&self.path, &self.profile)
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_named_profiles_comments_and_tokens() {
        let text = "# comment\n[default]\nsecret_id = id1\nsecret_key=key1\n\n; other\n[work]\nSECRET_ID = id2\nsecret_key = key2\ntoken = tok2\n";
        let sections = parse_profiles(text, "f").expect("valid");
        let default = credentials_from_profiles(&sections, "default", "f").expect("default");
        assert_eq!(
            (default.secret_id(), default.secret_key(), default.token()),
            ("id1", "key1", None)
        );
        let work = credentials_from_profiles(&sections, "work", "f").expect("work");
        assert_eq!(
            (work.secret_id(), work.secret_key(), work.token()),
            ("id2", "key2", Some("tok2"))
        );
    }

    #[test]
    fn errors_name_the_line_and_never_echo_it() {
        let cases = [
            ("[default\n", "line 1", "`]`"),
            ("secret_id = x\n", "line 1", "before any [section]"),
            ("[a]\n[a]\n", "line 2", "first on line 1"),
            (
                "[a]\nsecret-in-line-without-equals\n",
                "line 2",
                "key = value",
            ),
            ("[a]\nk=1\nk=2\n", "line 3", "first on line 2"),
            ("[]\n", "line 1", "empty"),
            ("[a]\n = v\n", "line 2", "empty"),
        ];
        for (text, line, why) in cases {
            let err = parse_profiles(text, "/p/creds")
                .expect_err(text)
                .to_string();
            assert!(
                err.contains("/p/creds") && err.contains(line) && err.contains(why),
                "{text:?}: {err}"
            );
            assert!(!err.contains("secret-in-line"), "{err}");
        }
    }

    #[test]
    fn missing_profile_and_keys_are_named() {
        let sections = parse_profiles(
            "[a]\nsecret_id = id\n[b]\nsecret_id=\nsecret_key=hidden\n",
            "f",
        )
        .expect("valid");
        let err = credentials_from_profiles(&sections, "default", "f")
            .expect_err("no default")
            .to_string();
        assert!(
            err.contains("no [default] profile") && err.contains("a, b"),
            "{err}"
        );
        let err = credentials_from_profiles(&sections, "a", "f")
            .expect_err("no key")
            .to_string();
        assert!(
            err.contains("line 1") && err.contains("no `secret_key`"),
            "{err}"
        );
        let err = credentials_from_profiles(&sections, "b", "f")
            .expect_err("empty id")
            .to_string();
        assert!(
            err.contains("line 4") && err.contains("`secret_id` of [b] is empty"),
            "{err}"
        );
        assert!(!err.contains("hidden"));
    }

    #[test]
    fn malformed_values_are_rejected_without_leaking() {
        let sections = parse_profiles("[default]\nsecret_id = id\nsecret_key = two words\n", "f")
            .expect("valid");
        let err = credentials_from_profiles(&sections, "default", "f")
            .expect_err("space")
            .to_string();
        assert!(
            err.contains("SecretKey") && !err.contains("two words"),
            "{err}"
        );
    }
}
