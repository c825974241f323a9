//! The service report's words in the customer's language: Chinese, English, or both side by
//! side. The report is printed on the device offline, so its words live here with it.

use crate::model::customer::ReportLanguage;
use crate::model::order::{ChargeKind, EventKind, OrderType};

pub(crate) struct Words {
    pub language: ReportLanguage,
    pub time_zone: chrono_tz::Tz,
}

impl Words {
    /// `zh`, `en`, or both ("服务报告 Service report").
    pub fn pick(&self, zh: &str, en: &str) -> String {
        match self.language {
            ReportLanguage::Zh => zh.to_string(),
            ReportLanguage::En => en.to_string(),
            ReportLanguage::Both => format!("{zh} {en}"),
        }
    }

    pub fn order_type(&self, t: OrderType) -> String {
        let (zh, en) = match t {
            OrderType::Installation => ("安装", "Installation"),
            OrderType::Repair => ("维修", "Repair"),
            OrderType::Upgrade => ("升级", "Upgrade"),
            OrderType::Maintenance => ("保养", "Maintenance"),
            OrderType::Inspection => ("巡检", "Inspection"),
            OrderType::Testing => ("检测", "Testing"),
            OrderType::Training => ("培训", "Training"),
            OrderType::Complaint => ("投诉", "Complaint"),
        };
        self.pick(zh, en)
    }

    pub fn charge_kind(&self, k: ChargeKind) -> String {
        let (zh, en) = match k {
            ChargeKind::PartsFee => ("备件费", "Parts"),
            ChargeKind::ServiceFee => ("服务费", "Service"),
            ChargeKind::TravelFee => ("差旅费", "Travel"),
            ChargeKind::Other => ("其他", "Other"),
        };
        self.pick(zh, en)
    }

    /// The visit's steps a customer cares about; None for the office's own bookkeeping.
    pub fn visit_step(&self, k: EventKind) -> Option<String> {
        let (zh, en) = match k {
            EventKind::Travelling => ("出发", "Set off"),
            EventKind::CheckedIn => ("到达现场", "Arrived on site"),
            EventKind::CheckedOut => ("离开现场", "Left the site"),
            EventKind::Completed => ("完工", "Work completed"),
            _ => return None,
        };
        Some(self.pick(zh, en))
    }

    /// A checklist item in the report's language, when the template wrote both.
    pub fn checklist_label(&self, label: &str, zh: Option<&str>, en: Option<&str>) -> String {
        match (self.language, zh, en) {
            (ReportLanguage::Zh, Some(zh), _) => zh.to_string(),
            (ReportLanguage::En, _, Some(en)) => en.to_string(),
            _ => label.to_string(),
        }
    }

    /// A moment in the company's calendar: "2026年12月4日 14:30", "4 Dec 2026, 14:30", or
    /// "2026-12-04 14:30" for both languages at once.
    pub fn time(&self, ms: i64) -> String {
        let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
            return String::new();
        };
        let t = t.with_timezone(&self.time_zone);
        let format = match self.language {
            ReportLanguage::Zh => "%Y年%-m月%-d日 %H:%M",
            ReportLanguage::En => "%-d %b %Y, %H:%M",
            ReportLanguage::Both => "%Y-%m-%d %H:%M",
        };
        t.format(format).to_string()
    }

    /// "第 2 / 3 页", "Page 2 of 3", or both.
    pub fn page(&self, n: usize, of: usize) -> String {
        self.pick(&format!("第 {n} / {of} 页"), &format!("Page {n} of {of}"))
    }
}

/// Whole stars out of five: "★★★★☆".
pub(crate) fn stars(n: i64) -> String {
    let n = n.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// An amount in minor units with its currency: "CNY 1,234.50".
pub(crate) fn amount(currency: &str, minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{currency} {sign}{grouped}.{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands_and_keep_the_sign() {
        assert_eq!(amount("CNY", 63_600), "CNY 636.00");
        assert_eq!(amount("CNY", 123_456_789), "CNY 1,234,567.89");
        assert_eq!(amount("USD", -5), "USD -0.05");
    }

    #[test]
    fn words_follow_the_customer_language() {
        let w = |language| Words {
            language,
            time_zone: chrono_tz::Asia::Shanghai,
        };
        assert_eq!(w(ReportLanguage::Zh).order_type(OrderType::Repair), "维修");
        assert_eq!(
            w(ReportLanguage::En).order_type(OrderType::Repair),
            "Repair"
        );
        assert_eq!(
            w(ReportLanguage::Both).order_type(OrderType::Repair),
            "维修 Repair"
        );
        // 2026-12-04 06:30 UTC is 14:30 in Shanghai.
        let ms = 1_796_365_800_000;
        assert_eq!(w(ReportLanguage::Zh).time(ms), "2026年12月4日 14:30");
        assert_eq!(w(ReportLanguage::En).time(ms), "4 Dec 2026, 14:30");
        assert_eq!(stars(4), "★★★★☆");
        assert_eq!(
            w(ReportLanguage::Zh).checklist_label(
                "Fault confirmed / 故障确认",
                Some("故障确认"),
                Some("Fault confirmed")
            ),
            "故障确认"
        );
    }
}
