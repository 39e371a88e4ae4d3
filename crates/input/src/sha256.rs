//! File fingerprints: the manifest records every input's SHA-256, and a
//! bundle is up to date only while they match.

/// Hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_the_published_test_vector() {
        // FIPS 180-2 example: SHA-256("abc").
        assert_eq!(super::sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
