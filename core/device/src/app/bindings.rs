//! The TypeScript side of the contract, written from the command declarations: every type a
//! command takes or returns (through ts-rs, 64-bit integers as `number`: they are
//! milliseconds, minor units and counts, all far below 2^53) and one client function per
//! command. `ui/src/generated/commands.ts` holds the result; a test fails when it is stale,
//! and `make bindings` writes it anew.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use ts_rs::{Config, TS, TypeVisitor};

use super::declare::signatures;

/// Where the generated file lives, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/generated/commands.ts";

fn config() -> Config {
    Config::new().with_large_int("number")
}

pub(super) fn ts_name<T: TS + ?Sized>() -> String {
    T::name(&config())
}

/// Collects the declaration of every named type reachable from the commands.
pub struct Collect {
    cfg: Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl Collect {
    pub(super) fn add<T: TS + 'static + ?Sized>(&mut self) {
        self.visit::<T>();
    }
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        if T::output_path().is_some() {
            let name = T::ident(&self.cfg);
            let docs = T::docs().map(|d| format!("{d}\n")).unwrap_or_default();
            let decl = format!("{docs}export {}", T::decl(&self.cfg));
            if self.decls.get(&name).is_some_and(|other| *other != decl) {
                panic!(
                    "two Rust types are called {name} in TypeScript: rename one with #[ts(rename)]"
                );
            }
            self.decls.insert(name, decl);
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// Every value of a string enum as a TypeScript array (for pickers), read off the enum's own
/// union type so that a variant added in Rust appears without anyone listing it.
fn value_list<T: TS + ?Sized>(const_name: &str) -> String {
    let cfg = config();
    let union = T::inline(&cfg);
    let values: Vec<&str> = union.split(" | ").collect();
    assert!(
        values
            .iter()
            .all(|v| v.starts_with('"') && v.ends_with('"')),
        "{} is not a union of strings: {union}",
        T::ident(&cfg)
    );
    format!(
        "export const {const_name} = [{}] as const satisfies readonly {}[];\n\n",
        values.join(", "),
        T::ident(&cfg)
    )
}

fn value_lists() -> Vec<String> {
    use crate::alerts::AlertKind;
    use crate::model::knowledge::{EntryKind, EntryStatus};
    use crate::model::order::{ChargeKind, CostKind, OrderType, Priority, Status};
    use crate::model::plan::{PeriodUnit, PlanAnchor, PlanKind};
    use crate::model::project::ProjectStatus;
    vec![
        value_list::<ChargeKind>("CHARGE_KINDS"),
        value_list::<CostKind>("COST_KINDS"),
        value_list::<OrderType>("ORDER_TYPES"),
        value_list::<Priority>("PRIORITIES"),
        value_list::<Status>("STATUSES"),
        value_list::<ProjectStatus>("PROJECT_STATUSES"),
        value_list::<AlertKind>("ALERT_KINDS"),
        value_list::<PlanKind>("PLAN_KINDS"),
        value_list::<PeriodUnit>("PERIOD_UNITS"),
        value_list::<PlanAnchor>("PLAN_ANCHORS"),
        value_list::<EntryKind>("ENTRY_KINDS"),
        value_list::<EntryStatus>("ENTRY_STATUSES"),
    ]
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole generated file.
pub fn typescript() -> String {
    let mut collect = Collect {
        cfg: config(),
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    let commands = signatures();
    for c in &commands {
        (c.visit)(&mut collect);
    }
    // Every failed command answers with this.
    collect.add::<crate::ErrorBody>();
    let mut out = String::from(
        "// Generated from the Rust command declarations (core/device/src/app): do not edit.\n\
         // `make bindings` writes it anew; a Rust test fails when it is stale.\n\n",
    );
    for decl in collect.decls.values() {
        out.push_str(decl);
        out.push_str("\n\n");
    }
    for values in value_lists() {
        out.push_str(&values);
    }
    out.push_str("/** The transport: Tauri IPC in the app, the HTTP bridge in a browser. */\n");
    out.push_str(
        "export type Call = <T>(command: string, args: Record<string, unknown>) => Promise<T>;\n\n",
    );
    out.push_str("/** Every command of the app, as typed functions over a transport. */\n");
    out.push_str("export function commands(call: Call) {\n  return {\n");
    for c in &commands {
        for line in c.doc.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push_str(&format!("    /** {line} */\n"));
        }
        let params: Vec<String> = c
            .args
            .iter()
            .map(|(name, ty)| format!("{}: {ty}", camel(name)))
            .collect();
        let names: Vec<String> = c.args.iter().map(|(name, _)| camel(name)).collect();
        out.push_str(&format!(
            "    {}: ({}): Promise<{}> => call(\"{}\", {{ {} }}),\n",
            camel(c.name),
            params.join(", "),
            c.returns,
            c.name,
            names.join(", ")
        ));
    }
    out.push_str("  };\n}\n\nexport type Commands = ReturnType<typeof commands>;\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An argument becomes a TypeScript parameter of the same name: a reserved word there
    /// (`new`, `default` …) would break the UI's build.
    #[test]
    fn no_argument_is_named_like_a_typescript_keyword() {
        const RESERVED: &[&str] = &[
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "debugger",
            "default",
            "delete",
            "do",
            "else",
            "enum",
            "export",
            "extends",
            "false",
            "finally",
            "for",
            "function",
            "if",
            "import",
            "in",
            "instanceof",
            "new",
            "null",
            "return",
            "super",
            "switch",
            "this",
            "throw",
            "true",
            "try",
            "typeof",
            "var",
            "void",
            "while",
            "with",
            "yield",
            "let",
            "static",
            "implements",
            "interface",
            "package",
            "private",
            "protected",
            "public",
            "await",
        ];
        for c in signatures() {
            for (name, _) in &c.args {
                assert!(
                    !RESERVED.contains(&camel(name).as_str()),
                    "command {}: argument `{name}` is a TypeScript keyword",
                    c.name
                );
            }
        }
    }

    /// The UI's bindings are what the Rust declarations say. Run `make bindings` after changing
    /// a command or a type that crosses to the UI.
    #[test]
    fn generated_bindings_are_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = root.join(BINDINGS_PATH);
        let fresh = typescript();
        if std::env::var_os("FIELDOPS_WRITE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `make bindings` and commit the result",
            path.display()
        );
    }

    #[test]
    fn every_command_is_declared_once() {
        let names: Vec<&str> = signatures().iter().map(|c| c.name).collect();
        let unique: HashSet<&&str> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(names.contains(&"list_orders") && names.contains(&"sync_now"));
    }

    #[test]
    fn names_and_integers_come_out_as_the_ui_reads_them() {
        let ts = typescript();
        assert!(ts.contains("listOrders: (filter: OrderFilter): Promise<Array<OrderSummary>> => call(\"list_orders\", { filter })"), "{ts}");
        assert!(!ts.contains("bigint"));
    }
}
