//! The customer portal as supervisors run it: each machine's and customer's portal link, the
//! label sheet of machines' QR codes, and revoking a link. The server holds the tokens; these
//! commands ask it and carry the answers (a device offline cannot make a link).

use reqwest::Method;

use crate::labels::{Label, label_sheet};
use crate::portal::{LinkKind, LinksRequest, PortalLink, RevokeLink};
use crate::{DeviceError, Result};

use super::App;
use super::encode_base64;
use super::orders::SavedReport;

async fn links(
    app: &App,
    kind: LinkKind,
    targets: Vec<String>,
    reissue: bool,
) -> Result<Vec<PortalLink>> {
    let http = app.http().ok_or(DeviceError::NotSignedIn)?;
    let ask = LinksRequest {
        kind,
        targets,
        reissue,
    };
    http.send_json(Method::POST, "/v1/admin/portal/links", &ask)
        .await
}

/// Whether a link was revoked.
#[derive(Debug, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Revoked {
    pub revoked: bool,
}

commands! {
    /// Whether customers' tracking pages show the technician's mobile number.
    read fn portal_shows_phone(ws) -> bool { ws.portal_shows_phone() }
    /// Show (or stop showing) the technician's mobile number to customers (administrators).
    write fn set_portal_shows_phone(ws, on: bool) -> bool { ws.set_portal_shows_phone(on) }
    /// The portal address of each machine or customer named; new ones (the old stop working)
    /// when `reissue`.
    task fn portal_links(app, kind: LinkKind, targets: Vec<String>, reissue: bool) -> Vec<PortalLink> {
        links(&app, kind, targets, reissue).await
    }
    /// Stop a machine's or customer's portal link (its labels no longer open the form).
    task fn revoke_portal_link(app, kind: LinkKind, target: String) -> Revoked {
        let http = app.http().ok_or(DeviceError::NotSignedIn)?;
        http.send_json(Method::POST, "/v1/admin/portal/revoke", &RevokeLink { kind, target }).await
    }
    /// The label sheet PDF of these machines' QR codes, saved on the device; `reissue` first
    /// replaces their links (labels printed before stop working).
    task fn print_machine_labels(app, equipment_ids: Vec<String>, reissue: bool) -> SavedReport {
        let found = links(&app, LinkKind::Machine, equipment_ids, reissue).await?;
        let pdf = crate::app::declare::blocking({
            let app = app.clone();
            move || {
                app.read(|ws| {
                    let labels = found
                        .iter()
                        .map(|l| {
                            let e = ws.get_equipment(&l.target)?;
                            Ok(Label {
                                url: l.url.clone(),
                                name: e.info.name.clone(),
                                model: e.info.model.clone(),
                                serial: e.info.serial.clone(),
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let words: String = labels
                        .iter()
                        .map(|l| format!("{} {} {} ", l.name, l.model, l.serial))
                        .collect::<String>()
                        + crate::labels::INSTRUCTION_ZH;
                    let (font, index) =
                        crate::report::cjk_font_for(&words, crate::report::SYSTEM_CJK_FONTS);
                    label_sheet(&labels, &font, index)
                })
            }
        })
        .await?;
        let name = format!("machine-labels-{}.pdf", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
        let path = app.save_file("labels", &name, &pdf)?;
        Ok(SavedReport { path, bytes: pdf.len(), data_base64: encode_base64(&pdf) })
    }
}
