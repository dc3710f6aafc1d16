//! The check of a check-up's answers against the knowledge base: parsing with errors that name
//! the key, and the ranges of the question definitions. The answer types themselves sit in
//! `answers`, below the knowledge base, so that journal entries can hold them.

use serde_json::Value;

use crate::answers::{
    ANSWERS_SCHEMA, Answers, AnswersError, clean_path, err, expect_len, fmt_num, friendly,
    strip_position,
};
use crate::knowledge::{KnowledgeBase, QuestionKind};

impl Answers {
    /// Parses and validates an `amble.answers/1` JSON document.
    pub fn from_json(text: &str, kb: &KnowledgeBase) -> Result<Answers, AnswersError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let answers: Answers = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let position = (inner.line() > 0).then(|| (inner.line(), inner.column()));
            let message = friendly(&strip_position(&inner.to_string()));
            AnswersError {
                path: clean_path(path),
                message,
                position,
            }
        })?;
        answers.validate(kb)?;
        Ok(answers)
    }

    /// Parses a JSON value (e.g. a request body already decoded) and validates it.
    pub fn from_value(value: Value, kb: &KnowledgeBase) -> Result<Answers, AnswersError> {
        let answers: Answers = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            AnswersError {
                path: clean_path(path),
                message: friendly(&e.into_inner().to_string()),
                position: None,
            }
        })?;
        answers.validate(kb)?;
        Ok(answers)
    }

    /// Range and consistency checks that the type system does not express.
    pub fn validate(&self, kb: &KnowledgeBase) -> Result<(), AnswersError> {
        if let Some(schema) = &self.schema
            && schema != ANSWERS_SCHEMA
        {
            return Err(err(
                "schema",
                format!("expected \"{ANSWERS_SCHEMA}\", found \"{schema}\""),
            ));
        }
        let facts = self.facts();
        for q in &kb.questions {
            let Some(value) = facts.get(&q.id) else {
                continue;
            };
            if matches!(q.kind, QuestionKind::Number | QuestionKind::Integer) {
                let Some(x) = value.as_f64() else { continue };
                let (min, max) = (q.min.unwrap_or(f64::MIN), q.max.unwrap_or(f64::MAX));
                if !x.is_finite() || x < min || x > max {
                    let what = if q.kind == QuestionKind::Integer {
                        "an integer"
                    } else {
                        "a number"
                    };
                    return Err(err(
                        &q.id,
                        format!(
                            "expected {what} from {} to {}, found {}",
                            fmt_num(min),
                            fmt_num(max),
                            crate::words::number(x)
                        ),
                    ));
                }
            }
        }
        self.validate_instruments()
    }

    pub(crate) fn validate_instruments(&self) -> Result<(), AnswersError> {
        let ins = &self.instruments;
        if let Some(items) = &ins.startback {
            expect_len("instruments.startback", items.len(), 9)?;
            for (i, &v) in items.iter().enumerate() {
                let max = if i == 8 { 4 } else { 1 };
                if !(0..=max).contains(&v) {
                    return Err(err(
                        &format!("instruments.startback[{i}]"),
                        format!(
                            "expected an integer from 0 to {max} (item {}), found {v}",
                            i + 1
                        ),
                    ));
                }
            }
        }
        if let Some(items) = &ins.odi {
            expect_len("instruments.odi", items.len(), 10)?;
            for (i, v) in items.iter().enumerate() {
                if let Some(v) = v
                    && !(0..=5).contains(v)
                {
                    return Err(err(
                        &format!("instruments.odi[{i}]"),
                        format!(
                            "expected an integer from 0 to 5 or null (section {}), found {v}",
                            i + 1
                        ),
                    ));
                }
            }
        }
        if let Some(items) = &ins.rmdq {
            expect_len("instruments.rmdq", items.len(), 24)?;
            for (i, &v) in items.iter().enumerate() {
                if !(0..=1).contains(&v) {
                    return Err(err(
                        &format!("instruments.rmdq[{i}]"),
                        format!("expected 0 or 1 (item {}), found {v}", i + 1),
                    ));
                }
            }
        }
        if let Some(items) = &ins.psfs {
            if items.is_empty() || items.len() > 5 {
                return Err(err(
                    "instruments.psfs",
                    format!("expected 1 to 5 activities, found {}", items.len()),
                ));
            }
            for (i, item) in items.iter().enumerate() {
                if item.activity.trim().is_empty() {
                    return Err(err(
                        &format!("instruments.psfs[{i}].activity"),
                        "expected the name of an activity, found an empty string".into(),
                    ));
                }
                if let Some(m) = crate::text::problem(&item.activity, crate::text::Lines::One) {
                    return Err(err(&format!("instruments.psfs[{i}].activity"), m));
                }
                let chars = item.activity.chars().count();
                if chars > crate::answers::PSFS_ACTIVITY_MAX_CHARS {
                    return Err(err(
                        &format!("instruments.psfs[{i}].activity"),
                        format!(
                            "expected the name of an activity in at most {} characters, found {chars}",
                            crate::answers::PSFS_ACTIVITY_MAX_CHARS
                        ),
                    ));
                }
                if !(0..=10).contains(&item.score) {
                    return Err(err(
                        &format!("instruments.psfs[{i}].score"),
                        format!("expected an integer from 0 to 10, found {}", item.score),
                    ));
                }
            }
        }
        if let Some(items) = &ins.peg {
            expect_len("instruments.peg", items.len(), 3)?;
            for (i, &v) in items.iter().enumerate() {
                if !(0..=10).contains(&v) {
                    return Err(err(
                        &format!("instruments.peg[{i}]"),
                        format!(
                            "expected an integer from 0 to 10 (item {}), found {v}",
                            i + 1
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}
