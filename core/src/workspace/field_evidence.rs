//! Site photos on orders: processed on the device (upright, metadata stripped, resized, a
//! thumbnail), both files kept in the upload queue in the same transaction as the order's
//! reference to them.

use serde::{Deserialize, Serialize};

use super::{Action, OrderDetail, Workspace};
use crate::error::{CoreError, Result};
use crate::model::order::{self, PhotoRef, Position};
use crate::model::{DocType, check_id, check_text, new_id, now_ms};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoView {
    pub id: String,
    #[serde(flatten)]
    pub photo: PhotoRef,
}

/// What the UI sends with a photo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
        check_text("photo caption", &input.caption, false, 500)?;
        if let Some(p) = &input.position {
            order::check_position(p)?;
        }
        let detail = self.require_action(id, Action::FieldEntry)?;
        if let Some(e) = &input.event_id {
            check_id("event", e)?;
            if !detail.events.iter().any(|x| &x.id == e) {
                return Err(CoreError::invalid(
                    "the photo's note or check-in is not on this order",
                ));
            }
        }
        Ok(())
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
