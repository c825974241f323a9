//! An order's money: charge lines, cost lines, labour.

use super::*;
use crate::Field;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChargeView {
    pub id: String,
    #[serde(flatten)]
    pub line: ChargeLine,
    pub amounts: LineAmounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CostView {
    pub id: String,
    #[serde(flatten)]
    pub line: CostLine,
    pub amount: i64,
    /// For a parts cost tied to a stock movement: the part's catalogue cost now, when it is
    /// not what the line says (a price changed since, or a line written past the app). The
    /// line is kept as recorded; whoever settles the order sees the difference.
    pub catalogue_cost_minor: Option<i64>,
}

/// What a technician types for a charge line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ChargeInput {
    pub kind: ChargeKind,
    #[serde(default)]
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    #[serde(default)]
    pub discount_bp: i64,
    #[serde(default)]
    pub tax_rate_bp: i64,
    pub currency: String,
}

/// What a supervisor types for a cost line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct CostInput {
    pub kind: CostKind,
    #[serde(default)]
    pub description: String,
    pub quantity_milli: i64,
    pub unit_cost_minor: i64,
    pub currency: String,
}

impl Workspace {
    /// Add (line_id None) or replace one of my charge lines.
    pub fn put_charge(
        &mut self,
        id: &str,
        line_id: Option<&str>,
        input: &ChargeInput,
    ) -> Result<OrderDetail> {
        money::check_line(
            input.quantity_milli,
            input.unit_price_minor,
            input.discount_bp,
            input.tax_rate_bp,
            &input.currency,
        )?;
        check_text(Field::Description, &input.description, false, 500)?;
        self.require_action(id, Action::Worksheet)?;
        let line_id = line_id.map(str::to_string).unwrap_or_else(new_id);
        check_id("charge line", &line_id)?;
        self.change(DocType::Order, Some(id), |doc, actor| {
            let line = ChargeLine {
                kind: input.kind,
                description: input.description.trim().to_string(),
                quantity_milli: input.quantity_milli,
                unit_price_minor: input.unit_price_minor,
                discount_bp: input.discount_bp,
                tax_rate_bp: input.tax_rate_bp,
                currency: input.currency.clone(),
                by: actor.user_id.clone(),
                at: now_ms(),
                movement_id: None,
            };
            order::put_line(doc, "charges", &line_id, &line)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn delete_charge(&mut self, id: &str, line_id: &str) -> Result<OrderDetail> {
        self.delete_money_line(id, "charges", line_id, Action::Worksheet)
    }

    /// Remove a charge or cost line (`map` is "charges" or "costs"); the allow-list decides
    /// whose lines the user may remove.
    pub(super) fn delete_money_line(
        &mut self,
        id: &str,
        map: &str,
        line_id: &str,
        wanted: Action,
    ) -> Result<OrderDetail> {
        check_id("line", line_id)?;
        self.require_action(id, wanted)?;
        self.change(DocType::Order, Some(id), |doc, _| {
            order::delete_line(doc, map, line_id)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn put_cost(
        &mut self,
        id: &str,
        line_id: Option<&str>,
        input: &CostInput,
    ) -> Result<OrderDetail> {
        money::check_line(
            input.quantity_milli,
            input.unit_cost_minor,
            0,
            0,
            &input.currency,
        )?;
        check_text(Field::Description, &input.description, false, 500)?;
        self.require_action(id, Action::Costs)?;
        let line_id = line_id.map(str::to_string).unwrap_or_else(new_id);
        check_id("cost line", &line_id)?;
        self.change(DocType::Order, Some(id), |doc, actor| {
            let line = CostLine {
                kind: input.kind,
                description: input.description.trim().to_string(),
                quantity_milli: input.quantity_milli,
                unit_cost_minor: input.unit_cost_minor,
                currency: input.currency.clone(),
                by: actor.user_id.clone(),
                at: now_ms(),
                movement_id: None,
            };
            order::put_line(doc, "costs", &line_id, &line)?;
            Ok(id.to_string())
        })?;
        self.get_order(id)
    }

    pub fn delete_cost(&mut self, id: &str, line_id: &str) -> Result<OrderDetail> {
        self.delete_money_line(id, "costs", line_id, Action::Costs)
    }

    /// A labour cost line from the time on site (check-in to check-out) at an hourly rate.
    pub fn add_labour_cost(
        &mut self,
        id: &str,
        rate_minor_per_hour: i64,
        currency: &str,
    ) -> Result<OrderDetail> {
        let detail = self.get_order(id)?;
        if detail.on_site_ms <= 0 {
            return Err(DeviceError::refused(Refusal::NoTimeOnSite));
        }
        let hours_milli = money::mul_div_round(detail.on_site_ms, 1000, 3_600_000).max(1);
        self.put_cost(
            id,
            None,
            &CostInput {
                kind: CostKind::Labour,
                description: format!("{:.2} h on site", hours_milli as f64 / 1000.0),
                quantity_milli: hours_milli,
                unit_cost_minor: rate_minor_per_hour,
                currency: currency.to_string(),
            },
        )
    }
}
