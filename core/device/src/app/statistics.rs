//! Statistics: the supervisor's dashboard, computed on the device from its own store.

use crate::workspace::{Statistics, StatsQuery, StatsTable};

use super::field::SavedFile;
use super::orders::SavedReport;

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
    /// One of those tables as CSV, saved under exports/.
    task fn export_statistics_table(app, query: StatsQuery, table: StatsTable) -> SavedFile {
        let csv = app.read(|ws| ws.statistics_csv(&query, &ws.directory()?, table))?;
        let name = format!("statistics-{}-{}.csv", table.name(), chrono::Utc::now().format("%Y%m%d-%H%M%S"));
        let path = app.save_file("exports", &name, csv.as_bytes())?;
        Ok(SavedFile { path, data_base64: super::encode_base64(csv.as_bytes()) })
    }
    /// The staff assessment report (one page per technician) as a PDF, saved under reports/.
    task fn assessment_report(app, query: StatsQuery) -> SavedReport {
        let pdf = crate::app::declare::blocking({
            let app = app.clone();
            move || app.read(|ws| {
                let company = ws.company_name();
                let directory = ws.directory()?;
                let (heading, people) = crate::assessment::gather(ws, &query, &directory, &company)?;
                let pages = crate::assessment::assessment_pages(&heading, &people);
                let words: String = pages.iter().flatten().map(|(_, t)| t.as_str()).collect();
                let (font, index) = crate::report::cjk_font_for(&words, crate::report::SYSTEM_CJK_FONTS);
                crate::assessment::assessment_pdf(&pages, &font, index)
            })
        })
        .await?;
        let name = format!("assessment-{}.pdf", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
        let path = app.save_file("reports", &name, &pdf)?;
        Ok(SavedReport { path, bytes: pdf.len(), data_base64: super::encode_base64(&pdf) })
    }
    /// The staff assessment as an XLSX workbook (a row per technician, their ratings on a
    /// second sheet), saved under exports/.
    task fn export_assessment(app, query: StatsQuery) -> SavedFile {
        let bytes = app.read(|ws| {
            let company = ws.company_name();
            let (heading, people) = crate::assessment::gather(ws, &query, &ws.directory()?, &company)?;
            crate::assessment::assessment_xlsx(&heading, &people)
        })?;
        let name = format!("assessment-{}.xlsx", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
        let path = app.save_file("exports", &name, &bytes)?;
        Ok(SavedFile { path, data_base64: super::encode_base64(&bytes) })
    }
}
