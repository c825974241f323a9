//! Who may change a knowledge entry: technicians write drafts of their own; supervisors and
//! admins publish, edit and archive; warehouse keepers only read.

use super::*;
use crate::model::Role;
use crate::model::knowledge::{EntryStatus, KnowledgeDoc};

pub(super) fn check_entry_change(
    actor: &Actor,
    old: Option<&KnowledgeDoc>,
    new: &KnowledgeDoc,
) -> std::result::Result<(), Violation> {
    if let Some(old) = old
        && (old.kind != new.kind
            || old.created_by != new.created_by
            || old.created_at != new.created_at
            || old.from_order != new.from_order)
    {
        return Err(Violation::new(
            "created_by",
            "an entry's kind, author and origin never change",
        ));
    }
    if new.revised.by != actor.user_id {
        return Err(Violation::new(
            "revised.by",
            "a version is saved in the name of the user who sends it",
        ));
    }
    if actor.role.manages() {
        return Ok(());
    }
    if actor.role == Role::Warehouse {
        return Err(Violation::new(
            "knowledge",
            "warehouse keepers read the knowledge base",
        ));
    }
    if old.is_none() && new.created_by != actor.user_id {
        return Err(Violation::new(
            "created_by",
            "an entry is written in the name of the user who sends it",
        ));
    }
    let own_draft =
        |k: &KnowledgeDoc| k.status == EntryStatus::Draft && k.created_by == actor.user_id;
    if old.is_some_and(|o| !own_draft(o)) {
        return Err(Violation::new(
            "status",
            "technicians edit only their own drafts",
        ));
    }
    if !own_draft(new) {
        return Err(Violation::new(
            "status",
            "only supervisors and admins publish or archive entries",
        ));
    }
    Ok(())
}
