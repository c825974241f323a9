//! Equipment (the installed base at customers' sites) and projects: created and edited by
//! supervisors, read by technicians whose orders point at them, and the service history and
//! accounting built from the orders that reference them.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::Workspace;
use crate::error::{DeviceError, Result};
use crate::model::equipment::{self, EquipmentInfo};
use crate::model::order::OrderInput;
use crate::model::project::{self, ProjectInfo};
use crate::model::{DocType, check_id};
use crate::{Refusal, Thing};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct EquipmentView {
    pub id: String,
    #[serde(flatten)]
    pub info: EquipmentInfo,
    pub customer_name: Option<String>,
    pub site_name: Option<String>,
    pub project_name: Option<String>,
    /// Completed orders that name this machine.
    pub service_count: i64,
    pub last_service_at: Option<i64>,
    /// Whether the warranty has ended by this device's local date; none without a date.
    pub warranty_expired: Option<bool>,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProjectView {
    pub id: String,
    #[serde(flatten)]
    pub info: ProjectInfo,
    pub customer_name: Option<String>,
    pub order_count: i64,
    pub open_orders: i64,
    /// Sums over the project's orders in the project's currency (minor units).
    pub charges_net: i64,
    pub costs_total: i64,
    pub gross_profit: i64,
    pub pending: bool,
}

/// Which equipment to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct EquipmentFilter {
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    /// Matches name, model and serial number.
    #[serde(default)]
    pub text: Option<String>,
}

const EQUIPMENT_SELECT: &str = "SELECT e.id, e.name, e.model, e.serial, e.customer_id, e.site_id, e.project_id,
        e.installed_on, e.warranty_until, e.maintenance_interval_days, e.notes, c.name, p.name,
        (SELECT COUNT(*) FROM records r WHERE EXISTS (SELECT 1 FROM json_each(r.equipment_ids) WHERE value = e.id)),
        (SELECT MAX(r.completed_at) FROM records r WHERE EXISTS (SELECT 1 FROM json_each(r.equipment_ids) WHERE value = e.id)),
        COALESCE(d.dirty, 0), c.sites
     FROM equipment e LEFT JOIN customers c ON c.id = e.customer_id
     LEFT JOIN projects p ON p.id = e.project_id LEFT JOIN documents d ON d.id = e.id";

/// A warranty that ran until yesterday (the company's calendar) has ended.
fn warranty_expired(until: Option<&str>, today: &str) -> Option<bool> {
    until.map(|d| d < today)
}

fn equipment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EquipmentView> {
    let site_id: String = r.get(5)?;
    let sites: Option<String> = r.get(16)?;
    let site_name = sites
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v.get(&site_id)?.get("name")?.as_str().map(str::to_string));
    Ok(EquipmentView {
        id: r.get(0)?,
        info: EquipmentInfo {
            name: r.get(1)?,
            model: r.get(2)?,
            serial: r.get(3)?,
            customer_id: r.get(4)?,
            site_id,
            project_id: r.get(6)?,
            installed_on: r.get(7)?,
            warranty_until: r.get(8)?,
            maintenance_interval_days: r.get(9)?,
            notes: r.get(10)?,
        },
        customer_name: r.get(11)?,
        site_name,
        project_name: r.get(12)?,
        service_count: r.get(13)?,
        last_service_at: r.get(14)?,
        // Judged by the caller, on the company's calendar.
        warranty_expired: None,
        pending: r.get::<_, i64>(15)? == 1,
    })
}

const PROJECT_SELECT: &str = "SELECT p.id, p.name, p.code, p.customer_id, p.status, p.start_on, p.end_on,
        p.budget_minor, p.currency, p.description, c.name,
        (SELECT COUNT(*) FROM orders o WHERE o.project_id = p.id),
        (SELECT COUNT(*) FROM orders o WHERE o.project_id = p.id AND o.status NOT IN ('completed', 'settled', 'cancelled')),
        (SELECT COALESCE(SUM(o.charges_net), 0) FROM orders o WHERE o.project_id = p.id AND o.currency = p.currency),
        (SELECT COALESCE(SUM(o.costs_total), 0) FROM orders o WHERE o.project_id = p.id AND o.currency = p.currency),
        COALESCE(d.dirty, 0)
     FROM projects p LEFT JOIN customers c ON c.id = p.customer_id LEFT JOIN documents d ON d.id = p.id";

