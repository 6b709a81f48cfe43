//! The one public error type: a kind to match on, a message, an optional source location and
//! a trail of context ("in base ../base").
//!
//! `Display` prints one line, `path:line:col: message`, keeping kustomize's key phrase in the
//! message so scripts that grep for it keep working.

use std::fmt;
use std::sync::Arc;

use crate::source::{LineCol, SourceFile, Span};

/// What went wrong, for code that needs to react to a class of failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not valid YAML, or not YAML kustomize accepts (duplicate keys, tabs...).
    Yaml,
    /// A budget on input size, nesting depth or alias expansion was exceeded.
    Limit,
    /// A file or directory could not be read or does not exist.
    Io,
    /// A kustomization file is malformed (unknown field, wrong type, bad apiVersion...).
    Kustomization,
    /// A resource document is malformed (missing kind or name...).
    Resource,
    /// Two resources share one id.
    DuplicateId,
    /// Kustomizations include each other in a cycle.
    Cycle,
    /// A file lies outside the kustomization root under `LoadRestrictionsRootOnly`.
    LoadRestriction,
    /// The rendered tree cannot be printed (e.g. `.inf` has no JSON form).
    Emit,
    /// The input asks for something Strata does not support.
    Unsupported,
    /// An argument given to the library is malformed (a `--set-image` value...).
    Argument,
    /// An external tool the render called through a trait failed (`helm template`...).
    External,
    /// A SOPS-encrypted input cannot be decrypted: no matching key, a tampered value, a MAC
    /// mismatch.
    Decrypt,
}

/// Which stage of a kustomization's accumulation an error arose in; kustomize names it
/// before the message (`accumulating resources: ...`, api/internal/target/kusttarget.go).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Loading `resources:` (files, bases, remote resources).
    Resources,
    /// Loading `components:`.
    Components,
}

impl Stage {
    /// Returns kustomize's phrase for the stage, as it starts an error message.
    fn phrase(self) -> &'static str {
        match self {
            Stage::Resources => "accumulating resources: ",
            Stage::Components => "accumulating components: ",
        }
    }

    /// Returns the kustomization field the stage reads.
    pub(crate) fn field(self) -> &'static str {
        match self {
            Stage::Resources => "resources",
            Stage::Components => "components",
        }
    }
}

/// A position in a source file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Location {
    /// The file's display path.
    pub path: String,
    /// Line and column (one-based).
    pub line_col: LineCol,
    /// The byte span in the file.
    pub span: Span,
}

impl Location {
    /// Returns the location of `span` in `file`.
    pub fn new(file: &SourceFile, span: Span) -> Location {
        Location {
            path: file.path.clone(),
            line_col: file.line_col(span.start),
            span,
        }
    }
}

struct Inner {
    kind: ErrorKind,
    stage: Option<Stage>,
    message: String,
    location: Option<Location>,
    /// The file an error without a position concerns.
    path: Option<String>,
    source_file: Option<Arc<SourceFile>>,
    context: Vec<String>,
}

/// An error from loading, building or printing a kustomization.
pub struct Error {
    inner: Box<Inner>,
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Returns an error of `kind` with `message` and no location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                stage: None,
                message: message.into(),
                location: None,
                path: None,
                source_file: None,
                context: Vec::new(),
            }),
        }
    }

    /// Returns an error located at `span` of `file`.
    pub fn at(
        kind: ErrorKind,
        message: impl Into<String>,
        file: &Arc<SourceFile>,
        span: Span,
    ) -> Error {
        let mut e = Error::new(kind, message);
        e.inner.location = Some(Location::new(file, span));
        e.inner.source_file = Some(Arc::clone(file));
        e
    }

    /// Returns an error that concerns `file` as a whole: the file is named, but no line or
    /// column is claimed (printed `path: message`).
    pub fn in_file(kind: ErrorKind, message: impl Into<String>, file: &Arc<SourceFile>) -> Error {
        let mut e = Error::new(kind, message);
        e.inner.path = Some(file.path.clone());
        e
    }

    /// Names the file at `path` as the one the error concerns, without claiming a line or
    /// column (for documents that are built rather than parsed, and so have no spans).
    pub(crate) fn with_path(mut self, path: impl Into<String>) -> Error {
        if self.inner.location.is_none() {
            self.inner.path = Some(path.into());
        }
        self
    }

    /// Marks the error as arising in `stage`, with kustomize's phrase for it before the
    /// message, unless an inner stage already claimed it (a base's own `resources:` error
    /// keeps the phrase it was made with).
    pub(crate) fn in_stage(mut self, stage: Stage) -> Error {
        if self.inner.stage.is_none() {
            self.inner.stage = Some(stage);
            self.inner.message.insert_str(0, stage.phrase());
        }
        self
    }

    /// Appends `suffix` to the message (kustomize's wording, such as `: <id>` after a
    /// duplicate-id message).
    pub(crate) fn with_suffix(mut self, suffix: &str) -> Error {
        self.inner.message.push_str(suffix);
        self
    }

    /// Names `file` as the file the error concerns if it has no location or file yet, without
    /// claiming a line or column.
    pub(crate) fn with_file(mut self, file: &Arc<SourceFile>) -> Error {
        if self.inner.location.is_none() && self.inner.path.is_none() {
            self.inner.path = Some(file.path.clone());
        }
        self
    }

    /// Sets the location if none is set yet.
    pub fn with_location(mut self, location: Location) -> Error {
        if self.inner.location.is_none() {
            self.inner.location = Some(location);
        }
        self
    }

    /// Puts `prefix` before the message (kustomize's wording for where an error arose, such
    /// as `invalid Kustomization: `).
    pub fn with_prefix(mut self, prefix: &str) -> Error {
        self.inner.message.insert_str(0, prefix);
        self
    }

    /// Adds a context line ("in base ../base"), innermost first.
    pub fn with_context(mut self, context: impl Into<String>) -> Error {
        self.inner.context.push(context.into());
        self
    }

    /// Returns the kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Returns the accumulation stage the error arose in, if it is one of those kustomize
    /// names.
    pub fn stage(&self) -> Option<Stage> {
        self.inner.stage
    }

    /// Returns the message without location or context.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Returns where the error was found, if known.
    pub fn location(&self) -> Option<&Location> {
        self.inner.location.as_ref()
    }

    /// Returns the path of the file the error concerns: its location's, or the file an error
    /// without a position names.
    pub fn path(&self) -> Option<&str> {
        match &self.inner.location {
            Some(l) => Some(&l.path),
            None => self.inner.path.as_deref(),
        }
    }

    /// Returns the source file the location points into, when it was kept.
    pub fn source_file(&self) -> Option<&SourceFile> {
        self.inner.source_file.as_deref()
    }

    /// Returns the context trail, innermost first.
    pub fn context(&self) -> &[String] {
        &self.inner.context
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.inner.location {
            write!(f, "{}:{}: ", loc.path, loc.line_col)?;
        } else if let Some(path) = &self.inner.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.inner.message)?;
        for c in &self.inner.context {
            write!(f, " ({c})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("stage", &self.inner.stage)
            .field("message", &self.inner.message)
            .field("location", &self.inner.location)
            .field("path", &self.inner.path)
            .field("context", &self.inner.context)
            .finish()
    }
}

