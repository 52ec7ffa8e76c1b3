//! `{ regex = "..." }` parameters: a pattern compiled within minik's limits, and, unless
//! minik's `unicode` feature is on, refused where it would need Unicode's tables.
//!
//! Design note: the regex crate's Unicode tables (Perl classes, `\p{..}`, case folding, word
//! boundaries) are most of its data, and each of their entries is a pointer the dynamic loader
//! relocates when the process starts: about 5,700 relocations, a measurable share of a Lambda
//! cold start, paid by every function whether or not a pattern uses them. So they are linked
//! only with the `unicode` feature. Without it, minik decides itself which patterns need them,
//! from the pattern's syntax tree, rather than leaving it to whatever the regex crate was built
//! with: another crate in the build (a JSON Schema validator, a log filter) may turn the
//! tables on, and a routes file must not be valid in one build and refused in another.

/// Limits on user regexes: a routes file is trusted more than a request, but a pattern such as
/// `[a-z]{1000}{1000}` should be a diagnostic, not a gigabyte of memory at cold start.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const REGEX_NEST_LIMIT: u32 = 64;

pub(crate) use regex::Regex;

/// Why a `{ regex = "..." }` was refused, and where in the pattern (byte range) if known.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RegexError {
    pub(crate) message: String,
    pub(crate) range: Option<std::ops::Range<usize>>,
}

/// Compiles a `{ regex = "..." }` so that it must match the whole segment.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, RegexError> {
    #[cfg(not(feature = "unicode"))]
    if let Some(error) = tables::needs_unicode(pattern) {
        return Err(error);
    }
    let build = |pattern: &str| {
        regex::RegexBuilder::new(pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .nest_limit(REGEX_NEST_LIMIT)
            .build()
    };
    // The pattern as written first, so that an error speaks of what the user wrote, not of
    // the anchored `^(?:...)$` minik compiles.
    build(pattern)
        .and_then(|_| build(&format!("^(?:{pattern})$")))
        .map_err(|error| {
            let message = match error {
                regex::Error::CompiledTooBig(_) => format!(
                    "the compiled pattern is larger than minik's limit of {REGEX_SIZE_LIMIT} bytes"
                ),
                // The crate's message reprints the pattern with a caret, then `error: <what>`:
                // the diagnostic shows the pattern itself, so only what is wrong is kept.
                other => {
                    let text = other.to_string();
                    let last = text.lines().last().unwrap_or_default();
                    last.strip_prefix("error: ").unwrap_or(last).to_owned()
                }
            };
            RegexError {
                message,
                range: None,
            }
        })
}

/// Which patterns need Unicode's tables, decided from their syntax tree.
#[cfg(not(feature = "unicode"))]
mod tables {
    use regex_syntax::ast;

    use super::{REGEX_NEST_LIMIT, RegexError};

    /// The first part of `pattern` that Unicode's tables would compile, as an error pointing to
    /// it; `None` when the pattern needs none (or does not parse: compiling it reports why).
    pub(super) fn needs_unicode(pattern: &str) -> Option<RegexError> {
        let ast = ast::parse::ParserBuilder::new()
            .nest_limit(REGEX_NEST_LIMIT)
            .build()
            .parse(pattern)
            .ok()?;
        let found = ast::visit(&ast, UnicodeUse::default()).err()?;
        let range = found.span.start.offset..found.span.end.offset;
        let part = pattern.get(range.clone()).unwrap_or_default();
        let ascii = format!(", or write `(?-u:{part})`, its ASCII form");
        let (what, instead) = match found.need {
            Need::PerlClass => (format!("`{part}` is a Unicode class here"), ascii),
            Need::WordBoundary => (format!("`{part}` is a Unicode word boundary here"), ascii),
            Need::Property => (format!("`{part}` is a Unicode property"), String::new()),
            Need::CaseFolding => (
                format!("case-insensitive `{part}` folds case in Unicode's way here"),
                ", or make it ASCII-only with `(?i-u)`".to_owned(),
            ),
        };
        Some(RegexError {
            message: format!("{what}: turn on minik's `unicode` feature{instead}"),
            range: Some(range),
        })
    }

    /// A part of a pattern that needs Unicode's tables, and what it needs them for.
    struct Found {
        need: Need,
        span: ast::Span,
    }

    enum Need {
        /// `\d`, `\s`, `\w` and their negations in Unicode mode.
        PerlClass,
        /// `\p{..}`, `\pL`.
        Property,
        /// A literal or a class under `(?i)` in Unicode mode.
        CaseFolding,
        /// `\b`, `\B`, `\<`, `\b{start}`... in Unicode mode.
        WordBoundary,
    }

    /// Walks a pattern with its flags as the regex crate applies them: `(?i)` and `(?-u)` hold
    /// until the end of the group they appear in, and a group's own flags only inside it.
    struct UnicodeUse {
        /// (Unicode mode, case-insensitive), innermost group last.
        flags: Vec<(bool, bool)>,
    }

    impl Default for UnicodeUse {
        fn default() -> Self {
            UnicodeUse {
                flags: vec![(true, false)],
            }
        }
    }

    impl UnicodeUse {
        fn current(&self) -> (bool, bool) {
            self.flags.last().copied().unwrap_or((true, false))
        }

        fn apply(&mut self, flags: &ast::Flags) {
            use ast::Flag;
            let (unicode, insensitive) = self.current();
            let unicode = flags.flag_state(Flag::Unicode).unwrap_or(unicode);
            let insensitive = flags
                .flag_state(Flag::CaseInsensitive)
                .unwrap_or(insensitive);
            if let Some(top) = self.flags.last_mut() {
                *top = (unicode, insensitive);
            }
        }
    }

