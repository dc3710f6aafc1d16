//! What a blocked or suspended plan leads with (brief §1.3, §2.2, §2.4): the care message of
//! the most urgent tier found since the plan's check-up, in the check-up's own words (the
//! tier's headline and action from `content/red_flags.toml`, or the flags' own action), then
//! each warning sign that fired with the day it was answered. One urgency per output: only the
//! lead tier's timing is stated; the signs are named without one.

use jiff::civil::Date;

use crate::assessment::FiredFlag;
use crate::knowledge::KnowledgeBase;
use crate::tier::Tier;

/// Where warning-sign answers were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredIn {
    /// The check-up the plan rests on.
    Checkup,
    /// A check-in (its new warning signs).
    Checkin,
    /// A re-screen ("Something new or worse?").
    Rescreen,
}

impl AnsweredIn {
    /// The words for it in a sentence ("your re-screen").
    pub fn words(self) -> &'static str {
        match self {
            AnsweredIn::Checkup => "check-up",
            AnsweredIn::Checkin => "check-in",
            AnsweredIn::Rescreen => "re-screen",
        }
    }
}

/// Warning signs answered yes on one day that need a clinician (soon or more urgent).
#[derive(Debug, Clone, PartialEq)]
pub struct Sighting {
    pub date: Date,
    pub answered_in: AnsweredIn,
    /// The most urgent of the flags' tiers.
    pub tier: Tier,
    /// The flags, most urgent first: (id, tier, title).
    pub flags: Vec<(String, Tier, String)>,
}

impl Sighting {
    /// The flags at soon or above of `fired` (most urgent first), when there are any.
    pub fn new(
        date: Date,
        answered_in: AnsweredIn,
        fired: &[FiredFlag],
        kb: &KnowledgeBase,
    ) -> Option<Sighting> {
        let mut flags: Vec<(String, Tier, String)> = fired
            .iter()
            .filter(|f| f.tier >= Tier::Soon)
            .map(|f| {
                let title = kb.flag(&f.id).map_or(f.id.clone(), |k| k.title.clone());
                (f.id.clone(), f.tier, title)
            })
            .collect();
        flags.sort_by_key(|(_, t, _)| std::cmp::Reverse(*t));
        let tier = flags.first()?.1;
        Some(Sighting {
            date,
            answered_in,
            tier,
            flags,
        })
    }

    /// The titles of its flags.
    pub fn titles(&self) -> Vec<String> {
        self.flags.iter().map(|(_, _, t)| t.clone()).collect()
    }

    /// "On 2026-11-09 your re-screen answered yes to a warning sign: …."
    pub fn line(&self) -> String {
        answered_line(Some(self.date), self.answered_in, &self.titles())
    }
}

/// "On 2026-11-09 your re-screen answered yes to a warning sign: …." (without a date: "Your
/// check-up answered yes …").
pub fn answered_line(date: Option<Date>, answered_in: AnsweredIn, titles: &[String]) -> String {
    let what = format!(
        "answered yes to {}: {}.",
        if titles.len() == 1 {
            "a warning sign"
        } else {
            "warning signs"
        },
        titles.join("; ")
    );
    match date {
        Some(d) => format!("On {d} your {} {what}", answered_in.words()),
        None => format!("Your {} {what}", answered_in.words()),
    }
}

/// The care message of `tier` when the flags `ids` fired at it: the tier's headline, and the
/// flags' own action when every one of them has the same one (pregnancy: the maternity unit),
/// else the tier's action. The check-up report and every plan output use these words.
pub fn care_words(tier: Tier, ids: &[&str], kb: &KnowledgeBase) -> Option<(String, String)> {
    let t = kb.tier_text(tier)?;
    let own: Vec<Option<&String>> = ids
        .iter()
        .map(|id| kb.flag(id).and_then(|f| f.action.as_ref()))
        .collect();
    let action = match own.first() {
        Some(Some(first)) if own.iter().all(|x| *x == Some(*first)) => (*first).clone(),
        _ => t.action.clone(),
    };
    Some((t.headline.clone(), action))
}

/// What a blocked or suspended plan leads with.
#[derive(Debug, Clone, PartialEq)]
pub struct Care {
    /// The most urgent tier among the signs.
    pub tier: Tier,
    /// The tier's headline ("Get emergency care now").
    pub headline: String,
    /// What to do and how soon. For a plan suspended at "soon" the headline says it alone:
    /// the tier's action offers gentle walking, which a suspended plan does not.
    pub action: Option<String>,
    /// The signs, oldest first.
    pub signs: Vec<Sighting>,
}

impl Care {
    /// The care for `signs` (none: `None`).
    pub fn new(signs: Vec<Sighting>, kb: &KnowledgeBase) -> Option<Care> {
        let tier = signs.iter().map(|s| s.tier).max()?;
        let ids: Vec<&str> = signs
            .iter()
            .flat_map(|s| s.flags.iter())
            .filter(|(_, t, _)| *t == tier)
            .map(|(id, _, _)| id.as_str())
            .collect();
        let (headline, action) = care_words(tier, &ids, kb)?;
        Some(Care {
            tier,
            headline,
            action: (tier >= Tier::Urgent).then_some(action),
            signs,
        })
    }

    /// The first line of the plan's reasons: the headline and what to do.
    pub fn lead(&self) -> String {
        match &self.action {
            Some(a) => format!("{}. {a}", self.headline),
            None => format!("{}.", self.headline),
        }
    }

    /// The lines that name the signs, one per day they were answered.
    pub fn sign_lines(&self) -> Vec<String> {
        self.signs.iter().map(Sighting::line).collect()
    }
}

/// The last line of a plan suspended until a new check-up.
pub const SUSPENDED_UNTIL: &str =
    "The plan is suspended until you run a new check-up, once you have been checked.";

/// The same after new symptoms alone (nothing to be checked for is known yet).
pub const SUSPENDED_UNTIL_CHECKUP: &str = "The plan is suspended until you run a new check-up.";

/// The last line of a plan a check-up's warning signs never started.
pub const NOT_STARTED: &str = "There is no walking or exercise plan until you have been checked; then run the check-up again.";
