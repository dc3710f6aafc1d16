//! The kinds of simulated cohort: what each kind of person does, and for how many weeks.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortKind {
    /// Walk as planned and log everything; only day-to-day noise in pain.
    Noise,
    /// Miss walks and leave ratings and mornings out now and then.
    Missed,
    /// A real flare of one to two weeks, some time in the first months.
    Flare,
    /// Six weeks away with nothing logged, then back.
    Break,
    /// Walk 30-70 % longer than planned.
    Overdo,
    /// Log only two walks a week, for a year.
    FewWalks,
    /// Spinal-stenosis interval walkers.
    Stenosis,
    /// Ordinary adherence: 10-20 % of walks missed at random and some walks left unrated; only
    /// day-to-day noise in pain.
    Ordinary,
    /// More than the plan: capacity well above it, walks a little longer than planned, and some
    /// weeks an extra walk.
    Keen,
}

impl CohortKind {
    pub const ALL: [CohortKind; 9] = [
        CohortKind::Noise,
        CohortKind::Missed,
        CohortKind::Flare,
        CohortKind::Break,
        CohortKind::Overdo,
        CohortKind::FewWalks,
        CohortKind::Stenosis,
        CohortKind::Ordinary,
        CohortKind::Keen,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CohortKind::Noise => "noise",
            CohortKind::Missed => "missed",
            CohortKind::Flare => "flare",
            CohortKind::Break => "break",
            CohortKind::Overdo => "overdo",
            CohortKind::FewWalks => "few-walks",
            CohortKind::Stenosis => "stenosis",
            CohortKind::Ordinary => "ordinary",
            CohortKind::Keen => "keen",
        }
    }

    pub fn parse(s: &str) -> Option<CohortKind> {
        CohortKind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn describe(self) -> &'static str {
        match self {
            CohortKind::Noise => "walk as planned, log everything; only day-to-day noise in pain",
            CohortKind::Missed => "miss 15-40 % of walks, and some ratings and mornings",
            CohortKind::Flare => {
                "a real flare (3-4.5 points worse for 7-14 days) between weeks 5 and 14"
            }
            CohortKind::Break => "six weeks away (nothing logged) starting between weeks 8 and 14",
            CohortKind::Overdo => "walk 30-70 % longer than planned",
            CohortKind::FewWalks => "log only two walks a week, for a year",
            CohortKind::Stenosis => "interval walkers with leg symptoms that sitting eases",
            CohortKind::Ordinary => {
                "miss 10-20 % of walks at random, leave 10 % unrated; only day-to-day noise in pain"
            }
            CohortKind::Keen => {
                "capacity 2-3 times the plan's first walks, walk 10-30 % longer than planned, an extra walk in 30 % of weeks"
            }
        }
    }

    /// How many weeks each person is followed.
    pub fn weeks(self) -> u32 {
        match self {
            CohortKind::FewWalks => 52,
            CohortKind::Break => 32,
            _ => 26,
        }
    }
}
