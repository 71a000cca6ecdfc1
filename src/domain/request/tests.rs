use super::*;
use crate::domain::choice::*;

fn base(right: &str) -> RequestForm {
    RequestForm {
        submission_key: "k".into(),
        right: right.into(),
        first_name: "Jeanne".into(),
        last_name: "Martin".into(),
        relation: "prospect".into(),
        reply_channel: "email".into(),
        lang: "fr".into(),
        scope: "all".into(),
        ..Default::default()
    }
}

fn errors(form: &RequestForm) -> FieldErrors {
    ValidRequest::parse(form).err().unwrap_or_default()
}

#[test]
fn a_complete_access_request_is_valid() {
    let valid = ValidRequest::parse(&base("access")).unwrap();
    assert_eq!(valid.right, RightKind::Access);
    assert_eq!(
        valid.details,
        RightDetails::Access {
            scope: Scope::All,
            details: None
        }
    );
}

#[test]
fn common_fields_are_required_and_checked() {
    let form = RequestForm {
        right: "erasure".into(),
        ..Default::default()
    };
    let e = errors(&form);
    for field in [
        "first_name",
        "last_name",
        "relation",
        "reply_channel",
        "lang",
        "scope",
    ] {
        assert!(e.get(field).is_some(), "{field}");
    }
    let form = RequestForm {
        relation: "boss".into(),
        first_name: "x".repeat(201),
        ..base("access")
    };
    let e = errors(&form);
    assert_eq!(e.get("relation"), Some(ErrorCode::InvalidChoice));
    assert_eq!(e.get("first_name"), Some(ErrorCode::TooLong));
}

#[test]
fn the_phone_or_postal_field_is_required_only_for_its_channel() {
    let form = RequestForm {
        reply_channel: "phone".into(),
        ..base("access")
    };
    assert_eq!(errors(&form).get("reply_phone"), Some(ErrorCode::Required));
    let form = RequestForm {
        reply_channel: "phone".into(),
        reply_phone: "call me".into(),
        ..base("access")
    };
    assert_eq!(
        errors(&form).get("reply_phone"),
        Some(ErrorCode::InvalidPhone)
    );
    let form = RequestForm {
        reply_channel: "phone".into(),
        reply_phone: "+33 4 67 00 00 00".into(),
        ..base("access")
    };
    assert!(errors(&form).is_empty());
    let form = RequestForm {
        reply_channel: "postal".into(),
        ..base("access")
    };
    assert_eq!(errors(&form).get("reply_postal"), Some(ErrorCode::Required));
    let form = RequestForm {
        reply_channel: "email".into(),
        reply_phone: "ignored".into(),
        ..base("access")
    };
    assert!(errors(&form).is_empty());
}

#[test]
fn choosing_some_categories_needs_at_least_one() {
    let form = RequestForm {
        scope: "some".into(),
        ..base("erasure")
    };
    assert_eq!(
        errors(&form).get("categories"),
        Some(ErrorCode::ChooseCategory)
    );
    let form = RequestForm {
        scope: "some".into(),
        cat_client: Some("on".into()),
        ..base("erasure")
    };
    let valid = ValidRequest::parse(&form).unwrap();
    assert_eq!(
        valid.details,
        RightDetails::Erasure {
            scope: Scope::Categories(vec![Category::Client]),
            ground: None,
            details: None
        }
    );
}

#[test]
fn rectification_needs_a_row_with_an_item_and_a_corrected_value() {
    assert_eq!(
        errors(&base("rectification")).get("rows[0][item]"),
        Some(ErrorCode::Required)
    );
    let form = RequestForm {
        rows: vec![
            RectificationRow {
                item: "Nom".into(),
                current: "Martn".into(),
                corrected: "Martin".into(),
            },
            RectificationRow::default(),
            RectificationRow {
                item: "Ville".into(),
                current: String::new(),
                corrected: String::new(),
            },
        ],
        ..base("rectification")
    };
    let e = errors(&form);
    assert_eq!(e.get("rows[2][corrected]"), Some(ErrorCode::Required));
    assert!(e.get("rows[1][item]").is_none(), "blank rows are ignored");
}

#[test]
fn restriction_needs_a_ground() {
    assert_eq!(
        errors(&base("restriction")).get("restriction_ground"),
        Some(ErrorCode::Required)
    );
    let form = RequestForm {
        restriction_ground: "legal_claims".into(),
        ..base("restriction")
    };
    assert!(errors(&form).is_empty());
}

