//! Draws laid-out pages with krilla: text in the embedded typeface, rules, and charts from the
//! same [`Figure`] geometry the web page turns into SVG.

use amble_core::charts::{Anchor, Figure, Pen, Shape};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use std::collections::BTreeMap;
use std::num::NonZeroU16;

use krilla::SerializeSettings;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::outline::{Outline, OutlineNode};
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope,
    Tag, TagGroup, TagKind, TagTree,
};

use crate::PdfError;
use crate::fonts::{BOLD, Metrics, REGULAR};
use crate::layout::{Block, Item, Mark, Page, Paper};

struct Faces {
    regular: Font,
    bold: Font,
}

fn colour(c: [u8; 3]) -> rgb::Color {
    rgb::Color::new(c[0], c[1], c[2])
}

/// "#rrggbb" to a colour; anything else is dark grey.
fn hex(s: &str) -> rgb::Color {
    let v = s
        .strip_prefix('#')
        .and_then(|h| u32::from_str_radix(h, 16).ok());
    match v {
        Some(v) if s.len() == 7 => rgb::Color::new((v >> 16) as u8, (v >> 8) as u8, v as u8),
        _ => rgb::Color::new(0x34, 0x40, 0x54),
    }
}

fn fill(c: rgb::Color) -> Fill {
    Fill {
        paint: c.into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn stroke(c: rgb::Color, width: f32, dash: &[f64]) -> Stroke {
    Stroke {
        paint: c.into(),
        width,
        line_cap: LineCap::Butt,
        dash: (!dash.is_empty()).then(|| StrokeDash {
            array: dash.iter().map(|d| *d as f32).collect(),
            offset: 0.0,
        }),
        ..Default::default()
    }
}

fn line(s: &mut Surface<'_>, from: (f32, f32), to: (f32, f32), st: Stroke) {
    let mut pb = PathBuilder::new();
    pb.move_to(from.0, from.1);
    pb.line_to(to.0, to.1);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(st));
        s.draw_path(&path);
        s.set_stroke(None);
    }
}

fn pen_stroke(p: &Pen) -> Stroke {
    stroke(hex(p.colour), p.width as f32, p.dash)
}

fn text(
    s: &mut Surface<'_>,
    faces: &Faces,
    at: (f32, f32),
    size: f32,
    bold: bool,
    c: rgb::Color,
    t: &str,
) {
    s.set_stroke(None);
    s.set_fill(Some(fill(c)));
    let font = if bold {
        faces.bold.clone()
    } else {
        faces.regular.clone()
    };
    s.draw_text(
        Point::from_xy(at.0, at.1),
        font,
        size,
        t,
        false,
        TextDirection::Auto,
    );
}

/// The shapes with groups opened, in drawing order.
fn flat<'a>(shapes: &'a [Shape], out: &mut Vec<&'a Shape>) {
    for s in shapes {
        match s {
            Shape::Group { shapes, .. } => flat(shapes, out),
            _ => out.push(s),
        }
    }
}

fn chart(s: &mut Surface<'_>, faces: &Faces, m: &Metrics, x: f32, y: f32, scale: f32, f: &Figure) {
    s.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, x, y));
    let p = |v: (f64, f64)| (v.0 as f32, v.1 as f32);
    let mut shapes = Vec::new();
    flat(&f.shapes, &mut shapes);
    for shape in shapes {
        match shape {
            Shape::Group { .. } => {}
            Shape::Line { from, to, pen, .. } => line(s, p(*from), p(*to), pen_stroke(pen)),
            Shape::Rect {
                x,
                y,
                w,
                h,
                fill: c,
                ..
            } => {
                let mut pb = PathBuilder::new();
                if let Some(r) = krilla::geom::Rect::from_xywh(
                    *x as f32,
                    *y as f32,
                    *w as f32,
                    (*h as f32).max(0.01),
                ) {
                    pb.push_rect(r);
                }
                if let Some(path) = pb.finish() {
                    s.set_stroke(None);
                    s.set_fill(Some(fill(hex(c))));
                    s.draw_path(&path);
                }
            }
            Shape::Polyline { points, pen } => {
                let mut pb = PathBuilder::new();
                for (i, pt) in points.iter().enumerate() {
                    let (px, py) = p(*pt);
                    if i == 0 {
                        pb.move_to(px, py);
                    } else {
                        pb.line_to(px, py);
                    }
                }
                if let Some(path) = pb.finish() {
                    s.set_fill(None);
                    s.set_stroke(Some(pen_stroke(pen)));
                    s.draw_path(&path);
                    s.set_stroke(None);
                }
            }
            Shape::Dot { at, r, fill: c, .. } => {
                let (cx, cy) = p(*at);
                let r = *r as f32;
                // A circle from four cubic arcs.
                let k = 0.552_284_8 * r;
                let mut pb = PathBuilder::new();
                pb.move_to(cx + r, cy);
                pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
                pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
                pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
                pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
                pb.close();
                if let Some(path) = pb.finish() {
                    s.set_stroke(None);
                    s.set_fill(Some(fill(hex(c))));
                    s.draw_path(&path);
                }
            }
            Shape::Text {
                at,
                size,
                anchor,
                fill: c,
                turned,
                text: t,
            } => {
                let size = *size as f32;
                let w = m.width(t, size, false);
                let (ax, ay) = p(*at);
                let dx = match anchor {
                    Anchor::Start => 0.0,
                    Anchor::Middle => -w / 2.0,
                    Anchor::End => -w,
                };
                if *turned {
                    s.push_transform(&Transform::from_rotate_at(90.0, ax, ay));
                    text(s, faces, (ax + dx, ay), size, false, hex(c), t);
                    s.pop();
                } else {
                    text(s, faces, (ax + dx, ay), size, false, hex(c), t);
                }
            }
        }
    }
    s.pop();
}

