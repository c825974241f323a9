//! Statistics: the supervisor's dashboard, computed on the device from its own store.

use crate::workspace::{Statistics, StatsQuery};

commands! {
    /// The dashboard's figures for a period and filters, with the orders behind each.
    read fn statistics(ws, query: StatsQuery) -> Statistics { ws.statistics(&query) }
}
