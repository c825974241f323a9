//! What a scanned or typed code names: a part (its barcode or SKU) or a machine (its serial
//! number, or the id its label carries). A phone's camera scanner and a USB scanner on a
//! desktop (which types the code and presses Enter) both end here, as does a person typing.
//! Codes compare loosely where people and labels differ: case, dashes, spaces and underscores
//! ("cr-30xa 5521" finds serial "CR30XA-5521").

use super::*;
use crate::workspace::{EquipmentView, PartView};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanHit {
    Part {
        part: PartView,
    },
    Equipment {
        equipment: EquipmentView,
    },
    /// More than one thing carries this code: the person picks.
    Several {
        parts: Vec<PartView>,
        equipment: Vec<EquipmentView>,
    },
    Nothing,
}

/// The code as a scanner sends it, without what scanners add around it (a carriage return,
/// a tab, the GS separator of GS1 codes, a symbology prefix such as `]C1`).
pub fn clean_code(code: &str) -> String {
    let code: String = code.chars().filter(|c| !c.is_control()).collect();
    let code = code.trim();
    let code = match code.strip_prefix("]") {
        Some(rest) if rest.len() > 2 && rest.is_char_boundary(2) => &rest[2..],
        _ => code,
    };
    code.trim().to_string()
}

/// The loose form codes are compared in (SQL below computes the same for stored codes).
fn loose(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | ' ' | '_'))
        .flat_map(char::to_uppercase)
        .collect()
}

const LOOSE_SQL: &str = "REPLACE(REPLACE(REPLACE(UPPER({}), '-', ''), ' ', ''), '_', '')";

fn loose_sql(column: &str) -> String {
    LOOSE_SQL.replace("{}", column)
}

impl Workspace {
    /// What `code` names on this device.
    pub fn scan(&self, code: &str) -> Result<ScanHit> {
        let code = clean_code(code);
        check_text(crate::Field::Barcode, &code, true, 200)?;
        let key = loose(&code);
        let ids = |sql: String| -> Result<Vec<String>> {
            let mut stmt = self.store.conn().prepare(&sql)?;
            let rows = stmt
                .query_map(params![code, key], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(rows)
        };
        let part_ids = ids(format!(
            "SELECT id FROM parts WHERE barcode = ?1 OR (?2 != '' AND ({} = ?2 OR {} = ?2)) ORDER BY sku",
            loose_sql("sku"),
            loose_sql("barcode")
        ))?;
        let equipment_ids = ids(format!(
            "SELECT id FROM equipment WHERE id = ?1 OR (?2 != '' AND {} = ?2) ORDER BY name",
            loose_sql("serial")
        ))?;
        let parts = part_ids
            .iter()
            .map(|id| self.get_part(id))
            .collect::<Result<Vec<_>>>()?;
        let equipment = equipment_ids
            .iter()
            .map(|id| self.get_equipment(id))
            .collect::<Result<Vec<_>>>()?;
        Ok(match (parts.len(), equipment.len()) {
            (0, 0) => ScanHit::Nothing,
            (1, 0) => ScanHit::Part {
                part: parts.into_iter().next().expect("one part"),
            },
            (0, 1) => ScanHit::Equipment {
                equipment: equipment.into_iter().next().expect("one machine"),
            },
            _ => ScanHit::Several { parts, equipment },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::model::stock::PartInfo;
    use crate::testing::*;

    fn part(sku: &str, barcode: &str) -> PartInfo {
        PartInfo {
            barcode: barcode.into(),
            ..crate::workspace::stock::tests::part_info(sku)
        }
    }

    #[test]
    fn a_code_finds_its_part_or_machine_however_it_was_typed() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let valve = sup
            .create_part(&part("CV-30XA-01", "6901234567892"))
            .unwrap();
        sup.create_part(&part("FLT-200", "")).unwrap();
        let c = sup
            .create_customer(&customer_input("深圳创新暖通工程"))
            .unwrap();
        let chiller = sup
            .create_equipment(&machine_at(
                &c,
                "2号冷水机组",
                "Carrier 30XA-252",
                "CR-30XA-5521",
            ))
            .unwrap();

        // A USB scanner types the EAN-13 and Enter; a camera scanner may add its prefix.
        for scanned in [
            "6901234567892\r\n",
            "]E06901234567892",
            "cv30xa01",
            "cv-30xa-01 ",
        ] {
            match sup.scan(scanned).unwrap() {
                ScanHit::Part { part } => assert_eq!(part.id, valve.id, "{scanned:?}"),
                other => panic!("{scanned:?}: {other:?}"),
            }
        }
        for scanned in ["CR-30XA-5521", "cr30xa 5521", chiller.id.as_str()] {
            match sup.scan(scanned).unwrap() {
                ScanHit::Equipment { equipment } => assert_eq!(equipment.id, chiller.id),
                other => panic!("{scanned:?}: {other:?}"),
            }
        }
        assert_eq!(sup.scan("NOT-A-CODE").unwrap(), ScanHit::Nothing);
        // A serial reused as a SKU: both are offered.
        sup.create_part(&part("CR30XA5521", "")).unwrap();
        match sup.scan("CR-30XA-5521").unwrap() {
            ScanHit::Several { parts, equipment } => {
                assert_eq!((parts.len(), equipment.len()), (1, 1))
            }
            other => panic!("{other:?}"),
        }
        // Nothing to look up is refused in words, not searched for.
        assert!(sup.scan(" \r\n").is_err());
    }
}