/// The identifiers of the marked content of each structure place, in reading order.
type Marked = BTreeMap<(usize, usize, usize), Vec<Identifier>>;

/// Draws `f` with `ids` collecting the marked content of `mark` (artifacts are marked as such
/// and collect nothing).
fn marked(
    s: &mut Surface<'_>,
    ids: &mut Marked,
    mark: Mark,
    tag: ContentTag<'_>,
    f: impl FnOnce(&mut Surface<'_>),
) {
    match mark {
        Mark::Artifact => {
            s.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::PaginationOther,
            )));
            f(s);
            s.end_tagged();
        }
        Mark::Content { block, row, col } => {
            let id = s.start_tagged(tag);
            f(s);
            s.end_tagged();
            ids.entry((block, row, col)).or_default().push(id);
        }
    }
}

fn leaf_group(tag: impl Into<TagKind>, ids: &mut Marked, at: (usize, usize, usize)) -> TagGroup {
    let children = ids
        .remove(&at)
        .unwrap_or_default()
        .into_iter()
        .map(Node::from)
        .collect();
    TagGroup::with_children(tag, children)
}

/// The structure tree: the title, then a section per heading with its paragraphs, lists,
/// tables and figures, in the order of the blocks (the reading order).
fn tag_tree(blocks: &[Block<'_>], ids: &mut Marked) -> TagTree {
    let mut tree = TagTree::new();
    let mut section: Option<TagGroup> = None;
    let level = |n: u16| NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN);
    for (b, block) in blocks.iter().enumerate() {
        let node: TagGroup = match block {
            Block::Title(t) => leaf_group(Tag::Hn(level(1), Some(t.clone())), ids, (b, 0, 0)),
            Block::Heading(t) => {
                if let Some(done) = section.take() {
                    tree.push(done);
                }
                let mut sect = TagGroup::new(Tag::Section);
                sect.push(leaf_group(
                    Tag::Hn(level(2), Some(t.clone())),
                    ids,
                    (b, 0, 0),
                ));
                section = Some(sect);
                continue;
            }
            Block::Para(..) => leaf_group(Tag::P, ids, (b, 0, 0)),
            Block::Bullets(items) => {
                let mut list = TagGroup::new(Tag::L(ListNumbering::Disc));
                for row in 0..items.len() {
                    list.push(TagGroup::with_children(
                        Tag::LI,
                        vec![
                            leaf_group(Tag::Lbl, ids, (b, row, 0)).into(),
                            leaf_group(Tag::LBody, ids, (b, row, 1)).into(),
                        ],
                    ));
                }
                list
            }
            Block::Table { header, rows, .. } => {
                let mut table = TagGroup::new(Tag::Table);
                let mut head = TagGroup::new(Tag::TR);
                for col in 0..header.len() {
                    head.push(leaf_group(
                        Tag::TH(TableHeaderScope::Column),
                        ids,
                        (b, 0, col),
                    ));
                }
                table.push(head);
                for (i, r) in rows.iter().enumerate() {
                    let mut tr = TagGroup::new(Tag::TR);
                    for col in 0..r.len() {
                        tr.push(leaf_group(Tag::TD, ids, (b, i + 1, col)));
                    }
                    table.push(tr);
                }
                table
            }
            Block::Chart(_, alt) => leaf_group(Tag::Figure(Some(alt.clone())), ids, (b, 0, 0)),
        };
        match &mut section {
            Some(sect) => sect.push(node),
            None => tree.push(node),
        }
    }
    if let Some(done) = section.take() {
        tree.push(done);
    }
    tree
}

