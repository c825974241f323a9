//! Where things are: a position as a device reports it, distances, and the geofence verdict of
//! a check-in. A check-in outside the fence is kept and flagged, never refused.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Field, FieldProblem, Problem, Result};

/// The geofence radius when neither the site nor the tenant sets one.
pub const DEFAULT_GEOFENCE_M: i64 = 200;

/// Where the device says it was; `source` is `gps`, `network` or `manual`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altitude_m: Option<f64>,
    /// The platform said the position came from a mock-location app (Android).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock: Option<bool>,
    /// gps, network, manual or simulated.
    pub source: String,
}

/// A latitude and longitude any place on Earth can have.
pub fn check_coordinates(lat: f64, lon: f64) -> Result<()> {
    within(Field::Latitude, lat, -90, 90)?;
    within(Field::Longitude, lon, -180, 180)
}

fn within(field: Field, value: f64, min: i32, max: i32) -> Result<()> {
    if value.is_finite() && (f64::from(min)..=f64::from(max)).contains(&value) {
        Ok(())
    } else {
        Err(out_of_range(field, min, max))
    }
}

fn out_of_range(field: Field, min: i32, max: i32) -> DomainError {
    DomainError::BadField(FieldProblem {
        field,
        problem: Problem::OutOfRange { min, max },
    })
}

/// Refuse what no device can have measured.
pub fn check_position(p: &Position) -> Result<()> {
    check_coordinates(p.lat, p.lon)?;
    if let Some(a) = p.accuracy_m {
        // A reading claims some error radius: zero is none at all.
        if a == 0.0 {
            return Err(out_of_range(Field::Accuracy, 0, 1_000_000));
        }
        within(Field::Accuracy, a, 0, 1_000_000)?;
    }
    if let Some(alt) = p.altitude_m {
        within(Field::Altitude, alt, -500, 10_000)?;
    }
    if !matches!(
        p.source.as_str(),
        "gps" | "network" | "manual" | "simulated"
    ) {
        return Err(DomainError::invalid(format!(
            "unknown position source '{}'",
            p.source
        )));
    }
    Ok(())
}

/// Great-circle distance in metres (haversine on the mean Earth radius).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FenceVerdict {
    /// Measured by the device, within the radius, accurate enough.
    Verified,
    /// Measured, but farther from the site than the radius.
    Outside,
    /// Within the radius, but the measurement is less precise than the radius.
    Inaccurate,
    /// Typed or picked by a person: kept, never counted as verified.
    Manual,
    /// The check-in carries no position at all.
    NoPosition,
}