    impl ast::Visitor for UnicodeUse {
        type Output = ();
        type Err = Found;

        fn finish(self) -> Result<(), Found> {
            Ok(())
        }

        fn visit_pre(&mut self, ast: &ast::Ast) -> Result<(), Found> {
            use ast::{AssertionKind, Ast};
            let (unicode, insensitive) = self.current();
            let found = match ast {
                Ast::Group(group) => {
                    self.flags.push((unicode, insensitive));
                    if let Some(flags) = group.flags() {
                        self.apply(flags);
                    }
                    None
                }
                Ast::Flags(set) => {
                    self.apply(&set.flags);
                    None
                }
                Ast::ClassUnicode(class) if unicode => Some((Need::Property, class.span)),
                Ast::ClassPerl(class) if unicode => Some((Need::PerlClass, class.span)),
                Ast::Literal(literal) if unicode && insensitive => {
                    Some((Need::CaseFolding, literal.span))
                }
                Ast::ClassBracketed(class) if unicode && insensitive => {
                    Some((Need::CaseFolding, class.span))
                }
                Ast::Assertion(assertion) if unicode => match assertion.kind {
                    AssertionKind::StartLine
                    | AssertionKind::EndLine
                    | AssertionKind::StartText
                    | AssertionKind::EndText => None,
                    _ => Some((Need::WordBoundary, assertion.span)),
                },
                _ => None,
            };
            found.map_or(Ok(()), |(need, span)| Err(Found { need, span }))
        }

        fn visit_post(&mut self, ast: &ast::Ast) -> Result<(), Found> {
            if let ast::Ast::Group(_) = ast {
                self.flags.pop();
            }
            Ok(())
        }

        fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), Found> {
            use ast::ClassSetItem;
            let (unicode, _) = self.current();
            match item {
                ClassSetItem::Perl(class) if unicode => Err(Found {
                    need: Need::PerlClass,
                    span: class.span,
                }),
                ClassSetItem::Unicode(class) if unicode => Err(Found {
                    need: Need::Property,
                    span: class.span,
                }),
                _ => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_and_invalid_regexes_are_errors() {
        assert!(
            compile_regex(r"[a-z]{1000}{1000}")
                .unwrap_err()
                .message
                .contains("limit")
        );
        let error = compile_regex("ab[c-").unwrap_err();
        assert!(
            error.message == "unclosed character class",
            "{}",
            error.message
        );
        assert!(compile_regex(&format!("{}a{}", "(".repeat(100), ")".repeat(100))).is_err());
    }

    #[cfg(feature = "unicode")]
    #[test]
    fn regexes_understand_unicode_classes() {
        let regex = compile_regex(r"[\w-]+").unwrap();
        assert!(regex.is_match("café-crème"));
        assert!(!regex.is_match("a b"));
        let greek = compile_regex(r"\p{Greek}+").unwrap();
        assert!(greek.is_match("αβγ"));
        assert!(compile_regex(r"(?i)ada").unwrap().is_match("ADA"));
    }

    /// Without the feature, the patterns that need Unicode's tables are refused, pointing to
    /// the part that does, and those that do not compile and match. The two lists are the
    /// regex crate's own answers when built without its Unicode features. The last four refused
    /// show the flags' scope: a group's flags end with it, and flags set inside a group, with it.
    #[cfg(not(feature = "unicode"))]
    #[test]
    fn without_the_unicode_feature_patterns_that_need_its_tables_are_refused() {
        let refused = [
            (r"\w+", r"\w", "or write `(?-u:\\w)`, its ASCII form"),
            (r"[\w-]+", r"\w", "`\\w` is a Unicode class"),
            (r"97[89]-?\d{10}", r"\d", "`\\d` is a Unicode class"),
            (r"[^\S]", r"\S", "`\\S` is a Unicode class"),
            (r"\bx", r"\b", "Unicode word boundary"),
            (r"(?i)abc", "a", "case-insensitive"),
            (r"(?i)[0-9]", "[0-9]", "case-insensitive"),
            (r"(?i)\.", r"\.", "case-insensitive"),
            (r"\p{Greek}", r"\p{Greek}", "Unicode property"),
            (r"[\pL]", r"\pL", "Unicode property"),
            (r"(?-u:\w)\d", r"\d", "`\\d`"),
            (r"(?-u:(?-u)a)\d", r"\d", "`\\d`"),
            (r"x(?i:a)", "a", "case-insensitive"),
            (r"(?-u)a(?u:\s)", r"\s", "`\\s`"),
        ];
        for (pattern, part, says) in refused {
            let error = compile_regex(pattern).unwrap_err();
            let range = error.range.clone().expect("located");
            assert_eq!(&pattern[range], part, "{pattern}");
            assert!(error.message.contains(says), "{pattern}: {}", error.message);
            assert!(
                error.message.contains("turn on minik's `unicode` feature"),
                "{pattern}"
            );
        }
        let accepted = [
            r"(?-u:\w)+",
            r"(?-u:\b)x",
            r"(?i-u)abc",
            r"[[:word:]]+",
            r"[0-9A-Za-z_-]+",
            ".",
            "[^a]",
            "é",
            "(?i)",
            r"(?i-u:a)b",
            r"(?-u:\d)(?u)x",
        ];
        for pattern in accepted {
            assert!(compile_regex(pattern).is_ok(), "{pattern}");
        }
        let digits = compile_regex(r"(?-u:\d)+").unwrap();
        assert!(digits.is_match("2024"));
        assert!(!digits.is_match("٢٠٢٤"), "ASCII digits only");
        // A pattern that does not parse is reported as the regex crate reports it.
        assert_eq!(
            compile_regex(r"\w{3").unwrap_err().message,
            "unclosed counted repetition"
        );
    }
}
