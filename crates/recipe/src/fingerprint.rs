//! Short, typeable fingerprints: FNV-1a hashes written in Crockford's base 32. Quiz and predict
//! ids and result codes' nonces and checksums are made of them.

/// Crockford's base 32: no I, L, O or U, so a code read off a screen is not misread.
pub(crate) const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `value`'s lowest `5 · chars` bits in [`ALPHABET`], most significant first.
pub(crate) fn base32(value: u64, chars: usize) -> String {
    (0..chars)
        .rev()
        .map(|i| ALPHABET[((value >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// 30 bits of FNV-1a of a link's code as 6 base-32 characters.
pub(crate) fn fingerprint(text: &str) -> String {
    base32(fnv1a(text.as_bytes()) >> 34, 6)
}

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_its_published_test_vectors() {
        // From the FNV reference (isthe.com/chongo/tech/comp/fnv): FNV-1a 64 of "" and "a".
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn base32_writes_the_lowest_bits_most_significant_first() {
        assert_eq!(base32(0, 3), "000");
        assert_eq!(base32(31, 2), "0Z");
        assert_eq!(base32((1 << 5) | 10, 2), "1A");
        assert_eq!(base32(u64::MAX, 4), "ZZZZ");
    }
}
