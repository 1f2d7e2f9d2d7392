//! `devconsul members | info | reload | leave`: the commands that ask a running agent over
//! its HTTP API, and print what Consul's own CLI prints for them.
//!
//! Why not through consul-ext, the course's one Consul client: these commands stand in for
//! Consul's CLI, so their failures must read as its do (`Error querying agent at …`,
//! `Unexpected response code: …`), and they ask what only a CLI asks (members, reload,
//! leave). The agent answers them through the same routes either way.

use std::fmt::Write as _;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;

/// Where the agent is, for the commands that talk to a running one.
#[derive(Args)]
pub struct ClientArgs {
    /// The agent's HTTP address.
    #[arg(
        long = "http-addr",
        env = "CONSUL_HTTP_ADDR",
        default_value = "http://127.0.0.1:8500"
    )]
    pub http_addr: String,
}

/// The CLI's error when the agent cannot be reached: the innermost cause says why.
fn unreachable_agent(url: &str, error: &reqwest::Error) -> anyhow::Error {
    let cause = devconsul::innermost_cause(error);
    anyhow::anyhow!("Error querying agent at {url}: {cause}")
}

/// The agent's base URL, with `http://` added when missing (as `CONSUL_HTTP_ADDR` often is).
fn base_url(args: &ClientArgs) -> String {
    let address = args.http_addr.trim_end_matches('/');
    if address.contains("://") {
        address.to_string()
    } else {
        format!("http://{address}")
    }
}

/// Sends one request to the agent and returns its body; a status other than 2xx is an
/// error that quotes it, as Consul's CLI does.
async fn request(args: &ClientArgs, method: reqwest::Method, path: &str) -> anyhow::Result<String> {
    let url = format!("{}{path}", base_url(args));
    let response = reqwest::Client::new()
        .request(method, &url)
        .send()
        .await
        .map_err(|e| unreachable_agent(&url, &e))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        bail!("Unexpected response code: {} ({body})", status.as_u16());
    }
    Ok(body)
}

async fn get(args: &ClientArgs, path: &str) -> anyhow::Result<Value> {
    let body = request(args, reqwest::Method::GET, path).await?;
    serde_json::from_str(&body).context("the agent's answer is not JSON")
}

pub async fn put(args: &ClientArgs, path: &str) -> anyhow::Result<()> {
    request(args, reqwest::Method::PUT, path).await.map(drop)
}

pub async fn members(args: &ClientArgs) -> anyhow::Result<()> {
    let members = get(args, "/v1/agent/members").await?;
    let self_ = get(args, "/v1/agent/self").await?;
    let version = self_["Config"]["Version"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let mut rows = vec![
        [
            "Node",
            "Address",
            "Status",
            "Type",
            "Build",
            "Protocol",
            "DC",
            "Partition",
            "Segment",
        ]
        .map(String::from),
    ];
    for member in members.as_array().into_iter().flatten() {
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        rows.push([
            text(&member["Name"]),
            format!("{}:{}", text(&member["Addr"]), member["Port"]),
            match member["Status"].as_u64() {
                Some(1) => "alive",
                Some(2) => "leaving",
                Some(3) => "left",
                Some(4) => "failed",
                _ => "none",
            }
            .into(),
            if member["Tags"]["role"] == "consul" {
                "server"
            } else {
                "client"
            }
            .into(),
            version.clone(),
            member["ProtocolCur"].to_string(),
            text(&member["Tags"]["dc"]),
            "default".into(),
            "<all>".into(),
        ]);
    }
    let widths: Vec<usize> = (0..9)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(line, "{cell:width$}  ");
        }
        println!("{}", line.trim_end());
    }
    Ok(())
}

pub async fn info(args: &ClientArgs) -> anyhow::Result<()> {
    let self_ = get(args, "/v1/agent/self").await?;
    let Some(stats) = self_["Stats"].as_object() else {
        bail!("the agent reported no stats")
    };
    for (section, values) in stats {
        println!("{section}:");
        for (key, value) in values.as_object().into_iter().flatten() {
            println!(
                "\t{key} = {}",
                value
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| value.to_string())
            );
        }
    }
    Ok(())
}
