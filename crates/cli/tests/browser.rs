//! The critical journey in a real headless Chromium: log in, search a
//! contact, open the card, import a small file. Needs Debian's chromium and
//! chromium-driver (`.ci/run` installs them); `WEBDRIVER_URL` may point at a
//! running WebDriver instead.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// Kills a child process when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Starts `fundament serve --demo` on a random port; returns its base URL.
fn start_fundament(data_dir: &std::path::Path) -> (Reaped, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "--demo-contacts",
            "150",
            "--data-dir",
        ])
        .arg(data_dir)
        .env_remove("FUNDAMENT_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fundament");
    let stdout = child.stdout.take().expect("stdout");
    let mut url = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(at) = line.find("http://") {
            url = Some(
                line[at..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('/')
                    .to_string(),
            );
            break;
        }
    }
    (Reaped(child), url.expect("fundament printed its URL"))
}

/// Starts chromedriver unless `WEBDRIVER_URL` names one.
async fn start_webdriver() -> (Option<Reaped>, String) {
    if let Ok(url) = std::env::var("WEBDRIVER_URL") {
        return (None, url);
    }
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is needed for the browser test: apt-get install chromium chromium-driver (.ci/run does)");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (Some(Reaped(child)), url)
}

async fn browser(webdriver: &str, profile: &std::path::Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.display())],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(webdriver)
        .await
        .expect("a WebDriver session")
}

