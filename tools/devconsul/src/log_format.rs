//! The agent's log lines as Consul writes them (`2026-11-23T10:00:00.000Z [INFO]  agent:
//! message: key=value`), so that what a learner sees matches Consul's own documentation.

use std::fmt;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .event_format(ConsulFormat)
        .init();
}

/// Consul's log line: `2024-05-01T10:00:00.000Z [INFO]  agent: Synced service: service=web`.
struct ConsulFormat;

impl<S, N> FormatEvent<S, N> for ConsulFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        SystemTime.format_time(&mut writer)?;
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => "[ERROR]",
            tracing::Level::WARN => "[WARN] ",
            tracing::Level::INFO => "[INFO] ",
            tracing::Level::DEBUG => "[DEBUG]",
            tracing::Level::TRACE => "[TRACE]",
        };
        let mut fields = KeyValues::default();
        event.record(&mut fields);
        write!(
            writer,
            " {level} {}: {}",
            event.metadata().target(),
            fields.message
        )?;
        if !fields.pairs.is_empty() {
            write!(writer, ": {}", fields.pairs.join(" "))?;
        }
        writeln!(writer)
    }
}

/// An event's message and its other fields as `key=value`.
#[derive(Default)]
struct KeyValues {
    message: String,
    pairs: Vec<String>,
}

impl Visit for KeyValues {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.pairs.push(format!("{}={value}", field.name()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.pairs.push(format!("{}={value:?}", field.name()));
        }
    }
}
