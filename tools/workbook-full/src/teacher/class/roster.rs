//! The roster is the teacher's: who is in the class and who may join. A learner is
//! removed (a script's row, someone who left), renamed, merged into another row (one learner
//! who joined from two clones), or let join again under their name (a new clone, another
//! machine: their old token stops working); joining is closed and opened; the code is
//! changed (it was seen where it should not be). The page's buttons and `class roster` on
//! the teacher's machine both send a change to `POST /api/roster` with the teacher's token;
//! the writer makes it in a transaction of its own, and every page is sent the class again.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use workbook::cli::RosterAction;
use workbook::learner::class::http::{self, Server};
use workbook_core::class;
use workbook_core::language::messages::{ClassMsg, say};
use workbook_core::ui;

use super::http::request::{
    MAX_JOIN_BYTES, TeacherQuery, is_teacher, not_the_teacher, read_json, refuse,
};
use super::store::{Change, Changed, Store};
use super::{ADDRESS, Class, DATABASE, guard};

/// `POST /api/roster` with the teacher's token: a [`Change`] to the roster, from the page or
/// `class roster`. Answered `{"ok": true}` once it is on disk, and every page is sent the
/// class as it now is.
pub async fn change(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let mut change: Change = match read_json(&class, body, MAX_JOIN_BYTES).await {
        Ok(change) => change,
        Err(refused) => return refused,
    };
    match &mut change {
        Change::Rename { to, .. } => match class::check_name(to) {
            Ok(name) => *to = name,
            Err(bad) => {
                let why = class.say(bad.message(), &[("max", &class::MAX_NAME_CHARS)]);
                return refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    class.say(ClassMsg::RefuseName, &[("why", &why)]),
                );
            }
        },
        Change::Code { code } => *code = guard::class_code(),
        _ => {}
    }
    if let Some(name) = change.names().find(|name| !class.has_learner(name)) {
        return refuse(
            StatusCode::NOT_FOUND,
            class.say(ClassMsg::RefuseNoLearner, &[("name", &name)]),
        );
    }
    match class.writer.roster(change.clone()).await {
        Ok(roster) if roster.changed == Changed::NameTaken => refuse(
            StatusCode::CONFLICT,
            class.say(ClassMsg::RefuseNameTaken, &[]),
        ),
        Ok(roster) => {
            {
                let mut admission = super::lock(&class.admission);
                match &change {
                    Change::Joining { open } => admission.joining = *open,
                    Change::Code { code } => admission.code = code.clone(),
                    _ => {}
                }
            }
            class.rebuilt(roster);
            let admission = class.admission();
            axum::Json(serde_json::json!({
                "ok": true, "code": admission.code, "joining": admission.joining,
            }))
            .into_response()
        }
        Err(err) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")),
    }
}

/// `class roster --dir DIR ACTION [NAME] [OTHER]`: a change to the roster of the class
/// served from `dir`, sent to its running server with the teacher's token (kept in the
/// class's database), as the page's buttons send it.
pub fn roster(
    dir: &Path,
    action: RosterAction,
    name: Option<&str>,
    other: Option<&str>,
) -> Result<bool> {
    let database = dir.join(DATABASE);
    let path = dir.display();
    if !database.is_file() {
        anyhow::bail!(say(ClassMsg::RosterNoClass, &[("path", &path)]));
    }
    let store = Store::open(&database)?;
    let Some(row) = store.class()? else {
        anyhow::bail!(say(ClassMsg::RosterNoClass, &[("path", &path)]));
    };
    let action_word = format!("{action:?}").to_lowercase();
    let need = |what: Option<&str>| {
        what.map(str::to_string).ok_or_else(|| {
            anyhow::anyhow!(say(ClassMsg::RosterNeedsName, &[("action", &action_word)]))
        })
    };
    let change = match action {
        RosterAction::Remove => json!({"action": "remove", "name": need(name)?}),
        RosterAction::Rename => {
            json!({"action": "rename", "name": need(name)?, "to": need(other)?})
        }
        RosterAction::Merge => {
            json!({"action": "merge", "name": need(name)?, "into": need(other)?})
        }
        RosterAction::Rejoin => json!({"action": "rejoin", "name": need(name)?}),
        RosterAction::Close => json!({"action": "joining", "open": false}),
        RosterAction::Open => json!({"action": "joining", "open": true}),
        RosterAction::NewCode => json!({"action": "code"}),
    };
    let not_serving = || anyhow::anyhow!(say(ClassMsg::RosterNotServing, &[("path", &path)]));
    let url = std::fs::read_to_string(dir.join(ADDRESS)).map_err(|_| not_serving())?;
    let server = Server::parse(url.trim()).ok_or_else(not_serving)?;
    let answer = http::request(
        &server,
        "POST",
        class::ROSTER_PATH,
        Some(&row.teacher_token),
        Some(&change.to_string()),
        workbook::learner::class::send::LIMITS,
    )
    .map_err(|_| not_serving())?;
    let answered: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    if answer.status != 200 {
        let why = answered["error"]
            .as_str()
            .map_or_else(|| class::one_line(&answer.body, 200), str::to_string);
        anyhow::bail!(why);
    }
    // What was done, said of what it changed: the code only when joining is the change.
    let code = answered["code"].as_str().unwrap_or_default();
    let said = match action {
        RosterAction::Remove => ClassMsg::RosterRemoved,
        RosterAction::Rename => ClassMsg::RosterRenamed,
        RosterAction::Merge => ClassMsg::RosterMerged,
        RosterAction::Rejoin => ClassMsg::RosterRejoin,
        _ if answered["joining"] == true => ClassMsg::RosterOpen,
        _ => ClassMsg::RosterClosed,
    };
    let (name, other) = (name.unwrap_or_default(), other.unwrap_or_default());
    println!(
        "{} {}",
        ui::pass_mark(),
        say(said, &[("code", &code), ("name", &name), ("other", &other)])
    );
    Ok(true)
}
