//! Customers and their sites, equipment and projects.

use crate::model::customer::CustomerInput;
use crate::model::equipment::EquipmentInfo;
use crate::model::project::ProjectInfo;
use crate::workspace::{CustomerView, EquipmentFilter, EquipmentView, ProjectView};

commands! {
    read fn list_equipment(ws, filter: EquipmentFilter) -> Vec<EquipmentView> { ws.list_equipment(&filter) }
    write fn create_equipment(ws, info: EquipmentInfo) -> EquipmentView { ws.create_equipment(&info) }
    write fn update_equipment(ws, id: String, info: EquipmentInfo) -> EquipmentView { ws.update_equipment(&id, &info) }
    read fn list_projects(ws, customer_id: Option<String>) -> Vec<ProjectView> { ws.list_projects(customer_id.as_deref()) }
    write fn create_project(ws, info: ProjectInfo) -> ProjectView { ws.create_project(&info) }
    write fn update_project(ws, id: String, info: ProjectInfo) -> ProjectView { ws.update_project(&id, &info) }
    read fn list_customers(ws) -> Vec<CustomerView> { ws.list_customers() }
    read fn get_customer(ws, id: String) -> CustomerView { ws.get_customer(&id) }
    /// Customers matching every word of `text` (name, region, contacts, sites); all when empty.
    read fn search_customers(ws, text: String) -> Vec<CustomerView> { ws.search_customers(&text) }
    write fn create_customer(ws, input: CustomerInput) -> CustomerView { ws.create_customer(&input) }
    write fn update_customer(ws, id: String, input: CustomerInput) -> CustomerView { ws.update_customer(&id, &input) }
}
