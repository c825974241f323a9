//! Human-readable places for positions. Offline: the nearest known customer site within
//! range, else the nearest place of the embedded GeoNames gazetteer (cities of 1,000 people
//! or more, shipped inside the reverse_geocoder crate). Online and only when configured: a
//! Nominatim-compatible reverse-geocoding service fills in the full street address later.

use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{DeviceError, Result};
use crate::geo::distance_m;

/// A known site this close to a position names the place.
pub const SITE_RANGE_M: f64 = 1_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AddressSource {
    /// A customer site this device knows.
    Site,
    /// The embedded gazetteer: town, region, country.
    Gazetteer,
    /// The configured reverse-geocoding service.
    Provider,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Address {
    pub text: String,
    pub source: AddressSource,
    /// How far the named place is from the position (0 for a provider's street address).
    pub distance_m: f64,
}

/// A customer site as address lookup needs it.
pub struct KnownSite<'a> {
    pub customer: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub lat: f64,
    pub lon: f64,
}

fn gazetteer() -> &'static reverse_geocoder::ReverseGeocoder {
    static GAZETTEER: OnceLock<reverse_geocoder::ReverseGeocoder> = OnceLock::new();
    GAZETTEER.get_or_init(reverse_geocoder::ReverseGeocoder::new)
}

/// The best offline name for a position.
pub fn offline_address(lat: f64, lon: f64, sites: &[KnownSite<'_>]) -> Address {
    let nearest = sites
        .iter()
        .map(|s| (distance_m((lat, lon), (s.lat, s.lon)), s))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((d, s)) = nearest
        && d <= SITE_RANGE_M
    {
        let place = [s.customer, s.name, s.address]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        return Address {
            text: place,
            source: AddressSource::Site,
            distance_m: d,
        };
    }
    let found = gazetteer().search((lat, lon));
    let r = found.record;
    let text = [r.name.as_str(), r.admin1.as_str(), r.cc.as_str()]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Address {
        text,
        source: AddressSource::Gazetteer,
        distance_m: distance_m((lat, lon), (r.lat, r.lon)),
    }
}

/// An HTTP client for the geocoding service (the app has no HTTP stack of its own).
/// The language to ask a geocoding service for: the UI's own when it looks like an
/// Accept-Language value, English otherwise.
pub fn accept_language(asked: &str) -> &str {
    if asked.len() <= 40
        && asked
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ",-;=.".contains(c))
    {
        asked
    } else {
        "en"
    }
}

/// One GET to the service's `path`, every failure in words; the answer when it succeeded.
async fn ask(
    client: &reqwest::Client,
    base_url: &str,
    path: &str,
    query: &[(&str, &str)],
    timeout: Duration,
) -> Result<reqwest::Response> {
    let base = base_url.trim().trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(DeviceError::invalid(format!(
            "the geocoding service '{base}' is not an http(s) address"
        )));
    }
    let resp = client
        .get(format!("{base}/{path}"))
        .query(query)
        .header(reqwest::header::USER_AGENT, "FieldOps (field service app)")
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| {
            DeviceError::Network(if e.is_timeout() {
                "the geocoding service did not answer in time".to_string()
            } else {
                format!("cannot reach the geocoding service: {e}")
            })
        })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(DeviceError::Network(format!(
            "the geocoding service answered {status}"
        )));
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct NominatimReverse {
    display_name: Option<String>,
    error: Option<String>,
}

/// Ask a Nominatim-compatible service (`{base}/reverse?format=jsonv2&lat=..&lon=..`) for the
/// full address, in `language` (e.g. "zh-CN,en"). Every failure comes back in words.
pub async fn reverse_geocode(
    client: &reqwest::Client,
    base_url: &str,
    lat: f64,
    lon: f64,
    language: &str,
    timeout: Duration,
) -> Result<String> {
    crate::geo::check_coordinates(lat, lon)?;
    let resp = ask(
        client,
        base_url,
        "reverse",
        &[
            ("format", "jsonv2"),
            ("lat", &format!("{lat:.6}")),
            ("lon", &format!("{lon:.6}")),
            ("accept-language", language),
        ],
        timeout,
    )
    .await?;
    let body: NominatimReverse = resp.json().await.map_err(|_| {
        DeviceError::Network("the geocoding service sent something that is not its JSON".into())
    })?;
    match (body.display_name, body.error) {
        (Some(name), _) if !name.trim().is_empty() && name.chars().count() <= 1000 => {
            Ok(name.trim().to_string())
        }
        (_, Some(err)) => Err(DeviceError::Network(format!(
            "the geocoding service: {err}"
        ))),
        _ => Err(DeviceError::Network(
            "the geocoding service knows no address here".into(),
        )),
    }
}

/// A place a geocoding service found for typed words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct GeocodeHit {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Deserialize)]
struct NominatimPlace {
    display_name: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
}

/// The most places one search returns.
pub const MAX_GEOCODE_HITS: usize = 5;

