//! The check-up engine: warning signs first, then the vascular differential, then additive
//! pattern scoring, then instrument scores (clinical brief §1.3). Pure and deterministic.

use serde::Serialize;
use serde_json::Value;

use crate::answers::{Answers, Facts};
use crate::instruments::{InstrumentScores, score_all};
use crate::knowledge::{Condition, Flag, KnowledgeBase, Pattern};
use crate::tier::{PlanStatus, Tier};

pub const ASSESSMENT_SCHEMA: &str = "amble.assessment/1";

/// `amble.assessment/1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub schema: &'static str,
    pub triage: Triage,
    pub plan_status: PlanStatus,
    pub patterns: Vec<PatternScore>,
    pub instruments: InstrumentScores,
    /// Answers to questions that did not apply to this person (for example "only in the calf"
    /// with nothing below the knee): left out of the scoring and named in the report. Warning
    /// signs are never set aside.
    #[serde(skip)]
    pub set_aside: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Triage {
    pub tier: Tier,
    pub flags: Vec<FiredFlag>,
    /// Warning-sign questions with no yes/no answer (unanswered is not "no"): while any are
    /// left, the plan does not start.
    pub unanswered: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FiredFlag {
    pub id: String,
    pub tier: Tier,
    /// Answer key paths that raised the flag.
    pub because: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Weak,
    Moderate,
    Strong,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternScore {
    pub id: String,
    pub strength: Strength,
    pub score: f64,
    pub because: Vec<Because>,
    /// The defining feature the person denied (`what` of the pattern's hallmark), if any: the
    /// pattern is then weak and listed after the others.
    #[serde(skip)]
    pub missing_hallmark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Because {
    pub answer: String,
    pub value: Value,
    pub weight: f64,
}

impl Assessment {
    pub fn tier(&self) -> Tier {
        self.triage.tier
    }

    /// Why pain or distress is severe right now, in words, when it is (brief §5.5: ODI 60 % or
    /// more, STarT Back high risk, or pain 8/10 or more now) [heuristic thresholds from the
    /// brief]: the plan then splits walks into shorter ones (never more walking, brief §2.5)
    /// and suggests a clinician's review.
    pub fn severity(&self, answers: &Answers) -> Vec<String> {
        let mut why = Vec::new();
        if let Some(p) = self.instruments.odi.as_ref().and_then(|o| o.percent)
            && p >= 60
        {
            why.push(format!("your Oswestry score is {p}%"));
        }
        if self
            .instruments
            .startback
            .as_ref()
            .is_some_and(|s| s.risk == crate::instruments::StartBackRisk::High)
        {
            why.push("your STarT Back score is in the high-risk group".into());
        }
        if let Some(now) = answers.pain.now
            && now >= 8
        {
            why.push(format!("your pain now is {now}/10"));
        }
        why
    }

    /// The plan waits only because warning-sign questions are unanswered (no flag asks for a
    /// doctor).
    pub fn waiting_for_answers(&self) -> bool {
        !self.triage.unanswered.is_empty() && self.triage.tier < Tier::Soon
    }

    pub fn has_pattern(&self, id: &str) -> bool {
        self.patterns.iter().any(|p| p.id == id)
    }

    /// Strength of a listed pattern, if listed.
    pub fn strength_of(&self, id: &str) -> Option<Strength> {
        self.patterns
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.strength)
    }
}

/// Runs the whole check-up on validated answers.
pub fn assess(answers: &Answers, kb: &KnowledgeBase) -> Assessment {
    let (facts, set_aside) = relevant_facts(kb, answers.facts());
    let scored: Vec<Scored> = kb
        .patterns
        .iter()
        .map(|p| {
            let (score, because) = score_pattern(p, &facts);
            let missing = p
                .hallmarks
                .iter()
                .find(|h| h.denied(&facts))
                .map(|h| h.what.clone());
            (p, score, because, missing)
        })
        .collect();

    let flags = triage_flags(kb, &facts, &scored);
    let tier = flags.iter().map(|f| f.tier).max().unwrap_or(Tier::None);

    let mut patterns: Vec<PatternScore> = scored
        .iter()
        .filter(|(_, score, _, _)| *score > 0.0)
        .map(|(p, score, because, missing)| PatternScore {
            id: p.id.clone(),
            strength: strength(kb, *score),
            score: *score,
            because: because.clone(),
            missing_hallmark: missing.clone(),
        })
        .collect();
    let denied: Vec<(String, Because)> = scored
        .iter()
        .filter_map(|(p, _, _, _)| Some((p.id.clone(), denied_hallmark(p, &facts)?)))
        .collect();
    hold_back_denied(kb, &mut patterns, &denied);
    if patterns.is_empty() {
        // Nothing scored: the default, non-specific pattern (§1.3 "anything unclassified").
        if let Some((p, score, because, _)) =
            scored.iter().find(|(p, _, _, _)| p.id == "nslbp_fatigue")
        {
            patterns.push(PatternScore {
                id: p.id.clone(),
                strength: Strength::Weak,
                score: score.max(0.0),
                because: because.iter().filter(|b| b.weight > 0.0).cloned().collect(),
                missing_hallmark: None,
            });
        }
    }
    // Most likely first; ties keep the brief's order (stable sort).
    patterns.sort_by(|a, b| b.score.total_cmp(&a.score));

    let unanswered: Vec<String> = kb
        .red_flag_questions_for(&facts)
        .filter(|q| facts.get(&q.id).is_none())
        .map(|q| q.id.clone())
        .collect();
    let plan_status = match tier.plan_status() {
        PlanStatus::Allowed if !unanswered.is_empty() => PlanStatus::Paused,
        s => s,
    };
    Assessment {
        schema: ASSESSMENT_SCHEMA,
        triage: Triage {
            tier,
            flags,
            unanswered,
        },
        plan_status,
        patterns,
        instruments: score_all(&answers.instruments),
        set_aside,
    }
}

/// The answers that count: those to questions that apply to this person, decided in the
/// check-up's order (a condition looks only at earlier topics). Warning signs always count.
pub fn relevant_facts(kb: &KnowledgeBase, mut facts: Facts) -> (Facts, Vec<String>) {
    let mut set_aside = Vec::new();
    for q in &kb.questions {
        if !q.is_red_flag() && facts.get(&q.id).is_some() && !q.applies(&facts) {
            facts.0.remove(&q.id);
            set_aside.push(q.id.clone());
        }
    }
    (facts, set_aside)
}

/// The answer that denies a pattern's hallmark, as a `because` entry (weight set later).
fn denied_hallmark(p: &Pattern, facts: &Facts) -> Option<Because> {
    let h = p.hallmarks.iter().find(|h| h.denied(facts))?;
    let c = h.any.first()?;
    Some(Because {
        answer: c.answer.clone(),
        value: facts.get(&c.answer)?.clone(),
        weight: 0.0,
    })
}

/// A pattern whose defining feature the person denied is held below moderate and below every
/// pattern whose hallmarks hold (half a point under the best of them), by a negative `because`
/// entry on the answer that denied it, so the score stays the sum of its reasons and the list
/// stays most likely first. Held at or below zero, it is not listed [heuristic].
fn hold_back_denied(
    kb: &KnowledgeBase,
    patterns: &mut Vec<PatternScore>,
    denied: &[(String, Because)],
) {
    let best_plain = patterns
        .iter()
        .filter(|p| p.missing_hallmark.is_none())
        .map(|p| p.score)
        .fold(f64::NEG_INFINITY, f64::max);
    let cap = (kb.strength.moderate - 0.5).min(best_plain - 0.5);
    for p in patterns.iter_mut() {
        let Some((_, because)) = denied.iter().find(|(id, _)| *id == p.id) else {
            continue;
        };
        if p.score > cap {
            let weight = ((cap - p.score) * 100.0).round() / 100.0;
            p.because.push(Because {
                weight,
                ..because.clone()
            });
            p.score = ((p.score + weight) * 100.0).round() / 100.0;
        }
        p.strength = strength(kb, p.score).min(Strength::Weak);
    }
    patterns.retain(|p| p.score > 0.0);
}

/// A pattern with its score, the answers behind it, and the hallmark denied (if any).
type Scored<'a> = (&'a Pattern, f64, Vec<Because>, Option<String>);

fn strength(kb: &KnowledgeBase, score: f64) -> Strength {
    if score >= kb.strength.strong {
        Strength::Strong
    } else if score >= kb.strength.moderate {
        Strength::Moderate
    } else {
        Strength::Weak
    }
}

fn score_pattern(p: &Pattern, facts: &Facts) -> (f64, Vec<Because>) {
    let hits: Vec<(&crate::knowledge::Rule, Value)> = p
        .rules
        .iter()
        .filter_map(|r| {
            r.condition
                .matches(facts.get(&r.condition.answer))
                .map(|v| (r, v))
        })
        .collect();
    let has_symptom = hits.iter().any(|(r, _)| !r.modifier && r.weight > 0.0);
    let mut score = 0.0;
    let mut because = Vec::new();
    for (rule, value) in hits {
        if rule.modifier && !has_symptom {
            continue;
        }
        score += rule.weight;
        because.push(Because {
            answer: rule.condition.answer.clone(),
            value,
            weight: rule.weight,
        });
    }
    // Weights are multiples of 0.5 in practice; round away float noise all the same.
    ((score * 100.0_f64).round() / 100.0, because)
}

fn all_hold<'a>(conditions: &'a [Condition], facts: &Facts) -> Option<Vec<&'a str>> {
    conditions
        .iter()
        .map(|c| c.matches(facts.get(&c.answer)).map(|_| c.answer.as_str()))
        .collect()
}

