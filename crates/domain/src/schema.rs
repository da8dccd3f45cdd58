//! The schema: every entity kind and the fields it has.
//!
//! One table describes each field's name, type, labels and whether it holds
//! personal data. Parsing, storage, the API, the OpenAPI document and the
//! personal-data map are all derived from it, so a field is added in one place.

use std::fmt;

use crate::ValueError;

/// The kinds of record fundament keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A person: a customer or a lead's contact.
    Contact,
    /// A legal entity or sole proprietor.
    Company,
    /// A sales pipeline (воронка).
    Pipeline,
    /// A stage of a pipeline.
    Stage,
    /// A lead or deal moving through a pipeline.
    Deal,
    /// A call, chat message, e-mail, meeting, note or task.
    Activity,
    /// A catalogue item.
    Product,
    /// A customer's order, with its lines.
    Order,
    /// A behavioural event: a product view, site visit, e-mail open or click.
    Event,
    /// A manager or other person who works in the CRM.
    User,
}

/// Every kind, in the order the UI and the OpenAPI document list them.
pub const ALL_KINDS: [EntityKind; 10] = [
    EntityKind::Contact,
    EntityKind::Company,
    EntityKind::Deal,
    EntityKind::Activity,
    EntityKind::Product,
    EntityKind::Order,
    EntityKind::Event,
    EntityKind::Pipeline,
    EntityKind::Stage,
    EntityKind::User,
];

/// What kind of personal data a field holds (152-FZ); drives encryption,
/// export and erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiCategory {
    /// Surname, given name, patronymic.
    Name,
    /// Phone numbers.
    Phone,
    /// E-mail addresses.
    Email,
    /// Date of birth.
    BirthDate,
    /// City, region, address.
    Location,
    /// Free text that may mention anything (comments, messages).
    FreeText,
}

impl PiiCategory {
    /// The stable name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiCategory::Name => "name",
            PiiCategory::Phone => "phone",
            PiiCategory::Email => "email",
            PiiCategory::BirthDate => "birth_date",
            PiiCategory::Location => "location",
            PiiCategory::FreeText => "free_text",
        }
    }
}

/// One allowed value of an enumerated field and the spellings it is recognised by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumOption {
    /// The stored value.
    pub value: &'static str,
    /// Other spellings (lower-case) that mean the same, e.g. `"успешно"` for `won`.
    pub aliases: &'static [&'static str],
}

/// The type of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A short text (names, cities, codes).
    Text,
    /// A long text (comments, messages).
    LongText,
    /// A whole number.
    Int,
    /// Yes or no.
    Bool,
    /// Zero or more phone numbers, E.164.
    Phones,
    /// Zero or more e-mail addresses.
    Emails,
    /// An amount with its currency.
    Money,
    /// A point in time, UTC.
    Timestamp,
    /// A calendar date.
    Date,
    /// The id of a record of another kind.
    Ref(EntityKind),
    /// A Russian taxpayer number.
    Inn,
    /// A Russian state registration number.
    Ogrn,
    /// One of a fixed set of values.
    Enum(&'static [EnumOption]),
    /// Free-form attributes: a JSON object of names to scalars.
    Attributes,
    /// An order's lines: a JSON array of `{sku, name, quantity, price}`.
    OrderLines,
}

/// One field of an entity.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// The field's name in the API, the store and mapping presets.
    pub name: &'static str,
    /// The type of its value.
    pub ty: FieldType,
    /// Whether a record without it is invalid.
    pub required: bool,
    /// The personal data it holds, if any.
    pub pii: Option<PiiCategory>,
    /// Label in Russian.
    pub label_ru: &'static str,
    /// Label in English.
    pub label_en: &'static str,
}

impl FieldDef {
    /// Whether the field's text goes into the record's search text.
    pub fn is_searchable(&self) -> bool {
        matches!(
            self.ty,
            FieldType::Text | FieldType::Phones | FieldType::Emails | FieldType::Inn
        )
    }

    /// Whether lists may filter and sort on it.
    pub fn is_filterable(&self) -> bool {
        !matches!(
            self.ty,
            FieldType::Phones
                | FieldType::Emails
                | FieldType::LongText
                | FieldType::Attributes
                | FieldType::OrderLines
        )
    }
}

const fn field(
    name: &'static str,
    ty: FieldType,
    label_ru: &'static str,
    label_en: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        ty,
        required: false,
        pii: None,
        label_ru,
        label_en,
    }
}

