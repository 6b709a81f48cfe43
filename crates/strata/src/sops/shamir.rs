//! Recombining a data key that SOPS split across key groups with Shamir's secret sharing.
//!
//! SOPS splits the data key with its fork of HashiCorp Vault's `shamir` package
//! (getsops/sops shamir/shamir.go `Split`, `Combine`): each byte of the key is the constant
//! term of its own random polynomial over GF(2^8) with the AES reduction polynomial
//! x^8 + x^4 + x^3 + x + 1; a share is the polynomial values at one x, one byte per key byte,
//! followed by that x as its last byte (x = 1, 2, … in key-group order). Any `threshold`
//! shares give the key back by Lagrange interpolation at x = 0.
//!
//! Only the combine step is here, written for this format: the Rust crates on crates.io
//! either put x first (sharks, blahaj), use another field or share layout, or are a single
//! unmaintained release, and none reads Vault's layout as it is. Splitting, the part that
//! needs care with randomness, is the encrypting side's and not Strata's.

/// Multiplies in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (shamir.go `mult`).
fn mul(a: u8, b: u8) -> u8 {
    let (mut a, mut b, mut out) = (a, b, 0u8);
    while b != 0 {
        if b & 1 != 0 {
            out ^= a;
        }
        let carry = a & 0x80 != 0;
        a <<= 1;
        if carry {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    out
}

/// Returns the multiplicative inverse of nonzero `a`: a^254, since a^255 = 1.
fn inverse(a: u8) -> u8 {
    let mut out = 1;
    for _ in 0..254 {
        out = mul(out, a);
    }
    out
}

/// Returns the secret that `shares` (each the y bytes then the x byte, as SOPS stores them)
/// recombine to, or why they cannot: fewer than two, of different lengths, or two with the
/// same x. Like SOPS, it uses every share given; a wrong share yields a wrong key, which the
/// file's MAC then rejects.
pub(super) fn combine(shares: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let [first, rest @ ..] = shares else {
        return Err("no key group share".into());
    };
    if rest.is_empty() {
        return Err("one key group share cannot recover the data key".into());
    }
    if first.len() < 2 || rest.iter().any(|s| s.len() != first.len()) {
        return Err("the key group shares differ in length".into());
    }
    let xs: Vec<u8> = shares.iter().map(|s| s[s.len() - 1]).collect();
    for (i, x) in xs.iter().enumerate() {
        if xs[..i].contains(x) {
            return Err("two key group shares have the same x coordinate".into());
        }
    }
    // Lagrange basis at x = 0: l_i = prod_{j != i} x_j / (x_i - x_j); minus is xor here.
    let basis: Vec<u8> = xs
        .iter()
        .enumerate()
        .map(|(i, &xi)| {
            xs.iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .fold(1, |acc, (_, &xj)| mul(acc, mul(xj, inverse(xi ^ xj))))
        })
        .collect();
    Ok((0..first.len() - 1)
        .map(|byte| {
            shares
                .iter()
                .zip(&basis)
                .fold(0, |acc, (share, &l)| acc ^ mul(share[byte], l))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evaluates the polynomial with coefficients `coef` (constant first) at `x`.
    fn eval(coef: &[u8], x: u8) -> u8 {
        coef.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
    }

    #[test]
    fn field_arithmetic_matches_the_aes_field() {
        // FIPS-197 section 4.2: {57} • {83} = {c1}, {57} • {13} = {fe}.
        assert_eq!(mul(0x57, 0x83), 0xc1);
        assert_eq!(mul(0x57, 0x13), 0xfe);
        for a in 1..=255u8 {
            assert_eq!(mul(a, inverse(a)), 1, "{a}");
        }
    }

    #[test]
    fn any_threshold_of_shares_recombine() {
        // Two secret bytes, degree-2 polynomials (threshold 3), five shares at x = 1..=5.
        let polys = [[0x2a, 0x11, 0x9c], [0xff, 0x03, 0x40]];
        let share = |x: u8| vec![eval(&polys[0], x), eval(&polys[1], x), x];
        let cases: &[&[u8]] = &[&[1, 2, 3], &[5, 3, 1], &[2, 4, 5], &[1, 2, 3, 4, 5]];
        for xs in cases {
            let shares: Vec<Vec<u8>> = xs.iter().map(|&x| share(x)).collect();
            assert_eq!(combine(&shares), Ok(vec![0x2a, 0xff]), "{xs:?}");
        }
        // Below the threshold the result is some other key.
        assert_ne!(combine(&[share(1), share(2)]), Ok(vec![0x2a, 0xff]));
    }

    #[test]
    fn malformed_shares_are_refused() {
        let cases: &[(&[&[u8]], &str)] = &[
            (&[], "no key group share"),
            (&[&[1, 1]], "one key group share"),
            (&[&[1, 1], &[1, 2, 2]], "differ in length"),
            (&[&[1], &[2]], "differ in length"),
            (&[&[1, 1], &[2, 1]], "same x"),
        ];
        for (shares, phrase) in cases {
            let shares: Vec<Vec<u8>> = shares.iter().map(|s| s.to_vec()).collect();
            let e = combine(&shares).unwrap_err();
            assert!(e.contains(phrase), "{shares:?}: {e}");
        }
    }
}
