//! The dispatcher's schedule: per technician, the orders planned in a day or a week on a time
//! axis, each with its window (its scheduled end, else its type's default duration), the
//! technician's load against their working hours, and the next free slot; the open orders
//! nobody has yet beside it. Planning an order puts it on a technician at a time in one step.

use super::*;
use crate::model::order::Status;
use crate::model::settings::WorkDay;

/// Planning snaps to this grid.
pub const SLOT_MIN: i64 = 30;
const DAY_MS: i64 = 86_400_000;
const MIN_MS: i64 = 60_000;

/// Which days the board shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ScheduleQuery {
    /// The first day, `YYYY-MM-DD` in the dispatcher's calendar.
    pub day: String,
    /// 1 (a day) or 7 (a week).
    pub days: i64,
    /// The dispatcher's UTC offset, minutes (what `Date.getTimezoneOffset` gives, negated).
    pub tz_offset_min: i64,
    /// The length of the free slot to look for, minutes; absent: one hour.
    #[serde(default)]
    pub slot_min: Option<i64>,
}

/// An order on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlannedOrder {
    pub order: OrderSummary,
    /// Its window; absent for an order with no time yet.
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub duration_min: i64,
    /// It overlaps another order of the same technician.
    pub overlaps: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TechnicianSchedule {
    pub technician: UserInfo,
    /// Orders led by this technician with a window in the shown days, by start.
    pub planned: Vec<PlannedOrder>,
    /// Their open orders with no time yet.
    pub unscheduled: Vec<PlannedOrder>,
    /// Minutes of planned work inside the shown working hours, and those hours.
    pub load_min: i64,
    pub capacity_min: i64,
    /// The first free slot of `slot_min` in working hours, from now or the first shown day,
    /// up to `LOOKAHEAD_DAYS` on (late in the day, that is tomorrow morning).
    pub next_free: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ScheduleBoard {
    /// The shown time: midnight of the first day to midnight after the last.
    pub from: i64,
    pub to: i64,
    pub work_day_start_min: i64,
    pub work_day_end_min: i64,
    /// Planning snaps to this many minutes.
    pub grid_min: i64,
    pub slot_min: i64,
    pub technicians: Vec<TechnicianSchedule>,
    /// Open orders nobody leads (or whose technician declined), most urgent first.
    pub unassigned: Vec<PlannedOrder>,
}

/// The window `[start, end)` of `day` (local) and the next `days` days, in UTC milliseconds.
fn window(q: &ScheduleQuery) -> Result<(i64, i64)> {
    let date = chrono::NaiveDate::parse_from_str(&q.day, "%Y-%m-%d")
        .map_err(|_| DeviceError::invalid(format!("'{}' is not a date (YYYY-MM-DD)", q.day)))?;
    if !matches!(q.days, 1 | 7) {
        return Err(DeviceError::invalid("the board shows a day or a week"));
    }
    if !(-14 * 60..=14 * 60).contains(&q.tz_offset_min) {
        return Err(DeviceError::invalid("no time zone is that far from UTC"));
    }
    let midnight = date
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or_default()
        - q.tz_offset_min * MIN_MS;
    Ok((midnight, midnight + q.days * DAY_MS))
}

/// The working hours of each shown day, as `[start, end)` in UTC milliseconds.
fn working_hours(from: i64, days: i64, work: WorkDay) -> Vec<(i64, i64)> {
    (0..days)
        .map(|d| {
            let day = from + d * DAY_MS;
            (day + work.start_min * MIN_MS, day + work.end_min * MIN_MS)
        })
        .collect()
}

/// How far past the first shown day the next free slot is looked for.
const LOOKAHEAD_DAYS: i64 = 14;

fn overlap(a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0)
}

/// The first `len`-long gap in `hours` after `earliest` that no `busy` window touches, on the
/// planning grid.
fn first_free(hours: &[(i64, i64)], busy: &[(i64, i64)], earliest: i64, len: i64) -> Option<i64> {
    let grid = SLOT_MIN * MIN_MS;
    for &(open, close) in hours {
        let mut t = open.max(earliest);
        // Up to the next grid line, counted from the working day's start.
        t = open + (t - open + grid - 1).div_euclid(grid) * grid;
        while t + len <= close {
            match busy
                .iter()
                .filter(|b| overlap(**b, (t, t + len)) > 0)
                .map(|b| b.1)
                .max()
            {
                None => return Some(t),
                Some(end) => t = open + (end - open + grid - 1).div_euclid(grid) * grid,
            }
        }
    }
    None
}

