//! The rules CVM checks login passwords and host names against, and
//! LoginSettings (one check for RunInstances and ResetInstance). A
//! refused password is never quoted back, not even in part.

use serde_json::Value;

use super::filters::{flag, param, strings};
use super::{CvmWorld, Image};
use crate::Outcome;

/// A documented password complexity rule.
pub struct PasswordRule {
    /// Length in characters, both ends included.
    pub min: usize,
    pub max: usize,
    /// How many kinds of character (lower case, upper case, digits,
    /// special characters) it must mix.
    pub kinds: usize,
    /// Lower and upper case count as one kind (`[a-z，A-Z]`).
    pub letters_one_kind: bool,
    /// It cannot begin with `/`.
    pub no_leading_slash: bool,
    /// It cannot contain the user name.
    pub no_user_name: bool,
    /// The special characters its doc lists: letters, digits and these only.
    pub specials: &'static str,
}

/// LoginSettings.Password's specials (RunInstances, ResetInstance), on
/// Linux and Windows alike: "( ) ` ~ ! @ # $ % ^ & * - + = | { } [ ] : ; ' , . ? /";
/// no `_`, `<` or `>`. The legacy API's Linux rule lists the same ones.
const LOGIN_SPECIALS: &str = "()`~!@#$%^&*-+=|{}[]:;',.?/";

/// ResetInstancesPassword's specials, on Linux and Windows alike:
/// "()`~!@#$%^&*-+=_|{}[]:;'<>,.?/" (the Windows text has a space before
/// `<>`, which no other list has: taken for a typo).
const RESET_SPECIALS: &str = "()`~!@#$%^&*-+=_|{}[]:;'<>,.?/";

/// The legacy API's Windows specials: "( ) ` ~ ! @ # $ % ^ & * - + = { } [ ] : ; ' , . ? /",
/// the Linux list without `|`.
const LEGACY_WINDOWS_SPECIALS: &str = "()`~!@#$%^&*-+={}[]:;',.?/";

/// LoginSettings.Password (RunInstances, ResetInstance) on Linux:
/// "Linux实例密码必须8到30位，至少包括两项[a-z]，[A-Z]、[0-9] 和 [...]中的特殊符号".
pub const LOGIN_LINUX: PasswordRule = PasswordRule {
    min: 8,
    max: 30,
    kinds: 2,
    letters_one_kind: false,
    no_leading_slash: false,
    no_user_name: false,
    specials: LOGIN_SPECIALS,
};

/// LoginSettings.Password on Windows: "12到30位，至少包括三项".
pub const LOGIN_WINDOWS: PasswordRule = PasswordRule {
    min: 12,
    kinds: 3,
    ..LOGIN_LINUX
};

/// ResetInstancesPassword on Linux: "必须8-30位...不能以“/”开头，至少包含以下
/// 字符中的三种不同字符".
pub const RESET_LINUX: PasswordRule = PasswordRule {
    min: 8,
    max: 30,
    kinds: 3,
    letters_one_kind: false,
    no_leading_slash: true,
    no_user_name: false,
    specials: RESET_SPECIALS,
};

/// ResetInstancesPassword on Windows (and for a batch with any Windows
/// instance): "必须12~30位，不能以“/”开头且不包括用户名，至少包含...三种".
pub const RESET_WINDOWS: PasswordRule = PasswordRule {
    min: 12,
    no_user_name: true,
    ..RESET_LINUX
};

/// The legacy API on Linux: "必须8到16位，至少包括两项[a-z，A-Z]、[0-9] 和
/// [...]中的特殊符号".
pub const LEGACY_LINUX: PasswordRule = PasswordRule {
    min: 8,
    max: 16,
    kinds: 2,
    letters_one_kind: true,
    no_leading_slash: false,
    no_user_name: false,
    specials: LOGIN_SPECIALS,
};

/// The legacy API on Windows: "必须12到16位，至少包括三项".
pub const LEGACY_WINDOWS: PasswordRule = PasswordRule {
    min: 12,
    kinds: 3,
    letters_one_kind: false,
    specials: LEGACY_WINDOWS_SPECIALS,
    ..LEGACY_LINUX
};

/// Checks `password` against `rule` (`user` for `no_user_name`); a
/// refusal gets `code` and says which rule, never the password.
pub fn check_password(
    password: &str,
    rule: &PasswordRule,
    user: &str,
    code: &str,
) -> Result<(), Outcome> {
    let refuse = |why: String| {
        Err(Outcome::error(
            code,
            format!("The password does not meet the complexity rules: {why}."),
        ))
    };
    let length = password.chars().count();
    if length < rule.min || length > rule.max {
        return refuse(format!(
            "it must have {} to {} characters",
            rule.min, rule.max
        ));
    }
    let special = |c: char| rule.specials.contains(c);
    if !password
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || special(c))
    {
        return refuse(format!(
            "it may hold letters, digits and {} only",
            rule.specials
        ));
    }
    if rule.no_leading_slash && password.starts_with('/') {
        return refuse("it cannot begin with `/`".into());
    }
    if rule.no_user_name
        && !user.is_empty()
        && password.to_lowercase().contains(&user.to_lowercase())
    {
        return refuse("it cannot contain the user name".into());
    }
    let has = |test: &dyn Fn(char) -> bool| usize::from(password.chars().any(test));
    let letters = if rule.letters_one_kind {
        has(&|c| c.is_ascii_alphabetic())
    } else {
        has(&|c| c.is_ascii_lowercase()) + has(&|c| c.is_ascii_uppercase())
    };
    let kinds = letters + has(&|c| c.is_ascii_digit()) + has(&special);
    if kinds < rule.kinds {
        let of = if rule.letters_one_kind {
            "letters, digits and special characters"
        } else {
            "lower case, upper case, digits and special characters"
        };
        return refuse(format!("it must mix at least {} of {of}", rule.kinds));
    }
    Ok(())
}

