//! The report's data as one JSON document (`amble report --json`, `amble.report/1`): the
//! period, the warning signs and the check-up, the scores over time, the weeks, adherence, the
//! events and suspensions. The same facts the outline lays out, without the charts.

use serde_json::{Value, json};

use super::ClinicianReport;
use super::outline::third_person;

pub const REPORT_SCHEMA: &str = "amble.report/1";

/// A number kept to two decimals (and `null` when it is not a number).
fn num(v: f64) -> Value {
    if v.is_finite() {
        json!((v * 100.0).round() / 100.0)
    } else {
        Value::Null
    }
}

/// Words written for the person, about them (as the outline has them).
fn about_them(v: &[String]) -> Vec<String> {
    v.iter().map(|t| third_person(t)).collect()
}

/// The report as `amble.report/1`.
pub fn document(c: &ClinicianReport) -> Value {
    let k = &c.checkup;
    let measures: serde_json::Map<String, Value> = c
        .measures
        .iter()
        .map(|(id, list)| {
            (
                (*id).to_string(),
                list.iter()
                    .map(|(d, v)| json!({"date": d.to_string(), "score": num(*v)}))
                    .collect(),
            )
        })
        .collect();
    let a = &c.adherence_numbers;
    json!({
        "schema": REPORT_SCHEMA,
        "generated": c.generated.to_string(),
        "from": c.from.to_string(),
        "to": c.to.to_string(),
        "about": c.about,
        "warning_signs": {
            "date": k.screen.map_or(k.date, |(_, d)| d).to_string(),
            "source": k.screen.map_or("check-up", |(s, _)| s),
            "tier": third_person(&k.tier_line),
            "flags": about_them(&k.flags),
            "unanswered": about_them(&k.unanswered),
            "suspended": k.suspended.as_deref().map(third_person),
            "earlier": k.earlier.as_deref().map(third_person),
        },
        "checkup": {
            "date": k.date.to_string(),
            "patterns": about_them(&k.patterns),
            "patterns_held_back": k.patterns_held_back.as_deref().map(third_person),
        },
        "scores": c.scores.iter().map(|s| json!({
            "date": s.date.to_string(), "source": s.kind, "scores": s.scores,
        })).collect::<Vec<_>>(),
        "measures": measures,
        "psfs": c.psfs.iter().map(|(d, items)| json!({
            "date": d.to_string(),
            "activities": items.iter().map(|(a, s)| json!({"activity": a, "score": s})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "changes": c.changes.iter().map(|ch| json!({
            "measure": ch.measure,
            "activity": ch.activity,
            "from": num(ch.from),
            "to": num(ch.to),
            "direction": ch.direction,
            "important": ch.important,
            "words": ch.words,
        })).collect::<Vec<_>>(),
        "recovered": c.recovered,
        "prescription": {
            "status": c.prescription.status,
            "walking": c.prescription.walking.as_deref().map(third_person),
            "exercises": c.prescription.exercises.iter()
                .map(|(name, dose)| json!({"name": name, "dose": third_person(dose)}))
                .collect::<Vec<_>>(),
        },
        "walks": c.walks,
        "minutes": num(c.minutes),
        "adherence": {
            "weeks": a.weeks,
            "planned_walks": a.planned_walks,
            "done_walks": a.done_walks,
            "planned_minutes": a.planned_minutes,
            "walked_minutes": num(a.walked_minutes),
            "weeks_over_plan": a.over_weeks,
            "gentle_weeks_over_plan": a.over_gentle_weeks,
            "words": c.adherence,
        },
        "weeks": c.weeks.iter().map(|w| json!({
            "week": w.week,
            "start": w.start.to_string(),
            "type": w.week_type,
            "planned_walks": w.planned_walks,
            "planned_minutes": w.planned_minutes,
            "done_walks": w.done_walks,
            "walked_minutes": num(w.walked_minutes),
            "green": w.green, "amber": w.amber, "red": w.red, "unrated": w.unrated,
            "decision": w.decision,
        })).collect::<Vec<_>>(),
        "restarts": c.restarts.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "flares": c.flares,
        "easier_weeks": c.easier_weeks,
        "events": c.events.iter().map(|e| json!({
            "date": e.date.to_string(), "kind": e.kind, "what": third_person(&e.what),
        })).collect::<Vec<_>>(),
        "suspensions": c.suspensions.iter().map(|s| json!({
            "from": s.start.to_string(),
            "until": s.end.as_ref().map(|(d, _)| d.to_string()),
            "why": third_person(&s.why),
            "ended": s.end.as_ref().map(|(_, w)| w),
        })).collect::<Vec<_>>(),
        "findings": c.findings.iter().map(|f| third_person(f)).collect::<Vec<_>>(),
        "tested": c.tested,
        "steps": c.steps_summary,
        "gait": c.gait_summary,
    })
}
