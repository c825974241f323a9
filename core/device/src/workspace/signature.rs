//! The customer's signature on an order.

use super::*;
use crate::Field;

impl Workspace {
    /// Capture the customer's signature (a PNG drawn on the device). The image is kept as a
    /// blob, uploaded by sync, and the order references it by hash.
    pub fn capture_signature(&mut self, id: &str, png: &[u8], signer: &str) -> Result<OrderDetail> {
        crate::blob::check_blob(png, "image/png")?;
        check_text(Field::Signer, signer, false, 200)?;
        let detail = self.get_order(id)?;
        // The allow-list's rule: no signature change once the order is completed or closed.
        if matches!(
            detail.underlying_status.as_str(),
            "completed" | "settled" | "cancelled"
        ) {
            return Err(DeviceError::refused(Refusal::SignatureClosed));
        }
        self.require_action(id, Action::Sign)?;
        let hash = crate::blob::sha256_hex(png);
        self.change_with_blobs(
            DocType::Order,
            Some(id),
            &[(&hash, "image/png", png)],
            |doc, actor| {
                let signature = SignatureRef {
                    hash: hash.clone(),
                    signer: signer.trim().to_string(),
                    by: actor.user_id.clone(),
                    at: now_ms(),
                };
                order::set_signature(doc, &signature)?;
                Ok(id.to_string())
            },
        )?;
        self.get_order(id)
    }
}
