//! The plan and the progress charts.

use super::*;

pub struct HistoryRow {
    week: u32,
    start: String,
    planned: u32,
    walked: String,
    lights: String,
    decision: String,
    because: Vec<String>,
}

#[derive(Template)]
#[template(path = "plan.html")]
pub(crate) struct PlanPage {
    title: String,
    nav: &'static str,
    qs: String,
    /// The library article behind this week's decision: (id, title).
    article: Option<(String, String)>,
    /// Interval walking: when the latest recorded walk began to slow.
    gait_onset: Option<String>,
    status: &'static str,
    week: u32,
    /// A reminder of an earlier check-up's warning signs.
    earlier: Option<String>,
    walking: String,
    weekly: String,
    decision: String,
    because: Vec<String>,
    /// Exercises, exclusions, notes and sources: the same view the text plan shows.
    view: report::PlanView,
    /// Earlier reviewed weeks not shown, with the link that shows them.
    history_hidden: usize,
    all_history: String,
    history: Vec<HistoryRow>,
}

#[derive(Template)]
#[template(path = "progress.html")]
pub(crate) struct ProgressPage {
    /// Score charts with the change in words: (svg, words).
    outcomes: Vec<(String, String)>,
    title: String,
    nav: &'static str,
    qs: String,
    minutes_svg: String,
    pain_svg: String,
    /// Imported daily steps (Apple Health), when there are any.
    steps_svg: Option<String>,
    /// Walking speed per week from gait recordings, and the weeks as rows (week, walks,
    /// cadence, stride, speed in km/h), when there are any.
    gait_svg: Option<String>,
    gait_weeks: Vec<(String, usize, String, String, String)>,
    /// (week of its plan, first day, planned, walked); a week that starts a new plan says so.
    weeks: Vec<(String, String, String, String)>,
    pain: Vec<(String, String, String, String)>,
    /// (label, link, current) for the chart ranges.
    ranges: Vec<(&'static str, String, bool)>,
    shown: String,
}

// Plan and progress

pub async fn plan(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let Some((r, all)) = replay(&state, day).await? else {
        return Ok(render(&MessagePage {
            title: "Plan".into(),
            nav: "plan",
            qs: q.qs(),
            heading: "No plan yet".into(),
            text: "Start with the check-up: it takes a few minutes, and your plan starts from it."
                .into(),
        }));
    };
    let kb = state.kb();
    let p = &r.plan;
    let patterns = report::plan_context(&r.assessment, &r.answers);
    let view = report::plan_view(p, kb, &patterns);
    let show_all = q.history.as_deref() == Some("all");
    let hidden = if show_all {
        0
    } else {
        r.history.len().saturating_sub(RECENT_WEEKS)
    };
    let history = r
        .history
        .iter()
        .skip(hidden)
        .map(|h| HistoryRow {
            week: h.week,
            start: h.start.to_string(),
            planned: h.planned_weekly_minutes,
            walked: format!("{:.0}", h.walked_minutes),
            lights: format!("{} green, {} amber, {} red", h.green, h.amber, h.red),
            decision: report::decision_heading(&h.decision).into(),
            because: h.decision.because.clone(),
        })
        .collect();
    let page = PlanPage {
        gait_onset: amble_core::gait::interval_onset_line(&all, p),
        article: amble_core::learn::for_decision(&state.kb().learn, p.decision.kind)
            .map(|t| (t.id.clone(), t.title.clone())),
        title: "Your plan".into(),
        nav: "plan",
        qs: q.qs(),
        status: match p.status {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::Blocked => "blocked",
            Status::Maintenance => "maintenance",
        },
        week: p.week,
        earlier: r
            .earlier_warning
            .as_ref()
            .map(|w| report::earlier_warning_text(kb, w)),
        walking: report::walking_line(p).unwrap_or_default(),
        weekly: p.walking.as_ref().map_or(String::new(), |w| {
            format!(
                "{} this week; the target is {} minutes on {} days.",
                amble_core::words::count(w.weekly_minutes, "minute", "minutes"),
                w.target.minutes_per_session,
                w.target.sessions_per_week
            )
        }),
        decision: report::decision_heading(&p.decision).into(),
        because: p.decision.because.clone(),
        view,
        history,
        history_hidden: hidden,
        all_history: format!("{}#hist", with_qs("/plan", &q.qs(), "history=all")),
    };
    Ok(render(&page))
}

pub async fn progress(
    state: crate::authz::Scoped,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let day = q.date(&state)?;
    let Some((r, all)) = replay(&state, day).await? else {
        return Ok(render(&MessagePage {
            title: "Progress".into(),
            nav: "progress",
            qs: q.qs(),
            heading: "Nothing to show yet".into(),
            text: "Start with the check-up, then log your walks: your progress appears here."
                .into(),
        }));
    };
    let window = q.chart_weeks()?;
    // The period across plan restarts, as the clinician report reads it: the last `n` weeks
    // (never before the first check-up), or everything since the first check-up.
    let first = amble_core::clinician::first_checkup(&all).unwrap_or(r.start);
    let (from, shown) = match window {
        Some(n) => (
            amble_core::clinician::default_from(&all, day, n),
            format!("the last {n} weeks"),
        ),
        None => (
            first,
            format!("every week since your first check-up, on {first}"),
        ),
    };
    let data = amble_core::clinician::period_charts(&all, &r, from, day, state.kb());
    let restarts = charts::restarts(&data.weeks);
    // Gait weeks up to today, the last 52 (a year of trend on one chart).
    let mut gait_weeks = amble_core::gait::weekly(&all);
    gait_weeks.retain(|w| w.week <= day);
    let gait_weeks = gait_weeks.split_off(gait_weeks.len().saturating_sub(52));
    let ranges = period_links("/progress", &q, window);
    let f = |v: Option<u8>| v.map_or("-".to_string(), |v| v.to_string());
    // Scores over time, each against the smallest change people notice.
    let kb = state.kb();
    let outcomes: Vec<(String, String)> = amble_core::outcomes::history(&all)
        .into_iter()
        .filter(|(_, pts)| pts.len() >= 2)
        .filter_map(|(id, pts)| {
            let m = kb.outcomes.measure(id)?;
            let recovered = match id {
                "nprs" => Some(kb.outcomes.recovered.pain_max),
                "rmdq" => Some(kb.outcomes.recovered.rmdq_max),
                _ => None,
            };
            let (first, last) = (pts.first()?.1, pts.last()?.1);
            let words = amble_core::outcomes::change(m, first, last).words;
            Some((charts::draw::outcome(m, recovered, &pts).to_svg(), words))
        })
        .collect();
    let page = ProgressPage {
        outcomes,
        title: "Progress".into(),
        nav: "progress",
        qs: q.qs(),
        minutes_svg: charts::weekly_minutes_svg(&data.weeks),
        pain_svg: charts::pain_svg(&data.pain, &data.markers),
        steps_svg: {
            let days = charts::daily_steps(&all, day, 60);
            (!days.is_empty()).then(|| charts::daily_steps_svg(&days))
        },
        gait_svg: (!gait_weeks.is_empty())
            .then(|| charts::gait::weekly_speed(&gait_weeks).to_svg()),
        gait_weeks: gait_weeks
            .iter()
            .map(|w| {
                (
                    w.week.to_string(),
                    w.walks,
                    format!("{:.0}", w.cadence_spm),
                    format!("{:.2}", w.stride_length_m),
                    format!("{:.1}", w.speed_mps * 3.6),
                )
            })
            .collect(),
        weeks: data
            .weeks
            .iter()
            .zip(&restarts)
            .map(|(w, restart)| {
                (
                    if *restart {
                        format!("{} (new check-up)", w.week)
                    } else {
                        w.week.to_string()
                    },
                    w.start.to_string(),
                    if w.suspended {
                        "none (suspended)".to_string()
                    } else {
                        w.planned.to_string()
                    },
                    format!("{:.0}", w.walked),
                )
            })
            .collect(),
        pain: data
            .pain
            .iter()
            .map(|p| (p.date.to_string(), f(p.before), f(p.peak), f(p.morning)))
            .collect(),
        ranges,
        shown,
    };
    Ok(render(&page))
}