fn project_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProjectView> {
    let status: String = r.get(4)?;
    let charges_net: i64 = r.get(13)?;
    let costs_total: i64 = r.get(14)?;
    Ok(ProjectView {
        id: r.get(0)?,
        info: ProjectInfo {
            name: r.get(1)?,
            code: r.get(2)?,
            customer_id: r.get(3)?,
            status: serde_json::from_value(serde_json::Value::String(status)).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into())
            })?,
            start_on: r.get(5)?,
            end_on: r.get(6)?,
            budget_minor: r.get(7)?,
            currency: r.get(8)?,
            description: r.get(9)?,
        },
        customer_name: r.get(10)?,
        order_count: r.get(11)?,
        open_orders: r.get(12)?,
        charges_net,
        costs_total,
        gross_profit: charges_net - costs_total,
        pending: r.get::<_, i64>(15)? == 1,
    })
}

fn like_pattern(text: Option<&str>) -> Option<String> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(|t| {
        format!(
            "%{}%",
            t.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    })
}

impl Workspace {
    pub fn create_equipment(&mut self, info: &EquipmentInfo) -> Result<EquipmentView> {
        self.check_equipment_refs(info)?;
        let id = self.change(DocType::Equipment, None, |doc, actor| {
            Ok(equipment::new_equipment_doc(doc, &actor.user_id, info)?)
        })?;
        self.get_equipment(&id)
    }

    pub fn update_equipment(&mut self, id: &str, info: &EquipmentInfo) -> Result<EquipmentView> {
        self.check_equipment_refs(info)?;
        self.change(DocType::Equipment, Some(id), |doc, _| {
            equipment::apply_equipment_edit(doc, info)?;
            Ok(id.to_string())
        })?;
        self.get_equipment(id)
    }

    pub fn get_equipment(&self, id: &str) -> Result<EquipmentView> {
        check_id("equipment", id)?;
        self.store
            .conn()
            .query_row(
                &format!("{EQUIPMENT_SELECT} WHERE e.id = ?1"),
                [id],
                equipment_from_row,
            )
            .map(|e| self.judge_warranty(vec![e]).remove(0))
            .map_err(|_| DeviceError::not_found(format!("equipment {id}")))
    }

    pub fn list_equipment(&self, filter: &EquipmentFilter) -> Result<Vec<EquipmentView>> {
        let mut stmt = self.store.conn().prepare(&format!(
            "{EQUIPMENT_SELECT}
             WHERE (?1 IS NULL OR e.customer_id = ?1) AND (?2 IS NULL OR e.project_id = ?2)
               AND (?3 IS NULL OR e.name LIKE ?3 ESCAPE '\\' OR e.model LIKE ?3 ESCAPE '\\'
                    OR e.serial LIKE ?3 ESCAPE '\\')
             ORDER BY c.name COLLATE NOCASE, e.name COLLATE NOCASE, e.id"
        ))?;
        let rows = stmt.query_map(
            params![
                filter.customer_id,
                filter.project_id,
                like_pattern(filter.text.as_deref())
            ],
            equipment_from_row,
        )?;
        Ok(self.judge_warranty(rows.collect::<rusqlite::Result<Vec<_>>>()?))
    }

    fn judge_warranty(&self, mut machines: Vec<EquipmentView>) -> Vec<EquipmentView> {
        let today = self.company_today().to_string();
        for m in &mut machines {
            m.warranty_expired = warranty_expired(m.info.warranty_until.as_deref(), &today);
        }
        machines
    }

    pub fn create_project(&mut self, info: &ProjectInfo) -> Result<ProjectView> {
        self.require_customer(&info.customer_id)?;
        let id = self.change(DocType::Project, None, |doc, actor| {
            Ok(project::new_project_doc(doc, &actor.user_id, info)?)
        })?;
        self.get_project(&id)
    }

    pub fn update_project(&mut self, id: &str, info: &ProjectInfo) -> Result<ProjectView> {
        self.require_customer(&info.customer_id)?;
        self.change(DocType::Project, Some(id), |doc, _| {
            project::apply_project_edit(doc, info)?;
            Ok(id.to_string())
        })?;
        self.get_project(id)
    }

    pub fn get_project(&self, id: &str) -> Result<ProjectView> {
        check_id("project", id)?;
        self.store
            .conn()
            .query_row(
                &format!("{PROJECT_SELECT} WHERE p.id = ?1"),
                [id],
                project_from_row,
            )
            .map_err(|_| DeviceError::not_found(format!("project {id}")))
    }

