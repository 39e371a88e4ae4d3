//! Names that become file and folder names: indicator and dataset ids, and
//! authority codes. Anything else could climb out of the output folder.

/// Lower-case letters, digits and hyphens, at most 64, not starting with a hyphen.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

/// An English local authority code: E followed by 8 digits.
pub(crate) fn is_authority_code(code: &str) -> bool {
    code.len() == 9 && code.starts_with('E') && code[1..].bytes().all(|byte| byte.is_ascii_digit())
}

/// A member authority's code, checked to be an English local authority
/// code when it is made: it names the member's data, output and commentary
/// folders, so nothing else may reach them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AuthorityCode(String);

impl AuthorityCode {
    /// The code, when `text` is one.
    pub fn parse(text: &str) -> Option<AuthorityCode> {
        is_authority_code(text).then(|| AuthorityCode(text.to_string()))
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AuthorityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<std::path::Path> for AuthorityCode {
    fn as_ref(&self) -> &std::path::Path {
        self.0.as_ref()
    }
}

impl serde::Serialize for AuthorityCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_safe_file_names() {
        assert!(is_safe_id("agency-rate") && is_safe_id("cp-2"));
        for bad in ["", "-x", "Agency", "a/b", "a.b", "../x", &"x".repeat(65)] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }

    #[test]
    fn codes_must_be_safe_folder_names() {
        assert!(is_authority_code("E06000008"));
        for bad in ["../etc", "E0600000", "E06000008/..", "e06000008", "E0600000x"] {
            assert!(!is_authority_code(bad), "{bad}");
            assert_eq!(AuthorityCode::parse(bad), None);
        }
        assert_eq!(AuthorityCode::parse("E06000008").unwrap().as_str(), "E06000008");
    }
}
