//! Site photos on orders: processed on the device (upright, metadata stripped, resized, a
//! thumbnail), both files kept in the upload queue in the same transaction as the order's
//! reference to them.

use crate::Field;
use serde::{Deserialize, Serialize};

use super::{Action, OrderDetail, Workspace};
use crate::Refusal;
use crate::error::{DeviceError, Result};
use crate::geo::Position;
use crate::model::order::{self, PhotoRef};
use crate::model::{DocType, check_id, check_text, new_id, now_ms};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PhotoView {
    pub id: String,
    #[serde(flatten)]
    pub photo: PhotoRef,
}

/// What the UI sends with a photo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct PhotoInput {
    #[serde(default)]
    pub caption: String,
    /// The progress note or check-in the photo belongs to.
    #[serde(default)]
    pub event_id: Option<String>,
    #[serde(default)]
    pub position: Option<Position>,
}

impl Workspace {
    /// Attach a photo (JPEG, PNG or WebP as the camera or picker gave it) to an order.
    pub fn attach_photo(
        &mut self,
        id: &str,
        bytes: &[u8],
        input: &PhotoInput,
    ) -> Result<OrderDetail> {
        // Refuse cheaply before the (slow) image work.
        self.check_photo_input(id, input)?;
        let processed = crate::photo::process(bytes)?;
        self.attach_processed_photo(id, &processed, input)
    }

    /// The order-side checks of a photo: run before processing and again when attaching.
    pub fn check_photo_input(&self, id: &str, input: &PhotoInput) -> Result<()> {
        check_text(Field::PhotoCaption, &input.caption, false, 500)?;
        if let Some(p) = &input.position {
            crate::geo::check_position(p)?;
        }
        let detail = self.require_action(id, Action::FieldEntry)?;
        if let Some(e) = &input.event_id {
            check_id("event", e)?;
            if !detail.events.iter().any(|x| &x.id == e) {
                return Err(DeviceError::invalid(
                    "the photo's note or check-in is not on this order",
                ));
            }
        }
        Ok(())
    }

    /// The lines a watermarked photo of this order carries (time, place, order number), or
    /// None when the company does not watermark photos.
    pub fn watermark_lines(&self, id: &str, input: &PhotoInput) -> Result<Option<Vec<String>>> {
        if !self.photo_watermark()? {
            return Ok(None);
        }
        let order = self.get_order(id)?;
        let place = match &input.position {
            Some(p) => self.address_for(p.lat, p.lon, &self.list_customers()?).text,
            None => [
                order.summary.customer_name.clone().unwrap_or_default(),
                order
                    .site
                    .as_ref()
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
            ]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        };
        let time = chrono::Local::now().format("%Y-%m-%d %H:%M").to_string();
        Ok(Some(vec![time, place, order.summary.display_number]))
    }

    /// Attach a photo already run through `photo::process` (the app does that work off the
    /// store lock and off the UI thread).
    pub fn attach_processed_photo(
        &mut self,
        id: &str,
        processed: &crate::photo::Processed,
        input: &PhotoInput,
    ) -> Result<OrderDetail> {
        self.check_photo_input(id, input)?;
        let full_hash = crate::blob::sha256_hex(&processed.full);
        let thumb_hash = crate::blob::sha256_hex(&processed.thumb);
        let photo = PhotoRef {
            hash: full_hash.clone(),
            thumb_hash: thumb_hash.clone(),
            caption: input.caption.trim().to_string(),
            width: i64::from(processed.width),
            height: i64::from(processed.height),
            by: self.actor()?.user_id,
            at: now_ms(),
            event_id: input.event_id.clone(),
            position: input.position.clone(),
        };
        let photo_id = new_id();
        self.change_with_blobs(
            DocType::Order,
            Some(id),
            &[
                (&thumb_hash, "image/jpeg", &processed.thumb),
                (&full_hash, "image/jpeg", &processed.full),
            ],
            |doc, _| {
                order::put_photo(doc, &photo_id, &photo)?;
                Ok(id.to_string())
            },
        )?;
        self.get_order(id)
    }
}

