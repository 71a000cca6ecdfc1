//! The queue's search: by name, customer number, phone number, part of an
//! email address or part of a reference, through `request_terms`.
//!
//! Each request is stored with its terms: its searchable values folded
//! (lower case, accents and separators dropped; letters of every script
//! kept), once whole and once from each word on, so that a search for the
//! start of any word of a value is one range scan of the terms' index. The
//! range is in code-point order: SQLite compares text as bytes, and on
//! PostgreSQL `db::migrate` gives the column the "C" collation. References
//! and customer numbers are also stored from each character on (a part of
//! `R-7K3M-9QX2` such as `9QX2` finds it); phone numbers in their
//! international and French national forms.

use crate::domain::request::Representative;
use anyhow::Context;
use sqlx::Row;
use unicode_normalization::UnicodeNormalization;

/// The fewest characters (once folded) a search needs.
pub const MIN_CHARS: usize = 2;
/// The most requests one search reads; more means "type more".
pub const MAX_FOUND: usize = 500;
/// The terms' format, stored with each request's terms. A migration that
/// changes the format sets `terms_version` back to 0: the server indexes
/// those requests again at start-up (`backfill`).
pub const TERMS_VERSION: i64 = 1;
/// Terms shorter than this are not stored from the middle of a value.
const MIN_SUFFIX: usize = 3;
/// Longer values are cut: nobody types more to find a request.
const MAX_TERM: usize = 64;