impl std::error::Error for Error {}

/// A YAML error keeps its message and position; its kind maps to the library's: syntax and
/// type errors are [`ErrorKind::Yaml`] (go-yaml reports both as `yaml: ...`), exceeded budgets
/// [`ErrorKind::Limit`], unprintable trees [`ErrorKind::Emit`].
impl From<strata_yaml::Error> for Error {
    fn from(e: strata_yaml::Error) -> Error {
        let (kind, message, file, span) = e.into_parts();
        let kind = match kind {
            strata_yaml::ErrorKind::Budget => ErrorKind::Limit,
            strata_yaml::ErrorKind::Emit => ErrorKind::Emit,
            _ => ErrorKind::Yaml,
        };
        match (file, span) {
            (Some(file), Some(span)) => Error::at(kind, message, &file, span),
            (Some(file), None) => Error::in_file(kind, message, &file),
            (None, _) => Error::new(kind, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14 item 10: an error without a position names its file and claims no line or
    /// column, instead of a fake `1:1`.
    #[test]
    fn an_error_without_a_position_names_only_its_file() {
        let file = SourceFile::new("/k/kustomization.yaml", "a: 1\nb: 2\n");
        let e = Error::in_file(ErrorKind::Kustomization, "bad", &file);
        assert_eq!(e.to_string(), "/k/kustomization.yaml: bad");
        assert!(e.location().is_none());
        assert_eq!(e.path(), Some("/k/kustomization.yaml"));
        let at = Error::at(ErrorKind::Kustomization, "bad", &file, Span::new(5, 6));
        assert_eq!(at.to_string(), "/k/kustomization.yaml:2:1: bad");
        assert_eq!(at.with_suffix(": x").message(), "bad: x");
    }

    /// A YAML error keeps its position (and the file, for snippets) and maps its kind.
    #[test]
    fn yaml_errors_convert_with_their_position_and_kind() {
        use strata_yaml::ErrorKind as Yaml;
        let file = SourceFile::new("/k/r.yaml", "a: 1\nb: [\n");
        let cases = [
            (
                strata_yaml::Error::at(Yaml::Syntax, "yaml: bad", &file, Span::new(5, 6)),
                ErrorKind::Yaml,
                "/k/r.yaml:2:1: yaml: bad",
            ),
            (
                strata_yaml::Error::in_file(Yaml::Budget, "too big", &file),
                ErrorKind::Limit,
                "/k/r.yaml: too big",
            ),
            (
                strata_yaml::Error::new(Yaml::Type, "yaml: cannot decode"),
                ErrorKind::Yaml,
                "yaml: cannot decode",
            ),
            (
                strata_yaml::Error::new(Yaml::Emit, "json: unsupported value: NaN"),
                ErrorKind::Emit,
                "json: unsupported value: NaN",
            ),
        ];
        for (yaml, kind, display) in cases {
            let positioned = yaml.span().is_some();
            let e = Error::from(yaml);
            assert_eq!(e.kind(), kind, "{display}");
            assert_eq!(e.to_string(), display);
            assert_eq!(e.location().is_some(), positioned, "{display}");
            assert_eq!(e.source_file().is_some(), positioned, "{display}");
        }
    }

    /// The stage is set where the error is made, and kustomize's phrase for it is
    /// written once, by the innermost stage.
    #[test]
    fn the_innermost_stage_names_the_error() {
        let e = Error::new(ErrorKind::Io, "'x' doesn't exist");
        assert_eq!(e.stage(), None);
        let e = e.in_stage(Stage::Components).in_stage(Stage::Resources);
        assert_eq!(e.stage(), Some(Stage::Components));
        assert_eq!(e.message(), "accumulating components: 'x' doesn't exist");
    }
}
