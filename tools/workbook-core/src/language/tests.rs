use super::*;

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    }
}

#[test]
fn the_flag_beats_the_setting_beats_the_locale() {
    let chinese_shell = [("LANG", "zh_CN.UTF-8")];
    let flag = choose(Some(Lang::En), Some(Lang::ZhCn), env(&chinese_shell));
    assert_eq!(flag, (Lang::En, Source::Flag));
    let remembered = choose(None, Some(Lang::En), env(&chinese_shell));
    assert_eq!(remembered, (Lang::En, Source::Remembered));
    let shell = choose(None, None, env(&chinese_shell));
    assert_eq!(shell, (Lang::ZhCn, Source::Environment));
    assert_eq!(choose(None, None, env(&[])), (Lang::En, Source::Default));
}

#[test]
fn reads_the_locale_as_gettext_does() {
    let lang = |vars: &[(&str, &str)]| choose(None, None, env(vars)).0;
    assert_eq!(lang(&[("LC_ALL", "zh_TW.UTF-8")]), Lang::ZhCn);
    assert_eq!(
        lang(&[("LANGUAGE", "zh_CN:en"), ("LANG", "en_GB")]),
        Lang::ZhCn
    );
    assert_eq!(
        lang(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN")]),
        Lang::En
    );
    assert_eq!(lang(&[("LANG", "C")]), Lang::En);
    // GNU gettext ignores LANGUAGE under the C locale.
    assert_eq!(lang(&[("LANGUAGE", "zh_CN"), ("LANG", "C")]), Lang::En);
    assert_eq!(lang(&[("LANG", "")]), Lang::En);
    assert_eq!(lang(&[("LANG", "fr_FR.UTF-8")]), Lang::En);
}

#[test]
fn parses_what_a_learner_types() {
    assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("zh"), Some(Lang::ZhCn));
    assert_eq!(Lang::parse("EN"), Some(Lang::En));
    assert_eq!(Lang::parse("de"), None);
    let err = Lang::from_arg("de").unwrap_err().to_string();
    assert!(err.contains("zh-CN"), "{err}");
    assert_eq!(Lang::parse(Lang::ZhCn.code()), Some(Lang::ZhCn));
}
