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

/// A point on a map or on Earth, as the UI's maps exchange them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

/// The coordinate system a map's tiles are drawn in. Chinese map services (AMap, Tencent,
/// Baidu's base layer before its own offset) draw in GCJ-02, which shifts positions inside
/// China by a few hundred metres from WGS-84, the system GPS reports and FieldOps stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MapCrs {
    #[default]
    Wgs84,
    Gcj02,
}

/// Outside this box GCJ-02 is WGS-84 (the published algorithm's own bounds).
fn outside_china(lat: f64, lon: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

/// GCJ-02's offset at a WGS-84 position, in degrees (latitude, longitude).
fn gcj02_offset(lat: f64, lon: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    const EE: f64 = 0.006_693_421_622_965_943;
    const EARTH_R: f64 = 6_378_137.0;
    let (x, y) = (lon - 105.0, lat - 35.0);
    let common = 20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin();
    let mut d_lat = common + 20.0 * (y * PI).sin() + 40.0 * (y * PI / 3.0).sin();
    let mut d_lon = common + 20.0 * (x * PI).sin() + 40.0 * (x * PI / 3.0).sin();
    d_lat += 160.0 * (y * PI / 12.0).sin() + 320.0 * (y * PI / 30.0).sin();
    d_lon += 150.0 * (x * PI / 12.0).sin() + 300.0 * (x * PI / 30.0).sin();
    d_lat *= 2.0 / 3.0;
    d_lon *= 2.0 / 3.0;
    d_lat += -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    d_lon += 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    (
        d_lat * 180.0 / (EARTH_R * (1.0 - EE) / (magic * sqrt_magic) * PI),
        d_lon * 180.0 / (EARTH_R / sqrt_magic * rad.cos() * PI),
    )
}

/// A WGS-84 position as a GCJ-02 map draws it.
pub fn wgs84_to_gcj02(lat: f64, lon: f64) -> (f64, f64) {
    if outside_china(lat, lon) {
        return (lat, lon);
    }
    let (d_lat, d_lon) = gcj02_offset(lat, lon);
    (lat + d_lat, lon + d_lon)
}

/// The WGS-84 position a point on a GCJ-02 map stands for: the forward conversion inverted
/// by fixed-point iteration (the offset changes slowly, so a few rounds reach 1e-9°).
pub fn gcj02_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    if outside_china(lat, lon) {
        return (lat, lon);
    }
    let (mut w_lat, mut w_lon) = (lat, lon);
    for _ in 0..30 {
        let (g_lat, g_lon) = wgs84_to_gcj02(w_lat, w_lon);
        let (e_lat, e_lon) = (g_lat - lat, g_lon - lon);
        w_lat -= e_lat;
        w_lon -= e_lon;
        if e_lat.abs() < 1e-10 && e_lon.abs() < 1e-10 {
            break;
        }
    }
    (w_lat, w_lon)
}

impl MapCrs {
    /// A stored (WGS-84) position in this map's coordinates.
    pub fn from_wgs84(self, lat: f64, lon: f64) -> (f64, f64) {
        match self {
            MapCrs::Wgs84 => (lat, lon),
            MapCrs::Gcj02 => wgs84_to_gcj02(lat, lon),
        }
    }

    /// A point picked on this map as the WGS-84 position to store.
    pub fn to_wgs84(self, lat: f64, lon: f64) -> (f64, f64) {
        match self {
            MapCrs::Wgs84 => (lat, lon),
            MapCrs::Gcj02 => gcj02_to_wgs84(lat, lon),
        }
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

    /// Published reference pairs (WGS-84 → GCJ-02), from the eviltransform project's tests,
    /// to 1e-6° (about ten centimetres; the offsets themselves are hundreds of metres).
    #[test]
    fn gcj02_matches_published_pairs_and_inverts() {
        let pairs = [
            (
                (31.1774276, 121.5272106),
                (31.17530398364597, 121.531541859215),
            ),
            (
                (22.543847, 113.912316),
                (22.540796131694766, 113.9171764808363),
            ),
            (
                (39.911954, 116.377817),
                (39.91334545536069, 116.38404722455657),
            ),
            ((40.0, 116.0), (40.001213650174, 116.006141221789)),
        ];
        for ((lat, lon), (g_lat, g_lon)) in pairs {
            let (a, b) = wgs84_to_gcj02(lat, lon);
            assert!(
                (a - g_lat).abs() < 1e-6 && (b - g_lon).abs() < 1e-6,
                "({lat}, {lon}) → ({a}, {b}), published ({g_lat}, {g_lon})"
            );
            let (w_lat, w_lon) = gcj02_to_wgs84(g_lat, g_lon);
            assert!(
                (w_lat - lat).abs() < 1e-6 && (w_lon - lon).abs() < 1e-6,
                "back: ({w_lat}, {w_lon})"
            );
            // Our own forward conversion inverts to a nanodegree.
            let (r_lat, r_lon) = gcj02_to_wgs84(a, b);
            assert!(
                (r_lat - lat).abs() < 1e-9 && (r_lon - lon).abs() < 1e-9,
                "round trip: ({r_lat}, {r_lon})"
            );
            // Hundreds of metres apart: drawing GPS points on a GCJ-02 map unconverted is wrong.
            assert!(distance_m((lat, lon), (g_lat, g_lon)) > 300.0);
        }
        // Outside China nothing moves.
        assert_eq!(wgs84_to_gcj02(48.8566, 2.3522), (48.8566, 2.3522));
        assert_eq!(
            MapCrs::Gcj02.to_wgs84(35.6762, 139.6503),
            (35.6762, 139.6503)
        );
        assert_eq!(MapCrs::Wgs84.from_wgs84(31.2, 121.5), (31.2, 121.5));
    }
}
