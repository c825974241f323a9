//! Project documents: a piece of work for one customer that orders belong to (the reference
//! orders keep; query and accounting per project build on it).

use crate::error::Field;
use automerge::AutoCommit;
use automerge::transaction::Transactable;
use serde::{Deserialize, Serialize};

use super::{check_date, check_id, check_text};
use crate::crdt;
use crate::error::{DomainError, Result};
use crate::model::money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    Active,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub doc_type: String,
    pub id: String,
    pub info: ProjectInfo,
    pub created_at: i64,
    pub created_by: String,
    /// Plans for every machine of the project (each machine keeps its own visits, orders and
    /// set-asides; see `alerts::add_project_plans`).
    #[serde(default)]
    pub plans: std::collections::BTreeMap<String, super::plan::Plan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ProjectInfo {
    pub name: String,
    /// The customer's or our own reference ("PRJ-2026-07").
    #[serde(default)]
    pub code: String,
    pub customer_id: String,
    pub status: ProjectStatus,
    #[serde(default)]
    pub start_on: Option<String>,
    #[serde(default)]
    pub end_on: Option<String>,
    /// Budget in minor units of `currency`.
    #[serde(default)]
    pub budget_minor: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub description: String,
}

impl ProjectInfo {
    pub fn validate(&self) -> Result<()> {
        check_text(Field::ProjectName, &self.name, true, 200)?;
        check_text(Field::ProjectCode, &self.code, false, 60)?;
        check_id("customer", &self.customer_id)?;
        let start = self
            .start_on
            .as_deref()
            .map(|d| check_date(Field::StartDate, d))
            .transpose()?;
        let end = self
            .end_on
            .as_deref()
            .map(|d| check_date(Field::EndDate, d))
            .transpose()?;
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(DomainError::invalid("the project ends before it starts"));
        }
        if let Some(b) = self.budget_minor
            && !(0..=money::MAX_UNIT_MINOR).contains(&b)
        {
            return Err(DomainError::invalid(
                "the budget must be between 0 and 10,000,000,000",
            ));
        }
        money::check_currency(&self.currency)?;
        check_text(Field::Description, &self.description, false, 10_000)
    }

    fn normalised(&self) -> ProjectInfo {
        ProjectInfo {
            name: self.name.trim().to_string(),
            code: self.code.trim().to_string(),
            description: self.description.trim().to_string(),
            ..self.clone()
        }
    }
}

impl Project {
    pub fn from_doc(doc: &AutoCommit) -> Result<Project> {
        let p: Project = crdt::read_strict(doc, "project")?;
        p.check_invariants()?;
        Ok(p)
    }

    pub fn check_invariants(&self) -> Result<()> {
        if self.doc_type != "project" {
            return Err(DomainError::CorruptDocument(
                "doc_type is not 'project'".into(),
            ));
        }
        check_id("project id", &self.id)?;
        for (id, plan) in &self.plans {
            check_id("plan id", id)?;
            plan.validate()
                .map_err(|e| DomainError::CorruptDocument(format!("plan {id}: {e}")))?;
        }
        self.info
            .validate()
            .map_err(|e| DomainError::CorruptDocument(format!("project: {e}")))
    }
}

pub fn new_project_doc(doc: &mut AutoCommit, user_id: &str, info: &ProjectInfo) -> Result<String> {
    info.validate()?;
    let id = crdt::new_info_doc(doc, "project", user_id)?;
    // Made with the document, as a machine's: two first plans made offline share one map.
    doc.put_object(automerge::ROOT, "plans", automerge::ObjType::Map)?;
    apply_project_edit(doc, info)?;
    Ok(id)
}

pub fn apply_project_edit(doc: &mut AutoCommit, info: &ProjectInfo) -> Result<()> {
    info.validate()?;
    let current = Project::from_doc(doc).ok().map(|p| p.info);
    crdt::write_info(doc, &info.normalised(), current.as_ref())
}
