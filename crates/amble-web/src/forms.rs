//! HTML forms to domain values. Field names are the answer key paths of the contract
//! (`red_flags.saddle_numbness`), so the form, the answers file and the API agree.

use amble_core::Answers;
use amble_core::knowledge::{KnowledgeBase, Question, QuestionKind};
use serde_json::{Map, Value};

/// The fields of a submitted form, in order, repeated keys kept.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The fields of an `application/x-www-form-urlencoded` body; a body that is not one is an
    /// error, never "no answers".
    pub fn parse(body: &[u8]) -> Result<Fields, String> {
        if !body.is_ascii() || body.iter().any(|b| b.is_ascii_control()) {
            return Err("the form could not be read: it is not a URL-encoded form".into());
        }
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(Fields)
            .map_err(|e| format!("the form could not be read ({e})"))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The field parsed as `T` when given; an error names the field and says what was
    /// expected (`"a number"`, `"a whole number"`).
    pub fn parsed<T: std::str::FromStr>(
        &self,
        key: &str,
        expected: &str,
    ) -> Result<Option<T>, FieldError> {
        self.get(key)
            .map(|v| {
                v.parse::<T>().map_err(|_| FieldError {
                    field: key.into(),
                    message: format!("expected {expected}, found \"{v}\""),
                })
            })
            .transpose()
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// A form error: the message and the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every error of a submitted form, shown all at once: a summary at the top (each linking to
/// its field, named in words) and each message beside its field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors(pub Vec<FieldError>);

impl From<FieldError> for FormErrors {
    fn from(e: FieldError) -> FormErrors {
        FormErrors(vec![e])
    }
}

impl From<Vec<FieldError>> for FormErrors {
    fn from(v: Vec<FieldError>) -> FormErrors {
        FormErrors(v)
    }
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn push(&mut self, e: FieldError) {
        if !self.0.iter().any(|x| x.field == e.field) {
            self.0.push(e);
        }
    }

    /// The message for one field, if it has one.
    pub fn on(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// (field id, "Label: message") for the summary.
    pub fn items(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|e| {
                (
                    e.field.clone(),
                    format!("{}: {}", label(&e.field), e.message),
                )
            })
            .collect()
    }
}

/// A field's name in words, as the form labels it.
pub fn label(field: &str) -> &'static str {
    match field {
        "date" => "Date",
        "minutes" => "Minutes walked",
        "pain_before" => "Back pain before the walk",
        "pain_peak" => "Worst pain during the walk",
        "leg_spread" => "Leg symptoms",
        "bouts" => "Separate walking bouts",
        "distance_km" => "Distance",
        "surface" => "Surface",
        "shoes" => "Shoes",
        "start" => "Start time",
        "factor" => "What to compare",
        "a" => "Option A",
        "b" => "Option B",
        "first_day" => "First day",
        "weeks" => "How long",
        "notes" => "Notes",
        "pain" => "Back pain on waking",
        "exercise" => "Exercise",
        "sets" => "Sets done",
        "pain_after" => "Back pain afterwards",
        _ => "This answer",
    }
}

fn value_for(q: &Question, fields: &Fields) -> Result<Option<Value>, FieldError> {
    let err = |m: String| FieldError {
        field: q.id.clone(),
        message: m,
    };
    Ok(match q.kind {
        QuestionKind::Bool => match fields.get(&q.id) {
            Some("yes") => Some(Value::Bool(true)),
            Some("no") => Some(Value::Bool(false)),
            Some("unsure") | None => None,
            Some(other) => {
                return Err(err(format!(
                    "expected yes, no or not sure, found \"{other}\""
                )));
            }
        },
        QuestionKind::Choice => match fields.get(&q.id) {
            None | Some("unsure") => None,
            Some(v) => match q.option_named(v) {
                Some(o) => Some(Value::String(o.to_string())),
                None => return Err(err(format!("\"{v}\" is not one of the choices"))),
            },
        },
        QuestionKind::Multi => {
            let picked = fields.all(&q.id);
            if let Some(bad) = picked.iter().find(|v| !q.options.iter().any(|o| o == *v)) {
                return Err(err(format!("\"{bad}\" is not one of the choices")));
            }
            (!picked.is_empty()).then(|| {
                Value::Array(
                    picked
                        .iter()
                        .map(|v| Value::String(v.to_string()))
                        .collect(),
                )
            })
        }
        QuestionKind::Number | QuestionKind::Integer => match fields.get(&q.id) {
            None => None,
            Some(v) => Some(q.number_from(v).map_err(err)?),
        },
    })
}

/// Answers from the questions in `questions` (others are ignored), validated like an answers
/// file. Every field in error is reported at once, each with its field.
pub fn answers<'a>(
    kb: &KnowledgeBase,
    questions: impl Iterator<Item = &'a Question>,
    fields: &Fields,
) -> Result<Answers, Vec<FieldError>> {
    let mut doc = Map::new();
    let mut errors = Vec::new();
    for q in questions {
        match value_for(q, fields) {
            Ok(Some(v)) => amble_core::answers::set_path(&mut doc, &q.id, v),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Answers::from_value(Value::Object(doc), kb).map_err(|e| {
        vec![FieldError {
            field: e.path,
            message: e.message,
        }]
    })
}
