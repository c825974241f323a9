use super::*;
use crate::model::order::SignatureRef;

#[test]
fn devices_cannot_forge_received_times_or_anothers_signature() {
    let (_, mut tech, id) = dispatched();
    tech.accept_order(&id).unwrap();
    let (_, doc) = tech.store.load(&id).unwrap().unwrap();
    let old = TypedDoc::parse(DocType::Order, &doc).unwrap();
    let actor = Actor {
        user_id: TECH_A.into(),
        role: Role::Technician,
    };
    let event = old_event_id(&old);
    let mut forged = doc.clone();
    crate::model::order::set_received(&mut forged, &[(event, 1)]).unwrap();
    assert_eq!(refused_path(&actor, &old, &forged), "received");
    let mut forged = doc.clone();
    let sig = SignatureRef {
        hash: crate::blob::sha256_hex(b"x"),
        signer: "someone".into(),
        by: TECH_B.into(),
        at: 1,
    };
    crate::model::order::set_signature(&mut forged, &sig).unwrap();
    assert_eq!(refused_path(&actor, &old, &forged), "signature.by");
    // Tech B, never dispatched to this order, may not sign it at all.
    let b = Actor {
        user_id: TECH_B.into(),
        role: Role::Technician,
    };
    assert_eq!(refused_path(&b, &old, &forged), "signature");
    // The real capture path stores the blob and the reference together.
    let png = crate::blob::tiny_png();
    let o = tech.capture_signature(&id, &png, "王先生").unwrap();
    let hash = o.signature.unwrap().hash;
    assert_eq!(tech.store.blob(&hash).unwrap().unwrap().1, png);
    assert_eq!(tech.store.pending_blobs().unwrap().len(), 1);
}

fn old_event_id(doc: &TypedDoc) -> String {
    match doc {
        TypedDoc::Order(o) => o.events[0].id.clone(),
        _ => unreachable!("an order"),
    }
}