/// An order's site on the map, coloured by the order's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MapSite {
    pub order_id: String,
    pub display_number: String,
    #[ts(as = "crate::model::order::Status")]
    pub status: String,
    pub customer_name: Option<String>,
    pub site_name: String,
    pub lat: f64,
    pub lon: f64,
    pub assignees: Vec<String>,
}

/// A check-in or check-out with a position, and its geofence verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MapCheckIn {
    pub event_id: String,
    pub order_id: String,
    pub display_number: String,
    pub user_id: String,
    /// `checked_in` or `checked_out`.
    #[ts(type = "\"checked_in\" | \"checked_out\"")]
    pub kind: String,
    pub at: i64,
    pub lat: f64,
    pub lon: f64,
    pub source: String,
    pub verdict: Option<crate::geo::FenceVerdict>,
    pub distance_m: Option<f64>,
    pub radius_m: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MapData {
    /// Open orders, and closed ones with activity in the period.
    pub sites: Vec<MapSite>,
    /// Check-ins and check-outs in the period, oldest first.
    pub check_ins: Vec<MapCheckIn>,
    /// Each person's latest recorded position (whenever it was).
    pub last_positions: Vec<MapCheckIn>,
}

impl Workspace {
    /// What the supervisor's map shows for the period [from, to) (ms since the epoch).
    pub fn map_data(&self, from: i64, to: i64) -> Result<MapData> {
        if to <= from {
            return Err(DeviceError::refused(Refusal::PeriodReversed));
        }
        let radius_default = self.geofence_default()?;
        let customers: std::collections::BTreeMap<String, super::CustomerView> = self
            .list_customers()?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
        let site_of = |customer_id: &str, site_id: &str| {
            customers
                .get(customer_id)
                .and_then(|c| c.sites.iter().find(|s| s.id == site_id))
        };
        let conn = self.store.conn();
        let mut sites = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT o.id, o.number, o.status, o.customer_id, o.site_id, o.assignees FROM orders o
             WHERE o.status NOT IN ('completed', 'settled', 'cancelled')
                OR (o.updated_at >= ?1 AND o.updated_at < ?2)
                OR (o.scheduled_start >= ?1 AND o.scheduled_start < ?2)
             ORDER BY o.id",
        )?;
        let rows = stmt.query_map(rusqlite::params![from, to], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (id, number, status, customer_id, site_id, assignees) = row?;
            if let Some(site) = site_of(&customer_id, &site_id) {
                sites.push(MapSite {
                    display_number: number.unwrap_or_else(|| super::provisional_number(&id)),
                    order_id: id,
                    status,
                    customer_name: customers.get(&customer_id).map(|c| c.name.clone()),
                    site_name: site.name.clone(),
                    lat: site.lat,
                    lon: site.lon,
                    assignees: serde_json::from_str(&assignees).unwrap_or_default(),
                });
            }
        }
        let check_in =
            |r: &rusqlite::Row<'_>| -> rusqlite::Result<(MapCheckIn, String, String, Option<f64>)> {
                let id: String = r.get(1)?;
                let number: Option<String> = r.get(2)?;
                Ok((
                    MapCheckIn {
                        event_id: r.get(0)?,
                        display_number: number.unwrap_or_else(|| super::provisional_number(&id)),
                        order_id: id,
                        user_id: r.get(3)?,
                        kind: r.get(4)?,
                        at: r.get(5)?,
                        lat: r.get(6)?,
                        lon: r.get(7)?,
                        source: r.get(9)?,
                        verdict: None,
                        distance_m: None,
                        radius_m: None,
                    },
                    r.get(10)?,
                    r.get(11)?,
                    r.get(8)?,
                ))
            };
        let judge = |(mut c, customer_id, site_id, accuracy_m): (
            MapCheckIn,
            String,
            String,
            Option<f64>,
        )| {
            if let Some(site) = site_of(&customer_id, &site_id) {
                let position = Position {
                    lat: c.lat,
                    lon: c.lon,
                    accuracy_m,
                    altitude_m: None,
                    mock: None,
                    source: c.source.clone(),
                };
                let fence = site.fence(Some(&position), radius_default);
                c.verdict = Some(fence.verdict);
                c.distance_m = fence.distance_m;
                c.radius_m = Some(fence.radius_m);
            }
            c
        };
        const SELECT: &str =
            "SELECT k.event_id, k.order_id, o.number, k.user_id, k.kind, k.at, k.lat, k.lon,
                k.accuracy_m, k.source, o.customer_id, o.site_id
             FROM checkins k JOIN orders o ON o.id = k.order_id WHERE k.lat IS NOT NULL";
        let mut stmt = conn.prepare(&format!(
            "{SELECT} AND k.at >= ?1 AND k.at < ?2 ORDER BY k.at, k.event_id"
        ))?;
        let check_ins = stmt
            .query_map(rusqlite::params![from, to], check_in)?
            .map(|r| r.map(judge))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = conn.prepare(&format!(
            "{SELECT} AND k.at = (SELECT MAX(k2.at) FROM checkins k2 WHERE k2.user_id = k.user_id AND k2.lat IS NOT NULL)
             ORDER BY k.user_id"
        ))?;
        let last_positions = stmt
            .query_map([], check_in)?
            .map(|r| r.map(judge))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(MapData {
            sites,
            check_ins,
            last_positions,
        })
    }
}

