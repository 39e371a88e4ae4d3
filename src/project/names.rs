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
pub fn is_authority_code(code: &str) -> bool {
    code.len() == 9 && code.starts_with('E') && code[1..].bytes().all(|byte| byte.is_ascii_digit())
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
        }
    }
}
