//! Where this device is: the providers of its position (the platform's geolocation, none on
//! desktop, a scripted one in tests). The rules about positions live in `fieldops_domain::geo`.

use crate::Refusal;
use crate::error::{DeviceError, Result};
use crate::geo::{Position, check_position};

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
        Err(DeviceError::refused(Refusal::NoLocationService))
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
            .map_err(|_| DeviceError::invalid(format!("'{text}' is not 'lat,lon[,accuracy]'")))?;
        let (lat, lon, accuracy_m) = match parts[..] {
            [lat, lon] => (lat, lon, 10.0),
            [lat, lon, acc] => (lat, lon, acc),
            _ => {
                return Err(DeviceError::invalid(format!(
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
            return Err(DeviceError::refused(Refusal::NoPositionFix));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers() {
        assert_eq!(
            NoLocation.current().unwrap_err().body().refusal,
            Some(Refusal::NoLocationService)
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
        assert_eq!(
            zero.into_position().unwrap_err().body().refusal,
            Some(Refusal::NoPositionFix)
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