/// Waits until an element matching `selector` contains `text`.
async fn wait_for_text(client: &Client, selector: &str, text: &str) {
    for _ in 0..200 {
        for element in client.find_all(Locator::Css(selector)).await.expect("find") {
            if element.text().await.is_ok_and(|t| t.contains(text)) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {selector} says «{text}»");
}

async fn wait_for(client: &Client, selector: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|error| panic!("{selector} never appeared: {error}"))
}

#[tokio::test]
async fn a_manager_logs_in_finds_a_contact_imports_a_file_and_reviews_duplicates() {
    let work = std::env::temp_dir().join(format!("fundament-browser-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");
    let (_server, base) = start_fundament(&work.join("data"));
    let (_driver, webdriver) = start_webdriver().await;
    let client = browser(&webdriver, &work.join("profile")).await;

    // Log in.
    client
        .goto(&format!("{base}/login"))
        .await
        .expect("login page");
    wait_for(&client, "[data-test=login]")
        .await
        .send_keys("admin")
        .await
        .expect("type login");
    wait_for(&client, "[data-test=password]")
        .await
        .send_keys("fundament-demo")
        .await
        .expect("type password");
    wait_for(&client, "[data-test=sign-in]")
        .await
        .click()
        .await
        .expect("sign in");
    wait_for(&client, "[data-test=contacts]").await;
    assert_eq!(
        wait_for(&client, "[data-test=user-name]")
            .await
            .text()
            .await
            .expect("name"),
        "Администратор"
    );

    // Search a contact by surname and open the card.
    let first_name = wait_for(&client, "[data-test=contact-link]")
        .await
        .text()
        .await
        .expect("first contact");
    let surname = first_name
        .split_whitespace()
        .next()
        .expect("a surname")
        .to_string();
    wait_for(&client, "[data-test=search]")
        .await
        .send_keys(&surname)
        .await
        .expect("type search");
    wait_for(&client, "[data-test=search-submit]")
        .await
        .click()
        .await
        .expect("search");
    for _ in 0..100 {
        let url = client.current_url().await.expect("url");
        if url.query().is_some_and(|query| query.contains("q=")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = client
        .find_all(Locator::Css("[data-test=contact-link]"))
        .await
        .expect("rows");
    assert!(!rows.is_empty(), "searching {surname:?} finds the contact");
    for row in &rows {
        assert!(
            row.text()
                .await
                .expect("text")
                .to_lowercase()
                .replace('ё', "е")
                .contains(&surname.to_lowercase().replace('ё', "е"))
        );
    }
    rows[0].click().await.expect("open card");
    let title = wait_for(&client, "[data-test=contact-name]")
        .await
        .text()
        .await
        .expect("card title");
    assert!(
        title.contains(&surname),
        "{title} is the contact searched for"
    );
    wait_for(&client, "[data-test=timeline]").await;

    // Import a small file through the upload, preview and report.
    let csv = work.join("new-contacts.csv");
    std::fs::write(
        &csv,
        "Фамилия;Имя;Телефон;Город\nБраузерова;Ольга;8 (916) 765-43-21;Тверь\n",
    )
    .expect("write csv");
    wait_for(&client, "[data-test=nav-import]")
        .await
        .click()
        .await
        .expect("import page");
    wait_for(&client, "[data-test=import-file]")
        .await
        .send_keys(&csv.display().to_string())
        .await
        .expect("choose file");
    wait_for(&client, "[data-test=import-preset]")
        .await
        .select_by_value("generic-contacts")
        .await
        .expect("preset");
    wait_for(&client, "[data-test=import-preview]")
        .await
        .click()
        .await
        .expect("preview");
    let mapping = wait_for(&client, "[data-test=mapping]")
        .await
        .text()
        .await
        .expect("mapping");
    assert!(
        mapping.contains("last_name") && mapping.contains("phones"),
        "{mapping}"
    );
    wait_for(&client, "[data-test=import-start]")
        .await
        .click()
        .await
        .expect("start import");
    let inserted = wait_for(&client, "[data-test=inserted]")
        .await
        .text()
        .await
        .expect("report");
    assert_eq!(inserted, "1");
    wait_for(&client, "[data-test=import-written]").await;

    client
        .goto(&format!("{base}/contacts?q=браузерова"))
        .await
        .expect("search the import");
    assert_eq!(
        wait_for(&client, "[data-test=total]")
            .await
            .text()
            .await
            .expect("total"),
        "1"
    );

    // The readiness report of the demo store, then the duplicates queue:
    // merge the likeliest pair, read the golden record's lineage, undo.
    wait_for(&client, "[data-test=nav-readiness]")
        .await
        .click()
        .await
        .expect("readiness page");
    let score = wait_for(&client, "[data-test=score]")
        .await
        .text()
        .await
        .expect("score");
    assert!(score.ends_with("/100"), "{score}");
    wait_for(&client, "[data-test=fixes] li").await;
    wait_for(&client, "[data-test=nav-duplicates]")
        .await
        .click()
        .await
        .expect("duplicates page");
    wait_for(&client, "[data-test=weights]").await;
    wait_for(&client, "[data-test=merge]")
        .await
        .click()
        .await
        .expect("merge");
    let lineage = wait_for(&client, "[data-test=lineage]")
        .await
        .text()
        .await
        .expect("lineage");
    assert!(
        lineage.contains("phones") && lineage.contains("union of all members"),
        "{lineage}"
    );
    wait_for(&client, "[data-test=undo]")
        .await
        .click()
        .await
        .expect("undo");
    wait_for(&client, "[data-test=undone]").await;

    // Lead scoring: the model serve --demo trained on the demo's closed deals
    // ranks the open ones; a deal's card shows probability, action and reasons.
    wait_for(&client, "[data-test=nav-call-first]")
        .await
        .click()
        .await
        .expect("call-first page");
    wait_for(&client, "[data-test=call-first-row] a")
        .await
        .click()
        .await
        .expect("open the first deal");
    let probability = wait_for(&client, "[data-test=probability]")
        .await
        .text()
        .await
        .expect("probability");
    assert!(probability.contains('%'), "{probability}");
    let action = wait_for(&client, "[data-test=action]")
        .await
        .text()
        .await
        .expect("action");
    assert!(
        action.starts_with("Рекомендация: ") || action.starts_with("Recommended: "),
        "{action}"
    );
    let reasons = client
        .find_all(Locator::Css("[data-test=reasons] li"))
        .await
        .expect("reasons");
    assert!(reasons.len() >= 3, "{} reasons", reasons.len());
    let reason = reasons[0].text().await.expect("reason");
    assert!(
        reason.ends_with("п.п.") || reason.ends_with("pts"),
        "{reason}"
    );
    // The shop pipeline's board: open deals carry their score and action.
    client
        .goto(&format!(
            "{base}/deals?pipeline=%D0%9F%D1%80%D0%BE%D0%B4%D0%B0%D0%B6%D0%B8"
        ))
        .await
        .expect("deals board");
    wait_for(&client, "[data-test=deal-card-score]").await;

    // The school's bot in the website widget: three questions, then the hot
    // lead goes to a manager, who finds it on the bots page and releases it.
    client
        .goto(&format!("{base}/widget/online-school"))
        .await
        .expect("widget");
    for (message, answer) in [
        (
            "Здравствуйте! Хочу на курс английского",
            "Какой у вас уровень",
        ),
        ("средний", "Для чего вам английский"),
        ("для работы", "Когда вам удобно"),
        ("по вечерам в будни", "Менеджер свяжется с вами"),
    ] {
        wait_for(&client, "[data-test=widget-input]")
            .await
            .send_keys(message)
            .await
            .expect("type a message");
        wait_for(&client, "[data-test=widget-send]")
            .await
            .click()
            .await
            .expect("send");
        wait_for_text(&client, "[data-test=bot-message]", answer).await;
    }
    client
        .goto(&format!("{base}/bots"))
        .await
        .expect("bots page");
    let handoff = wait_for(&client, "[data-test=handoff-row]")
        .await
        .text()
        .await
        .expect("handoff row");
    assert!(
        handoff.contains("online-school") && handoff.contains("hot_lead"),
        "{handoff}"
    );
    wait_for(&client, "[data-test=bot-online-school] [data-test=quality]").await;
    wait_for(&client, "[data-test=manager-reply]")
        .await
        .send_keys("Добрый вечер! Это Анна, менеджер школы.")
        .await
        .expect("type a reply");
    wait_for(&client, "[data-test=send-reply]")
        .await
        .click()
        .await
        .expect("send the reply");
    wait_for(&client, "[data-test=handoff-row]").await;
    // The visitor's widget shows what the manager wrote.
    client
        .goto(&format!("{base}/widget/online-school"))
        .await
        .expect("widget again");
    wait_for_text(&client, "[data-test=manager-message]", "менеджер школы").await;
    client
        .goto(&format!("{base}/bots"))
        .await
        .expect("bots page again");
    wait_for(&client, "[data-test=release]")
        .await
        .click()
        .await
        .expect("release");
    wait_for(&client, "[data-test=bot-online-school]").await;
    assert!(
        client
            .find_all(Locator::Css("[data-test=handoff-row]"))
            .await
            .expect("rows")
            .is_empty(),
        "released"
    );

    client.close().await.expect("close browser");
    let _ = std::fs::remove_dir_all(&work);
}