impl Workspace {
    /// How long an order takes: its own window, else its type's default duration.
    fn duration_min(&self, o: &OrderSummary, templates: &[TemplateView]) -> i64 {
        if let (Some(s), Some(e)) = (o.scheduled_start, o.scheduled_end)
            && e > s
        {
            return (e - s) / MIN_MS;
        }
        templates
            .iter()
            .find(|t| crate::model::enum_name(&t.order_type) == o.order_type)
            .map_or(60, |t| t.template.default_duration_min.max(SLOT_MIN))
    }

    pub fn schedule_board(&self, q: &ScheduleQuery) -> Result<ScheduleBoard> {
        let (from, to) = window(q)?;
        let work = self.work_day()?;
        let slot_min = q
            .slot_min
            .unwrap_or(60)
            .clamp(SLOT_MIN, work.end_min - work.start_min);
        let templates = self.templates()?;
        let open: Vec<OrderSummary> = self
            .list_orders(&OrderFilter::default())?
            .into_iter()
            .filter(|o| {
                crate::model::enum_from_name::<Status>(&o.status).is_some_and(Status::is_open)
            })
            .collect();
        let plan = |o: &OrderSummary| {
            let duration_min = self.duration_min(o, &templates);
            let start = o.scheduled_start;
            PlannedOrder {
                order: o.clone(),
                start,
                end: start.map(|s| s + duration_min * MIN_MS),
                duration_min,
                overlaps: false,
            }
        };
        let directory = self.directory()?;
        let lead = |o: &OrderSummary| {
            o.assignees
                .first()
                .cloned()
                .filter(|_| o.status != "rejected")
        };
        // Columns for the technicians who may take work, and anyone (deactivated since) who
        // still leads an open order.
        let mut people: Vec<UserInfo> = self.technicians()?;
        for o in &open {
            if let Some(id) = lead(o)
                && !people.iter().any(|p| p.id == id)
                && let Some(u) = directory.iter().find(|u| u.id == id)
            {
                people.push(u.clone());
            }
        }
        let hours = working_hours(from, q.days, work);
        let ahead = working_hours(from, q.days.max(LOOKAHEAD_DAYS), work);
        let capacity_min = hours.iter().map(|h| (h.1 - h.0) / MIN_MS).sum();
        let now = now_ms();
        let mut technicians = Vec::new();
        for person in people {
            let mine: Vec<PlannedOrder> = open
                .iter()
                .filter(|o| lead(o).as_deref() == Some(person.id.as_str()))
                .map(plan)
                .collect();
            let (mut planned, unscheduled): (Vec<_>, Vec<_>) =
                mine.into_iter().partition(|p| p.start.is_some());
            // Everything planned counts for overlaps and free slots, shown or not.
            let busy: Vec<(i64, i64)> = planned
                .iter()
                .filter_map(|p| Some((p.start?, p.end?)))
                .collect();
            planned
                .retain(|p| matches!((p.start, p.end), (Some(s), Some(e)) if s < to && e > from));
            planned.sort_by_key(|p| p.start);
            for p in planned.iter_mut() {
                let me = (p.start.unwrap_or_default(), p.end.unwrap_or_default());
                p.overlaps = busy.iter().filter(|b| overlap(**b, me) > 0).count() > 1;
            }
            let load_min = planned
                .iter()
                .map(|p| {
                    let w = (p.start.unwrap_or_default(), p.end.unwrap_or_default());
                    hours.iter().map(|h| overlap(*h, w)).sum::<i64>() / MIN_MS
                })
                .sum();
            technicians.push(TechnicianSchedule {
                next_free: first_free(&ahead, &busy, from.max(now), slot_min * MIN_MS),
                technician: person,
                planned,
                unscheduled,
                load_min,
                capacity_min,
            });
        }
        let mut unassigned: Vec<PlannedOrder> = open
            .iter()
            .filter(|o| lead(o).is_none())
            .map(plan)
            .collect();
        let urgency = |p: &PlannedOrder| match p.order.priority.as_str() {
            "urgent" => 0,
            "high" => 1,
            "normal" => 2,
            _ => 3,
        };
        unassigned.sort_by_key(|p| (urgency(p), p.start.unwrap_or(i64::MAX), p.order.created_at));
        Ok(ScheduleBoard {
            from,
            to,
            work_day_start_min: work.start_min,
            work_day_end_min: work.end_min,
            grid_min: SLOT_MIN,
            slot_min,
            technicians,
            unassigned,
        })
    }

