//! Statistics: the supervisor's dashboard, computed on the device from its own store.

use crate::workspace::{Statistics, StatsQuery};

use super::field::SavedFile;

commands! {
    /// The dashboard's figures for a period and filters, with the orders behind each.
    read fn statistics(ws, query: StatsQuery) -> Statistics { ws.statistics(&query) }
    /// The same figures as an XLSX workbook, saved under exports/.
    task fn export_statistics(app, query: StatsQuery) -> SavedFile {
        let bytes = app.read(|ws| ws.statistics_xlsx(&query, &ws.directory()?))?;
        let name = format!("statistics-{}.xlsx", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
        let path = app.save_file("exports", &name, &bytes)?;
        Ok(SavedFile { path, data_base64: super::encode_base64(&bytes) })
    }
}