/// The document outline (bookmarks): one entry per section heading, in order.
fn bookmarks(pages: &[Page<'_>], blocks: &[Block<'_>]) -> Outline {
    let mut outline = Outline::new();
    for (b, block) in blocks.iter().enumerate() {
        let (Block::Heading(t) | Block::Title(t)) = block else {
            continue;
        };
        let at = pages.iter().enumerate().find_map(|(i, p)| {
            p.items.iter().find_map(|item| match item {
                Item::Text {
                    x,
                    y,
                    style,
                    mark: Mark::Content { block, .. },
                    ..
                } if *block == b => Some((i, *x, (*y - style.size * 1.2).max(0.0))),
                _ => None,
            })
        });
        if let Some((page, x, y)) = at {
            outline.push_child(OutlineNode::new(
                t.clone(),
                XyzDestination::new(page, Point::from_xy(x, y)),
            ));
        }
    }
    outline
}

/// The pages as a tagged PDF/UA-1 document whose structure follows `blocks` (the blocks the
/// pages were laid out from).
pub fn pdf(
    pages: &[Page<'_>],
    blocks: &[Block<'_>],
    paper: Paper,
    m: &Metrics,
    title: &str,
) -> Result<Vec<u8>, PdfError> {
    let faces = Faces {
        regular: Font::new(REGULAR.to_vec().into(), 0).ok_or(PdfError::Font)?,
        bold: Font::new(BOLD.to_vec().into(), 0).ok_or(PdfError::Font)?,
    };
    let (w, h) = paper.size();
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))?;
    let mut doc = Document::new_with(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    });
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator("Amble".to_string())
            .language("en".to_string()),
    );
    let mut ids = Marked::new();
    for page in pages {
        let settings = PageSettings::from_wh(w, h).ok_or(PdfError::Layout)?;
        let mut p = doc.start_page_with(settings);
        let mut s = p.surface();
        for item in &page.items {
            match item {
                Item::Text {
                    x,
                    y,
                    style,
                    text: t,
                    mark,
                } => marked(
                    &mut s,
                    &mut ids,
                    *mark,
                    ContentTag::Span(SpanTag::empty()),
                    |s| {
                        text(
                            s,
                            &faces,
                            (*x, *y),
                            style.size,
                            style.bold,
                            colour(style.colour),
                            t,
                        )
                    },
                ),
                Item::Rule { x1, x2, y, width } => {
                    s.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                        ArtifactType::Layout,
                    )));
                    line(
                        &mut s,
                        (*x1, *y),
                        (*x2, *y),
                        stroke(rgb::Color::new(0x99, 0x99, 0x99), *width, &[]),
                    );
                    s.end_tagged();
                }
                Item::Chart {
                    x,
                    y,
                    scale,
                    figure,
                    mark,
                } => marked(&mut s, &mut ids, *mark, ContentTag::Other, |s| {
                    chart(s, &faces, m, *x, *y, *scale, figure)
                }),
            }
        }
        s.finish();
        p.finish();
    }
    doc.set_tag_tree(tag_tree(blocks, &mut ids));
    doc.set_outline(bookmarks(pages, blocks));
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::layout::layout;

    /// An exercise picture (a figure with groups) paints like any chart: every line and joint
    /// inside its groups reaches the page.
    #[test]
    fn exercise_pictures_paint_through_their_groups() {
        let kb = amble_core::KnowledgeBase::embedded().unwrap();
        let e = &kb.exercises[0];
        let f = amble_core::charts::pose::exercise(e, e.pose.as_ref().unwrap());
        let mut flat_shapes = Vec::new();
        flat(&f.shapes, &mut flat_shapes);
        assert!(flat_shapes.len() > 40, "{}", flat_shapes.len());
        assert!(!flat_shapes.iter().any(|s| matches!(s, Shape::Group { .. })));
        let m = Metrics::new().unwrap();
        let blocks = [Block::Chart(&f, "An exercise".into())];
        let pages = layout(&m, Paper::A4, &blocks);
        let bytes = pdf(&pages, &blocks, Paper::A4, &m, "Exercises").unwrap();
        assert!(bytes.starts_with(b"%PDF"));
    }
}
