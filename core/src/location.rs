//! Where a device is: positions from a provider, distances, and the geofence verdict of a
//! check-in. A check-in outside the fence is kept and flagged, never refused.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::model::order::Position;

/// The geofence radius when neither the site nor the tenant sets one.
pub const DEFAULT_GEOFENCE_M: i64 = 200;

/// Where positions come from: the platform's geolocation on Android/iOS, nothing on desktop
/// (people type or pick a manual position there), a scripted one in tests.
pub trait LocationProvider: Send + Sync {
    /// The current position, or an error in words when this device cannot tell.
    fn current(&self) -> Result<Position>;
}

/// Desktop: no positioning hardware to ask. The UI then asks for a manual position.
pub struct NoLocation;

impl LocationProvider for NoLocation {
    fn current(&self) -> Result<Position> {
        Err(CoreError::invalid(
            "this device has no location service: enter the position by hand or pick it on the map",
        ))
    }
}

/// A fixed, scripted position (tests, demos): recorded with source `simulated`.
pub struct SimulatedLocation {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

impl SimulatedLocation {
    /// "lat,lon[,accuracy]" as in `FIELDOPS_SIMULATED_POSITION`.
    pub fn parse(text: &str) -> Result<SimulatedLocation> {
        let parts: Vec<f64> = text
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| CoreError::invalid(format!("'{text}' is not 'lat,lon[,accuracy]'")))?;
        let (lat, lon, accuracy_m) = match parts[..] {
            [lat, lon] => (lat, lon, 10.0),
            [lat, lon, acc] => (lat, lon, acc),
            _ => {
                return Err(CoreError::invalid(format!(
                    "'{text}' is not 'lat,lon[,accuracy]'"
                )));
            }
        };
        let s = SimulatedLocation {
            lat,
            lon,
            accuracy_m,
        };
        check_position(&s.position())?;
        Ok(s)
    }

    fn position(&self) -> Position {
        Position {
            lat: self.lat,
            lon: self.lon,
            accuracy_m: Some(self.accuracy_m),
            altitude_m: None,
            mock: None,
            source: "simulated".into(),
        }
    }
}

impl LocationProvider for SimulatedLocation {
    fn current(&self) -> Result<Position> {
        Ok(self.position())
    }
}

/// One reading from the platform's geolocation (the Tauri geolocation plugin on Android and
/// iOS), in the plugin's own terms.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformFix {
    pub latitude: f64,
    pub longitude: f64,
    pub accuracy_m: f64,
    pub altitude_m: Option<f64>,
    /// Android's "from a mock-location app" flag, where the platform tells it.
    pub mock: Option<bool>,
}

impl PlatformFix {
    /// The position to record, or a clear error. A reading of exactly 0°, 0° with no accuracy
    /// is what the plugin returns where it has no real position (its desktop build), not a
    /// place in the Gulf of Guinea, so it is refused rather than recorded.
    pub fn into_position(self) -> Result<Position> {
        if self.latitude == 0.0 && self.longitude == 0.0 && self.accuracy_m <= 0.0 {
            return Err(CoreError::invalid(
                "the device gave no position: turn location on, or enter the position by hand",
            ));
        }
        let p = Position {
            lat: self.latitude,
            lon: self.longitude,
            accuracy_m: Some(self.accuracy_m),
            // Platforms report 0 for "unknown" altitude as often as they leave it out.
            altitude_m: self.altitude_m.filter(|a| *a != 0.0),
            mock: self.mock,
            source: "gps".into(),
        };
        check_position(&p)?;
        Ok(p)
    }
}

/// Refuse what no device can have measured.
pub fn check_position(p: &Position) -> Result<()> {
    crate::model::customer::check_coordinates(p.lat, p.lon)?;
    if let Some(a) = p.accuracy_m
        && (!a.is_finite() || a <= 0.0 || a > 1_000_000.0)
    {
        return Err(CoreError::invalid(format!(
            "accuracy {a} m is not a positive distance"
        )));
    }
    if let Some(alt) = p.altitude_m
        && (!alt.is_finite() || !(-500.0..=10_000.0).contains(&alt))
    {
        return Err(CoreError::invalid(format!(
            "altitude {alt} m is outside -500..10000"
        )));
    }
    if !matches!(
        p.source.as_str(),
        "gps" | "network" | "manual" | "simulated"
    ) {
        return Err(CoreError::invalid(format!(
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
        Err(CoreError::invalid(
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
            assert!(matches!(err, CoreError::Invalid(_)), "{p:?}: {err}");
        }
        assert!(
            check_radius(9).is_err() && check_radius(50_001).is_err() && check_radius(200).is_ok()
        );
    }

    #[test]
    fn providers() {
        assert!(
            NoLocation
                .current()
                .unwrap_err()
                .to_string()
                .contains("by hand")
        );
        let s = SimulatedLocation::parse("31.2036, 121.5906, 8").unwrap();
        let p = s.current().unwrap();
        assert_eq!(
            (p.lat, p.lon, p.accuracy_m, p.source.as_str()),
            (31.2036, 121.5906, Some(8.0), "simulated")
        );
        assert!(SimulatedLocation::parse("91,0").is_err());
        assert!(SimulatedLocation::parse("abc").is_err());
        assert!(SimulatedLocation::parse("1,2,3,4").is_err());
    }

    #[test]
    fn platform_fixes_become_gps_positions_or_clear_errors() {
        let fix = PlatformFix {
            latitude: 31.2036,
            longitude: 121.5906,
            accuracy_m: 6.5,
            altitude_m: Some(12.0),
            mock: Some(true),
        };
        let p = fix.clone().into_position().unwrap();
        assert_eq!(
            (
                p.lat,
                p.lon,
                p.accuracy_m,
                p.altitude_m,
                p.mock,
                p.source.as_str()
            ),
            (31.2036, 121.5906, Some(6.5), Some(12.0), Some(true), "gps")
        );
        let unknown_altitude = PlatformFix {
            altitude_m: Some(0.0),
            ..fix.clone()
        };
        assert_eq!(unknown_altitude.into_position().unwrap().altitude_m, None);
        let zero = PlatformFix {
            latitude: 0.0,
            longitude: 0.0,
            accuracy_m: 0.0,
            altitude_m: None,
            mock: None,
        };
        assert!(
            zero.into_position()
                .unwrap_err()
                .to_string()
                .contains("no position")
        );
        for bad in [
            PlatformFix {
                latitude: f64::NAN,
                ..fix.clone()
            },
            PlatformFix {
                latitude: 95.0,
                ..fix.clone()
            },
            PlatformFix {
                accuracy_m: 0.0,
                ..fix.clone()
            },
            PlatformFix {
                altitude_m: Some(f64::INFINITY),
                ..fix.clone()
            },
        ] {
            assert!(bad.clone().into_position().is_err(), "{bad:?}");
        }
    }
}