/// Lower case, accents and everything but letters and digits dropped;
/// each run of dropped characters ends a word. Latin letters end as
/// `[a-z]` (`é` → `e`, `œ` → `oe`); other scripts' letters are kept in
/// lower case (`Дмитрий` → `дмитрии`, its breve dropped like an accent).
fn words(value: &str) -> Vec<String> {
    use unicode_normalization::char::is_combining_mark;
    let mut words = vec![String::new()];
    for c in value.nfkd() {
        let word = words.last_mut().expect("one word");
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' => word.push(c.to_ascii_lowercase()),
            'œ' | 'Œ' => word.push_str("oe"),
            'æ' | 'Æ' => word.push_str("ae"),
            'ß' => word.push_str("ss"),
            // Combining accents (é = e + ´) belong to their letter.
            c if is_combining_mark(c) => {}
            c if c.is_alphanumeric() => word.extend(c.to_lowercase()),
            _ => {
                if !word.is_empty() {
                    words.push(String::new());
                }
            }
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// `value` folded, as a search is typed: one run of lower-case letters and
/// digits.
pub fn fold(value: &str) -> String {
    words(value).concat()
}

fn cut(term: &str) -> String {
    term.chars().take(MAX_TERM).collect()
}

/// The value from each of its words on.
fn from_each_word(value: &str, terms: &mut Vec<String>) {
    let words = words(value);
    for i in 0..words.len() {
        terms.push(cut(&words[i..].concat()));
    }
}

/// The value from each of its characters on (a reference, a customer
/// number): `r7k3m9qx2`, `7k3m9qx2`, … down to three characters.
fn from_each_char(value: &str, terms: &mut Vec<String>) {
    let folded = fold(value);
    for (i, _) in folded.char_indices() {
        let rest = &folded[i..];
        if i == 0 || rest.chars().count() >= MIN_SUFFIX {
            terms.push(cut(rest));
        }
    }
}

/// A name typed as `a` then `b`, from any word of `a`: the rest of the
/// name whole (`helenedupontoeuvray`), or one word of `a` and `b` from any
/// of its words (`jeannedupontoeuvray`, `jeanneoeuvray`), so that
/// "Jeanne Dupont" finds Jeanne-Hélène Dupont Œuvray.
fn name_terms(a: &[String], b: &[String], terms: &mut Vec<String>) {
    for i in 0..a.len() {
        terms.push(cut(&format!("{}{}", a[i..].concat(), b.concat())));
        for j in 1..b.len() {
            terms.push(cut(&format!("{}{}", a[i], b[j..].concat())));
        }
        if a.len() > 1 {
            terms.push(cut(&format!("{}{}", a[i], b.concat())));
        }
    }
    if a.is_empty() {
        for j in 0..b.len() {
            terms.push(cut(&b[j..].concat()));
        }
    }
}

/// A phone number's digits in its international form (`33612345678`), and
/// for a French number its national forms (`0612345678`, `612345678`).
fn phone(value: &str, terms: &mut Vec<String>) {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let international = if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if digits.len() == 10 && digits.starts_with('0') && !value.trim().starts_with('+') {
        format!("33{}", &digits[1..])
    } else {
        digits
    };
    if international.len() < MIN_SUFFIX {
        return;
    }
    if let Some(national) = international.strip_prefix("33") {
        terms.push(format!("0{national}"));
        terms.push(national.to_owned());
    }
    terms.push(international);
}

/// What a request is found by.
#[derive(Clone, Debug, Default)]
pub struct Searchable<'a> {
    pub reference: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub customer_number: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub representative: Option<&'a Representative>,
}

/// Every term of a request, once each.
pub fn terms(s: &Searchable<'_>) -> Vec<String> {
    let mut terms = Vec::new();
    from_each_char(s.reference, &mut terms);
    let mut name = |first: &str, last: &str| {
        // Either order: "Jeanne Dupont" and "Dupont Jeanne".
        let (first, last) = (words(first), words(last));
        name_terms(&first, &last, &mut terms);
        name_terms(&last, &first, &mut terms);
    };
    name(s.first_name, s.last_name);
    if let Some(r) = s.representative {
        name(&r.first_name, &r.last_name);
    }
    from_each_word(s.email, &mut terms);
    if let Some(email) = s.representative.and_then(|r| r.subject_email.as_ref()) {
        from_each_word(email.as_str(), &mut terms);
    }
    if let Some(number) = s.customer_number {
        from_each_char(number, &mut terms);
    }
    if let Some(number) = s.phone {
        phone(number, &mut terms);
    }
    terms.retain(|t| !t.is_empty());
    terms.sort();
    terms.dedup();
    terms
}

/// The smallest string after every string that starts with `prefix`, in
/// code-point order (UTF-8's byte order): its last character's successor;
/// `None` when there is none.
fn after_prefix(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        // The next scalar value, over the surrogates' gap.
        let next = match last as u32 + 1 {
            0xD800 => Some('\u{E000}'),
            n => char::from_u32(n),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// A search as typed, folded: the terms' range it reads. `None` when it is
/// too short to search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: String,
    pub before: Option<String>,
}

impl Range {
    pub fn of(typed: &str) -> Option<Range> {
        // A whole reference, typed with its `R-`, is read as its parser
        // reads it (O as 0, I and L as 1: a reference said on the phone).
        // Without the prefix, eight letters may be a name.
        let prefixed = typed
            .trim()
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case("r-"));
        let mut folded = match crate::domain::Reference::parse(typed).filter(|_| prefixed) {
            Some(reference) => fold(reference.as_str()),
            None => fold(typed),
        };
        // A phone number typed with its international prefix `00`.
        if folded.len() > 4
            && folded.starts_with("00")
            && folded.bytes().all(|b| b.is_ascii_digit())
        {
            folded.drain(..2);
        }
        if folded.chars().count() < MIN_CHARS {
            return None;
        }
        let folded = cut(&folded);
        Some(Range {
            before: after_prefix(&folded),
            from: folded,
        })
    }
}

/// Replaces the terms of one request with what it holds now: after it is
/// filed, after its contact details change, after it is anonymised.
pub async fn reindex(tx: &mut sqlx::AnyConnection, id: &str) -> anyhow::Result<()> {
    // A write first: under SQLite's WAL a transaction that reads before
    // its first write may not get the write lock.
    sqlx::query("DELETE FROM request_terms WHERE request_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .context("search: delete a request's terms")?;
    let row = sqlx::query(
        "SELECT reference, first_name, last_name, email, customer_number, reply_phone, representative \
         FROM requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .context("search: read a request's values")?;
    let representative: Option<Representative> = row
        .get::<Option<String>, _>("representative")
        .and_then(|json| Representative::try_from(json).ok());
    let reference: String = row.get("reference");
    let first_name: String = row.get("first_name");
    let last_name: String = row.get("last_name");
    let email: String = row.get("email");
    let customer_number: Option<String> = row.get("customer_number");
    let phone: Option<String> = row.get("reply_phone");
    let terms = terms(&Searchable {
        reference: &reference,
        first_name: &first_name,
        last_name: &last_name,
        email: &email,
        customer_number: customer_number.as_deref(),
        phone: phone.as_deref(),
        representative: representative.as_ref(),
    });
    for term in terms {
        sqlx::query("INSERT INTO request_terms (term, request_id) VALUES ($1, $2)")
            .bind(term)
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("search: store a term")?;
    }
    sqlx::query("UPDATE requests SET terms_version = $1 WHERE id = $2")
        .bind(TERMS_VERSION)
        .bind(id)
        .execute(&mut *tx)
        .await
        .context("search: mark a request indexed")?;
    Ok(())
}

/// Indexes the requests stored before search existed (or before its terms
/// changed), 500 at a time. Returns how many.
pub async fn backfill(pool: &crate::db::Pool) -> anyhow::Result<u64> {
    let mut done = 0;
    loop {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM requests WHERE terms_version = 0 LIMIT 500")
                .fetch_all(pool)
                .await
                .context("search: read requests to index")?;
        if ids.is_empty() {
            return Ok(done);
        }
        let mut tx = pool.begin().await.context("search: begin")?;
        for id in &ids {
            // Claimed first, the request row locked before its terms (as
            // every change does): another instance starting at the same
            // time skips it.
            let claimed = sqlx::query(
                "UPDATE requests SET terms_version = $1 WHERE id = $2 AND terms_version = 0",
            )
            .bind(TERMS_VERSION)
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("search: claim a request")?;
            if claimed.rows_affected() == 1 {
                reindex(&mut tx, id).await?;
            }
        }
        tx.commit().await.context("search: commit")?;
        done += ids.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::choice::{Acting, RepliesTo};
    use crate::domain::{Email, Reference};

    fn found(s: &Searchable<'_>, typed: &str) -> bool {
        let range = Range::of(typed).expect("long enough");
        terms(s)
            .iter()
            .any(|t| *t >= range.from && range.before.as_ref().is_none_or(|before| t < before))
    }

    fn jeanne() -> Searchable<'static> {
        Searchable {
            reference: "R-7K3M-9QX2",
            first_name: "Jeanne-Hélène",
            last_name: "Dupont Œuvray",
            email: "jh.dupont+portal@exemple-mail.fr",
            customer_number: Some("C-2024-00123"),
            phone: Some("06 12 34 56 78"),
            representative: None,
        }
    }

    #[test]
    fn a_request_is_found_by_each_of_its_values_and_their_parts() {
        let s = jeanne();
        for typed in [
            "R-7K3M-9QX2",
            "r7k3m9qx2",
            "7K3M",
            "9qx2",
            "jeanne",
            "Hélène",
            "helene dupont",
            "Dupont Jeanne",
            "Œuvray Jeanne-Hélène",
            "jeanne oeuvray",
            "oeuvray",
            "jh.dupont",
            "dupont+portal@",
            "exemple-mail.fr",
            "mail.fr",
            "C-2024-00123",
            "00123",
            "2024",
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "0033612345678",
            "612345678",
            "0612",
        ] {
            assert!(found(&s, typed), "{typed} should find the request");
        }
        for typed in ["martin", "9qx3", "exemple.com", "0712345678", "eanne"] {
            assert!(!found(&s, typed), "{typed} should not find the request");
        }
        // Other scripts are searchable too.
        let s = Searchable {
            first_name: "Дмитрий",
            last_name: "Иванов",
            ..jeanne()
        };
        for typed in ["иванов", "ИВАНОВ Дмитрий", "дмитрий"] {
            assert!(found(&s, typed), "{typed} should find the request");
        }
        assert!(!found(&s, "петров"), "another name");
    }

    #[test]
    fn an_agent_and_the_person_they_act_for_both_find_the_request() {
        let agent = Representative {
            acting: Acting::Agent,
            first_name: "Paul".into(),
            last_name: "Avocat".into(),
            mandate_until: None,
            replies_to: RepliesTo::Representative,
            subject_email: Email::parse("jeanne@example.org").ok(),
        };
        let s = Searchable {
            email: "cabinet@avocats.example",
            representative: Some(&agent),
            ..jeanne()
        };
        for typed in [
            "avocat paul",
            "cabinet@",
            "jeanne@example.org",
            "jeanne dupont",
        ] {
            assert!(found(&s, typed), "{typed}");
        }
    }

    #[test]
    fn a_search_too_short_is_refused_and_prefix_ranges_end_right() {
        assert_eq!(Range::of("  - "), None);
        assert_eq!(Range::of("é"), None);
        assert_eq!(Range::of("ab").unwrap().before.as_deref(), Some("ac"));
        assert_eq!(after_prefix("a9"), Some("a:".into()));
        assert_eq!(after_prefix("az"), Some("a{".into()));
        assert_eq!(after_prefix("a\u{D7FF}"), Some("a\u{E000}".into()));
        assert_eq!(after_prefix("\u{10FFFF}"), None);
        // A reference said on the phone: O for 0, I and L for 1.
        assert_eq!(
            Range::of("r-7k3m-9qxo").unwrap().from,
            Range::of("R-7K3M-9QX0").unwrap().from
        );
        // Every reference's terms are within `[0-9a-z]`.
        let reference = Reference::from_random([7; 5]).to_string();
        for t in terms(&Searchable {
            reference: &reference,
            ..Default::default()
        }) {
            assert!(
                t.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
                "{t}"
            );
        }
    }
}
