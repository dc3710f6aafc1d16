//! `/learn`: the library of short sourced articles, searchable; `/learn/{id}`: one article.

use super::*;
use amble_core::learn::{self, Topic};

#[derive(Debug, Deserialize, Default)]
pub struct LearnQuery {
    today: Option<String>,
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "learn.html")]
pub(crate) struct LearnPage<'a> {
    title: String,
    nav: &'static str,
    qs: String,
    query: String,
    searched: bool,
    basics: Vec<&'a Topic>,
    questions: Vec<&'a Topic>,
}

#[derive(Template)]
#[template(path = "learn_topic.html")]
pub(crate) struct LearnTopicPage<'a> {
    title: String,
    nav: &'static str,
    qs: String,
    t: &'a Topic,
    sources: Vec<(String, String, Option<String>)>,
}

fn qs_of(today: &Option<String>) -> String {
    today
        .as_ref()
        .map_or(String::new(), |t| format!("?today={t}"))
}

pub async fn learn_index(
    state: crate::authz::Scoped,
    Query(q): Query<LearnQuery>,
) -> Result<Response, PageError> {
    let kb = state.kb();
    let query = q.q.clone().unwrap_or_default();
    if query.chars().count() > 200 {
        return Err(PageError {
            status: StatusCode::BAD_REQUEST,
            message: "q: a search of at most 200 characters".into(),
        });
    }
    let searched = !query.trim().is_empty();
    let found: Vec<&Topic> = if searched {
        learn::search(&kb.learn, &query)
    } else {
        kb.learn.iter().collect()
    };
    let (basics, questions) = if searched {
        (found, Vec::new())
    } else {
        found.into_iter().partition(|t| t.group == "basics")
    };
    Ok(render(&LearnPage {
        title: "Learn".into(),
        nav: "learn",
        qs: qs_of(&q.today),
        query,
        searched,
        basics,
        questions,
    }))
}

pub async fn learn_topic(
    state: crate::authz::Scoped,
    Path(id): Path<String>,
    Query(q): Query<LearnQuery>,
) -> Result<Response, PageError> {
    let kb = state.kb();
    let Some(t) = kb.learn.iter().find(|t| t.id == id) else {
        return Err(PageError {
            status: StatusCode::NOT_FOUND,
            message: "No such article: the library lists them all at /learn.".into(),
        });
    };
    Ok(render(&LearnTopicPage {
        title: t.title.clone(),
        nav: "learn",
        qs: qs_of(&q.today),
        sources: t
            .sources
            .iter()
            .filter_map(|s| kb.source(s))
            .map(|s| (s.id.clone(), s.citation.clone(), s.url.clone()))
            .collect(),
        t,
    }))
}
