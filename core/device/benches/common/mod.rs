//! What the device benchmarks share: a signed-in supervisor's store and a timer.

use std::path::Path;
use std::time::Instant;

use fieldops_device::model::Role;
use fieldops_device::protocol::UserInfo;
use fieldops_device::workspace::{Session, Workspace};

pub const SUPERVISOR: &str = "00000000-0000-7000-8000-000000000001";

/// A store at `path` signed in as a supervisor of the company "bench".
pub fn supervisor_store(path: &Path) -> Workspace {
    let mut ws = Workspace::open(path).expect("open");
    let user = UserInfo {
        id: SUPERVISOR.into(),
        login: "sup".into(),
        name: "Supervisor".into(),
        role: Role::Supervisor,
        active: true,
    };
    ws.begin_login("bench", "sup").expect("login");
    ws.set_session(
        Session {
            server_url: "http://127.0.0.1:1".into(),
            tenant: "bench".into(),
            user,
            device_id: "bench".into(),
        },
        "sup",
    )
    .expect("session");
    ws
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The median of `runs` runs of `f` in milliseconds, and the last run's result.
pub fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut ms = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    (median(ms), last.expect("at least one run"))
}
