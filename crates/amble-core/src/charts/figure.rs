//! A chart as a small scene of shapes in a fixed coordinate box, so the web page (SVG) and the
//! printed report (PDF) draw the same geometry from one place.

use std::fmt::Write as _;

/// Where a text's `x` sits on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// A line's colour, width and dash pattern (empty: solid).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pen {
    pub colour: &'static str,
    pub width: f64,
    pub dash: &'static [f64],
}

impl Pen {
    pub const fn solid(colour: &'static str, width: f64) -> Pen {
        Pen {
            colour,
            width,
            dash: &[],
        }
    }
}

/// One drawn element. Coordinates grow right and down, as in SVG. `tip` is a hover text on
/// the web (the printed report has the same facts in words).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Line {
        from: (f64, f64),
        to: (f64, f64),
        pen: Pen,
        tip: Option<String>,
    },
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: &'static str,
        tip: Option<String>,
    },
    Polyline {
        points: Vec<(f64, f64)>,
        pen: Pen,
    },
    Dot {
        at: (f64, f64),
        r: f64,
        fill: &'static str,
        tip: Option<String>,
    },
    Text {
        at: (f64, f64),
        size: f64,
        anchor: Anchor,
        fill: &'static str,
        /// Turned a quarter clockwise about `at` (reads downwards).
        turned: bool,
        text: String,
    },
    /// Shapes drawn together; on the web `class` lets the style sheet address them (the
    /// printed report draws them as they are).
    Group {
        class: &'static str,
        shapes: Vec<Shape>,
    },
}

/// A chart: its box, a title and a description in words (the text alternative), and shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: String,
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub shapes: Vec<Shape>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn dash_attr(dash: &[f64]) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = dash.iter().map(|d| format!("{d}")).collect();
        format!(r#" stroke-dasharray="{}""#, parts.join(" "))
    }
}

fn tip_close(out: &mut String, tag: &str, tip: &Option<String>) {
    match tip {
        Some(t) => {
            let _ = write!(out, "><title>{}</title></{tag}>", esc(t));
        }
        None => out.push_str("/>"),
    }
}

impl Figure {
    /// The figure as an accessible inline SVG element (title and description linked).
    pub fn to_svg(&self) -> String {
        let id = &self.id;
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" class="chart"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
            self.width,
            self.height,
            esc(&self.title),
            esc(&self.desc)
        );
        for s in &self.shapes {
            shape_svg(&mut out, s);
        }
        out.push_str("</svg>");
        out
    }
}

fn shape_svg(out: &mut String, s: &Shape) {
    {
        {
            match s {
                Shape::Line { from, to, pen, tip } => {
                    let _ = write!(
                        out,
                        r#"<line x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{}" stroke-width="{}"{}"#,
                        from.0,
                        to.0,
                        from.1,
                        to.1,
                        pen.colour,
                        pen.width,
                        dash_attr(pen.dash)
                    );
                    tip_close(out, "line", tip);
                }
                Shape::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    tip,
                } => {
                    let _ = write!(
                        out,
                        r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}""#
                    );
                    tip_close(out, "rect", tip);
                }
                Shape::Polyline { points, pen } => {
                    let pts: Vec<String> = points
                        .iter()
                        .map(|(x, y)| format!("{x:.1},{y:.1}"))
                        .collect();
                    let _ = write!(
                        out,
                        r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"{}/>"#,
                        pts.join(" "),
                        pen.colour,
                        pen.width,
                        dash_attr(pen.dash)
                    );
                }
                Shape::Dot { at, r, fill, tip } => {
                    let _ = write!(
                        out,
                        r#"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{fill}""#,
                        at.0, at.1
                    );
                    tip_close(out, "circle", tip);
                }
                Shape::Text {
                    at,
                    size,
                    anchor,
                    fill,
                    turned,
                    text,
                } => {
                    let anchor = match anchor {
                        Anchor::Start => "",
                        Anchor::Middle => r#" text-anchor="middle""#,
                        Anchor::End => r#" text-anchor="end""#,
                    };
                    let turn = if *turned {
                        format!(r#" transform="rotate(90 {:.1} {:.1})""#, at.0, at.1)
                    } else {
                        String::new()
                    };
                    let _ = write!(
                        out,
                        r#"<text x="{:.1}" y="{:.1}" font-size="{size}"{anchor} fill="{fill}"{turn}>{}</text>"#,
                        at.0,
                        at.1,
                        esc(text)
                    );
                }
                Shape::Group { class, shapes } => {
                    let _ = write!(out, r#"<g class="{class}">"#);
                    for s in shapes {
                        shape_svg(out, s);
                    }
                    out.push_str("</g>");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_escapes_text_and_keeps_the_text_alternative() {
        let f = Figure {
            id: "x".into(),
            width: 100.0,
            height: 50.0,
            title: "A <b> & c".into(),
            desc: "d".into(),
            shapes: vec![
                Shape::Text {
                    at: (1.0, 2.0),
                    size: 13.0,
                    anchor: Anchor::End,
                    fill: "#000",
                    turned: true,
                    text: "<script>".into(),
                },
                Shape::Line {
                    from: (0.0, 0.0),
                    to: (1.0, 1.0),
                    pen: Pen {
                        colour: "#111",
                        width: 2.0,
                        dash: &[6.0, 4.0],
                    },
                    tip: Some("t".into()),
                },
            ],
        };
        let svg = f.to_svg();
        assert!(svg.contains("<title id=\"x-t\">A &lt;b&gt; &amp; c</title>"));
        assert!(svg.contains("&lt;script&gt;</text>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains(r##"stroke-dasharray="6 4"><title>t</title></line>"##));
        assert!(svg.contains(r##"text-anchor="end" fill="#000" transform="rotate(90 1.0 2.0)""##));
    }
}
