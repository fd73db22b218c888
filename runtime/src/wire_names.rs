//! Wire names that both the runtime and the generator need: the one list
//! of each. This file imports nothing, so the generator (which does not
//! depend on the runtime and its HTTP stack) compiles the same file with
//! `#[path]` (`tencentcloud_codegen::wire_names`), and a change here
//! reaches both at once.

/// Params every request may carry besides the action's own (v1 and
/// legacy signing, the mock's checks, and the importer, which leaves them
/// out of examples' inputs).
pub const COMMON_PARAMS: [&str; 11] = [
    "Action",
    "Version",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
    "SignatureMethod",
    "Token",
    "Language",
    "RequestClient",
];

/// Name prefixes of actions that only read: `Describe…`, `Inquiry…`
/// (price quotes), `Get…`, `List…`, `Query…`, `Check…`.
pub const READ_ONLY_PREFIXES: [&str; 7] = [
    "Describe", "Inquiry", "Inquire", "Get", "List", "Query", "Check",
];

/// Whether an action name reads only: one of [`READ_ONLY_PREFIXES`]
/// followed by an upper-case letter (so `Getaway` is not `Get…`). The
/// generator decides each action's `read_only` with it; the runtime, for
/// actions called by name.
pub fn is_read_only_name(name: &str) -> bool {
    READ_ONLY_PREFIXES.iter().any(|prefix| {
        name.strip_prefix(prefix)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_ascii_uppercase())
    })
}

/// Whether a member holds a credential, by its name (the specs mark no
/// secrets): passwords, secrets, secret and private keys, tokens; not
/// `ClientToken` (idempotency) or the paging tokens. The generated types'
/// Debug redacts such members, and logs of params and bodies do.
pub fn is_secret_name(name: &str) -> bool {
    const ENDINGS: [&str; 7] = [
        "password",
        "passwd",
        "secret",
        "secretkey",
        "secretaccesskey",
        "privatekey",
        "token",
    ];
    const NOT: [&str; 5] = [
        "clienttoken",
        "nexttoken",
        "pagetoken",
        "paginationtoken",
        "continuationtoken",
    ];
    let name = name.to_ascii_lowercase();
    ENDINGS.iter().any(|end| name.ends_with(end)) && !NOT.iter().any(|end| name.ends_with(end))
}
