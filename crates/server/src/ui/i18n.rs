//! The UI's language: Russian first, English too. Chosen by `?lang=`, then
//! the `lang` cookie, then the browser's Accept-Language.

use std::collections::BTreeMap;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;

use crate::auth::cookie;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Русский.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// The code used in URLs and cookies.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Every text of the UI in this language.
    pub fn texts(self) -> BTreeMap<&'static str, &'static str> {
        TEXTS
            .iter()
            .map(|(key, ru, en)| (*key, if self == Lang::Ru { *ru } else { *en }))
            .collect()
    }

    fn parse(text: &str) -> Option<Self> {
        match text.trim().get(..2)?.to_lowercase().as_str() {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let from_query = parts
            .uri
            .query()
            .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("lang=")))
            .and_then(Lang::parse);
        let from_cookie = || cookie(parts, "lang").as_deref().and_then(Lang::parse);
        let from_header = || {
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Lang::parse)
        };
        Ok(from_query
            .or_else(from_cookie)
            .or_else(from_header)
            .unwrap_or(Lang::Ru))
    }
}

const TEXTS: &[(&str, &str, &str)] = &[
    ("duplicates", "Дубли", "Duplicates"),
    ("readiness", "Готовность данных", "Data readiness"),
    ("companies", "Компании", "Companies"),
    ("products", "Товары", "Products"),
    (
        "duplicates_hint",
        "Пары записей, которые, вероятно, описывают одно и то же. Вес каждого поля показывает, за или против он говорит.",
        "Pairs of records that probably describe one entity. Each field's weight says whether it speaks for or against.",
    ),
    ("match_weights", "Веса полей", "Field weights"),
    ("merge", "Объединить", "Merge"),
    ("not_duplicates", "Это разные", "Not duplicates"),
    (
        "no_duplicates",
        "Дублей не найдено.",
        "No duplicates found.",
    ),
    ("golden_record", "Золотая запись", "Golden record"),
    ("merged_by", "Объединил(а)", "Merged by"),
    ("references_moved", "Перенесено ссылок", "References moved"),
    ("merge_undone", "Объединение отменено", "Merge undone"),
    (
        "lineage",
        "Откуда каждое значение",
        "Lineage of every value",
    ),
    ("value", "Значение", "Value"),
    ("from_record", "Из записи", "From record"),
    ("rule", "Правило", "Rule"),
    ("members", "Объединённые записи", "Merged records"),
    (
        "survivor",
        "сохранена как золотая",
        "kept as the golden record",
    ),
    ("undo_merge", "Отменить объединение", "Undo merge"),
    (
        "fix_first",
        "Что исправить в первую очередь",
        "What to fix first",
    ),
    (
        "enough_to_train",
        "Хватит ли данных для обучения?",
        "Enough to train?",
    ),
    ("yes", "да", "yes"),
    ("no", "нет", "no"),
    ("role", "Роль", "Role"),
    ("filled", "Заполнено", "Filled"),
    ("distinct", "Разных", "Distinct"),
    ("formats", "Форматы", "Formats"),
    (
        "product",
        "fundament — данные CRM, готовые для ИИ",
        "fundament — CRM data ready for AI",
    ),
    ("login", "Вход", "Sign in"),
    ("login_name", "Логин", "Login"),
    ("password", "Пароль", "Password"),
    ("sign_in", "Войти", "Sign in"),
    ("sign_out", "Выйти", "Sign out"),
    (
        "wrong_login",
        "Неверный логин или пароль",
        "Wrong login or password",
    ),
    ("contacts", "Контакты", "Contacts"),
    ("deals", "Сделки", "Deals"),
    ("import", "Импорт", "Import"),
    ("api_docs", "API", "API"),
    (
        "search",
        "Поиск: имя, телефон, e-mail, город",
        "Search: name, phone, e-mail, city",
    ),
    ("find", "Найти", "Find"),
    ("name", "Имя", "Name"),
    ("phones", "Телефоны", "Phones"),
    ("emails", "E-mail", "E-mail"),
    ("city", "Город", "City"),
    ("created", "Создан", "Created"),
    ("source", "Источник", "Source"),
    ("next_page", "Дальше →", "Next →"),
    ("nothing_found", "Ничего не найдено", "Nothing found"),
    ("found", "Найдено", "Found"),
    ("card", "Карточка", "Card"),
    ("timeline", "История", "Timeline"),
    (
        "no_activities",
        "Пока ни одного касания",
        "No activities yet",
    ),
    ("amount", "Сумма", "Amount"),
    ("stage", "Стадия", "Stage"),
    ("status", "Статус", "Status"),
    ("pipeline", "Воронка", "Pipeline"),
    ("owner", "Ответственный", "Owner"),
    (
        "file",
        "Файл выгрузки (CSV, XLSX, JSON, JSONL)",
        "Export file (CSV, XLSX, JSON, JSONL)",
    ),
    ("preset", "Шаблон сопоставления", "Mapping preset"),
    (
        "dry_run",
        "Только проверить, ничего не записывать",
        "Check only, write nothing",
    ),
    ("preview", "Предпросмотр", "Preview"),
    ("start_import", "Импортировать", "Import"),
    ("column", "Столбец файла", "File column"),
    ("field", "Поле", "Field"),
    ("not_mapped", "не используется", "not used"),
    ("row", "Строка", "Row"),
    ("result", "Результат", "Result"),
    ("detected", "Распознано", "Detected"),
    ("job_running", "Импорт идёт…", "Import in progress…"),
    ("rows_read", "Прочитано строк", "Rows read"),
    ("inserted", "Добавлено", "Inserted"),
    ("updated", "Обновлено", "Updated"),
    ("rejected", "Отклонено", "Rejected"),
    (
        "nothing_written",
        "Ничего не записано: исправьте строки ниже и загрузите файл снова.",
        "Nothing was written: fix the rows below and upload the file again.",
    ),
    ("written", "Данные записаны.", "The data were written."),
    (
        "dry_run_done",
        "Проверка завершена, ничего не записано.",
        "Check finished; nothing was written.",
    ),
    (
        "owners_created",
        "Новые ответственные (неактивны, без пароля)",
        "New owners (inactive, no password)",
    ),
    ("unmapped", "Столбцы без сопоставления", "Unmapped columns"),
    ("reason", "Причина", "Reason"),
    ("open_deals", "открытых", "open"),
    ("more", "ещё", "more"),
    ("error", "Ошибка", "Error"),
    ("back", "Назад", "Back"),
    ("lang_switch", "English", "Русский"),
    (
        "purchase_probability",
        "Вероятность покупки",
        "Purchase probability",
    ),
    ("recommended", "Рекомендация", "Recommended"),
    ("why", "Почему", "Why"),
    ("scored_at", "Оценено", "Scored"),
    (
        "no_score",
        "Оценки нет: сделка закрыта или модель ещё не обучена.",
        "No score: the deal is closed or no model is trained yet.",
    ),
    ("call_first", "Кому звонить", "Call first"),
    (
        "call_first_hint",
        "Открытые сделки: сначала те, где покупка вероятнее всего. Оценки даёт модель, обученная на ваших закрытых сделках.",
        "Open deals, most likely to buy first. Scores come from a model trained on your closed deals.",
    ),
    ("deal", "Сделка", "Deal"),
    ("models", "Модели", "Models"),
    ("bots", "Боты", "Bots"),
    (
        "with_manager",
        "Диалоги у менеджеров",
        "Conversations with managers",
    ),
    ("bot", "Бот", "Bot"),
    ("channel", "Канал", "Channel"),
    ("deadline", "Ответить до", "Answer by"),
    ("overdue", "Просрочено", "Overdue"),
    ("contact", "Контакт", "Contact"),
    ("release", "Вернуть боту", "Give back to the bot"),
    ("reply", "Ответ клиенту", "Reply to the customer"),
    ("send", "Отправить", "Send"),
    (
        "manager_reply_time",
        "Менеджер ответил через",
        "Manager replied after",
    ),
    ("minutes", "мин", "min"),
    ("open_chat", "открыть чат", "open the chat"),
    ("conversations", "Диалогов", "Conversations"),
    ("containment", "Без менеджера", "Contained"),
    ("fallbacks", "Не понял", "Fallbacks"),
    ("handoffs", "Передано менеджеру", "Handed over"),
    ("satisfaction", "Оценка", "Satisfaction"),
    ("review_queue", "На проверку", "Review queue"),
    (
        "training_data",
        "скачать исправления (Rasa YAML)",
        "download corrections (Rasa YAML)",
    ),
    ("message", "Сообщение", "Message"),
    ("bot_read", "Бот понял", "The bot read"),
    ("correction", "Исправление", "Correction"),
    ("intent", "Намерение", "Intent"),
    ("entities", "Сущности", "Entities"),
    ("save", "Сохранить", "Save"),
    ("dismiss", "Пропустить", "Dismiss"),
    ("no_reviews", "Нечего проверять.", "Nothing to review."),
    (
        "no_bots",
        "Ботов нет: укажите bots в файле настроек или запустите serve --demo.",
        "No bots: list them under bots in the config file, or run serve --demo.",
    ),
    ("retrain", "Обучить заново", "Retrain"),
    ("version", "Версия", "Version"),
    ("status", "Статус", "Status"),
    ("folds", "фолды", "folds"),
    ("latest_deals", "последние сделки", "latest deals"),
    ("trained", "Обучена", "Trained"),
    ("data_hash", "Данные (хэш)", "Data (hash)"),
    ("promote", "Сделать активной", "Promote"),
    ("no_models", "Моделей ещё нет.", "No models yet."),
    ("next_best_offer", "Что предложить", "Next best offer"),
    (
        "churn_risk",
        "Риск ухода за 90 дней",
        "Risk of leaving within 90 days",
    ),
    (
        "drift",
        "Дрейф: открытые сделки против обучающих",
        "Drift: open deals against the training deals",
    ),
    ("score", "оценка", "score"),
    ("drift_ok", "в норме (PSI ≤ 0.25)", "stable (PSI ≤ 0.25)"),
];
