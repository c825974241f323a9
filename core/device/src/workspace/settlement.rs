//! The settlement list (费用核算): completed and settled orders with their money, each
//! order's margin, and totals per currency (amounts in different currencies never add up).

use serde::{Deserialize, Serialize};

use super::{OrderSummary, Workspace};
use crate::Result;
use crate::model::money::mul_div_round;
use crate::store::OrderFilter;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SettlementRow {
    #[serde(flatten)]
    pub order: OrderSummary,
    /// Gross profit over net charges, in basis points (1234 = 12.34 %); none without charges.
    pub margin_bp: Option<i64>,
}

/// The sums of one currency's orders (orders with no money line yet count in none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SettlementTotals {
    pub currency: String,
    pub orders: i64,
    pub charges_net: i64,
    pub costs_total: i64,
    pub gross_profit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Settlement {
    pub rows: Vec<SettlementRow>,
    pub totals: Vec<SettlementTotals>,
}

impl Workspace {
    pub fn settlement(&self) -> Result<Settlement> {
        let orders = self.list_orders(&OrderFilter {
            statuses: Some(vec!["completed".into(), "settled".into()]),
            ..OrderFilter::default()
        })?;
        let mut totals: Vec<SettlementTotals> = Vec::new();
        for o in &orders {
            let Some(currency) = &o.currency else {
                continue;
            };
            let t = match totals.iter_mut().position(|t| &t.currency == currency) {
                Some(i) => &mut totals[i],
                None => {
                    totals.push(SettlementTotals {
                        currency: currency.clone(),
                        orders: 0,
                        charges_net: 0,
                        costs_total: 0,
                        gross_profit: 0,
                    });
                    totals.last_mut().expect("just pushed")
                }
            };
            t.orders += 1;
            t.charges_net += o.charges_net;
            t.costs_total += o.costs_total;
            t.gross_profit += o.gross_profit;
        }
        let rows = orders
            .into_iter()
            .map(|order| SettlementRow {
                margin_bp: (order.charges_net != 0)
                    .then(|| mul_div_round(order.gross_profit, 10_000, order.charges_net)),
                order,
            })
            .collect();
        Ok(Settlement { rows, totals })
    }
}
