//! Parameter types by name, for path and query parameters alike: minik's own (`int`, `uuid`,
//! ...), regexes, and the types the app registers with `AppBuilder::param_type`.
//!
//! Design note: a registered type is known only to the code. `App::build` knows every one and
//! treats an unknown name as a mistake; `minik check` reads the file alone, so it treats a name
//! it does not know as a warning (the app may register it) unless the name is a typo of one of
//! minik's own (`integer`, `boolen`), which no app would register.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::Compiler;
use crate::config::{Located, TypeDecl};
use crate::diagnostic::{Diagnostic, DiagnosticKind, list_with, suggestion};
use crate::router::{CustomType, Matcher, ParamType, compile_regex};

/// What the app registered in code that the routes file names: parameter types, and schema
/// files embedded in the binary.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub(crate) custom: HashMap<String, Arc<CustomType>>,
    /// Schema files by the path the routes file gives, their text embedded in the binary.
    pub(crate) schemas: HashMap<String, String>,
    /// Every registration is known (`App::build`), not only the file (`minik check`).
    pub(crate) complete: bool,
}

impl Registry {
    /// What `minik check` knows: no registration at all.
    pub(crate) fn unknown() -> Self {
        Registry::default()
    }
}

/// A resolved type: what to declare, and how to parse a value (none for `str` and `path`, which
/// take any text).
pub(crate) type Resolved = (ParamType, Option<Matcher>);

impl Compiler<'_, '_> {
    /// The type `decl` names, compiled; `None` when it is a mistake (reported).
    pub(super) fn resolve_type(
        &mut self,
        decl: &TypeDecl<'_>,
        span: &Range<usize>,
    ) -> Option<Resolved> {
        match decl {
            TypeDecl::Named(name) => self.named_type(name, span),
            TypeDecl::Regex(pattern) => {
                if !self.regexes.contains_key(pattern.as_ref()) {
                    match compile_regex(pattern) {
                        Ok(regex) => {
                            let compiled = Arc::new((pattern.to_string(), regex));
                            self.regexes.insert(pattern.to_string(), compiled);
                        }
                        Err(error) => {
                            let span = match error.range {
                                Some(range) => self.source.inner_span(span, pattern, range),
                                None => span.clone(),
                            };
                            let message = format!("invalid regex: {}", error.message);
                            self.error(DiagnosticKind::InvalidRegex, span, message);
                            return None;
                        }
                    }
                }
                let regex = Arc::clone(&self.regexes[pattern.as_ref()]);
                Some((
                    ParamType::Regex(pattern.to_string()),
                    Some(Matcher::Regex(regex)),
                ))
            }
        }
    }

    fn named_type(&mut self, name: &str, span: &Range<usize>) -> Option<Resolved> {
        let builtin = |ty: ParamType| {
            let matcher = match ty {
                ParamType::Int => Some(Matcher::Int),
                ParamType::Float => Some(Matcher::Float),
                ParamType::Bool => Some(Matcher::Bool),
                ParamType::Uuid => Some(Matcher::Uuid),
                _ => None,
            };
            Some((ty, matcher))
        };
        if let Some(ty) = ParamType::from_name(name) {
            return builtin(ty);
        }
        let located = Located {
            value: name.to_owned().into(),
            span: span.clone(),
        };
        if let Some(custom) = self.types.custom.get(name) {
            self.used_types.push(located);
            let matcher = Matcher::Custom(Arc::clone(custom));
            return Some((ParamType::Custom(name.to_owned()), Some(matcher)));
        }
        let registered: Vec<&str> = self.types.custom.keys().map(String::as_str).collect();
        let mut known: Vec<&str> = ParamType::NAMES.to_vec();
        known.extend(registered.iter().copied());
        let typo_of_builtin = suggestion(name, ParamType::NAMES);
        let could_be_registered = name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !self.types.complete && typo_of_builtin.is_none() && could_be_registered {
            // `minik check` cannot see what the app registers: a name it does not know may be
            // one, and routes through it as any text would.
            let message = format!(
                "`{name}` is not one of minik's parameter types: the app must register it with `.param_type(\"{name}\", ..)` (`minik check` does not see the code)"
            );
            let warning = Diagnostic::at(
                DiagnosticKind::UnknownType,
                self.source,
                span.clone(),
                message,
            );
            self.diagnostics.push(warning.into_warning());
            let custom = Arc::new(CustomType {
                name: name.to_owned(),
                accepts: Box::new(|_| true),
            });
            self.used_types.push(located);
            return Some((
                ParamType::Custom(name.to_owned()),
                Some(Matcher::Custom(custom)),
            ));
        }
        let mut message = format!("unknown parameter type `{name}`");
        let expected = || {
            let others =
                Some("a table `{ regex = \"...\" }`, or a type registered with `.param_type(..)`");
            format!(", expected {}", list_with(ParamType::NAMES, others))
        };
        message.push_str(&suggestion(name, &known).unwrap_or_else(expected));
        self.error(DiagnosticKind::UnknownType, span.clone(), message);
        None
    }
}
