//! Scanning: a part's barcode or a machine's label, from a phone's camera or a USB scanner.

use crate::workspace::ScanHit;

commands! {
    /// What a scanned or typed code names on this device: a part, a machine, several, nothing.
    read fn scan_code(ws, code: String) -> ScanHit { ws.scan(&code) }
}