#[test]
fn erasure_grounds_are_optional_but_must_be_known() {
    assert!(errors(&base("erasure")).is_empty());
    let form = RequestForm {
        erasure_ground: "whim".into(),
        ..base("erasure")
    };
    assert_eq!(
        errors(&form).get("erasure_ground"),
        Some(ErrorCode::InvalidChoice)
    );
}

#[test]
fn portability_to_an_organisation_needs_its_name_and_email() {
    let form = RequestForm {
        format: "csv".into(),
        destination: "organisation".into(),
        ..base("portability")
    };
    let e = errors(&form);
    assert_eq!(e.get("org_name"), Some(ErrorCode::Required));
    assert_eq!(e.get("org_email"), Some(ErrorCode::Required));
    let form = RequestForm {
        org_name: "Acme".into(),
        org_email: "dpo@".into(),
        ..form
    };
    assert_eq!(
        errors(&form).get("org_email"),
        Some(ErrorCode::InvalidEmail)
    );
    let form = RequestForm {
        format: "xml".into(),
        destination: "me".into(),
        ..base("portability")
    };
    assert_eq!(errors(&form).get("format"), Some(ErrorCode::InvalidChoice));
}

#[test]
fn objection_needs_a_reason_except_for_direct_marketing() {
    // Art. 21(2): no reason for direct marketing, which includes the
    // statistics and segmentation that tailor offers (the stricter reading).
    for processing in ["prospecting", "statistics"] {
        let form = RequestForm {
            processing: processing.into(),
            ..base("objection")
        };
        assert!(errors(&form).is_empty(), "{processing}: no reason needed");
    }
    let form = RequestForm {
        processing: "other_legitimate_interest".into(),
        ..base("objection")
    };
    assert_eq!(errors(&form).get("reason"), Some(ErrorCode::Required));
    let form = RequestForm {
        processing: "other_legitimate_interest".into(),
        reason: "Je ne veux pas.".into(),
        ..base("objection")
    };
    assert!(errors(&form).is_empty());
}

#[test]
fn free_text_is_limited_to_5000_characters() {
    let form = RequestForm {
        details: "é".repeat(5000),
        ..base("access")
    };
    assert!(errors(&form).is_empty(), "5000 characters, not bytes");
    let form = RequestForm {
        details: "a".repeat(5001),
        ..base("access")
    };
    assert_eq!(errors(&form).get("details"), Some(ErrorCode::TooLong));
}

#[test]
fn fields_a_right_does_not_show_are_not_checked() {
    let form = RequestForm {
        processing: "prospecting".into(),
        details: "a".repeat(6000),
        ..base("objection")
    };
    assert!(errors(&form).is_empty());
}

#[test]
fn a_field_the_right_does_not_show_is_never_refused() {
    let form = RequestForm {
        reply_phone: "9".repeat(100),
        org_name: "x".repeat(300),
        ..base("access")
    };
    assert!(errors(&form).is_empty(), "{:?}", errors(&form));
}

#[test]
fn row_values_have_their_own_limit() {
    let form = RequestForm {
        rows: vec![RectificationRow {
            item: "Adresse".into(),
            current: String::new(),
            corrected: "x".repeat(1001),
        }],
        ..base("rectification")
    };
    assert_eq!(
        errors(&form).get("rows[0][corrected]"),
        Some(ErrorCode::TooLong)
    );
}

#[test]
fn the_details_keep_the_slugs_stored_before_the_enums() {
    let form = RequestForm {
        format: "csv".into(),
        destination: "organisation".into(),
        org_name: "Acme".into(),
        org_email: "DPO@acme.example".into(),
        ..base("portability")
    };
    let valid = ValidRequest::parse(&form).unwrap();
    let json = serde_json::to_string(&valid.details).unwrap();
    assert_eq!(
        json,
        r#"{"right":"portability","format":"csv","destination":{"organisation":{"name":"Acme","email":"dpo@acme.example"}},"details":null}"#
    );
    let erasure = RequestForm {
        scope: "some".into(),
        cat_prospect: Some("on".into()),
        erasure_ground: "consent_withdrawn".into(),
        ..base("erasure")
    };
    let json = serde_json::to_string(&ValidRequest::parse(&erasure).unwrap().details).unwrap();
    assert!(
        json.contains(r#""scope":{"categories":["prospect"]},"ground":"consent_withdrawn""#),
        "{json}"
    );
}
