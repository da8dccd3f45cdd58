//! `spawn_app`: a real server on a random loopback port over a fresh database.

use app::{Actor, App, AppConfig};
use domain::Role;
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;
use test_support::{Backend, TestDb};
use tokio::sync::watch;

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub admin_key: String,
    pub app: App,
    _db: TestDb,
    _stop: watch::Sender<bool>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, AppConfig::default()).await
}

/// A server whose settings start from `config` (uploads go to a fresh directory).
pub async fn spawn_app_with(backend: Backend, config: AppConfig) -> TestApp {
    let db = TestDb::new(backend).await;
    let uploads = std::env::temp_dir().join(format!("fundament-uploads-{}", uuid::Uuid::now_v7()));
    let app = App::open(
        &db.url,
        AppConfig {
            uploads_dir: Some(uploads),
            ..config
        },
    )
    .await
    .expect("open app");
    let (admin_key, _) = app
        .create_key(&Actor::system("test"), Role::Admin, "test admin", None)
        .await
        .expect("admin key");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = watch::channel(false);
    let mut server_stopped = stopped.clone();
    tokio::spawn(server::serve(
        listener,
        server::AppState::new(app.clone()),
        async move {
            let _ = server_stopped.changed().await;
        },
    ));
    tokio::spawn(app::run_worker(app.clone(), "test-worker".into(), stopped));
    TestApp {
        address,
        client: Client::new(),
        admin_key,
        app,
        _db: db,
        _stop: stop,
    }
}

impl TestApp {
    pub fn request(&self, method: Method, path: &str, key: Option<&str>) -> RequestBuilder {
        let request = self
            .client
            .request(method, format!("{}{path}", self.address));
        match key {
            Some(key) => request.bearer_auth(key),
            None => request,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self.request(method, path, key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response: Response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn key_for(&self, role: Role, user: Option<domain::Id>) -> String {
        self.app
            .create_key(&Actor::system("test"), role, role.as_str(), user)
            .await
            .expect("key")
            .0
    }

    pub async fn manager(&self, login: &str) -> (domain::Id, String) {
        let user = self
            .app
            .create_user(&Actor::system("test"), login, login, Role::Manager, None)
            .await
            .expect("manager");
        (user.id, self.key_for(Role::Manager, Some(user.id)).await)
    }
}
