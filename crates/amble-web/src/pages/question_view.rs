//! A question as a form field, for the check-up, the check-in and the outcome questions.

use super::*;

/// A question as a form field.
pub struct QView {
    pub(crate) id: String,
    pub(crate) kind: &'static str,
    pub(crate) text: String,
    pub(crate) options: Vec<(String, String)>,
    pub(crate) min: String,
    pub(crate) max: String,
    pub(crate) step: &'static str,
    /// Current values (for re-showing a form after an error).
    pub(crate) values: Vec<String>,
    /// What is wrong with this answer, in words, shown next to it.
    pub(crate) error: Option<String>,
}

impl QView {
    pub(crate) fn new(q: &Question, fields: &Fields, errors: &[FieldError]) -> QView {
        let kind = match q.kind {
            QuestionKind::Bool => "bool",
            QuestionKind::Choice => "choice",
            QuestionKind::Multi => "multi",
            QuestionKind::Number => "number",
            QuestionKind::Integer => "integer",
        };
        let fmt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v}"));
        QView {
            id: q.id.clone(),
            kind,
            text: q.text.clone(),
            options: q
                .options
                .iter()
                .cloned()
                .zip(q.option_text.iter().cloned())
                .collect(),
            min: fmt(q.min),
            max: fmt(q.max),
            step: if q.kind == QuestionKind::Integer {
                "1"
            } else {
                "any"
            },
            values: fields.all(&q.id).into_iter().map(str::to_string).collect(),
            error: errors
                .iter()
                .find(|e| e.field == q.id)
                .map(|e| e.message.clone()),
        }
    }

    /// A question that is not in the check-up's content (a check-in's own questions).
    pub(crate) fn custom(
        id: &str,
        kind: &'static str,
        text: &str,
        options: &[(&str, &str)],
        range: (&str, &str),
        fields: &Fields,
        errors: &[FieldError],
    ) -> QView {
        QView {
            id: id.into(),
            kind,
            text: text.into(),
            options: options
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
            min: range.0.into(),
            max: range.1.into(),
            step: "1",
            values: fields.all(id).into_iter().map(str::to_string).collect(),
            error: errors
                .iter()
                .find(|e| e.field == id)
                .map(|e| e.message.clone()),
        }
    }

    pub(crate) fn has(&self, v: &str) -> bool {
        self.values.iter().any(|x| x == v)
    }

    pub(crate) fn value(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }

    /// An id safe for HTML `id` attributes.
    pub(crate) fn html_id(&self) -> String {
        self.id.replace('.', "-")
    }
}