impl FenceVerdict {
    pub fn flagged(self) -> bool {
        self != FenceVerdict::Verified
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FenceCheck {
    pub verdict: FenceVerdict,
    /// Distance from the site in metres; None without a position.
    pub distance_m: Option<f64>,
    pub radius_m: i64,
}

/// Judge a check-in position against a site at (lat, lon) with a fence of `radius_m`.
pub fn check_fence(position: Option<&Position>, site: (f64, f64), radius_m: i64) -> FenceCheck {
    let Some(p) = position else {
        return FenceCheck {
            verdict: FenceVerdict::NoPosition,
            distance_m: None,
            radius_m,
        };
    };
    let d = distance_m((p.lat, p.lon), site);
    let verdict = if p.source == "manual" {
        FenceVerdict::Manual
    } else if d > radius_m as f64 {
        FenceVerdict::Outside
    } else if p.accuracy_m.is_none_or(|a| a > radius_m as f64) {
        FenceVerdict::Inaccurate
    } else {
        FenceVerdict::Verified
    };
    FenceCheck {
        verdict,
        distance_m: Some(d),
        radius_m,
    }
}

/// A fence radius as typed: 10 m to 50 km.
pub fn check_radius(radius_m: i64) -> Result<()> {
    if (10..=50_000).contains(&radius_m) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "the geofence radius must be between 10 m and 50,000 m",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gps(lat: f64, lon: f64, acc: f64) -> Position {
        Position {
            lat,
            lon,
            accuracy_m: Some(acc),
            altitude_m: None,
            mock: None,
            source: "gps".into(),
        }
    }

    #[test]
    fn distances_match_known_pairs() {
        // Beijing (Tiananmen) to Shanghai (People's Square): about 1,067 km.
        let d = distance_m((39.9087, 116.3975), (31.2304, 121.4737));
        assert!((d - 1_067_000.0).abs() < 5_000.0, "{d}");
        // One thousandth of a degree of latitude is about 111 m.
        let d = distance_m((31.0, 121.0), (31.001, 121.0));
        assert!((d - 111.2).abs() < 0.5, "{d}");
        // Across the antimeridian: 0.2 degrees of longitude at the equator, ~22.2 km.
        let d = distance_m((0.0, 179.9), (0.0, -179.9));
        assert!((d - 22_239.0).abs() < 50.0, "{d}");
        assert_eq!(distance_m((10.0, 20.0), (10.0, 20.0)), 0.0);
    }

    #[test]
    fn fence_verdicts() {
        let site = (31.2036, 121.5906);
        let at = |v: FenceCheck| v.verdict;
        assert_eq!(
            at(check_fence(Some(&gps(31.2040, 121.5906, 15.0)), site, 200)),
            FenceVerdict::Verified
        );
        // ~445 m north: outside a 200 m fence, inside a 500 m one.
        let far = gps(31.2076, 121.5906, 15.0);
        let c = check_fence(Some(&far), site, 200);
        assert_eq!(c.verdict, FenceVerdict::Outside);
        assert!((c.distance_m.unwrap() - 444.8).abs() < 2.0, "{c:?}");
        assert_eq!(
            at(check_fence(Some(&far), site, 500)),
            FenceVerdict::Verified
        );
        assert_eq!(
            at(check_fence(Some(&gps(31.2040, 121.5906, 900.0)), site, 200)),
            FenceVerdict::Inaccurate
        );
        let manual = Position {
            source: "manual".into(),
            accuracy_m: None,
            ..gps(31.2036, 121.5906, 1.0)
        };
        assert_eq!(
            at(check_fence(Some(&manual), site, 200)),
            FenceVerdict::Manual
        );
        assert_eq!(at(check_fence(None, site, 200)), FenceVerdict::NoPosition);
        assert!(FenceVerdict::Outside.flagged() && !FenceVerdict::Verified.flagged());
    }

    #[test]
    fn impossible_positions_are_refused() {
        let ok = gps(31.0, 121.0, 5.0);
        assert!(check_position(&ok).is_ok());
        let bad = [
            Position {
                lat: f64::NAN,
                ..ok.clone()
            },
            Position {
                lon: f64::INFINITY,
                ..ok.clone()
            },
            Position {
                lat: 90.5,
                ..ok.clone()
            },
            Position {
                lon: -181.0,
                ..ok.clone()
            },
            Position {
                accuracy_m: Some(0.0),
                ..ok.clone()
            },
            Position {
                accuracy_m: Some(-3.0),
                ..ok.clone()
            },
            Position {
                accuracy_m: Some(f64::NAN),
                ..ok.clone()
            },
            Position {
                altitude_m: Some(f64::NAN),
                ..ok.clone()
            },
            Position {
                altitude_m: Some(20_000.0),
                ..ok.clone()
            },
            Position {
                source: "teleport".into(),
                ..ok.clone()
            },
        ];
        for p in bad {
            let err = check_position(&p).unwrap_err();
            // Measured values name their field (the UI says which, in the person's words);
            // an unknown source is no person's typing.
            let named = matches!(
                err,
                DomainError::BadField(FieldProblem {
                    problem: Problem::OutOfRange { .. },
                    ..
                })
            );
            assert!(
                named || (p.source == "teleport" && matches!(err, DomainError::Invalid(_))),
                "{p:?}: {err}"
            );
        }
        assert_eq!(
            check_position(&Position {
                lat: 95.0,
                ..ok.clone()
            })
            .unwrap_err()
            .field_problem(),
            Some(FieldProblem {
                field: Field::Latitude,
                problem: Problem::OutOfRange { min: -90, max: 90 }
            })
        );
        assert!(
            check_radius(9).is_err() && check_radius(50_001).is_err() && check_radius(200).is_ok()
        );
    }
}
