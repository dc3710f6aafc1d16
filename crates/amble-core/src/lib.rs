//! Amble's pure domain core: the knowledge base, the check-up engine, questionnaire scoring,
//! and (later) plans. No IO, no async, no database: every function here is a pure function of
//! its inputs, so the CLI, the store and the web server can all rely on the same answers.

pub mod access;
pub mod answers;
pub mod answers_check;
pub mod assessment;
pub mod charts;
pub mod checkin;
pub mod checkin_doc;
pub mod checkup;
pub mod client_ref;
pub mod clinician;
pub mod coach;
pub mod coach_rules;
pub mod correction;
pub mod fhir;
pub mod gait;
pub mod gait_setup;
pub mod insights;
pub mod instruments;
pub mod journal;
pub mod knowledge;
pub mod learn;
pub mod new_symptoms;
pub mod outcomes;
pub mod pain;
pub mod plan;
pub mod pose;
pub mod reminders;
pub mod report;
pub mod revision;
pub mod text;
pub mod tier;
pub mod topics;
pub mod tuning;
pub mod words;

pub use answers::{Answers, AnswersError};
pub use assessment::{Assessment, Strength, assess};
pub use knowledge::{KnowledgeBase, KnowledgeError};
pub use tier::{PlanStatus, Tier};