fn geocode_key(lat: f64, lon: f64) -> String {
    format!("{lat:.5},{lon:.5}")
}

impl Workspace {
    /// The address of a position: what the geocoding service said (if it was asked and
    /// answered before), else the nearest known site or gazetteer place.
    pub fn address_for(
        &self,
        lat: f64,
        lon: f64,
        customers: &[super::CustomerView],
    ) -> crate::address::Address {
        let cached: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT text FROM geocode_cache WHERE key = ?1",
                [geocode_key(lat, lon)],
                |r| r.get(0),
            )
            .ok();
        if let Some(text) = cached {
            return crate::address::Address {
                text,
                source: crate::address::AddressSource::Provider,
                distance_m: 0.0,
            };
        }
        let sites: Vec<crate::address::KnownSite<'_>> = customers
            .iter()
            .flat_map(|c| {
                c.sites.iter().map(move |s| crate::address::KnownSite {
                    customer: &c.name,
                    name: &s.name,
                    address: &s.address,
                    lat: s.lat,
                    lon: s.lon,
                })
            })
            .collect();
        crate::address::offline_address(lat, lon, &sites)
    }

    /// Positions of an order's check-ins that the geocoding service has not named yet.
    pub fn positions_to_geocode(&self, id: &str) -> Result<Vec<(f64, f64)>> {
        let detail = self.get_order(id)?;
        let mut out: Vec<(f64, f64)> = detail
            .check_ins
            .iter()
            .filter(|c| {
                c.address
                    .as_ref()
                    .is_some_and(|a| a.source != crate::address::AddressSource::Provider)
            })
            .filter_map(|c| c.position.as_ref().map(|p| (p.lat, p.lon)))
            .collect();
        out.dedup_by(|a, b| geocode_key(a.0, a.1) == geocode_key(b.0, b.1));
        Ok(out)
    }

    /// Keep what the geocoding service said about a position.
    pub fn cache_geocoded(&self, lat: f64, lon: f64, text: &str) -> Result<()> {
        check_text(Field::Address, text, true, 1000)?;
        self.store.conn().execute(
            "INSERT OR REPLACE INTO geocode_cache(key, text, at) VALUES (?1, ?2, ?3)",
            rusqlite::params![geocode_key(lat, lon), text, now_ms()],
        )?;
        Ok(())
    }
}
