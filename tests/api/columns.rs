//! Every column of `requests`, as the migrations made it, is declared in
//! `requests::columns`: personal (blanked by retention), stripped or kept.
//! A column added without a declaration fails here, before it can outlive
//! the retention period unnoticed.

use crate::helpers::{Backend, Mail, TestApp};
use crate::on_both_databases;
use privacy_portal::requests::columns;
use sqlx::Row;

async fn every_column_of_requests_is_declared(backend: Backend) {
    let app = TestApp::spawn(backend, Mail::Files).await;
    let sql = match backend {
        Backend::Sqlite => "SELECT name FROM pragma_table_info('requests')",
        Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
             WHERE table_name = 'requests' AND table_schema = current_schema()"
        }
    };
    let names: Vec<String> = sqlx::query(sql)
        .fetch_all(&app.pool)
        .await
        .expect("the table's columns")
        .iter()
        .map(|row| row.get("name"))
        .collect();
    assert!(names.len() > 20, "{names:?}");
    let undeclared: Vec<&String> = names.iter().filter(|n| !columns::declared(n)).collect();
    assert!(
        undeclared.is_empty(),
        "declare these in requests::columns (personal, stripped or kept): {undeclared:?}"
    );
    for personal in columns::PERSONAL {
        assert!(
            names.iter().any(|n| n == personal.column),
            "{} is declared but not in the table",
            personal.column
        );
    }
}

on_both_databases!(every_column_of_requests_is_declared);
