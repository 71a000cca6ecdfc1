//! Calendar dates and the GDPR deadline. Hand-written on purpose: the rules
//! are few (civil calendar, Paris time, French public holidays) and the same
//! code must run in the browser without a timezone database.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

const MS_PER_DAY: i64 = 86_400_000;

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday.
        ((self.to_days() + 3).rem_euclid(7)) as u32
    }

    /// Same day number `months` later; the month's last day when that day
    /// does not exist (31 January + 1 month = 28 or 29 February).
    pub fn add_months(self, months: u32) -> Date {
        let total = self.year * 12 + (self.month as i32 - 1) + months as i32;
        let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// The date in Paris of an instant in milliseconds since the epoch.
    pub fn paris_of(millis: i64) -> Date {
        Date::from_days((millis + paris_offset_millis(millis)).div_euclid(MS_PER_DAY))
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut parts = s.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Date::new(year, month, day)
    }

    pub fn is_french_working_day(self) -> bool {
        self.weekday() < 5 && !is_french_public_holiday(self)
    }

    pub fn next_french_working_day(self) -> Date {
        let mut date = self;
        while !date.is_french_working_day() {
            date = date.add_days(1);
        }
        date
    }
}

/// Reads a stored ISO date back (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(iso: String) -> Result<Self, String> {
        Date::parse_iso(&iso).ok_or_else(|| format!("not a date: {iso}"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Paris's offset from UTC at an instant: one hour, two in summer.
pub fn paris_offset_millis(millis: i64) -> i64 {
    let utc_day = Date::from_days(millis.div_euclid(MS_PER_DAY));
    if is_paris_summer_time(millis, utc_day.year) {
        7_200_000
    } else {
        3_600_000
    }
}

/// `2026-11-26 14:05`, Paris time.
pub fn paris_date_time(millis: i64) -> String {
    let local = millis + paris_offset_millis(millis);
    let minutes = local.rem_euclid(MS_PER_DAY) / 60_000;
    format!(
        "{} {:02}:{:02}",
        Date::from_days(local.div_euclid(MS_PER_DAY)).iso(),
        minutes / 60,
        minutes % 60
    )
}

/// An instant as `<time datetime>` wants it: `2026-11-26T13:05:00Z`.
pub fn iso_instant(millis: i64) -> String {
    let day = Date::from_days(millis.div_euclid(MS_PER_DAY));
    let seconds = millis.rem_euclid(MS_PER_DAY) / 1000;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        day.iso(),
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The last Sunday of a month.
fn last_sunday(year: i32, month: u32) -> Date {
    let last = Date {
        year,
        month,
        day: days_in_month(year, month),
    };
    last.add_days(-i64::from((last.weekday() + 1) % 7))
}

/// EU summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC
/// on the last Sunday of October.
fn is_paris_summer_time(millis: i64, year: i32) -> bool {
    let start = last_sunday(year, 3).to_days() * MS_PER_DAY + 3_600_000;
    let end = last_sunday(year, 10).to_days() * MS_PER_DAY + 3_600_000;
    (start..end).contains(&millis)
}

/// Easter Sunday (anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date {
        year,
        month: month as u32,
        day: day as u32,
    }
}

/// The eleven public holidays of metropolitan France.
pub fn is_french_public_holiday(date: Date) -> bool {
    let fixed = matches!(
        (date.month, date.day),
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
    );
    let easter = easter_sunday(date.year).to_days();
    // Easter Monday, Ascension Thursday, Whit Monday.
    fixed
        || [1, 39, 50]
            .iter()
            .any(|offset| easter + offset == date.to_days())
}

/// The date by which a request must be answered (GDPR Art. 12(3)): the
/// next working day on or after the end of the first month (`received` + 1
/// calendar month), then + `extension_months` calendar months counted from
/// that end (not from the receipt), then + `paused_days` calendar days.
/// Calendar months keep the day number, or take the month's last day when
/// that day does not exist: received 31 January 2027, the first month ends
/// on 28 February and two more months end on 28 April, not 30 April. The
/// shift to a working day (not a weekend, not a French public holiday)
/// happens once, at the end. The page, the emails and the queue all use it.
pub fn due_date(received: Date, extension_months: u32, paused_days: i64) -> Date {
    received
        .add_months(1)
        .add_months(extension_months)
        .add_days(paused_days)
        .next_french_working_day()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due_date_of(received: Date) -> Date {
        due_date(received, 0, 0)
    }

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn days_round_trip_and_weekdays_are_right() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_418, 2_000_000] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        assert_eq!(Date::from_days(0), d("1970-01-01"));
        assert_eq!(d("2026-11-26").weekday(), 3, "a Thursday");
        assert_eq!(d("2024-02-29").add_days(1), d("2024-03-01"));
    }

    #[test]
    fn easter_matches_the_published_dates() {
        assert_eq!(easter_sunday(2024), d("2024-03-31"));
        assert_eq!(easter_sunday(2025), d("2025-04-20"));
        assert_eq!(easter_sunday(2026), d("2026-04-05"));
        assert_eq!(easter_sunday(2027), d("2027-03-28"));
    }

    #[test]
    fn french_public_holidays_include_the_movable_ones() {
        for holiday in [
            "2026-01-01",
            "2026-04-06",
            "2026-05-01",
            "2026-05-08",
            "2026-05-14",
            "2026-05-25",
            "2026-07-14",
            "2026-08-15",
            "2026-11-01",
            "2026-11-11",
            "2026-12-25",
        ] {
            assert!(is_french_public_holiday(d(holiday)), "{holiday}");
        }
        assert!(!is_french_public_holiday(d("2026-05-02")));
        assert!(!is_french_public_holiday(d("2026-12-26")));
    }

    #[test]
    fn the_due_date_is_one_calendar_month_later_on_the_same_day() {
        assert_eq!(due_date_of(d("2026-03-10")), d("2026-04-10"), "a Friday");
        assert_eq!(
            due_date_of(d("2026-11-26")),
            d("2026-12-28"),
            "26 Dec is a Saturday after Christmas: Monday 28"
        );
    }

    #[test]
    fn a_missing_day_becomes_the_last_day_of_the_month() {
        assert_eq!(
            Date::new(2026, 1, 31).unwrap().add_months(1),
            d("2026-02-28")
        );
        assert_eq!(
            Date::new(2028, 1, 31).unwrap().add_months(1),
            d("2028-02-29")
        );
        assert_eq!(
            due_date_of(d("2026-01-31")),
            d("2026-03-02"),
            "28 Feb 2026 is a Saturday"
        );
        assert_eq!(due_date_of(d("2025-08-31")), d("2025-09-30"), "a Tuesday");
        assert_eq!(
            due_date_of(d("2026-12-31")),
            d("2027-02-01"),
            "31 Jan 2027 is a Sunday: Monday 1 Feb"
        );
    }

    #[test]
    fn weekends_and_holidays_move_the_due_date_to_the_next_working_day() {
        assert_eq!(
            due_date_of(d("2026-02-07")),
            d("2026-03-09"),
            "7 March 2026 is a Saturday"
        );
        assert_eq!(
            due_date_of(d("2026-04-01")),
            d("2026-05-04"),
            "1 May Friday holiday, then the weekend"
        );
        assert_eq!(
            due_date_of(d("2026-04-08")),
            d("2026-05-11"),
            "8 May holiday Friday, weekend"
        );
        assert_eq!(
            due_date_of(d("2026-04-14")),
            d("2026-05-15"),
            "14 May 2026 is Ascension Thursday"
        );
        assert_eq!(
            due_date_of(d("2026-06-14")),
            d("2026-07-15"),
            "14 July is a holiday"
        );
    }

    /// The worked dates the console was specified with, row by row:
    /// received, extension months, paused days, due.
    #[test]
    fn the_worked_dates_table() {
        for (received, extension, paused, due) in [
            ("2027-01-31", 0, 0, "2027-03-01"),
            ("2026-06-14", 0, 0, "2026-07-15"),
            ("2027-02-28", 0, 0, "2027-03-30"),
            ("2027-04-06", 0, 0, "2027-05-07"),
            ("2026-04-25", 0, 0, "2026-05-26"),
            ("2028-01-29", 0, 0, "2028-02-29"),
            ("2026-03-10", 0, 7, "2026-04-17"),
            ("2026-03-10", 2, 7, "2026-06-17"),
            // The extension counts from the end of the first month: 28 Feb
            // (a Sunday, so the first due date is Monday 1 March), then two
            // months to Wednesday 28 April, not 30 April.
            ("2027-01-31", 2, 0, "2027-04-28"),
            // 29 February: one month is 29 March, two more 29 May.
            ("2028-02-29", 0, 0, "2028-03-29"),
            ("2028-02-29", 2, 0, "2028-05-29"),
            // 31 March: April has 30 days.
            ("2027-03-31", 0, 0, "2027-04-30"),
            ("2027-03-31", 2, 0, "2027-06-30"),
            // 31 December: 31 January 2027 is a Sunday.
            ("2026-12-31", 0, 0, "2027-02-01"),
            // Ten days paused across the end of January.
            ("2027-01-20", 0, 10, "2027-03-02"),
            ("2027-01-20", 2, 10, "2027-04-30"),
        ] {
            assert_eq!(
                due_date(d(received), extension, paused),
                d(due),
                "{received} +{extension} months +{paused} days"
            );
        }
    }

    #[test]
    fn a_request_at_23_30_on_31_december_is_received_that_day() {
        // 23:30 in Paris (winter time) is 22:30 UTC: still 31 December.
        let at = d("2026-12-31").to_days() * MS_PER_DAY + 22 * 3_600_000 + 30 * 60_000;
        assert_eq!(Date::paris_of(at), d("2026-12-31"));
        assert_eq!(due_date(Date::paris_of(at), 0, 0), d("2027-02-01"));
        // Half an hour later it is a request of 1 January.
        assert_eq!(Date::paris_of(at + 3_600_000), d("2027-01-01"));
    }

    #[test]
    fn an_extension_adds_two_more_months() {
        assert_eq!(due_date(d("2026-03-10"), 2, 0), d("2026-06-10"));
        assert_eq!(
            due_date(d("2026-11-30"), 2, 0),
            d("2027-03-01"),
            "28 Feb 2027 is a Sunday"
        );
    }

    #[test]
    fn the_paris_date_follows_winter_and_summer_time() {
        // 2026-03-29 is the switch to summer time.
        let ms = |date: &str, hour: i64| d(date).to_days() * MS_PER_DAY + hour * 3_600_000;
        assert_eq!(
            Date::paris_of(ms("2026-01-15", 23)),
            d("2026-01-16"),
            "23:00 UTC is midnight in winter"
        );
        assert_eq!(Date::paris_of(ms("2026-01-15", 22)), d("2026-01-15"));
        assert_eq!(
            Date::paris_of(ms("2026-07-15", 22)),
            d("2026-07-16"),
            "22:00 UTC is midnight in summer"
        );
        assert_eq!(Date::paris_of(ms("2026-07-15", 21)), d("2026-07-15"));
    }

    #[test]
    fn an_instant_is_written_for_time_datetime_in_utc() {
        let at = Date::new(2026, 11, 26).unwrap().to_days() * MS_PER_DAY
            + 13 * 3_600_000
            + 5 * 60_000
            + 7_000;
        assert_eq!(iso_instant(at), "2026-11-26T13:05:07Z");
        assert_eq!(paris_date_time(at), "2026-11-26 14:05");
    }
}
