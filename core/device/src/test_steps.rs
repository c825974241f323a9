//! Steps the scenario tests (`tests/`) share with this crate's own tests; built for them only
//! (feature `test-steps`), never into the app.

use crate::workspace::Workspace;

/// Tick every required checklist item of an order, as the technician on site would.
pub fn tick_required(tech: &mut Workspace, id: &str) {
    for item in tech
        .get_order(id)
        .unwrap()
        .checklist
        .into_iter()
        .filter(|c| c.required)
    {
        tech.set_checklist_item(id, &item.id, true).unwrap();
    }
}