/// Ask a Nominatim-compatible service (`{base}/search?format=jsonv2&q=..`) where an address is,
/// in `language`: at most five places, each checked as a position any place can have.
pub async fn geocode(
    client: &reqwest::Client,
    base_url: &str,
    query: &str,
    language: &str,
    timeout: Duration,
) -> Result<Vec<GeocodeHit>> {
    let query = query.trim();
    crate::model::check_text(fieldops_domain::error::Field::Address, query, true, 300)?;
    let resp = ask(
        client,
        base_url,
        "search",
        &[
            ("format", "jsonv2"),
            ("q", query),
            ("limit", "5"),
            ("accept-language", language),
        ],
        timeout,
    )
    .await?;
    let places: Vec<NominatimPlace> = resp.json().await.map_err(|_| {
        DeviceError::Network("the geocoding service sent something that is not its JSON".into())
    })?;
    Ok(places
        .into_iter()
        .filter_map(|p| {
            let lat = p.lat?.trim().parse::<f64>().ok()?;
            let lon = p.lon?.trim().parse::<f64>().ok()?;
            let label = p.display_name?.trim().chars().take(300).collect::<String>();
            (crate::geo::check_coordinates(lat, lon).is_ok() && !label.is_empty())
                .then_some(GeocodeHit { label, lat, lon })
        })
        .take(MAX_GEOCODE_HITS)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn known_sites_first_then_the_gazetteer() {
        let sites = [KnownSite {
            customer: "上海华东医疗",
            name: "张江工厂",
            address: "蔡伦路 88 号",
            lat: 31.2036,
            lon: 121.5906,
        }];
        let near = offline_address(31.2040, 121.5906, &sites);
        assert_eq!(near.source, AddressSource::Site);
        assert_eq!(near.text, "上海华东医疗 · 张江工厂 · 蔡伦路 88 号");
        assert!(near.distance_m < 50.0);
        // Beijing's centre, far from any known site: the gazetteer names the city.
        let beijing = offline_address(39.9087, 116.3975, &sites);
        assert_eq!(beijing.source, AddressSource::Gazetteer);
        assert!(
            beijing.text.contains("Beijing") && beijing.text.ends_with("CN"),
            "{beijing:?}"
        );
        // Stockholm (Kista).
        let kista = offline_address(59.4032, 17.9442, &[]);
        assert!(
            kista.text.ends_with("SE") && kista.distance_m < 5_000.0,
            "{kista:?}"
        );
    }

    /// A one-shot HTTP server on 127.0.0.1 that answers with `response` (or never, if None).
    async fn fake_service(response: Option<&'static str>) -> String {
        fake_service_for(
            "GET /reverse?format=jsonv2&lat=31.203600&lon=121.590600",
            response,
        )
        .await
    }

    /// `fake_service`, for requests starting with `expected`.
    async fn fake_service_for(expected: &'static str, response: Option<&'static str>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).to_string();
                assert!(request.starts_with(expected), "{request}");
                match response {
                    Some(r) => {
                        let _ = sock.write_all(r.as_bytes()).await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(5)).await,
                }
            }
        });
        format!("http://{addr}")
    }

    fn http(status: &str, body: &str) -> &'static str {
        Box::leak(
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_boxed_str(),
        )
    }

    #[tokio::test]
    async fn the_service_fills_the_address_and_its_failures_are_reported() {
        let client = crate::net::http_client(Duration::from_secs(10)).unwrap();
        let ask = |url: String| {
            let client = client.clone();
            async move {
                reverse_geocode(
                    &client,
                    &url,
                    31.2036,
                    121.5906,
                    "zh-CN,en",
                    Duration::from_millis(400),
                )
                .await
            }
        };
        let ok = fake_service(Some(http(
            "200 OK",
            r#"{"display_name":"蔡伦路 88 号, 张江镇, 浦东新区, 上海市, 中国"}"#,
        )))
        .await;
        assert_eq!(
            ask(ok).await.unwrap(),
            "蔡伦路 88 号, 张江镇, 浦东新区, 上海市, 中国"
        );
        let cases = [
            (
                Some(http("500 Internal Server Error", "{}")),
                "answered 500",
            ),
            (
                Some(http("200 OK", "<html>rate limited</html>")),
                "not its JSON",
            ),
            (
                Some(http("200 OK", r#"{"error":"Unable to geocode"}"#)),
                "Unable to geocode",
            ),
            (None, "did not answer in time"),
        ];
        for (response, expected) in cases {
            let url = fake_service(response).await;
            let err = ask(url).await.unwrap_err().to_string();
            assert!(err.contains(expected), "{err} / {expected}");
        }
        let err = ask("ftp://example".into()).await.unwrap_err().to_string();
        assert!(err.contains("not an http(s) address"), "{err}");
        let refused = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", l.local_addr().unwrap())
        };
        assert!(
            ask(refused)
                .await
                .unwrap_err()
                .to_string()
                .contains("cannot reach")
        );
    }

    #[tokio::test]
    async fn a_search_gives_at_most_five_valid_places() {
        let client = crate::net::http_client(Duration::from_secs(10)).unwrap();
        let body = r#"[
            {"display_name":"蔡伦路 88 号, 浦东新区, 上海市","lat":"31.2036","lon":"121.5906"},
            {"display_name":"broken","lat":"north","lon":"121"},
            {"display_name":"off the globe","lat":"95","lon":"121"}
        ]"#;
        let url = fake_service_for(
            "GET /search?format=jsonv2&q=%E8%94%A1%E4%BC%A6%E8%B7%AF+88",
            Some(http("200 OK", body)),
        )
        .await;
        let hits = geocode(
            &client,
            &url,
            " 蔡伦路 88 ",
            "zh-CN,en",
            Duration::from_secs(2),
        )
        .await
        .unwrap();
        assert_eq!(
            hits,
            vec![GeocodeHit {
                label: "蔡伦路 88 号, 浦东新区, 上海市".into(),
                lat: 31.2036,
                lon: 121.5906
            }]
        );
        assert!(
            geocode(&client, &url, "  ", "en", Duration::from_secs(2))
                .await
                .is_err(),
            "nothing typed"
        );
        let bad = fake_service_for("GET /search", Some(http("200 OK", "<html/>"))).await;
        let err = geocode(&client, &bad, "x", "en", Duration::from_secs(2))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("not its JSON"), "{err}");
    }
}
