//! The crate's error: a kind to match on, go-yaml's message, and where the problem is when
//! that is known.
//!
//! `Display` prints one line: `path:line:col: message` when the error has a position,
//! `path: message` when it concerns a whole file (an input over the size budget), and the
//! bare message otherwise. A caller that has more context (which base, which patch) wraps
//! the error in its own type; `strata::Error` does so with `From`.

use std::fmt;
use std::sync::Arc;

use crate::emit::EmitError;
use crate::resolve::ResolveError;
use crate::source::{LineCol, SourceFile, Span};

/// What went wrong, for code that needs to react to a class of failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not YAML go-yaml accepts (a scanner error, a duplicate key, an unknown
    /// anchor, more than one document where one is expected...).
    Syntax,
    /// go-yaml's scanner or parser stopped at a line: the `yaml: line N: …` errors, which
    /// kustomize reports as a `MalformedYAMLError` when they come from a resource file.
    Malformed,
    /// A budget the caller set ([`crate::parse::Limits`]: input size, nesting depth, nodes
    /// created by alias expansion) was exceeded.
    Budget,
    /// A scalar does not decode as its tag says (`!!int abc`, bad `!!binary` data) or has no
    /// form in the output (a timestamp outside years 0 to 9999).
    Type,
    /// A tree cannot be printed the way kustomize prints it (`.nan` has no JSON form, a
    /// control character in a key...).
    Emit,
}

/// A YAML error: its kind, its message and, when known, the file and position.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    file: Option<Arc<SourceFile>>,
    span: Option<Span>,
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Returns an error of `kind` with `message`, naming no file and no position.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                file: None,
                span: None,
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
        e.inner.file = Some(Arc::clone(file));
        e.inner.span = Some(span);
        e
    }

    /// Returns an error that concerns `file` as a whole: the file is named, but no line or
    /// column is claimed.
    pub fn in_file(kind: ErrorKind, message: impl Into<String>, file: &Arc<SourceFile>) -> Error {
        let mut e = Error::new(kind, message);
        e.inner.file = Some(Arc::clone(file));
        e
    }

    /// Returns the kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Returns the message without file or position.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Returns the file the error concerns, if known.
    pub fn file(&self) -> Option<&Arc<SourceFile>> {
        self.inner.file.as_ref()
    }

    /// Returns the byte span the error points at, if known: in [`Error::file`] when the file is
    /// known too (a printer's error knows the node but not its file).
    pub fn span(&self) -> Option<Span> {
        self.inner.span
    }

    /// Returns the line and column of the position, if the error has one.
    pub fn line_col(&self) -> Option<LineCol> {
        match (&self.inner.file, self.inner.span) {
            (Some(file), Some(span)) => Some(file.line_col(span.start)),
            _ => None,
        }
    }

    /// Returns the kind, the message, the file and the span, for a caller that wraps the
    /// error in its own type.
    pub fn into_parts(self) -> (ErrorKind, String, Option<Arc<SourceFile>>, Option<Span>) {
        let inner = *self.inner;
        (inner.kind, inner.message, inner.file, inner.span)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.inner.file {
            match self.line_col() {
                Some(lc) => write!(f, "{}:{lc}: ", file.path)?,
                None => write!(f, "{}: ", file.path)?,
            }
        }
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .field("path", &self.inner.file.as_ref().map(|file| &file.path))
            .field("span", &self.inner.span)
            .finish()
    }
}

impl std::error::Error for Error {}

/// A scalar go-yaml cannot decode is a [`ErrorKind::Type`] error worded as go-yaml words it
/// (`yaml: cannot decode ...`); one `encoding/json` cannot marshal is an [`ErrorKind::Emit`]
/// error. Neither names a file: the scalar does not know which file it came from.
impl From<ResolveError> for Error {
    fn from(e: ResolveError) -> Error {
        match e {
            ResolveError::Decode(m) => Error::new(ErrorKind::Type, format!("yaml: {m}")),
            ResolveError::Marshal(m) => Error::new(ErrorKind::Emit, m),
        }
    }
}

/// A tree the printer refuses is an [`ErrorKind::Emit`] error. The node's span is kept, but
/// without a file it claims no line or column.
impl From<EmitError> for Error {
    fn from(e: EmitError) -> Error {
        let mut out = Error::new(ErrorKind::Emit, e.message);
        out.inner.span = Some(e.span);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_claims_a_position_only_when_it_has_one() {
        let file = SourceFile::new("/k/a.yaml", "a: 1\nb: 2\n");
        let cases = [
            (
                Error::at(ErrorKind::Syntax, "bad", &file, Span::new(5, 6)),
                "/k/a.yaml:2:1: bad",
                Some(LineCol { line: 2, column: 1 }),
            ),
            (
                Error::in_file(ErrorKind::Budget, "too big", &file),
                "/k/a.yaml: too big",
                None,
            ),
            (Error::new(ErrorKind::Type, "no file"), "no file", None),
            (
                Error::from(EmitError {
                    message: "json: unsupported value: NaN".into(),
                    span: Span::new(3, 6),
                }),
                "json: unsupported value: NaN",
                None,
            ),
        ];
        for (e, display, line_col) in cases {
            assert_eq!(e.to_string(), display);
            assert_eq!(e.line_col(), line_col, "{display}");
        }
    }

    #[test]
    fn value_errors_keep_go_yamls_wording_and_get_a_kind() {
        let decode = Error::from(ResolveError::Decode(
            "cannot decode !!str `abc` as a !!int".into(),
        ));
        assert_eq!(decode.kind(), ErrorKind::Type);
        assert_eq!(
            decode.message(),
            "yaml: cannot decode !!str `abc` as a !!int"
        );
        let marshal = Error::from(ResolveError::Marshal("json: bad zone".into()));
        assert_eq!(marshal.kind(), ErrorKind::Emit);
        assert_eq!(marshal.message(), "json: bad zone");
    }
}