    pub fn list_projects(&self, customer_id: Option<&str>) -> Result<Vec<ProjectView>> {
        let mut stmt = self.store.conn().prepare(&format!(
            "{PROJECT_SELECT} WHERE (?1 IS NULL OR p.customer_id = ?1)
             ORDER BY p.status = 'closed', p.name COLLATE NOCASE, p.id"
        ))?;
        let rows = stmt.query_map([customer_id], project_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn require_customer(&self, customer_id: &str) -> Result<super::CustomerView> {
        check_id("customer", customer_id)?;
        self.get_customer(customer_id).map_err(|_| {
            DeviceError::refused(Refusal::Unknown {
                thing: Thing::Customer,
            })
        })
    }

    /// A machine stands at one of its customer's sites, in one of its customer's projects.
    fn check_equipment_refs(&self, info: &EquipmentInfo) -> Result<()> {
        info.validate()?;
        let customer = self.require_customer(&info.customer_id)?;
        if !customer.sites.iter().any(|s| s.id == info.site_id) {
            return Err(DeviceError::refused(Refusal::Unknown {
                thing: Thing::Site,
            }));
        }
        if let Some(p) = &info.project_id {
            self.check_project_of(p, &info.customer_id)?;
        }
        Ok(())
    }

    fn check_project_of(&self, project_id: &str, customer_id: &str) -> Result<()> {
        let project = self.get_project(project_id).map_err(|_| {
            DeviceError::refused(Refusal::Unknown {
                thing: Thing::Project,
            })
        })?;
        if project.info.customer_id != customer_id {
            return Err(DeviceError::refused(Refusal::BelongsToAnotherCustomer {
                name: project.info.name.clone(),
            }));
        }
        Ok(())
    }

    /// What an order points at must exist here and belong to the order's customer.
    pub(super) fn check_order_refs(&self, input: &OrderInput) -> Result<()> {
        input.validate()?;
        let customer = self.require_customer(&input.customer_id)?;
        if !customer.sites.iter().any(|s| s.id == input.site_id) {
            return Err(DeviceError::refused(Refusal::Unknown {
                thing: Thing::Site,
            }));
        }
        let mut seen = std::collections::BTreeSet::new();
        for e in &input.equipment_ids {
            if !seen.insert(e) {
                return Err(DeviceError::refused(Refusal::MachineListedTwice));
            }
            let machine = self.get_equipment(e).map_err(|_| {
                DeviceError::refused(Refusal::Unknown {
                    thing: Thing::Equipment,
                })
            })?;
            if machine.info.customer_id != input.customer_id {
                return Err(DeviceError::refused(Refusal::BelongsToAnotherCustomer {
                    name: machine.info.name.clone(),
                }));
            }
        }
        if input.equipment_ids.len() > 50 {
            return Err(DeviceError::refused(Refusal::TooManyMachines { max: 50 }));
        }
        if let Some(p) = &input.project_id {
            self.check_project_of(p, &input.customer_id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_warranty_is_judged_by_the_company_calendar() {
        assert_eq!(warranty_expired(None, "2026-12-02"), None);
        assert_eq!(
            warranty_expired(Some("2026-12-02"), "2026-12-02"),
            Some(false),
            "its last day"
        );
        assert_eq!(
            warranty_expired(Some("2026-12-01"), "2026-12-02"),
            Some(true)
        );
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        with_settings(&mut sup);
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        let mut info = machine(&c.id, &c.sites[0].id, "Pump");
        let today = sup.company_today();
        info.warranty_until = Some(today.to_string());
        assert_eq!(
            sup.create_equipment(&info).unwrap().warranty_expired,
            Some(false)
        );
        info.warranty_until = Some(today.pred_opt().unwrap().to_string());
        assert_eq!(
            sup.create_equipment(&info).unwrap().warranty_expired,
            Some(true)
        );
    }

    use super::*;
    use crate::model::Role;
    use crate::model::project::ProjectStatus;
    use crate::store::{OrderFilter, RecordFilter};
    use crate::testing::*;

    fn machine(customer_id: &str, site_id: &str, name: &str) -> EquipmentInfo {
        EquipmentInfo {
            name: name.into(),
            model: "Carrier 30XA-252".into(),
            serial: "SN-2024-0815".into(),
            customer_id: customer_id.into(),
            site_id: site_id.into(),
            project_id: None,
            installed_on: Some("2024-03-01".into()),
            warranty_until: Some("2027-02-28".into()),
            maintenance_interval_days: Some(90),
            notes: String::new(),
        }
    }

    fn project_info(customer_id: &str) -> ProjectInfo {
        ProjectInfo {
            name: "冷站改造 Chiller plant retrofit".into(),
            code: "PRJ-2026-07".into(),
            customer_id: customer_id.into(),
            status: ProjectStatus::Active,
            start_on: Some("2026-06-01".into()),
            end_on: Some("2026-12-31".into()),
            budget_minor: Some(50_000_000),
            currency: "CNY".into(),
            description: String::new(),
        }
    }

    fn count(ws: &Workspace, table: &str) -> i64 {
        ws.store
            .conn()
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn bad_equipment_and_projects_are_refused_and_nothing_is_saved() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let a = sup.create_customer(&customer_input("Acme")).unwrap();
        let b = sup.create_customer(&customer_input("Other")).unwrap();
        let site = a.sites[0].id.clone();
        let cases: Vec<(EquipmentInfo, &str)> = vec![
            (
                EquipmentInfo {
                    name: " ".into(),
                    ..machine(&a.id, &site, "x")
                },
                "equipment name is required",
            ),
            (
                EquipmentInfo {
                    installed_on: Some("2024-02-30".into()),
                    ..machine(&a.id, &site, "x")
                },
                "not a date",
            ),
            (
                EquipmentInfo {
                    warranty_until: Some("2023-01-01".into()),
                    ..machine(&a.id, &site, "x")
                },
                "warranty ends before",
            ),
            (
                EquipmentInfo {
                    maintenance_interval_days: Some(0),
                    ..machine(&a.id, &site, "x")
                },
                "maintenance interval",
            ),
            (
                machine(&a.id, &b.sites[0].id, "x"),
                "one of the customer's sites",
            ),
        ];
        for (info, expected) in cases {
            let err = sup.create_equipment(&info).unwrap_err();
            assert!(err.code() == crate::ErrorCode::InvalidInput, "{err}");
            assert!(err.to_string().contains(expected), "{err} / {expected}");
        }
        let p = sup.create_project(&project_info(&b.id)).unwrap();
        let err = sup
            .create_equipment(&EquipmentInfo {
                project_id: Some(p.id.clone()),
                ..machine(&a.id, &site, "x")
            })
            .unwrap_err();
        assert!(err.to_string().contains("another customer"), "{err}");
        let err = sup
            .create_project(&ProjectInfo {
                end_on: Some("2026-01-01".into()),
                ..project_info(&a.id)
            })
            .unwrap_err();
        assert!(err.to_string().contains("ends before it starts"), "{err}");
        let err = sup
            .create_project(&ProjectInfo {
                currency: "yuan".into(),
                ..project_info(&a.id)
            })
            .unwrap_err();
        assert!(err.to_string().contains("ISO 4217"), "{err}");
        assert_eq!(count(&sup, "equipment"), 0);
        assert_eq!(count(&sup, "projects"), 1);
        assert_eq!(count(&sup, "documents WHERE doc_type = 'equipment'"), 0);
    }

    #[test]
    fn orders_point_only_at_their_customers_equipment_and_projects() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let a = sup.create_customer(&customer_input("Acme")).unwrap();
        let b = sup.create_customer(&customer_input("Other")).unwrap();
        let theirs = sup
            .create_equipment(&machine(&b.id, &b.sites[0].id, "Theirs"))
            .unwrap();
        let their_project = sup.create_project(&project_info(&b.id)).unwrap();
        let mut input = order_input(&a.id, &a.sites[0].id, "noise");
        input.equipment_ids = vec![theirs.id.clone()];
        let err = sup.create_order(&input).unwrap_err();
        assert!(err.to_string().contains("another customer"), "{err}");
        input.equipment_ids = vec![crate::model::new_id()];
        let err = sup.create_order(&input).unwrap_err();
        assert!(err.to_string().contains("known equipment"), "{err}");
        input.equipment_ids = vec![];
        input.project_id = Some(their_project.id);
        let err = sup.create_order(&input).unwrap_err();
        assert!(err.to_string().contains("another customer"), "{err}");
        assert_eq!(count(&sup, "orders"), 0);
    }

    #[test]
    fn service_history_and_project_accounting_come_from_the_orders() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let c = sup
            .create_customer(&customer_input("上海华东医疗"))
            .unwrap();
        let site = c.sites[0].id.clone();
        let project = sup.create_project(&project_info(&c.id)).unwrap();
        let chiller = sup
            .create_equipment(&EquipmentInfo {
                project_id: Some(project.id.clone()),
                ..machine(&c.id, &site, "2号冷水机组")
            })
            .unwrap();
        let pump = sup
            .create_equipment(&machine(&c.id, &site, "Pump P-3"))
            .unwrap();
        assert_eq!(chiller.customer_name.as_deref(), Some("上海华东医疗"));
        assert_eq!(chiller.site_name.as_deref(), Some("Main plant"));
        assert_eq!(
            chiller.project_name.as_deref(),
            Some(project.info.name.as_str())
        );
        assert_eq!(chiller.service_count, 0);

        let mut input = order_input(&c.id, &site, "压缩机异响");
        input.equipment_ids = vec![chiller.id.clone()];
        input.project_id = Some(project.id.clone());
        let id = sup.create_order(&input).unwrap().summary.id;
        sup.put_cost(
            &id,
            None,
            &crate::workspace::CostInput {
                kind: crate::model::order::CostKind::Travel,
                description: "taxi".into(),
                quantity_milli: 1000,
                unit_cost_minor: 8_000,
                currency: "CNY".into(),
            },
        )
        .unwrap();
        sup.dispatch_order(&id, &[TECH_A.to_string()], false)
            .unwrap();

        // The technician's device has the order and what it points at.
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        let seen = tech.get_order(&id).unwrap();
        assert_eq!(seen.equipment.len(), 1);
        assert_eq!(seen.equipment[0].info.serial, "SN-2024-0815");
        assert_eq!(
            seen.project.as_ref().map(|p| p.id.as_str()),
            Some(project.id.as_str())
        );
        let err = tech
            .update_equipment(&chiller.id, &machine(&c.id, &site, "renamed"))
            .unwrap_err();
        assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");
        let err = tech.create_project(&project_info(&c.id)).unwrap_err();
        assert!(err.code() == crate::ErrorCode::Forbidden, "{err}");

        tech.accept_order(&id).unwrap();
        tech.check_in(&id, None).unwrap();
        tick_required(&mut tech, &id);
        tech.complete_order(&id, "更换压缩机阀门").unwrap();
        exchange(&tech, &mut sup);

        let chiller = sup.get_equipment(&chiller.id).unwrap();
        assert_eq!(chiller.service_count, 1);
        assert!(chiller.last_service_at.is_some());
        assert_eq!(sup.get_equipment(&pump.id).unwrap().service_count, 0);
        let history = sup
            .list_records(&RecordFilter {
                equipment_id: Some(chiller.id.clone()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].resolution.as_deref(), Some("更换压缩机阀门"));
        let none = sup
            .list_records(&RecordFilter {
                equipment_id: Some(pump.id.clone()),
                ..Default::default()
            })
            .unwrap();
        assert!(none.is_empty());

        let p = sup.get_project(&project.id).unwrap();
        assert_eq!((p.order_count, p.open_orders), (1, 0));
        assert_eq!(p.costs_total, 8_000);
        assert_eq!(p.gross_profit, -8_000);
        let orders = sup
            .list_orders(&OrderFilter {
                project_id: Some(project.id.clone()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(orders.len(), 1);
        let by_machine = sup
            .list_orders(&OrderFilter {
                equipment_id: Some(pump.id.clone()),
                ..Default::default()
            })
            .unwrap();
        assert!(by_machine.is_empty());
        let listed = sup
            .list_equipment(&EquipmentFilter {
                text: Some("0815".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(listed.len(), 2, "both machines share the serial prefix");
    }

    #[test]
    fn concurrent_edits_of_different_equipment_fields_both_survive() {
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let c = sup.create_customer(&customer_input("Acme")).unwrap();
        let site = c.sites[0].id.clone();
        let m = sup
            .create_equipment(&machine(&c.id, &site, "Chiller"))
            .unwrap();
        let mut other = workspace(SUPERVISOR, Role::Supervisor);
        exchange(&sup, &mut other);
        sup.update_equipment(
            &m.id,
            &EquipmentInfo {
                serial: "SN-NEW".into(),
                ..m.info.clone()
            },
        )
        .unwrap();
        other
            .update_equipment(
                &m.id,
                &EquipmentInfo {
                    warranty_until: Some("2028-02-28".into()),
                    ..m.info.clone()
                },
            )
            .unwrap();
        exchange(&other, &mut sup);
        exchange(&sup, &mut other);
        for ws in [&sup, &other] {
            let merged = ws.get_equipment(&m.id).unwrap();
            assert_eq!(merged.info.serial, "SN-NEW");
            assert_eq!(merged.info.warranty_until.as_deref(), Some("2028-02-28"));
        }
    }
}
