//! A small flow layout: blocks of text, tables and charts placed down pages of a given paper
//! size, lines broken by the font's widths. Pure (no PDF here), so tests can check what lands on
//! which page.

use amble_core::charts::Figure;

use crate::fonts::Metrics;

/// Paper sizes in points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }

    /// "a4" or "letter", any case.
    pub fn parse(s: &str) -> Option<Paper> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "letter" => Some(Paper::Letter),
            _ => None,
        }
    }
}

/// 12 mm.
pub const MARGIN: f32 = 34.0;
/// Room kept at the bottom for the page footer.
const FOOTER: f32 = 14.0;
/// Space either side of a table cell's text.
const PAD: f32 = 3.0;
/// The tallest a chart is drawn.
pub const CHART_MAX_H: f32 = 130.0;

pub const INK: [u8; 3] = [0x11, 0x11, 0x11];
pub const GREY: [u8; 3] = [0x44, 0x44, 0x44];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
    pub colour: [u8; 3],
}

pub const BODY: Style = Style {
    size: 9.0,
    bold: false,
    colour: INK,
};
pub const SMALL: Style = Style {
    size: 7.5,
    bold: false,
    colour: GREY,
};
pub const STRONG: Style = Style {
    size: 9.0,
    bold: true,
    colour: INK,
};
const H1: Style = Style {
    size: 14.0,
    bold: true,
    colour: INK,
};
const H2: Style = Style {
    size: 10.5,
    bold: true,
    colour: INK,
};

/// What the document is made of.
#[derive(Debug, Clone)]
pub enum Block<'a> {
    Title(String),
    Heading(String),
    Para(String, Style),
    Bullets(Vec<String>),
    /// Column shares of the width (summing to 1), a header row, rows.
    Table {
        widths: Vec<f32>,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A chart and the text that stands in for it.
    Chart(&'a Figure, String),
}

/// What a placed item is in the document's structure: page furniture that is not read
/// (rules, footers, a table header repeated on a new page), or a piece of block `block`. In a
/// list `row` is the item and `col` 0 its bullet, 1 its text; in a table `row` 0 is the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Artifact,
    Content {
        block: usize,
        row: usize,
        col: usize,
    },
}

impl Mark {
    fn whole(block: usize) -> Mark {
        Mark::Content {
            block,
            row: 0,
            col: 0,
        }
    }
}

/// Something placed on a page. `y` of text is its baseline; everything is in points from the
/// top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'a> {
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
        mark: Mark,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
    Chart {
        x: f32,
        y: f32,
        scale: f32,
        figure: &'a Figure,
        mark: Mark,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page<'a> {
    pub items: Vec<Item<'a>>,
}

impl Page<'_> {
    /// Every text on the page, in order, joined by newlines (for tests and search).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for i in &self.items {
            match i {
                Item::Text { text, .. } => {
                    out.push_str(text);
                    out.push('\n');
                }
                Item::Chart { figure, .. } => {
                    out.push_str(&figure.title);
                    out.push('\n');
                }
                Item::Rule { .. } => {}
            }
        }
        out
    }
}

fn leading(s: Style) -> f32 {
    s.size * 1.3
}

