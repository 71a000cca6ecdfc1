//! What the scenarios share, and the benches too: the portal started
//! in-process (`app`), a real SMTP server on loopback (`smtp`), and the two
//! drivers, a data subject's browser (`subject`) and a DPO's (`dpo`).
//! Scenario files import from here, never from one another.

mod app;
mod binary;
mod dpo;
mod smtp;
mod subject;
mod system;

pub use app::{
    Backend, DAY, Mail, TestApp, broken, eventually, every_email_sent_in, free_port,
    fresh_postgres_database, read_dir_files, status_of, stored,
};
pub use binary::{output_of, run_portal};
pub use dpo::{Dpo, PASSWORD, access_answer, download, figure, recorded_reference};
pub use smtp::{Mailbox, SmtpSink};
pub use subject::{
    RIGHTS, Subject, common_fields, reference_of, right_fields, submission_key_in, try_file,
};
pub use system::{Receiver, System, result_file};

/// Runs one scenario against each database the portal supports.
#[macro_export]
macro_rules! on_both_databases {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test]
                async fn on_sqlite() {
                    super::$scenario($crate::helpers::Backend::Sqlite).await;
                }
                #[tokio::test]
                async fn on_postgres() {
                    super::$scenario($crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}
