//! Texts with `{{ slot }}` placeholders and conditions such as
//! `level == 'advanced'`, in minijinja's language, over the conversation's
//! slots and the caller's context. Checked once at load so that a running
//! bot meets no syntax errors; it renders, it never fails a turn.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use minijinja::Environment;
use serde_json::{Map, Value};

/// One environment for every bot: it holds no templates, only the language.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(Environment::new);

/// The variables a template sees: the context the caller gave, then the
/// slots, which win on a shared name because the customer said them last.
pub(crate) fn variables(
    context: &BTreeMap<String, Value>,
    slots: &BTreeMap<String, Value>,
) -> minijinja::Value {
    let mut all = context.clone();
    all.extend(slots.iter().map(|(k, v)| (k.clone(), v.clone())));
    minijinja::Value::from(minijinja::value::Serde(all))
}

/// Whether `source` is a template the language accepts.
pub(crate) fn check_template(source: &str) -> Result<(), String> {
    ENVIRONMENT
        .template_from_str(source)
        .map(|_| ())
        .map_err(|e| describe(&e))
}

/// Whether `source` is an expression the language accepts.
pub(crate) fn check_expression(source: &str) -> Result<(), String> {
    if source.contains("{{") {
        return Err("write the expression without `{{ }}`, e.g. `level == 'advanced'`".into());
    }
    ENVIRONMENT
        .compile_expression(source)
        .map(|_| ())
        .map_err(|e| describe(&e))
}

/// The variables a template reads (`{{ level }}`, `{% if urgency %}`).
pub(crate) fn variables_in(source: &str) -> Vec<String> {
    ENVIRONMENT
        .template_from_str(source)
        .map(|it| it.undeclared_variables(false).into_iter().collect())
        .unwrap_or_default()
}

/// The text with its placeholders filled. A template that fails at run time
/// (a filter given the wrong type) leaves its source as written: a visible
/// slip in one message is better than a conversation that stops.
pub(crate) fn render(source: &str, variables: &minijinja::Value) -> String {
    ENVIRONMENT
        .render_str(source, variables)
        .unwrap_or_else(|_| source.to_string())
}

/// Whether the condition holds; one that cannot be evaluated (it compares a
/// slot not yet filled with a number) does not.
pub(crate) fn holds(condition: &str, variables: &minijinja::Value) -> bool {
    ENVIRONMENT
        .compile_expression(condition)
        .and_then(|expression| expression.eval(variables))
        .is_ok_and(|value| value.is_true())
}

/// An action's parameters with every text rendered. A text that is one
/// placeholder and nothing else (`"{{ weight_kg }}"`) keeps its value's type,
/// so a number stays a number for the caller.
pub(crate) fn render_params(
    params: &Map<String, Value>,
    variables: &minijinja::Value,
) -> Map<String, Value> {
    params
        .iter()
        .map(|(key, value)| (key.clone(), render_value(value, variables)))
        .collect()
}

/// Every template inside an action's parameters, with its key path.
pub(crate) fn texts_in(value: &Value, path: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::String(text) => found.push((path.to_string(), text.clone())),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                texts_in(item, &format!("{path}[{index}]"), found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                texts_in(item, &format!("{path}.{key}"), found);
            }
        }
        _ => {}
    }
}

fn render_value(value: &Value, variables: &minijinja::Value) -> Value {
    match value {
        Value::String(text) => match sole_expression(text) {
            Some(expression) => ENVIRONMENT
                .compile_expression(expression)
                .and_then(|compiled| compiled.eval(variables))
                .ok()
                .and_then(|value| serde_json::to_value(&value).ok())
                .unwrap_or(Value::Null),
            None => Value::String(render(text, variables)),
        },
        Value::Array(items) => {
            Value::Array(items.iter().map(|it| render_value(it, variables)).collect())
        }
        Value::Object(map) => Value::Object(render_params(map, variables)),
        other => other.clone(),
    }
}

/// `expr` of a text that is exactly `{{ expr }}`.
fn sole_expression(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    (!inner.contains("{{") && !inner.contains("}}")).then_some(inner.trim())
}

fn describe(error: &minijinja::Error) -> String {
    match error.detail() {
        Some(detail) => format!("{detail} ({:?})", error.kind()).replace('"', "'"),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slots(value: Value) -> minijinja::Value {
        let map: BTreeMap<String, Value> = serde_json::from_value(value).expect("a map");
        variables(&BTreeMap::new(), &map)
    }

    #[test]
    fn placeholders_are_filled_from_slots() {
        let vars = slots(json!({"level": "средний", "time": "вечером"}));
        assert_eq!(
            render("Курс: {{ level }}, {{ time }}", &vars),
            "Курс: средний, вечером"
        );
    }

    #[test]
    fn a_slot_not_yet_filled_renders_empty_and_fails_no_condition() {
        let vars = slots(json!({}));
        assert_eq!(render("Позвонить {{ name }}", &vars), "Позвонить ");
        assert!(!holds("weight_kg > 20000", &vars));
    }

    #[test]
    fn conditions_compare_numbers_and_texts() {
        let vars = slots(json!({"weight_kg": 25000.0, "level": "продвинутый"}));
        assert!(holds("weight_kg > 20000", &vars));
        assert!(holds("level == 'продвинутый'", &vars));
        assert!(!holds("level == 'начальный'", &vars));
    }

    #[test]
    fn a_sole_placeholder_keeps_its_type_in_action_parameters() {
        let vars = slots(json!({"weight_kg": 15000.0, "city": "Москва"}));
        let params =
            json!({"weight_kg": "{{ weight_kg }}", "title": "Доставка в {{ city }}", "amount": 3});
        let Value::Object(params) = params else {
            unreachable!()
        };
        assert_eq!(
            Value::Object(render_params(&params, &vars)),
            json!({"weight_kg": 15000.0, "title": "Доставка в Москва", "amount": 3})
        );
    }

    #[test]
    fn bad_syntax_is_reported_at_check_time() {
        assert!(check_template("Курс: {{ level").is_err());
        assert!(check_expression("level ==").is_err());
        assert!(check_expression("{{ level }}").is_err());
        assert!(check_expression("level == 'advanced'").is_ok());
    }
}
