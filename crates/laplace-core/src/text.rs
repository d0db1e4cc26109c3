//! Text that came from outside (a kernel's report, a manifest, a results
//! file) made safe to show everywhere: the terminal table, the JSON, the
//! SVGs and the Markdown.

/// The longest text field kept from a kernel's report or a results file.
pub const MAX_FIELD: usize = 300;

/// `text` as the table, the JSON, the SVGs and the Markdown can all carry
/// it: control characters (NUL, ESC, line breaks, ...) each become one
/// space, and text beyond `max` characters is cut, ending in `...`.
pub fn bounded_text(text: &str, max: usize) -> String {
    let clean = text.chars().map(|c| if c.is_control() { ' ' } else { c });
    if text.chars().count() <= max {
        clean.collect()
    } else {
        let mut s: String = clean.take(max.saturating_sub(3)).collect();
        s.push_str("...");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_spaces_and_long_text_is_cut() {
        assert_eq!(bounded_text("gcc -O3", 300), "gcc -O3");
        assert_eq!(bounded_text("a\nb\0c\x1b[31m\u{85}", 300), "a b c [31m ");
        let long = bounded_text(&"é".repeat(1000), MAX_FIELD);
        assert_eq!(long.chars().count(), MAX_FIELD);
        assert!(long.ends_with("..."));
    }
}
