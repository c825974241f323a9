//! Money: integer minor units (fen, cents) with an ISO currency code; never floating point.
//!
//! Rounding rules (documented in docs/ARCHITECTURE.md and tested below):
//! - a line's gross amount is quantity × unit price, where quantity is in thousandths
//!   (`quantity_milli`, so 1.5 h is 1500), rounded half away from zero to a minor unit;
//! - the discount is a rate in basis points (1/100 of a percent) of the gross, rounded the same way;
//! - tax is a rate in basis points of the discounted (net) amount, rounded per line;
//! - order totals are sums of the rounded line amounts, so lines and totals always agree;
//! - margin is gross profit ÷ net charges in basis points, rounded half away from zero.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

/// The most a quantity may be (one million units) and a unit price (ten billion major units).
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000;
pub const MAX_UNIT_MINOR: i64 = 1_000_000_000_000;

/// `value × num ÷ den`, rounded half away from zero, in i128 so no intermediate overflows.
pub fn mul_div_round(value: i64, num: i64, den: i64) -> i64 {
    let p = value as i128 * num as i128;
    let d = den as i128;
    let q = p / d;
    let r = p % d;
    let adjust = if 2 * r.abs() >= d.abs() {
        p.signum() * d.signum()
    } else {
        0
    };
    (q + adjust) as i64
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct LineAmounts {
    pub gross: i64,
    pub discount: i64,
    pub net: i64,
    pub tax: i64,
    pub total: i64,
}

pub fn line_amounts(
    quantity_milli: i64,
    unit_minor: i64,
    discount_bp: i64,
    tax_rate_bp: i64,
) -> LineAmounts {
    let gross = mul_div_round(quantity_milli, unit_minor, 1000);
    let discount = mul_div_round(gross, discount_bp, 10_000);
    let net = gross - discount;
    let tax = mul_div_round(net, tax_rate_bp, 10_000);
    LineAmounts {
        gross,
        discount,
        net,
        tax,
        total: net + tax,
    }
}

pub fn check_line(
    quantity_milli: i64,
    unit_minor: i64,
    discount_bp: i64,
    tax_rate_bp: i64,
    currency: &str,
) -> Result<()> {
    if !(1..=MAX_QUANTITY_MILLI).contains(&quantity_milli) {
        return Err(DomainError::invalid(
            "the quantity must be above 0 and at most 1,000,000",
        ));
    }
    if !(0..=MAX_UNIT_MINOR).contains(&unit_minor) {
        return Err(DomainError::invalid(
            "the unit price must be between 0 and 10,000,000,000",
        ));
    }
    if !(0..=10_000).contains(&discount_bp) {
        return Err(DomainError::invalid(
            "the discount must be between 0 % and 100 %",
        ));
    }
    if !(0..=10_000).contains(&tax_rate_bp) {
        return Err(DomainError::invalid(
            "the tax rate must be between 0 % and 100 %",
        ));
    }
    check_currency(currency)
}

pub fn check_currency(code: &str) -> Result<()> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(DomainError::invalid(format!(
            "'{code}' is not an ISO 4217 currency code"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(mul_div_round(5, 1, 10), 1);
        assert_eq!(mul_div_round(4, 1, 10), 0);
        assert_eq!(mul_div_round(-5, 1, 10), -1);
        assert_eq!(mul_div_round(15, 1, 10), 2);
        assert_eq!(mul_div_round(i64::MAX / 2, 10_000, 10_000), i64::MAX / 2);
    }

    #[test]
    fn a_line_with_discount_and_tax() {
        // 1.5 h at ¥333.33 = ¥499.995 → ¥500.00; 10 % off → ¥450.00; 13 % VAT → ¥58.50.
        let a = line_amounts(1500, 33_333, 1000, 1300);
        assert_eq!(
            a,
            LineAmounts {
                gross: 50_000,
                discount: 5_000,
                net: 45_000,
                tax: 5_850,
                total: 50_850
            }
        );
        // Tax on an odd net: ¥0.03 at 13 % = 0.39 fen → 0; ¥0.04 → 0.52 → 1 fen.
        assert_eq!(line_amounts(1000, 3, 0, 1300).tax, 0);
        assert_eq!(line_amounts(1000, 4, 0, 1300).tax, 1);
    }

    #[test]
    fn bounds_are_checked() {
        assert!(check_line(0, 100, 0, 0, "CNY").is_err());
        assert!(check_line(1000, -1, 0, 0, "CNY").is_err());
        assert!(check_line(1000, 1, 10_001, 0, "CNY").is_err());
        assert!(check_line(1000, 1, 0, 0, "cny").is_err());
        assert!(check_line(MAX_QUANTITY_MILLI, MAX_UNIT_MINOR, 0, 10_000, "EUR").is_ok());
        let max = line_amounts(MAX_QUANTITY_MILLI, MAX_UNIT_MINOR, 0, 10_000);
        assert_eq!(max.total, 2 * 1_000_000 * MAX_UNIT_MINOR);
    }
}
