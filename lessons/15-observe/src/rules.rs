//! Alerting rules: what Prometheus watches for by itself, so that nobody has to watch a
//! graph.
//!
//! A rule is a PromQL expression that Prometheus evaluates every `evaluation_interval`. Each
//! series it returns is an alert: *pending* at first, *firing* once the expression has kept
//! returning that series for the rule's `for`, and gone as soon as it stops. Prometheus shows
//! its alerts as the series `ALERTS{alertname, alertstate, …}` and hands the firing ones to an
//! Alertmanager, which pages a person. Rules live in the files a configuration names
//! (`rule_files`), and `promtool test rules` plays made-up series through them, which is how
//! a rule is tested before it wakes anyone.

use std::time::Duration;

use serde_json::json;

// ANCHOR: rule
/// One alerting rule, as a rule file writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    /// The alert's name (the label `alertname`): what the person paged reads first.
    pub name: String,
    /// The PromQL expression: each series it returns is an alert, with that series' labels.
    pub expr: String,
    /// How long the expression must keep returning a series before its alert fires (the
    /// rule's `for`); zero fires at the first evaluation that returns it.
    pub hold: Duration,
}
// ANCHOR_END: rule

// ANCHOR: rule_file
/// A rule file holding `rules` in one group named `group`, as Prometheus reads it. It is
/// written as JSON, which is YAML too, so that an expression's quotes and braces need no
/// care.
pub fn rule_file(group: &str, rules: &[AlertRule]) -> String {
    let rules: Vec<_> = rules
        .iter()
        .map(|rule| json!({"alert": rule.name, "expr": rule.expr, "for": duration(rule.hold)}))
        .collect();
    let file = json!({"groups": [{"name": group, "rules": rules}]});
    serde_json::to_string_pretty(&file).expect("JSON of strings")
}
// ANCHOR_END: rule_file

/// `hold` as Prometheus writes a duration: `90s`, or `1500ms` below a whole second.
fn duration(hold: Duration) -> String {
    match hold.subsec_millis() {
        0 => format!("{}s", hold.as_secs()),
        _ => format!("{}ms", hold.as_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_file_holds_each_rule_with_its_for() {
        let rule = AlertRule {
            name: "Down".to_string(),
            expr: r#"up{job="micro"} == 0"#.to_string(),
            hold: Duration::from_millis(1500),
        };
        let file: serde_json::Value = serde_json::from_str(&rule_file("lab", &[rule])).unwrap();
        let expected = json!({"groups": [{"name": "lab", "rules": [
            {"alert": "Down", "expr": "up{job=\"micro\"} == 0", "for": "1500ms"},
        ]}]});
        assert_eq!(file, expected);
        assert_eq!(duration(Duration::from_secs(60)), "60s");
    }
}