/// Checks LoginSettings (RunInstances, ResetInstance), whose doc both
/// actions share, for an instance of `image`: at most one of Password,
/// KeyIds and KeepImageLogin (KeyIds: "密钥与密码不能同时指定"; KeepImageLogin:
/// "该参数与Password或KeyIds.N不能同时指定"), KeepImageLogin only for an image
/// that is not public ("只有使用自定义镜像、共享镜像或外部导入镜像创建实例时才能指定该参数为true"),
/// and the password against the rule of the image's OS. Returns the key
/// ids; [`CvmWorld::login_keys`] checks them against the key pairs.
pub fn check_login(login: &Value, image: Option<&Image>) -> Result<Vec<String>, Outcome> {
    let password = param(login, "Password").filter(|p| !p.is_empty());
    let key_ids = strings(login, "KeyIds");
    let keep = flag(login, "KeepImageLogin");
    let ways = [password.is_some(), !key_ids.is_empty(), keep];
    if ways.iter().filter(|w| **w).count() > 1 {
        return Err(Outcome::error(
            "InvalidParameter.ParameterConflict",
            "LoginSettings takes one of Password, KeyIds and KeepImageLogin.",
        ));
    }
    if let Some(public) = image.filter(|i| keep && i.is_public()) {
        // No KeepImageLogin code is documented; both actions list this one.
        return Err(Outcome::error(
            "InvalidParameterValue",
            format!(
                "`LoginSettings.KeepImageLogin` can be true only for a custom, shared or imported image; `{}` is a public image.",
                public.image_id
            ),
        ));
    }
    if let Some(password) = password {
        let rule = if image.is_some_and(Image::is_windows) {
            &LOGIN_WINDOWS
        } else {
            &LOGIN_LINUX
        };
        check_password(&password, rule, "", "InvalidParameterValue.InvalidPassword")?;
    }
    Ok(key_ids)
}

impl CvmWorld {
    /// LoginSettings for an instance of `image_id`, as RunInstances and
    /// ResetInstance check it: [`check_login`], then the key pairs, which
    /// must exist (`InvalidParameterValue.KeyPairNotFound`, the code both
    /// actions document) and cannot log in to Windows ("Windows操作系统不支持
    /// 指定密钥", `UnsupportedOperation.KeyPairUnsupportedWindows`). Returns
    /// the key ids.
    pub(super) fn login_keys(&self, login: &Value, image_id: &str) -> Result<Vec<String>, Outcome> {
        let image = self.find_image(image_id);
        let key_ids = check_login(login, image)?;
        self.check_keys_as(&key_ids, "InvalidParameterValue.KeyPairNotFound")?;
        if !key_ids.is_empty() && image.is_some_and(Image::is_windows) {
            return Err(Outcome::error(
                "UnsupportedOperation.KeyPairUnsupportedWindows",
                format!("The image `{image_id}` is Windows, which has no key login."),
            ));
        }
        Ok(key_ids)
    }
}

/// Checks a HostName (the same text in RunInstances, ResetInstance and
/// ModifyInstancesAttribute): "点号（.）和短横线（-）不能作为 HostName 的首尾字符，不能连续
/// 使用"; Windows: 2 to 15 letters, digits and `-`, not all digits;
/// others: 2 to 60 letters, digits, `-` and `.`.
pub fn check_host_name(name: &str, windows: bool) -> Result<(), Outcome> {
    let refuse = |why: &str| {
        Err(Outcome::error(
            "InvalidParameterValue.IllegalHostName",
            format!("The host name `{name}` is not valid: {why}."),
        ))
    };
    let (min, max) = if windows { (2, 15) } else { (2, 60) };
    let length = name.chars().count();
    if length < min || length > max {
        return refuse(&format!("it must have {min} to {max} characters"));
    }
    let mark = |c: char| c == '.' || c == '-';
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || (c == '.' && !windows);
    if !name.chars().all(allowed) {
        return refuse(if windows {
            "a Windows host name holds letters, digits and `-` only"
        } else {
            "it holds letters, digits, `-` and `.` only"
        });
    }
    if name.starts_with(mark) || name.ends_with(mark) {
        return refuse("`.` and `-` cannot begin or end it");
    }
    if name
        .chars()
        .zip(name.chars().skip(1))
        .any(|(a, b)| mark(a) && mark(b))
    {
        return refuse("`.` and `-` cannot follow one another");
    }
    if windows && name.chars().all(|c| c.is_ascii_digit()) {
        return refuse("a Windows host name cannot be all digits");
    }
    Ok(())
}