    /// Put an order on `technician` (when they do not lead it yet) at `start`, keeping its
    /// duration. Without a start it keeps its time, or, having none, takes the technician's
    /// next free slot this week (none free: it stays without a time). Taking work under way
    /// off someone is refused as in `dispatch_order` unless `over_work`.
    pub fn plan_order(
        &mut self,
        id: &str,
        technician: &str,
        start: Option<i64>,
        over_work: bool,
    ) -> Result<OrderDetail> {
        if start.is_some_and(|s| !(0..=4_102_444_800_000).contains(&s)) {
            return Err(DeviceError::invalid(
                "the start is not a time the board shows",
            ));
        }
        let current = self.get_order(id)?;
        let templates = self.templates()?;
        let duration_min = self.duration_min(&current.summary, &templates);
        let duration = duration_min * MIN_MS;
        let start = match (start, current.summary.scheduled_start) {
            (Some(s), _) | (None, Some(s)) => Some(s),
            (None, None) => {
                let offset = i64::from(local_offset_min());
                let today = chrono::DateTime::from_timestamp_millis(now_ms() + offset * MIN_MS)
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                self.schedule_board(&ScheduleQuery {
                    day: today,
                    days: 7,
                    tz_offset_min: offset,
                    slot_min: Some(duration_min),
                })?
                .technicians
                .into_iter()
                .find(|t| t.technician.id == technician)
                .and_then(|t| t.next_free)
            }
        };
        if current.summary.assignees.first().map(String::as_str) != Some(technician)
            || current.summary.status == "rejected"
        {
            self.dispatch_order(id, &[technician.to_string()], over_work)?;
        }
        if let Some(start) = start
            && (
                current.summary.scheduled_start,
                current.summary.scheduled_end,
            ) != (Some(start), Some(start + duration))
        {
            self.change(DocType::Order, Some(id), |doc, _| {
                order::set_schedule(doc, Some(start), Some(start + duration))?;
                Ok(id.to_string())
            })?;
        }
        self.get_order(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::order::Priority;

    const H: i64 = 60 * MIN_MS;

    #[test]
    fn the_first_free_slot_skips_busy_windows_and_keeps_to_working_hours() {
        let day = 1_000 * DAY_MS;
        let hours = working_hours(day, 2, WorkDay::default());
        let busy = [
            (day + 8 * H, day + 10 * H),
            (day + 10 * H + 30 * MIN_MS, day + 17 * H),
        ];
        // 10:00–10:30 is too short for an hour; 17:00–18:00 fits.
        assert_eq!(first_free(&hours, &busy, day, H), Some(day + 17 * H));
        // Two hours do not fit on the first day: the next morning.
        assert_eq!(
            first_free(&hours, &busy, day, 2 * H),
            Some(day + DAY_MS + 8 * H)
        );
        // From 09:10, the grid's next line after the busy morning.
        assert_eq!(
            first_free(&hours, &[], day + 9 * H + 10 * MIN_MS, H),
            Some(day + 9 * H + 30 * MIN_MS)
        );
        assert_eq!(first_free(&hours, &busy, day + 2 * DAY_MS, H), None);
    }

    #[test]
    fn the_window_is_the_local_day() {
        let q = ScheduleQuery {
            day: "2026-12-04".into(),
            days: 1,
            tz_offset_min: 480,
            slot_min: None,
        };
        let (from, to) = window(&q).unwrap();
        // Midnight in Shanghai is 16:00 UTC the day before.
        assert_eq!(
            chrono::DateTime::from_timestamp_millis(from)
                .unwrap()
                .to_rfc3339(),
            "2026-12-03T16:00:00+00:00"
        );
        assert_eq!(to - from, DAY_MS);
        assert!(
            window(&ScheduleQuery {
                days: 3,
                ..q.clone()
            })
            .is_err()
        );
        assert!(
            window(&ScheduleQuery {
                day: "4.12.2026".into(),
                ..q
            })
            .is_err()
        );
    }

    #[test]
    fn the_board_places_orders_on_their_technician_with_load_overlaps_and_the_next_free_slot() {
        use crate::testing::*;
        let mut sup = workspace(SUPERVISOR, Role::Supervisor);
        let c = sup
            .create_customer(&customer_input("上海精密仪器有限公司"))
            .unwrap();
        let q = ScheduleQuery {
            day: "2030-06-03".into(),
            days: 1,
            tz_offset_min: 480,
            slot_min: None,
        };
        let (midnight, _) = window(&q).unwrap();
        let at = |h: i64, m: i64| midnight + h * H + m * MIN_MS;
        let new_order = |sup: &mut Workspace, what: &str, priority: Priority| {
            let mut input = order_input(&c.id, &c.sites[0].id, what);
            input.priority = priority;
            sup.create_order(&input).unwrap().summary.id
        };
        let morning = {
            let mut input = order_input(&c.id, &c.sites[0].id, "上午 9–11 点");
            input.scheduled_start = Some(at(9, 0));
            input.scheduled_end = Some(at(11, 0));
            sup.create_order(&input).unwrap().summary.id
        };
        sup.dispatch_order(&morning, &[TECH_A.to_string()], false)
            .unwrap();
        let urgent = new_order(&mut sup, "紧急", Priority::Urgent);
        let later = new_order(&mut sup, "普通", Priority::Normal);
        // Dropped on Tech A at 10:00: assigned and timed in one step, its duration kept.
        let o = sup
            .plan_order(&urgent, TECH_A, Some(at(10, 0)), false)
            .unwrap();
        assert_eq!(o.summary.assignees, vec![TECH_A.to_string()]);
        assert_eq!(o.summary.scheduled_start, Some(at(10, 0)));

        let board = sup.schedule_board(&q).unwrap();
        let a = board
            .technicians
            .iter()
            .find(|t| t.technician.id == TECH_A)
            .unwrap();
        let ids: Vec<&str> = a.planned.iter().map(|p| p.order.id.as_str()).collect();
        assert_eq!(ids, [morning.as_str(), urgent.as_str()], "by start");
        assert!(
            a.planned.iter().all(|p| p.overlaps),
            "10:00 falls inside 9–11"
        );
        let urgent_len = a.planned[1].duration_min;
        assert!(
            urgent_len >= SLOT_MIN,
            "the template's duration: {urgent_len}"
        );
        assert_eq!(a.load_min, 120 + urgent_len);
        assert_eq!(a.capacity_min, 600);
        assert_eq!(a.next_free, Some(at(8, 0)), "08:00–09:00 is free");
        // A board of a day whose working hours are over still says when the technician is
        // next free: later today or a following morning, never in the past.
        let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
        let past = sup
            .schedule_board(&ScheduleQuery {
                day: yesterday.format("%Y-%m-%d").to_string(),
                ..q.clone()
            })
            .unwrap();
        let next = past.technicians[0]
            .next_free
            .expect("a free hour within two weeks");
        assert!(next >= now_ms() - SLOT_MIN * MIN_MS, "{next}");
        let (past_from, _) = window(&ScheduleQuery {
            day: yesterday.format("%Y-%m-%d").to_string(),
            ..q.clone()
        })
        .unwrap();
        let minute_of_day = (next - past_from).rem_euclid(DAY_MS) / MIN_MS;
        assert!(
            (8 * 60..18 * 60).contains(&minute_of_day),
            "{minute_of_day}"
        );
        let b = board
            .technicians
            .iter()
            .find(|t| t.technician.id == TECH_B)
            .unwrap();
        assert_eq!((b.load_min, b.planned.len()), (0, 0));
        let waiting: Vec<&str> = board
            .unassigned
            .iter()
            .map(|p| p.order.id.as_str())
            .collect();
        assert_eq!(waiting, [later.as_str()]);

        // Moved to 13:00 on the board: no overlap any more, the duration is the same.
        let moved = sup
            .plan_order(&urgent, TECH_A, Some(at(13, 0)), false)
            .unwrap();
        assert_eq!(
            moved.summary.scheduled_end,
            Some(at(13, 0) + urgent_len * MIN_MS)
        );
        let board = sup.schedule_board(&q).unwrap();
        let a = &board
            .technicians
            .iter()
            .find(|t| t.technician.id == TECH_A)
            .unwrap();
        assert!(a.planned.iter().all(|p| !p.overlaps));

        // From the keyboard, without a time: Tech B's next free slot this week.
        let planned = sup.plan_order(&later, TECH_B, None, false).unwrap();
        let start = planned
            .summary
            .scheduled_start
            .expect("a free slot was found");
        assert!(start >= now_ms() - SLOT_MIN * MIN_MS);
        // A technician cannot plan.
        let mut tech = workspace(TECH_A, Role::Technician);
        exchange(&sup, &mut tech);
        assert!(
            tech.plan_order(&later, TECH_A, Some(at(15, 0)), false)
                .is_err()
        );
        assert!(sup.plan_order(&later, TECH_A, Some(-5), false).is_err());

        // The company's working day (set by an administrator) is what load is measured in.
        let mut admin = workspace("00000000-0000-7000-8000-0000000000ad", Role::Admin);
        with_settings(&mut admin);
        assert!(
            admin
                .set_work_day(&WorkDay {
                    start_min: 17 * 60,
                    end_min: 9 * 60
                })
                .is_err()
        );
        admin
            .set_work_day(&WorkDay {
                start_min: 9 * 60,
                end_min: 17 * 60,
            })
            .unwrap();
        exchange(&admin, &mut sup);
        let board = sup.schedule_board(&q).unwrap();
        assert_eq!(
            (board.work_day_start_min, board.work_day_end_min),
            (540, 1020)
        );
        assert!(board.technicians.iter().all(|t| t.capacity_min == 480));
    }
}