/// Breaks `text` into lines no wider than `width`; a word wider than a line is cut.
pub fn wrap(m: &Metrics, text: &str, style: Style, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if m.width(&candidate, style.size, style.bold) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: cut it if it is still too wide.
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if m.width(&piece, style.size, style.bold) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

struct Flow<'a, 'm> {
    m: &'m Metrics,
    pages: Vec<Page<'a>>,
    y: f32,
    left: f32,
    width: f32,
    bottom: f32,
}

impl<'a> Flow<'a, '_> {
    fn page(&mut self) -> &mut Page<'a> {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let n = self.pages.len() - 1;
        &mut self.pages[n]
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = MARGIN;
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Starts a new page unless `h` points still fit.
    fn need(&mut self, h: f32) {
        if h > self.room() && self.y > MARGIN + 1.0 {
            self.new_page();
        }
    }

    fn lines(&mut self, x: f32, width: f32, text: &str, style: Style, mark: Mark) {
        for line in wrap(self.m, text, style, width) {
            self.need(leading(style));
            self.y += leading(style);
            let y = self.y - style.size * 0.3;
            self.page().items.push(Item::Text {
                x,
                y,
                style,
                text: line,
                mark,
            });
        }
    }

    /// The height `text` takes in `width`.
    fn height(&self, text: &str, style: Style, width: f32) -> f32 {
        wrap(self.m, text, style, width).len() as f32 * leading(style)
    }

    fn chart_size(&self, f: &Figure) -> (f32, f32) {
        let aspect = (f.width / f.height) as f32;
        let w = self.width.min(CHART_MAX_H * aspect);
        (w, w / aspect)
    }

    fn block(&mut self, index: usize, b: &Block<'a>, next: Option<&Block<'a>>) {
        let whole = Mark::whole(index);
        match b {
            Block::Title(t) => {
                self.lines(self.left, self.width, t, H1, whole);
                self.y += 2.0;
            }
            Block::Heading(t) => {
                // Keep a heading with the start of what follows it.
                let follow = match next {
                    Some(Block::Chart(f, _)) => self.chart_size(f).1,
                    Some(Block::Table { .. }) => 3.0 * leading(BODY),
                    Some(_) => 2.0 * leading(BODY),
                    None => 0.0,
                };
                let h = 6.0 + self.height(t, H2, self.width) + 3.0;
                self.need(h + follow);
                if self.y > MARGIN + 1.0 {
                    self.y += 6.0;
                }
                self.lines(self.left, self.width, t, H2, whole);
                self.y += 2.0;
                let (x1, x2, y) = (self.left, self.left + self.width, self.y);
                self.page().items.push(Item::Rule {
                    x1,
                    x2,
                    y,
                    width: 0.6,
                });
                self.y += 1.0;
            }
            Block::Para(t, s) => {
                self.lines(self.left, self.width, t, *s, whole);
                self.y += 1.5;
            }
            Block::Bullets(items) => {
                for (row, t) in items.iter().enumerate() {
                    let lines = wrap(self.m, t, BODY, self.width - 10.0);
                    self.need(leading(BODY));
                    let mut first = true;
                    for line in lines {
                        self.need(leading(BODY));
                        self.y += leading(BODY);
                        let y = self.y - BODY.size * 0.3;
                        let left = self.left;
                        if first {
                            self.page().items.push(Item::Text {
                                x: left + 2.0,
                                y,
                                style: BODY,
                                text: "•".into(),
                                mark: Mark::Content {
                                    block: index,
                                    row,
                                    col: 0,
                                },
                            });
                            first = false;
                        }
                        self.page().items.push(Item::Text {
                            x: left + 10.0,
                            y,
                            style: BODY,
                            text: line,
                            mark: Mark::Content {
                                block: index,
                                row,
                                col: 1,
                            },
                        });
                    }
                }
                self.y += 1.5;
            }
            Block::Table {
                widths,
                header,
                rows,
            } => {
                let cols: Vec<f32> = widths.iter().map(|w| w * self.width).collect();
                self.row(&cols, header, STRONG, Some((index, 0)));
                for (i, r) in rows.iter().enumerate() {
                    // A row that starts a new page brings the header with it (not read twice).
                    if self.row_height(&cols, r, BODY) > self.room() {
                        self.new_page();
                        self.row(&cols, header, STRONG, None);
                    }
                    self.row(&cols, r, BODY, Some((index, i + 1)));
                }
                self.y += 2.0;
            }
            Block::Chart(f, _) => {
                let (w, h) = self.chart_size(f);
                self.need(h + 4.0);
                let (x, y) = (self.left, self.y + 2.0);
                self.page().items.push(Item::Chart {
                    x,
                    y,
                    scale: w / f.width as f32,
                    figure: f,
                    mark: whole,
                });
                self.y += h + 4.0;
            }
        }
    }

    fn row_height(&self, cols: &[f32], cells: &[String], style: Style) -> f32 {
        let n = cols
            .iter()
            .zip(cells)
            .map(|(w, c)| wrap(self.m, c, style, w - 2.0 * PAD).len())
            .max()
            .unwrap_or(1);
        n as f32 * leading(style) + 2.0
    }

    /// One table row; `at` is (block, row) in the structure, `None` for a repeated header.
    fn row(&mut self, cols: &[f32], cells: &[String], style: Style, at: Option<(usize, usize)>) {
        let wrapped: Vec<Vec<String>> = cols
            .iter()
            .zip(cells)
            .map(|(w, c)| wrap(self.m, c, style, w - 2.0 * PAD))
            .collect();
        let h = self.row_height(cols, cells, style);
        self.need(h);
        let top = self.y;
        let mut x = self.left;
        for (col, (w, lines)) in cols.iter().zip(wrapped).enumerate() {
            let mark = at.map_or(Mark::Artifact, |(block, row)| Mark::Content {
                block,
                row,
                col,
            });
            for (i, line) in lines.into_iter().enumerate() {
                let y = top + (i + 1) as f32 * leading(style) - style.size * 0.3;
                self.page().items.push(Item::Text {
                    x: x + PAD,
                    y,
                    style,
                    text: line,
                    mark,
                });
            }
            x += w;
        }
        self.y = top + h;
        let (x1, x2, y) = (self.left, self.left + self.width, self.y);
        self.page().items.push(Item::Rule {
            x1,
            x2,
            y,
            width: 0.3,
        });
    }
}

