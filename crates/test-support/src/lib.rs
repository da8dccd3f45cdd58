//! # test-support
//!
//! Fresh, empty databases for tests, on either backend, so that the same
//! tests run on SQLite and on PostgreSQL (a dev-dependency only).
//!
//! PostgreSQL is found at `TEST_POSTGRES_URL`, or at
//! `postgres://postgres@127.0.0.1:5432/postgres` when it is unset. A test
//! that cannot reach it fails: the PostgreSQL half of the suite is never
//! skipped silently.

use std::path::PathBuf;

/// The two backends a test can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A new database on the test PostgreSQL server.
    Postgres,
}

/// A database that exists for one test and is removed when dropped.
pub struct TestDb {
    /// The URL to connect to it.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

/// The admin URL of the test PostgreSQL server.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

impl TestDb {
    /// Creates an empty database on `backend`.
    ///
    /// # Panics
    /// When PostgreSQL cannot be reached: the test must fail, not skip.
    pub async fn new(backend: Backend) -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("fundament-test-{unique}.db"));
                Self {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::File(path),
                }
            }
            Backend::Postgres => {
                use sqlx::Connection;
                let admin_url = postgres_admin_url();
                let name = format!("fundament_test_{unique}");
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|error| panic!("PostgreSQL at {admin_url} is needed by the test suite (.ci/run starts it): {error}"));
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .unwrap_or_else(|error| panic!("cannot create test database {name}: {error}"));
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                Self {
                    url: format!("{base}/{name}"),
                    cleanup: Cleanup::Database { admin_url, name },
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime, which cannot block on
                // itself; a short-lived thread with its own runtime can.
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    runtime.block_on(async move {
                        use sqlx::Connection;
                        if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            )))
                            .execute(&mut admin)
                            .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Runs an async test body once per backend, naming the backend on failure:
/// `backend_tests!(my_test, |backend| async move { ... })`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::Backend::Postgres).await;
                }
            )*
        }
    };
}