const fn required(def: FieldDef) -> FieldDef {
    FieldDef {
        required: true,
        ..def
    }
}

const fn pii(category: PiiCategory, def: FieldDef) -> FieldDef {
    FieldDef {
        pii: Some(category),
        ..def
    }
}

const fn option(value: &'static str, aliases: &'static [&'static str]) -> EnumOption {
    EnumOption { value, aliases }
}

const DEAL_KIND: &[EnumOption] = &[
    option("lead", &["лид"]),
    option("deal", &["сделка", "opportunity"]),
];
const DEAL_STATUS: &[EnumOption] = &[
    option(
        "open",
        &[
            "в работе",
            "открыта",
            "active",
            "in progress",
            "new",
            "новая",
        ],
    ),
    option(
        "won",
        &[
            "успешно",
            "успешно реализовано",
            "выиграна",
            "closed won",
            "closedwon",
            "сделка успешна",
            "success",
        ],
    ),
    option(
        "lost",
        &[
            "провалена",
            "закрыто и не реализовано",
            "проиграна",
            "closed lost",
            "closedlost",
            "отказ",
            "fail",
            "junk",
        ],
    ),
];
const ACTIVITY_KIND: &[EnumOption] = &[
    option("call", &["звонок", "phone call"]),
    option("chat", &["чат", "сообщение", "message"]),
    option("email", &["письмо", "e-mail", "почта"]),
    option("meeting", &["встреча"]),
    option("note", &["заметка", "комментарий", "comment"]),
    option("task", &["задача", "todo"]),
];
const DIRECTION: &[EnumOption] = &[
    option("inbound", &["входящий", "входящее", "in", "incoming"]),
    option("outbound", &["исходящий", "исходящее", "out", "outgoing"]),
];
const ORDER_STATUS: &[EnumOption] = &[
    option("new", &["новый", "создан"]),
    option("paid", &["оплачен"]),
    option("shipped", &["отгружен", "отправлен"]),
    option("delivered", &["доставлен", "выполнен", "completed"]),
    option("cancelled", &["отменён", "отменен", "canceled"]),
    option("returned", &["возврат", "возвращён", "возвращен"]),
];
const EVENT_KIND: &[EnumOption] = &[
    option("product_view", &["просмотр товара", "view"]),
    option("site_visit", &["визит", "visit", "pageview"]),
    option("email_open", &["открытие письма", "open"]),
    option("email_click", &["клик в письме", "click"]),
    option("cart_add", &["добавление в корзину", "add_to_cart"]),
];
const STAGE_OUTCOME: &[EnumOption] = DEAL_STATUS;
const USER_ROLE: &[EnumOption] = &[
    option("admin", &["администратор"]),
    option("manager", &["менеджер"]),
    option("analyst", &["аналитик"]),
    option("bot", &["бот"]),
    option("integration", &["интеграция"]),
];

use FieldType as T;
use PiiCategory as P;

const CONTACT: &[FieldDef] = &[
    pii(P::Name, field("last_name", T::Text, "Фамилия", "Last name")),
    pii(P::Name, field("first_name", T::Text, "Имя", "First name")),
    pii(
        P::Name,
        field("middle_name", T::Text, "Отчество", "Middle name"),
    ),
    pii(P::Phone, field("phones", T::Phones, "Телефоны", "Phones")),
    pii(P::Email, field("emails", T::Emails, "E-mail", "E-mails")),
    pii(P::Location, field("city", T::Text, "Город", "City")),
    pii(P::Location, field("region", T::Text, "Регион", "Region")),
    pii(
        P::BirthDate,
        field("birth_date", T::Date, "Дата рождения", "Birth date"),
    ),
    field(
        "company_id",
        T::Ref(EntityKind::Company),
        "Компания",
        "Company",
    ),
    field("position", T::Text, "Должность", "Position"),
    field("source", T::Text, "Источник", "Source"),
    field(
        "consent_processing",
        T::Bool,
        "Согласие на обработку ПДн",
        "Consent to processing",
    ),
    field(
        "consent_marketing",
        T::Bool,
        "Согласие на рассылки",
        "Consent to marketing",
    ),
    pii(
        P::FreeText,
        field("comment", T::LongText, "Комментарий", "Comment"),
    ),
];

const COMPANY: &[FieldDef] = &[
    required(field("name", T::Text, "Название", "Name")),
    field(
        "legal_form",
        T::Text,
        "Организационно-правовая форма",
        "Legal form",
    ),
    field("inn", T::Inn, "ИНН", "INN"),
    field("ogrn", T::Ogrn, "ОГРН", "OGRN"),
    field("industry", T::Text, "Отрасль", "Industry"),
    field("city", T::Text, "Город", "City"),
    field("phones", T::Phones, "Телефоны", "Phones"),
    field("emails", T::Emails, "E-mail", "E-mails"),
    field("website", T::Text, "Сайт", "Website"),
    field("comment", T::LongText, "Комментарий", "Comment"),
];

const PIPELINE: &[FieldDef] = &[required(field("name", T::Text, "Название", "Name"))];

const STAGE: &[FieldDef] = &[
    required(field("name", T::Text, "Название", "Name")),
    field(
        "pipeline_id",
        T::Ref(EntityKind::Pipeline),
        "Воронка",
        "Pipeline",
    ),
    field("position", T::Int, "Порядок", "Position"),
    field("outcome", T::Enum(STAGE_OUTCOME), "Итог", "Outcome"),
];

const DEAL: &[FieldDef] = &[
    field("title", T::Text, "Название", "Title"),
    field("kind", T::Enum(DEAL_KIND), "Тип", "Kind"),
    field("pipeline", T::Text, "Воронка", "Pipeline"),
    field("stage", T::Text, "Стадия", "Stage"),
    field("status", T::Enum(DEAL_STATUS), "Статус", "Status"),
    field("amount", T::Money, "Сумма", "Amount"),
    field(
        "contact_id",
        T::Ref(EntityKind::Contact),
        "Контакт",
        "Contact",
    ),
    field(
        "company_id",
        T::Ref(EntityKind::Company),
        "Компания",
        "Company",
    ),
    field("source", T::Text, "Источник", "Source"),
    field("channel", T::Text, "Канал", "Channel"),
    field("opened_at", T::Timestamp, "Дата создания", "Opened at"),
    field("closed_at", T::Timestamp, "Дата закрытия", "Closed at"),
    field("lost_reason", T::Text, "Причина отказа", "Lost reason"),
    pii(
        P::FreeText,
        field("comment", T::LongText, "Комментарий", "Comment"),
    ),
];

const ACTIVITY: &[FieldDef] = &[
    required(field("kind", T::Enum(ACTIVITY_KIND), "Тип", "Kind")),
    field("direction", T::Enum(DIRECTION), "Направление", "Direction"),
    field("channel", T::Text, "Канал", "Channel"),
    pii(P::FreeText, field("text", T::LongText, "Текст", "Text")),
    field("author", T::Text, "Автор", "Author"),
    field(
        "contact_id",
        T::Ref(EntityKind::Contact),
        "Контакт",
        "Contact",
    ),
    field("deal_id", T::Ref(EntityKind::Deal), "Сделка", "Deal"),
    field("occurred_at", T::Timestamp, "Когда", "Occurred at"),
    field("due_at", T::Timestamp, "Срок", "Due at"),
    field("done", T::Bool, "Выполнено", "Done"),
    field("duration_seconds", T::Int, "Длительность, с", "Duration, s"),
];

const PRODUCT: &[FieldDef] = &[
    required(field("sku", T::Text, "Артикул", "SKU")),
    required(field("name", T::Text, "Название", "Name")),
    field("category", T::Text, "Категория", "Category"),
    field("price", T::Money, "Цена", "Price"),
    field("stock", T::Int, "Остаток", "Stock"),
    field("attributes", T::Attributes, "Характеристики", "Attributes"),
];

const ORDER: &[FieldDef] = &[
    field("number", T::Text, "Номер", "Number"),
    field(
        "contact_id",
        T::Ref(EntityKind::Contact),
        "Покупатель",
        "Customer",
    ),
    field("deal_id", T::Ref(EntityKind::Deal), "Сделка", "Deal"),
    field("status", T::Enum(ORDER_STATUS), "Статус", "Status"),
    field("total", T::Money, "Сумма", "Total"),
    field("ordered_at", T::Timestamp, "Дата заказа", "Ordered at"),
    field("lines", T::OrderLines, "Позиции", "Lines"),
];

const EVENT: &[FieldDef] = &[
    required(field("kind", T::Enum(EVENT_KIND), "Тип", "Kind")),
    field(
        "contact_id",
        T::Ref(EntityKind::Contact),
        "Контакт",
        "Contact",
    ),
    field(
        "product_id",
        T::Ref(EntityKind::Product),
        "Товар",
        "Product",
    ),
    required(field("occurred_at", T::Timestamp, "Когда", "Occurred at")),
    field("url", T::Text, "Адрес страницы", "URL"),
    field("campaign", T::Text, "Кампания", "Campaign"),
];

const USER: &[FieldDef] = &[
    required(field("login", T::Text, "Логин", "Login")),
    pii(
        P::Name,
        field("display_name", T::Text, "Имя", "Display name"),
    ),
    pii(P::Email, field("emails", T::Emails, "E-mail", "E-mails")),
    required(field("role", T::Enum(USER_ROLE), "Роль", "Role")),
    field("active", T::Bool, "Активен", "Active"),
];

impl EntityKind {
    /// The singular name (`contact`), used in the store and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Contact => "contact",
            EntityKind::Company => "company",
            EntityKind::Pipeline => "pipeline",
            EntityKind::Stage => "stage",
            EntityKind::Deal => "deal",
            EntityKind::Activity => "activity",
            EntityKind::Product => "product",
            EntityKind::Order => "order",
            EntityKind::Event => "event",
            EntityKind::User => "user",
        }
    }

    /// The plural name (`contacts`): the API collection and the table name.
    pub fn collection(self) -> &'static str {
        match self {
            EntityKind::Contact => "contacts",
            EntityKind::Company => "companies",
            EntityKind::Pipeline => "pipelines",
            EntityKind::Stage => "stages",
            EntityKind::Deal => "deals",
            EntityKind::Activity => "activities",
            EntityKind::Product => "products",
            EntityKind::Order => "orders",
            EntityKind::Event => "events",
            EntityKind::User => "users",
        }
    }

    /// Finds a kind by its singular or plural name.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let lower = text.trim().to_lowercase();
        ALL_KINDS
            .into_iter()
            .find(|kind| kind.as_str() == lower || kind.collection() == lower)
            .ok_or_else(|| ValueError::new(format!("{text:?} is not an entity kind"), "one of contact, company, deal, activity, product, order, event, pipeline, stage, user"))
    }

    /// The fields of this kind, beyond the common ones every record has
    /// (id, source, owner, created and updated times).
    pub fn fields(self) -> &'static [FieldDef] {
        match self {
            EntityKind::Contact => CONTACT,
            EntityKind::Company => COMPANY,
            EntityKind::Pipeline => PIPELINE,
            EntityKind::Stage => STAGE,
            EntityKind::Deal => DEAL,
            EntityKind::Activity => ACTIVITY,
            EntityKind::Product => PRODUCT,
            EntityKind::Order => ORDER,
            EntityKind::Event => EVENT,
            EntityKind::User => USER,
        }
    }

    /// One field by name.
    pub fn field(self, name: &str) -> Option<&'static FieldDef> {
        self.fields().iter().find(|def| def.name == name)
    }

    /// Whether records of this kind belong to an owner who alone (with
    /// admins) may see them when they act as a manager.
    pub fn is_owned(self) -> bool {
        matches!(
            self,
            EntityKind::Contact | EntityKind::Deal | EntityKind::Activity
        )
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for kind in ALL_KINDS {
            assert_eq!(EntityKind::parse(kind.as_str()).unwrap(), kind);
            assert_eq!(EntityKind::parse(kind.collection()).unwrap(), kind);
            let mut names: Vec<_> = kind.fields().iter().map(|def| def.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                kind.fields().len(),
                "{kind} has a duplicate field"
            );
        }
    }

    #[test]
    fn enum_aliases_never_collide_within_a_field() {
        for kind in ALL_KINDS {
            for def in kind.fields() {
                if let FieldType::Enum(options) = def.ty {
                    let mut spellings: Vec<&str> = options
                        .iter()
                        .flat_map(|o| std::iter::once(o.value).chain(o.aliases.iter().copied()))
                        .collect();
                    let total = spellings.len();
                    spellings.sort_unstable();
                    spellings.dedup();
                    assert_eq!(
                        spellings.len(),
                        total,
                        "{kind}.{} has a spelling twice",
                        def.name
                    );
                }
            }
        }
    }
}