/// Lays the blocks out on pages of `paper`.
pub fn layout<'a>(m: &Metrics, paper: Paper, blocks: &[Block<'a>]) -> Vec<Page<'a>> {
    let (w, h) = paper.size();
    let mut flow = Flow {
        m,
        pages: vec![Page::default()],
        y: MARGIN,
        left: MARGIN,
        width: w - 2.0 * MARGIN,
        bottom: h - MARGIN - FOOTER,
    };
    for (i, b) in blocks.iter().enumerate() {
        flow.block(i, b, blocks.get(i + 1));
    }
    flow.pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> Metrics {
        Metrics::new().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn wrapping_keeps_every_word_and_fits() {
        let m = m();
        let text = "Walking went with less next-morning pain in your own data, by about one point, over twelve weeks of entries.";
        let lines = wrap(&m, text, BODY, 120.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| m.width(l, BODY.size, false) <= 120.0));
        assert_eq!(lines.join(" "), text);
        // A word wider than the line is cut, not lost.
        let long = "x".repeat(200);
        let cut = wrap(&m, &long, BODY, 50.0);
        assert!(cut.len() > 3);
        assert_eq!(cut.concat(), long);
        assert_eq!(wrap(&m, "", BODY, 50.0), vec![String::new()]);
    }

    #[test]
    fn overflow_goes_to_a_new_page_and_headings_stay_with_their_text() {
        let m = m();
        let mut blocks = vec![Block::Title("T".into())];
        for i in 0..120 {
            blocks.push(Block::Para(format!("line {i}"), BODY));
        }
        blocks.push(Block::Heading("Last heading".into()));
        blocks.push(Block::Para("after".into(), BODY));
        let pages = layout(&m, Paper::A4, &blocks);
        assert!(pages.len() >= 2);
        let all: String = pages.iter().map(Page::text).collect();
        for i in 0..120 {
            assert!(all.contains(&format!("line {i}\n")), "{i}");
        }
        let (_, h) = Paper::A4.size();
        for p in &pages {
            for item in &p.items {
                if let Item::Text { y, .. } = item {
                    assert!(*y > MARGIN && *y < h - MARGIN, "{y}");
                }
            }
        }
        let last = pages.last().map(Page::text).unwrap_or_default();
        assert!(last.contains("Last heading\nafter"), "{last}");
    }

    #[test]
    fn a_table_split_over_pages_repeats_its_header() {
        let m = m();
        let blocks = vec![Block::Table {
            widths: vec![0.3, 0.7],
            header: vec!["Week".into(), "Why".into()],
            rows: (0..150)
                .map(|i| vec![format!("w{i}"), "because".into()])
                .collect(),
        }];
        let pages = layout(&m, Paper::Letter, &blocks);
        assert!(pages.len() >= 2);
        for p in &pages {
            assert!(p.text().starts_with("Week\nWhy\n"), "{}", p.text());
        }
        let all: String = pages.iter().map(Page::text).collect();
        assert_eq!(all.matches("\nbecause\n").count(), 150);
    }

    #[test]
    fn paper_names() {
        assert_eq!(Paper::parse("A4"), Some(Paper::A4));
        assert_eq!(Paper::parse("letter"), Some(Paper::Letter));
        assert_eq!(Paper::parse("legal"), None);
    }
}
