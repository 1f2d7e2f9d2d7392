use super::*;

const GLOSSARY: &str = "| English | 中文 |\n|---|---|\n\
    | on the wire | 网络上传输的（不用“线上”：它读作“生产环境”） |\n\
    | agent (Consul) | agent（不译：“代理”是 proxy） |\n\
    | proxy | 代理 |\n\
    | broker (go-micro, NATS) | 消息中间件（broker；不用“代理”：那是 proxy） |\n\
    | retry | 重试 |\n";

#[test]
fn reads_both_forms_of_the_rule_once_per_word() {
    let words = avoided_words(GLOSSARY);
    assert_eq!(
        words,
        vec![
            AvoidedWord {
                word: "线上".into(),
                only_for: None,
                term: "on the wire".into()
            },
            AvoidedWord {
                word: "代理".into(),
                only_for: Some("proxy".into()),
                term: "agent (Consul)".into()
            },
        ]
    );
}

#[test]
fn a_word_is_misused_only_where_its_english_does_not_allow_it() {
    let words = avoided_words(GLOSSARY);
    let misused_words = |en: &str, zh: &str| -> Vec<String> {
        misused(&words, en, zh)
            .iter()
            .map(|w| w.word.clone())
            .collect()
    };
    assert_eq!(misused_words("the agent", "Consul 代理"), ["代理"]);
    assert_eq!(
        misused_words("through proxies", "经过代理"),
        Vec::<String>::new()
    );
    assert_eq!(
        misused_words("a logging proxy", "中间代理"),
        Vec::<String>::new()
    );
    assert_eq!(misused_words("on the wire", "线上的字节"), ["线上"]);
    assert_eq!(
        misused_words("the agent", "Consul agent"),
        Vec::<String>::new()
    );
}

#[test]
fn a_word_the_english_quotes_as_it_is_is_a_quotation_not_a_translation() {
    let words = avoided_words(GLOSSARY);
    let misused_words = |en: &str, zh: &str| -> Vec<String> {
        misused(&words, en, zh)
            .iter()
            .map(|w| w.word.clone())
            .collect()
    };
    let english = "the service runs on one server (\"线上部署\")";
    assert_eq!(
        misused_words(english, "服务运行在一台服务器上（“线上部署”）"),
        Vec::<String>::new()
    );
    // The quotation once, and the word once more of the translator's own.
    assert_eq!(
        misused_words(english, "线上的服务运行在一台服务器上（“线上部署”）"),
        ["线上"]
    );
}