fn triage_flags(kb: &KnowledgeBase, facts: &Facts, scored: &[Scored<'_>]) -> Vec<FiredFlag> {
    let mut fired: Vec<FiredFlag> = kb
        .flags
        .iter()
        .filter_map(|f| fire(f, facts, scored))
        .collect();
    // Most urgent first; ties keep the knowledge base's order.
    fired.sort_by_key(|f| std::cmp::Reverse(f.tier));
    fired
}

fn fire(flag: &Flag, facts: &Facts, scored: &[Scored<'_>]) -> Option<FiredFlag> {
    let mut tier: Option<Tier> = None;
    let mut because: Vec<String> = Vec::new();
    let checked = facts.get("context.clinician_checked") == Some(&Value::Bool(true));
    for trigger in &flag.triggers {
        if !trigger.unless.is_empty() && all_hold(&trigger.unless, facts).is_some() {
            continue;
        }
        let trigger_tier = if trigger.history && checked {
            trigger.tier.min(Tier::Routine)
        } else {
            trigger.tier
        };
        let hit: Option<Vec<String>> = match &trigger.from_pattern {
            // A pattern whose defining feature was denied never raises a flag on its own.
            Some(pt) => scored
                .iter()
                .find(|(p, score, _, missing)| {
                    p.id == pt.id && *score >= pt.min_score && missing.is_none()
                })
                .map(|(_, _, b, _)| {
                    b.iter()
                        .filter(|b| b.weight > 0.0)
                        .map(|b| b.answer.clone())
                        .collect()
                }),
            None => all_hold(&trigger.when, facts).and_then(|v| {
                let mut paths: Vec<String> = v.into_iter().map(str::to_string).collect();
                if let Some(count) = &trigger.count {
                    let held: Vec<&str> = count
                        .of
                        .iter()
                        .filter(|c| c.matches(facts.get(&c.answer)).is_some())
                        .map(|c| c.answer.as_str())
                        .collect();
                    if held.len() < count.min {
                        return None;
                    }
                    paths.extend(held.into_iter().map(str::to_string));
                }
                Some(paths)
            }),
        };
        if let Some(paths) = hit {
            tier = Some(tier.map_or(trigger_tier, |t| t.max(trigger_tier)));
            for p in paths {
                if !because.contains(&p) {
                    because.push(p);
                }
            }
        }
    }
    tier.map(|tier| FiredFlag {
        id: flag.id.clone(),
        tier,
        because,
    })
}
